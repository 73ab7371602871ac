/**
 * The transactions family (Redis multi.c): MULTI, EXEC, DISCARD, WATCH key [key ...], UNWATCH.
 * Queueing itself happens in the server's dispatch; these commands drive the session's transaction.
 */
import { OK, type Reply } from '../../resp/index.js';
import { NO_SESSION, sessionOf } from '../session.js';
import { defineCommand } from '../define.js';
import type { CommandSpec, Session } from '../types.js';

/** A transaction command: its keys (WATCH's; none for the others) and what it does to the session. */
function txCommand(name: string, apply: (session: Session, keys: readonly string[]) => Reply): CommandSpec {
  return defineCommand({
    name,
    parse: (args) => args.rest(),
    apply(ctx, keys) {
      const session = sessionOf(ctx);
      return session === undefined ? NO_SESSION : apply(session, keys);
    },
  });
}

/** MULTI — starts queueing commands until EXEC or DISCARD. */
const multi = txCommand('multi', (s) => s.multi());
/** EXEC — runs the queued commands (nil when a WATCHed key changed, EXECABORT after queueing errors). */
const exec = txCommand('exec', (s) => s.exec());
/** DISCARD — drops the queued commands and the WATCHes. */
const discard = txCommand('discard', (s) => s.discard());
/** WATCH key [key ...] — EXEC will fail if any of these keys changes first. */
const watch = txCommand('watch', (s, keys) => s.watch(keys));
/** UNWATCH — forgets every WATCHed key. */
const unwatch = txCommand('unwatch', (s) => {
  s.unwatch();
  return OK;
});

export const transactionsCommands: readonly CommandSpec[] = [multi, exec, discard, watch, unwatch];
