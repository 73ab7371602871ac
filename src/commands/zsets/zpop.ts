/**
 * ZPOPMIN key [count]                  removes and returns the lowest-scored members
 * ZPOPMAX key [count]                  … the highest-scored ones
 * ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]
 *                                      pops from the first non-empty key; replies [key, [[member, score]…]]
 * BZPOPMIN key [key ...] timeout       blocking ZPOPMIN over several keys; replies [key, member, score]
 * BZPOPMAX key [key ...] timeout
 * BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
 *
 * The blocking forms return a BlockRequest when every key is empty; inside MULTI they answer a null
 * array at once, as Redis does for clients that may not block. Pops propagate the way Redis 7.0
 * rewrites them: ZMPOP and BZ*POP* become ZPOPMIN/ZPOPMAX key [count] (count = what was popped, or
 * absent for BZPOPMIN/BZPOPMAX).
 */
import {
  ERR_COUNT_NOT_POSITIVE,
  ERR_NOT_POSITIVE,
  ERR_NUMKEYS_NOT_POSITIVE,
  ERR_SYNTAX,
  ERR_TIMEOUT_NEGATIVE,
  ERR_TIMEOUT_NOT_FLOAT,
  ERR_TIMEOUT_OUT_OF_RANGE,
  EMPTY_ARRAY,
  NULL_ARRAY,
  array,
  bulk,
  double,
  error,
  type Reply,
} from '../../resp/index.js';
import type { SortedSet, ZEntry } from '../../store/index.js';
import type { BlockRequest, CommandContext, CommandResult, CommandSpec } from '../types.js';
import { WRONGTYPE, WRONG_TYPE, deleteIfEmpty, entriesReply, writeZSet } from './common.js';
import { numkeysKeys, parseLong, parseTimeoutSeconds } from '../args.js';

type End = 'min' | 'max';

/** Pops up to `count` entries from `key`, deletes the key when emptied, and marks it modified. */
function popFrom(ctx: CommandContext, key: string, zset: SortedSet, end: End, count: number): ZEntry[] {
  const popped = zset.pop(count, end === 'max');
  deleteIfEmpty(ctx, key, zset);
  ctx.keyModified(key);
  return popped;
}

function popCommandName(end: End): string {
  return end === 'max' ? 'ZPOPMAX' : 'ZPOPMIN';
}

/** [member, score] pairs as ZMPOP nests them in both protocols. */
function nestedPairs(entries: readonly ZEntry[]): Reply {
  return array(entries.map((e) => array([bulk(e.member), double(e.score)])));
}

// --- ZPOPMIN / ZPOPMAX ---------------------------------------------------------------------------

