/**
 * DEBUG SLEEP seconds         — block the whole server (like Redis) for that long (strtod, no error)
 * DEBUG SET-ACTIVE-EXPIRE 0|1 — turn the active expiry cycle off/on (tests of lazy expiry)
 * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE] — save the RDB, empty every database, load the file again
 * DEBUG OBJECT key            — a minimal "Value at:… refcount:… encoding:… serializedlength:…" line;
 *                               refcount and encoding as OBJECT REFCOUNT/ENCODING answer them
 * Refused unless enable-debug-command is yes or local, as Redis 7 does.
 */
import {
  ERR_BARE,
  ERR_DEBUG_NOT_ALLOWED,
  ERR_NO_PERSISTENCE,
  ERR_NO_SUCH_KEY,
  ERR_RELOAD,
  ERR_RELOAD_OPTIONS,
  ERR_SUBCOMMAND_SYNTAX,
  OK,
  error,
  simple,
  type Reply,
} from '../../resp/index.js';
import { estimateKeyBytes } from '../../store/index.js';
import { strtod } from '../args.js';
import type { ArgCursor } from '../cursor.js';
import { defineCommand } from '../define.js';
import { encodingOf, refcountOf } from '../encoding.js';
import { fail } from '../typed.js';
import type { CommandContext, CommandSpec } from '../types.js';

function blockFor(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** C atoi: optional spaces and sign, then digits as far as they go; 0 when there are none. */
function atoi(text: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(text);
  return m === null ? 0 : Number.parseInt(m[1] as string, 10) | 0;
}

/**
 * DEBUG SLEEP's pause in ms, as Redis computes it: strtod with no error check (junk is 0), times 10^6
 * into a long long; a value that does not fit (inf, nan, ≥ ~9.2e12 s) becomes LLONG_MIN on x86-64,
 * and nanosleep refuses a negative time — so those, and negative values, return at once.
 */
function sleepMs(text: string): number {
  const micros = strtod(text).value * 1e6;
  if (!(micros > 0) || micros >= 2 ** 63) return 0;
  return Math.floor(micros) / 1000;
}

type DebugArgs =
  | { readonly sub: 'sleep'; readonly ms: number }
  | { readonly sub: 'set-active-expire'; readonly on: boolean }
  | { readonly sub: 'reload'; readonly options: { merge: boolean; flush: boolean; save: boolean } }
  | { readonly sub: 'object'; readonly key: string };

/** Redis debugCommand's dispatch: the subcommand and its argument count, else its syntax error. */
function parseDebug(args: ArgCursor, ctx: CommandContext): DebugArgs {
  // Refused before anything is parsed, whatever the arguments (Redis checks in processCommand).
  if (ctx.server.config.getString('enable-debug-command') === 'no') return fail(ERR_DEBUG_NOT_ALLOWED);
  const typed = args.string();
  const sub = typed.toLowerCase();
  const count = args.remaining;
  if (sub === 'sleep' && count === 1) return { sub, ms: sleepMs(args.string()) };
  if (sub === 'set-active-expire' && count === 1) return { sub, on: atoi(args.string()) !== 0 };
  if (sub === 'object' && count === 1) return { sub, key: args.key() };
  if (sub === 'reload') {
    const options = { merge: false, flush: true, save: true };
    while (!args.done) {
      const opt = args.string().toLowerCase();
      if (opt === 'merge') options.merge = true;
      else if (opt === 'noflush') options.flush = false;
      else if (opt === 'nosave') options.save = false;
      else return fail(ERR_RELOAD_OPTIONS);
    }
    return { sub, options };
  }
  return fail(ERR_SUBCOMMAND_SYNTAX(typed, args.argv[0] ?? 'debug'));
}

function applyDebug(ctx: CommandContext, args: DebugArgs): Reply {
  switch (args.sub) {
    case 'sleep':
      if (args.ms > 0) blockFor(args.ms);
      return OK;
    case 'set-active-expire':
      if (ctx.server.activeExpiry !== undefined) ctx.server.activeExpiry.enabled = args.on;
      return OK;
    case 'reload': {
      const persistence = ctx.server.persistence;
      if (persistence === undefined) return error(ERR_NO_PERSISTENCE);
      // Redis emptyData before loading: caching clients drop everything.
      if (args.options.flush) ctx.server.tracking.invalidateAll();
      const failed = persistence.reload(args.options);
      if (failed === 'save') return error(ERR_BARE);
      return failed === 'load' ? error(ERR_RELOAD) : OK;
    }
    case 'object': {
      const value = ctx.db.lookupQuiet(args.key, ctx.now);
      if (value === undefined) return error(ERR_NO_SUCH_KEY);
      return simple(
        `Value at:0x0 refcount:${refcountOf(ctx, value, args.key)} encoding:${encodingOf(ctx, value, args.key)} serializedlength:${estimateKeyBytes(args.key, value)} lru:0 lru_seconds_idle:0`,
      );
    }
  }
}

export const debugCommand: CommandSpec = defineCommand({
  name: 'debug',
  parse: parseDebug,
  apply: applyDebug,
});
