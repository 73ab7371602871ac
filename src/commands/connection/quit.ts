import { OK, simple } from '../../resp/index.js';
import { defineCommand } from '../define.js';
import { NO_SESSION, sessionOf } from '../session.js';

/** QUIT — replies OK and closes the connection once the reply is written. */
export const quit = defineCommand({
  name: 'quit',
  parse: () => undefined,
  apply(ctx) {
    const session = sessionOf(ctx);
    if (session === undefined) return NO_SESSION;
    session.closeAfterReply();
    return OK;
  },
});

/**
 * RESET — back to a fresh connection's state: leaves MULTI, unwatches, unsubscribes, database 0,
 * RESP2, no name, CLIENT REPLY ON; the connection must authenticate again when a password is set.
 */
export const reset = defineCommand({
  name: 'reset',
  parse: () => undefined,
  apply(ctx) {
    const session = sessionOf(ctx);
    if (session === undefined) return NO_SESSION;
    session.reset();
    ctx.client.dbIndex = 0;
    return simple('RESET');
  },
});
