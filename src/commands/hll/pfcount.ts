/**
 * PFCOUNT key [key ...]
 *
 * The estimated cardinality of one HLL, or of the union of several (missing keys count as empty).
 * With one key the estimate is cached in the HLL's header; when the cache was stale PFCOUNT writes
 * it, which changes the string value, so (like Redis) it counts as a change and propagates itself
 * although it is a read command.
 */
import { ERR_HLL_INVALID, ZERO, error, integer, type Reply } from '../../resp/index.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';
import { readHll, storeHll } from './common.js';
import { HLL_REGISTERS, hllCount, hllMerge, rawCount } from './hyperloglog.js';

/** Case 1: several keys, the cardinality of their union (registers merged with MAX). */
function countUnion(ctx: CommandContext, keys: readonly string[]): Reply {
  const max = new Uint8Array(HLL_REGISTERS);
  for (const key of keys) {
    const hll = readHll(ctx, key);
    if (hll === undefined) continue;
    if (!hllMerge(max, hll)) return error(ERR_HLL_INVALID);
  }
  return integer(rawCount(max));
}

/** Case 2: one key, the cached value or a fresh estimate that is cached. */
function countOne(ctx: CommandContext, key: string, argv: readonly string[]): Reply {
  const hll = readHll(ctx, key);
  if (hll === undefined) return ZERO;
  if (hll.cacheIsValid()) {
    ctx.db.markRawString(key); // dbUnshareStringValue: the same bytes, encoding raw
    return integer(hll.cachedCardinality());
  }
  const card = hllCount(hll);
  if (card === undefined) return error(ERR_HLL_INVALID);
  hll.setCachedCardinality(card);
  storeHll(ctx, key, hll);
  ctx.keyModified(key);
  ctx.propagateAs([argv]);
  return integer(card);
}

interface PfcountArgs {
  readonly keys: readonly string[];
  /** The command line as sent: what propagates when the cache is written. */
  readonly argv: readonly string[];
}

export const pfcount = defineCommand({
  name: 'pfcount',
  parse: (args): PfcountArgs => ({ keys: args.rest(), argv: args.argv }),
  apply: (ctx, { keys, argv }) =>
    keys.length > 1 ? countUnion(ctx, keys) : countOne(ctx, keys[0] as string, argv),
});
