/**
 * The transactions family (Redis multi.c): MULTI, EXEC, DISCARD, WATCH key [key ...], UNWATCH.
 * Queueing itself happens in the server's dispatch; these commands drive the session's transaction.
 */
import { OK, type Reply } from '../../resp/index.js';
import { NO_SESSION, sessionOf } from '../session.js';
import type { CommandContext, CommandFlag, CommandSpec, Session } from '../types.js';

function txCommand(
  name: string,
  arity: number,
  flags: readonly CommandFlag[],
  run: (session: Session, argv: readonly string[]) => Reply,
  keys: readonly [number, number, number] = [0, 0, 0],
): CommandSpec {
  return {
    name,
    arity,
    flags,
    firstKey: keys[0],
    lastKey: keys[1],
    step: keys[2],
    categories: name === 'exec' ? ['slow', 'transaction'] : ['fast', 'transaction'],
    run(ctx: CommandContext, argv): Reply {
      const session = sessionOf(ctx);
      return session === undefined ? NO_SESSION : run(session, argv);
    },
  };
}

const QUICK: readonly CommandFlag[] = ['noscript', 'loading', 'stale', 'fast', 'allow_busy'];

/** MULTI — starts queueing commands until EXEC or DISCARD. */
const multi = txCommand('multi', 1, QUICK, (s) => s.multi());
/** EXEC — runs the queued commands (nil when a WATCHed key changed, EXECABORT after queueing errors). */
const exec = txCommand('exec', 1, ['noscript', 'loading', 'stale', 'skip_slowlog'], (s) => s.exec());
/** DISCARD — drops the queued commands and the WATCHes. */
const discard = txCommand('discard', 1, QUICK, (s) => s.discard());
/** WATCH key [key ...] — EXEC will fail if any of these keys changes first. */
const watch = txCommand('watch', -2, QUICK, (s, argv) => s.watch(argv.slice(1)), [1, -1, 1]);
/** UNWATCH — forgets every WATCHed key. */
const unwatch = txCommand('unwatch', 1, QUICK, (s) => {
  s.unwatch();
  return OK;
});

export const transactionsCommands: readonly CommandSpec[] = [multi, exec, discard, watch, unwatch];
