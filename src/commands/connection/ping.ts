import { PONG, array, bulk, wrongArity } from '../../resp/index.js';
import { defineCommand } from '../define.js';
import { sessionOf } from '../session.js';
import { fail } from '../typed.js';

/**
 * PING [message] — `+PONG`, or the message as a bulk string. A RESP2 client in subscribed mode gets
 * `["pong", message or ""]` instead (Redis pingCommand).
 */
export const ping = defineCommand({
  name: 'ping',
  parse(args) {
    if (args.remaining > 1) return fail(wrongArity('ping'));
    return args.done ? undefined : args.string();
  },
  apply(ctx, message) {
    const session = sessionOf(ctx);
    const subscribed = session !== undefined && ctx.client.protocol === 2 && session.inPubsubMode;
    if (subscribed) return array([bulk('pong'), bulk(message ?? '')]);
    return message === undefined ? PONG : bulk(message);
  },
});

/** ECHO message — the message back as a bulk string. */
export const echo = defineCommand({
  name: 'echo',
  parse: (args) => args.string(),
  apply: (_ctx, message) => bulk(message),
});
