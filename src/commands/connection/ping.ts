import { PONG, array, bulk, error, wrongArity, type Reply } from '../../resp/index.js';
import { sessionOf } from '../session.js';
import type { CommandSpec } from '../types.js';

/**
 * PING [message] — `+PONG`, or the message as a bulk string. A RESP2 client in subscribed mode gets
 * `["pong", message or ""]` instead (Redis pingCommand).
 */
export const ping: CommandSpec = {
  name: 'ping',
  arity: -1,
  flags: ['fast'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  categories: ['fast', 'connection'],
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
  name: 'echo',
  arity: 2,
  flags: ['loading', 'stale', 'fast'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  categories: ['fast', 'connection'],
  run(_ctx, argv): Reply {
    return bulk(argv[1] as string);
  },
};