function zpopCommand(name: string, end: End): CommandSpec {
  return {
    name,
    arity: -2,
    flags: ['write', 'fast'],
    categories: ['write', 'sortedset', 'fast'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    run(ctx, argv) {
      if (argv.length > 3) return error(ERR_SYNTAX);
      let count = -1; // -1: the single-pop form, which replies flat even in RESP3
      if (argv.length === 3) {
        const n = parseLong(argv[2] ?? '');
        if (n === undefined || n < 0) return error(ERR_NOT_POSITIVE);
        count = n;
      }
      const key = argv[1] ?? '';
      const zset = writeZSet(ctx, key);
      if (zset === WRONG_TYPE) return WRONGTYPE;
      if (zset === undefined || count === 0) return EMPTY_ARRAY;
      const popped = popFrom(ctx, key, zset, end, count === -1 ? 1 : count);
      return entriesReply(ctx, popped, true, count !== -1);
    },
  };
}

export const zpopmin = zpopCommand('zpopmin', 'min');
export const zpopmax = zpopCommand('zpopmax', 'max');

// --- ZMPOP / BZMPOP ------------------------------------------------------------------------------

interface MPopArgs {
  readonly keys: readonly string[];
  readonly end: End;
  readonly count: number;
}

/** zmpopGenericCommand's parse: numkeys, the keys, MIN|MAX, then an optional COUNT once. */
function parseMPop(argv: readonly string[], numkeysIndex: number): MPopArgs | Reply {
  const numkeys = parseLong(argv[numkeysIndex] ?? '');
  if (numkeys === undefined || numkeys < 1) return error(ERR_NUMKEYS_NOT_POSITIVE);
  const whereIndex = numkeysIndex + numkeys + 1;
  if (whereIndex >= argv.length) return error(ERR_SYNTAX);
  const where = (argv[whereIndex] ?? '').toLowerCase();
  if (where !== 'min' && where !== 'max') return error(ERR_SYNTAX);
  let count = -1;
  for (let j = whereIndex + 1; j < argv.length; j++) {
    if (count === -1 && (argv[j] ?? '').toLowerCase() === 'count' && j + 1 < argv.length) {
      const n = parseLong(argv[++j] ?? '');
      if (n === undefined || n < 1) return error(ERR_COUNT_NOT_POSITIVE);
      count = n;
    } else return error(ERR_SYNTAX);
  }
  return { keys: argv.slice(numkeysIndex + 1, whereIndex), end: where, count: count === -1 ? 1 : count };
}

/**
 * Pops from the first key that exists (Redis genericZpopCommand: a wrong type there is an error, later
 * keys are not looked at). Returns undefined when no key exists.
 */
function mpopFirst(ctx: CommandContext, args: MPopArgs): Reply | undefined {
  for (const key of args.keys) {
    const zset = writeZSet(ctx, key);
    if (zset === undefined) continue;
    if (zset === WRONG_TYPE) return WRONGTYPE;
    const popped = popFrom(ctx, key, zset, args.end, args.count);
    ctx.propagateAs([[popCommandName(args.end), key, String(popped.length)]]);
    return array([bulk(key), nestedPairs(popped)]);
  }
  return undefined;
}

export const zmpop: CommandSpec = {
  name: 'zmpop',
  arity: -4,
  flags: ['write', 'movablekeys'],
  categories: ['write', 'sortedset', 'slow'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  keys: (argv) => numkeysKeys(argv, 1),
  run(ctx, argv) {
    const args = parseMPop(argv, 1);
    if ('kind' in args) return args;
    return mpopFirst(ctx, args) ?? NULL_ARRAY;
  },
};

// --- blocking forms ------------------------------------------------------------------------------

function timeoutError(t: 'notFloat' | 'negative' | 'outOfRange'): Reply {
  if (t === 'notFloat') return error(ERR_TIMEOUT_NOT_FLOAT);
  if (t === 'negative') return error(ERR_TIMEOUT_NEGATIVE);
  return error(ERR_TIMEOUT_OUT_OF_RANGE);
}

/**
 * Serves a blocking pop: the first key holding a non-empty zset. While still blocked (`waiting`), keys
 * of another type are skipped, as Redis only serves a blocked client from a key that is a zset.
 */
type Serve = (ctx: CommandContext, waiting: boolean) => Reply | undefined;

/** The common tail of BZPOPMIN/BZPOPMAX/BZMPOP: serve now, or answer null in MULTI, or block. */
function serveOrBlock(
  ctx: CommandContext,
  keys: readonly string[],
  deadlineMs: number,
  serve: Serve,
): CommandResult {
  const now = serve(ctx, false);
  if (now !== undefined) return now;
  if (ctx.client.inMulti) return NULL_ARRAY;
  const request: BlockRequest = {
    kind: 'block',
    keys,
    deadlineMs,
    retry: (retryCtx) => serve(retryCtx, true),
    onTimeout: () => NULL_ARRAY,
  };
  return request;
}

/** Finds the first key to pop from; undefined when none; WRONGTYPE (only when not yet blocked). */
function firstNonEmpty(
  ctx: CommandContext,
  keys: readonly string[],
  waiting: boolean,
): { key: string; zset: SortedSet } | Reply | undefined {
  for (const key of keys) {
    const zset = writeZSet(ctx, key);
    if (zset === undefined) continue;
    if (zset === WRONG_TYPE) {
      if (waiting) continue;
      return WRONGTYPE;
    }
    if (zset.size > 0) return { key, zset };
  }
  return undefined;
}

function bzpopCommand(name: string, end: End): CommandSpec {
  return {
    name,
    arity: -3,
    flags: ['write', 'noscript', 'blocking', 'fast'],
    categories: ['write', 'sortedset', 'fast', 'blocking'],
    firstKey: 1,
    lastKey: -2,
    step: 1,
    run(ctx, argv) {
      const deadline = parseTimeoutSeconds(argv[argv.length - 1] ?? '', ctx.now);
      if (typeof deadline !== 'number') return timeoutError(deadline);
      const keys = argv.slice(1, -1);
      return serveOrBlock(ctx, keys, deadline, (c, waiting) => {
        const found = firstNonEmpty(c, keys, waiting);
        if (found === undefined || 'kind' in found) return found;
        const [e] = popFrom(c, found.key, found.zset, end, 1);
        if (e === undefined) return undefined;
        c.propagateAs([[popCommandName(end), found.key]]);
        return array([bulk(found.key), bulk(e.member), double(e.score)]);
      });
    },
  };
}

export const bzpopmin = bzpopCommand('bzpopmin', 'min');
export const bzpopmax = bzpopCommand('bzpopmax', 'max');

export const bzmpop: CommandSpec = {
  name: 'bzmpop',
  arity: -5,
  flags: ['write', 'blocking', 'movablekeys'],
  categories: ['write', 'sortedset', 'slow', 'blocking'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  keys: (argv) => numkeysKeys(argv, 2),
  run(ctx, argv) {
    const args = parseMPop(argv, 2);
    if ('kind' in args) return args;
    const deadline = parseTimeoutSeconds(argv[1] ?? '', ctx.now);
    if (typeof deadline !== 'number') return timeoutError(deadline);
    return serveOrBlock(ctx, args.keys, deadline, (c, waiting) => {
      const found = firstNonEmpty(c, args.keys, waiting);
      if (found === undefined || 'kind' in found) return found;
      const popped = popFrom(c, found.key, found.zset, args.end, args.count);
      c.propagateAs([[popCommandName(args.end), found.key, String(popped.length)]]);
      return array([bulk(found.key), nestedPairs(popped)]);
    });
  },
};
