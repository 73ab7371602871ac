import {
  ERR_WRONGPASS,
  ERR_HELLO_PROTOCOL_NOT_INTEGER,
  ERR_NOPROTO,
  ERR_HELLO_SYNTAX,
  ERR_HELLO_NOAUTH,
  EMPTY_ARRAY,
  bulk,
  error,
  integer,
  map,
  type Reply,
} from '../../resp/index.js';
import { defineCommand } from '../define.js';
import { ERR_CLIENT_NAME, NO_SESSION, isValidClientName, sessionOf } from '../session.js';
import { fail } from '../typed.js';
import type { CommandContext } from '../types.js';

/** The version this server reports (HELLO, INFO): the Redis release whose behaviour it follows. */
export const REDIS_VERSION = '7.0.15';

/**
 * HELLO [protover [AUTH username password] [SETNAME clientname]] — switches protocol, optionally
 * authenticates and names the connection, and replies with the server's facts as a map.
 */
interface HelloArgs {
  readonly version: 2 | 3 | undefined;
  readonly credentials: readonly [string, string] | undefined;
  readonly name: string | undefined;
}

export const hello = defineCommand({
  name: 'hello',
  parse(args): HelloArgs {
    let version: 2 | 3 | undefined;
    if (!args.done) {
      const v = args.int64(ERR_HELLO_PROTOCOL_NOT_INTEGER);
      if (typeof v !== 'number') return fail(ERR_HELLO_PROTOCOL_NOT_INTEGER);
      if (v < 2 || v > 3) return fail(ERR_NOPROTO);
      version = v === 2 ? 2 : 3;
    }
    let credentials: readonly [string, string] | undefined;
    let name: string | undefined;
    while (!args.done) {
      const operands = args.remaining - 1;
      if (operands >= 2 && args.option('AUTH')) {
        credentials = [args.string(), args.string()];
      } else if (operands >= 1 && args.option('SETNAME')) {
        name = args.string();
        if (!isValidClientName(name)) return fail(ERR_CLIENT_NAME);
      } else {
        return fail(ERR_HELLO_SYNTAX(args.string()));
      }
    }
    return { version, credentials, name };
  },
  apply(ctx, { version, credentials, name }) {
    const session = sessionOf(ctx);
    if (session === undefined) return NO_SESSION;
    if (credentials !== undefined && !session.authenticate(credentials[0], credentials[1])) {
      return error(ERR_WRONGPASS);
    }
    if (!session.authenticated) return error(ERR_HELLO_NOAUTH);
    if (name !== undefined) session.name = name;
    if (version !== undefined) session.setProtocol(version);
    return helloReply(ctx);
  },
});

function helloReply(ctx: CommandContext): Reply {
  return map([
    [bulk('server'), bulk('redis')],
    [bulk('version'), bulk(REDIS_VERSION)],
    [bulk('proto'), integer(ctx.client.protocol)],
    [bulk('id'), integer(ctx.client.id)],
    [bulk('mode'), bulk('standalone')],
    [bulk('role'), bulk(roleOf(ctx))],
    [bulk('modules'), EMPTY_ARRAY],
  ]);
}

/** The replication room's current role; a server without one is a master. */
function roleOf(ctx: CommandContext): string {
  return ctx.server.replication?.role() ?? 'master';
}
