/**
 * PFMERGE destkey [sourcekey ...]
 *
 * Merges the HLLs (destkey itself included) into destkey, creating it when absent. The result is
 * dense when any input was dense; otherwise it is built sparse register by register, promoted as
 * PFADD would. Always counts as a change (Redis server.dirty++) and propagates itself.
 */
import { ERR_HLL_INVALID, OK, error, type Reply } from '../../resp/index.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';
import { readHll, sparseMaxBytes, storeHll, writeHll } from './common.js';
import {
  HLL_DENSE,
  HLL_REGISTERS,
  HllValue,
  denseRaise,
  hllMerge,
  sparseSet,
  sparseToDense,
} from './hyperloglog.js';

interface PfmergeArgs {
  readonly destKey: string;
  readonly sources: readonly string[];
}

function apply(ctx: CommandContext, { destKey, sources }: PfmergeArgs): Reply {
  const max = new Uint8Array(HLL_REGISTERS);
  let useDense = false;
  for (const key of [destKey, ...sources]) {
    const hll = readHll(ctx, key);
    if (hll === undefined) continue;
    if (hll.encoding === HLL_DENSE) useDense = true;
    if (!hllMerge(max, hll)) return error(ERR_HLL_INVALID);
  }
  let dest = writeHll(ctx, destKey) ?? HllValue.empty();
  if (useDense) {
    const dense = sparseToDense(dest);
    if (dense === undefined) return error(ERR_HLL_INVALID);
    dest = dense;
  }
  const maxBytes = sparseMaxBytes(ctx);
  for (let j = 0; j < HLL_REGISTERS; j++) {
    const value = max[j] as number;
    if (value === 0) continue;
    if (dest.encoding === HLL_DENSE) denseRaise(dest, j, value);
    else dest = sparseSet(dest, j, value, maxBytes).value;
  }
  dest.invalidateCache();
  storeHll(ctx, destKey, dest);
  ctx.keyModified(destKey);
  ctx.notify('$', 'pfadd', destKey); // hyperloglog.c: PFMERGE announces "pfadd" too
  return OK;
}

export const pfmerge = defineCommand({
  name: 'pfmerge',
  parse: (args): PfmergeArgs => ({ destKey: args.key(), sources: args.rest() }),
  apply,
});
