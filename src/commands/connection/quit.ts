import { OK, simple, type Reply } from '../../resp/index.js';
import { NO_SESSION, sessionOf } from '../session.js';
import type { CommandSpec } from '../types.js';

/** QUIT — replies OK and closes the connection once the reply is written. */
export const quit: CommandSpec = {
  name: 'quit',
  arity: -1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  categories: ['fast', 'connection'],
  run(ctx): Reply {
    const session = sessionOf(ctx);
    if (session === undefined) return NO_SESSION;
    session.closeAfterReply();
    return OK;
  },
};

/**
 * RESET — back to a fresh connection's state: leaves MULTI, unwatches, unsubscribes, database 0,
 * RESP2, no name, CLIENT REPLY ON; the connection must authenticate again when a password is set.
 */
export const reset: CommandSpec = {
  name: 'reset',
  arity: 1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  categories: ['fast', 'connection'],
  run(ctx): Reply {
    const session = sessionOf(ctx);
    if (session === undefined) return NO_SESSION;
    session.reset();
    ctx.client.dbIndex = 0;
    return simple('RESET');
  },
};
