/**
 * DEBUG SLEEP seconds         — block the whole server (like Redis) for that long
 * DEBUG SET-ACTIVE-EXPIRE 0|1 — turn the active expiry cycle off/on (tests of lazy expiry)
 * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE] — save the RDB, empty every database, load the file again
 * DEBUG OBJECT key            — a minimal "Value at:… refcount:… encoding:… serializedlength:…" line;
 *                               refcount and encoding as OBJECT REFCOUNT/ENCODING answer them
 * Refused unless enable-debug-command is yes or local, as Redis 7 does.
 */
import {
  ERR_BARE,
  ERR_DEBUG_NOT_ALLOWED,
  ERR_NOT_FLOAT,
  ERR_NO_PERSISTENCE,
  ERR_NO_SUCH_KEY,
  ERR_RELOAD,
  ERR_RELOAD_OPTIONS,
  ERR_SYNTAX,
  OK,
  error,
  simple,
  type Reply,
} from '../../resp/index.js';
import { estimateKeyBytes } from '../../store/index.js';
import { parseDouble } from '../args.js';
import { encodingOf, refcountOf } from '../encoding.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { serverCommand } from './spec.js';

function blockFor(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** C atoi: optional spaces and sign, then digits as far as they go; 0 when there are none. */
function atoi(text: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(text);
  return m === null ? 0 : Number.parseInt(m[1] as string, 10) | 0;
}

function debug(ctx: CommandContext, argv: readonly string[]): Reply {
  if (ctx.server.config.getString('enable-debug-command') === 'no') return error(ERR_DEBUG_NOT_ALLOWED);
  const sub = (argv[1] ?? '').toLowerCase();
  if (sub === 'sleep' && argv.length === 3) {
    const seconds = parseDouble(argv[2] as string);
    if (seconds === undefined || seconds < 0) return error(ERR_NOT_FLOAT);
    blockFor(seconds * 1000);
    return OK;
  }
  if (sub === 'set-active-expire' && argv.length === 3) {
    const expirer = ctx.server.activeExpiry;
    // Redis reads the flag with atoi(): anything that does not start with a non-zero number is 0.
    if (expirer !== undefined) expirer.enabled = atoi(argv[2] as string) !== 0;
    return OK;
  }
  if (sub === 'reload') {
    const options = { merge: false, flush: true, save: true };
    for (const opt of argv.slice(2).map((a) => a.toLowerCase())) {
      if (opt === 'merge') options.merge = true;
      else if (opt === 'noflush') options.flush = false;
      else if (opt === 'nosave') options.save = false;
      else return error(ERR_RELOAD_OPTIONS);
    }
    const persistence = ctx.server.persistence;
    if (persistence === undefined) return error(ERR_NO_PERSISTENCE);
    const failed = persistence.reload(options);
    if (failed === 'save') return error(ERR_BARE);
    return failed === 'load' ? error(ERR_RELOAD) : OK;
  }
  if (sub === 'object' && argv.length === 3) {
    const key = argv[2] as string;
    const value = ctx.db.lookupRead(key, ctx.now);
    if (value === undefined) return error(ERR_NO_SUCH_KEY);
    return simple(
      `Value at:0x0 refcount:${refcountOf(ctx, value, key)} encoding:${encodingOf(ctx, value, key)} serializedlength:${estimateKeyBytes(key, value)} lru:0 lru_seconds_idle:0`,
    );
  }
  return error(ERR_SYNTAX);
}

export const debugCommand: CommandSpec = serverCommand('debug', debug);
