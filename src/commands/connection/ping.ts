import { PONG, array, bulk, error, type Reply } from '../../resp/reply.js';
import { wrongArity } from '../../resp/errors.js';
import { sessionOf } from '../session.js';
import type { CommandSpec } from '../types.js';
import { tableRow } from '../define.js';

/**
 * PING [message] — `+PONG`, or the message as a bulk string. A RESP2 client in subscribed mode gets
 * `["pong", message or ""]` instead (Redis pingCommand).
 */
export const ping: CommandSpec = {
  ...tableRow('ping'),
  run(ctx, argv): Reply {
    if (argv.length > 2) return error(wrongArity('ping'));
    const session = sessionOf(ctx);
    const subscribed = session !== undefined && ctx.client.protocol === 2 && session.inPubsubMode;
    if (subscribed) return array([bulk('pong'), bulk(argv[1] ?? '')]);
    return argv.length === 1 ? PONG : bulk(argv[1] as string);
  },
};

/** ECHO message — the message back as a bulk string. */
export const echo: CommandSpec = {
  ...tableRow('echo'),
  run(_ctx, argv): Reply {
    return bulk(argv[1] as string);
  },
};
