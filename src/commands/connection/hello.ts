import { ERR_WRONGPASS, EMPTY_ARRAY, bulk, error, integer, map, type Reply } from '../../resp/index.js';
import { isOption, parseInt64 } from '../args.js';
import { ERR_CLIENT_NAME, NO_SESSION, isValidClientName, sessionOf } from '../session.js';
import type { CommandContext, CommandSpec } from '../types.js';

/** The version this server reports (HELLO, INFO): the Redis release whose behaviour it follows. */
export const REDIS_VERSION = '7.0.15';

const ERR_HELLO_NOAUTH =
  'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time';

/**
 * HELLO [protover [AUTH username password] [SETNAME clientname]] — switches protocol, optionally
 * authenticates and names the connection, and replies with the server's facts as a map.
 */
export const hello: CommandSpec = {
  name: 'hello',
  arity: -1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  categories: ['fast', 'connection'],
  run(ctx, argv): Reply {
    const session = sessionOf(ctx);
    if (session === undefined) return NO_SESSION;
    let version: 2 | 3 | undefined;
    if (argv.length >= 2) {
      const v = parseInt64(argv[1] as string);
      if (typeof v !== 'number') return error('ERR Protocol version is not an integer or out of range');
      if (v < 2 || v > 3) return error('NOPROTO unsupported protocol version');
      version = v === 2 ? 2 : 3;
    }
    let credentials: readonly [string, string] | undefined;
    let name: string | undefined;
    for (let i = 2; i < argv.length; i++) {
      const more = argv.length - 1 - i;
      if (isOption(argv[i], 'AUTH') && more >= 2) {
        credentials = [argv[i + 1] as string, argv[i + 2] as string];
        i += 2;
      } else if (isOption(argv[i], 'SETNAME') && more >= 1) {
        const candidate = argv[i + 1] as string;
        if (!isValidClientName(candidate)) return error(ERR_CLIENT_NAME);
        name = candidate;
        i += 1;
      } else {
        return error(`ERR Syntax error in HELLO option '${argv[i] as string}'`);
      }
    }
    if (credentials !== undefined && !session.authenticate(credentials[0], credentials[1])) {
      return error(ERR_WRONGPASS);
    }
    if (!session.authenticated) return error(ERR_HELLO_NOAUTH);
    if (name !== undefined) session.name = name;
    if (version !== undefined) session.setProtocol(version);
    return helloReply(ctx);
  },
};

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
