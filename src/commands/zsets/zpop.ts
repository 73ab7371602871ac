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
  EMPTY_ARRAY,
  NULL_ARRAY,
  array,
  bulk,
  double,
  type Reply,
} from '../../resp/index.js';
import type { SortedSet, ZEntry } from '../../store/index.js';
import type { BlockRequest, CommandContext, CommandResult, CommandSpec } from '../types.js';
import { deleteIfEmpty, entriesReply, writeZSet } from './common.js';
import { numkeysKeys } from '../args.js';
import { ArgCursor } from '../cursor.js';
import { defineCommand } from '../define.js';
import { fail, wrongType } from '../typed.js';

type End = 'min' | 'max';

/** Pops up to `count` entries from `key`, deletes the key when emptied, and marks it modified. */
function popFrom(ctx: CommandContext, key: string, zset: SortedSet, end: End, count: number): ZEntry[] {
  const popped = zset.pop(count, end === 'max');
  ctx.notify('z', end === 'max' ? 'zpopmax' : 'zpopmin', key);
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
  return defineCommand({
    name,
    parse(args) {
      const key = args.key();
      if (args.remaining > 1) return fail(ERR_SYNTAX);
      // -1: the single-pop form, which replies flat even in RESP3
      if (args.done) return { key, count: -1 };
      const count = args.integer(ERR_NOT_POSITIVE);
      if (count < 0) return fail(ERR_NOT_POSITIVE);
      return { key, count };
    },
    apply(ctx, { key, count }) {
      const zset = writeZSet(ctx, key);
      if (zset === undefined || count === 0) return EMPTY_ARRAY;
      const popped = popFrom(ctx, key, zset, end, count === -1 ? 1 : count);
      return entriesReply(ctx, popped, true, count !== -1);
    },
  });
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
function parseMPop(args: ArgCursor): MPopArgs {
  const numkeys = args.integer(ERR_NUMKEYS_NOT_POSITIVE);
  if (numkeys < 1) return fail(ERR_NUMKEYS_NOT_POSITIVE);
  if (numkeys >= args.remaining) return fail(ERR_SYNTAX);
  const keys: string[] = [];
  while (keys.length < numkeys) keys.push(args.key());
  const end: End = args.oneOf('MIN', 'MAX') === 'MAX' ? 'max' : 'min';
  let count = -1;
  while (!args.done) {
    if (count !== -1 || args.remaining < 2 || !args.option('COUNT')) return fail(ERR_SYNTAX);
    count = args.integer(ERR_COUNT_NOT_POSITIVE);
    if (count < 1) return fail(ERR_COUNT_NOT_POSITIVE);
  }
  return { keys, end, count: count === -1 ? 1 : count };
}

/**
 * Pops from the first key that exists (Redis genericZpopCommand: a wrong type there is an error, later
 * keys are not looked at). Returns undefined when no key exists.
 */
function mpopFirst(ctx: CommandContext, args: MPopArgs): Reply | undefined {
  for (const key of args.keys) {
    const zset = writeZSet(ctx, key);
    if (zset === undefined) continue;
    const popped = popFrom(ctx, key, zset, args.end, args.count);
    ctx.propagateAs([[popCommandName(args.end), key, String(popped.length)]]);
    return array([bulk(key), nestedPairs(popped)]);
  }
  return undefined;
}

export const zmpop = defineCommand({
  name: 'zmpop',
  keys: (argv) => numkeysKeys(argv, 1),
  parse: parseMPop,
  apply: (ctx, args) => mpopFirst(ctx, args) ?? NULL_ARRAY,
});

// --- blocking forms ------------------------------------------------------------------------------

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

/** Finds the first key to pop from; undefined when none; WRONGTYPE thrown (only when not yet blocked). */
function firstNonEmpty(
  ctx: CommandContext,
  keys: readonly string[],
  waiting: boolean,
): { key: string; zset: SortedSet } | undefined {
  for (const key of keys) {
    const value = ctx.db.lookupWrite(key, ctx.now);
    if (value === undefined) continue;
    if (typeof value === 'string' || value.type !== 'zset') {
      if (waiting) continue;
      return wrongType();
    }
    if (value.zset.size > 0) return { key, zset: value.zset };
  }
  return undefined;
}

function bzpopCommand(name: string, end: End): CommandSpec {
  return defineCommand({
    name,
    parse(args, ctx) {
      const keys = args.rest();
      const timeout = new ArgCursor(keys.splice(-1, 1), 0);
      return { keys, deadline: timeout.timeout(ctx.now) };
    },
    apply: (ctx, { keys, deadline }) =>
      serveOrBlock(ctx, keys, deadline, (c, waiting) => {
        const found = firstNonEmpty(c, keys, waiting);
        if (found === undefined) return undefined;
        const [e] = popFrom(c, found.key, found.zset, end, 1);
        if (e === undefined) return undefined;
        c.propagateAs([[popCommandName(end), found.key]]);
        return array([bulk(found.key), bulk(e.member), double(e.score)]);
      }),
  });
}

export const bzpopmin = bzpopCommand('bzpopmin', 'min');
export const bzpopmax = bzpopCommand('bzpopmax', 'max');

export const bzmpop = defineCommand({
  name: 'bzmpop',
  keys: (argv) => numkeysKeys(argv, 2),
  parse(args, ctx) {
    // The timeout comes first on the line but is judged after the rest, as Redis does.
    const timeout = new ArgCursor([args.string()], 0);
    const mpop = parseMPop(args);
    return { mpop, deadline: timeout.timeout(ctx.now) };
  },
  apply: (ctx, { mpop, deadline }) =>
    serveOrBlock(ctx, mpop.keys, deadline, (c, waiting) => {
      const found = firstNonEmpty(c, mpop.keys, waiting);
      if (found === undefined) return undefined;
      const popped = popFrom(c, found.key, found.zset, mpop.end, mpop.count);
      c.propagateAs([[popCommandName(mpop.end), found.key, String(popped.length)]]);
      return array([bulk(found.key), nestedPairs(popped)]);
    }),
});
