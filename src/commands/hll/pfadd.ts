/**
 * PFADD key [element ...]
 *
 * Adds elements to the HyperLogLog at key, creating it (sparse) when absent. Replies 1 when the key
 * was created or a register changed (the estimate may have changed), else 0. Propagates itself, so a
 * sparse→dense promotion happens on replicas too.
 */
import { ERR_HLL_INVALID, ONE, ZERO, error, type Reply } from '../../resp/index.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';
import { sparseMaxBytes, storeHll, writeHll } from './common.js';
import { HllValue, hllAdd } from './hyperloglog.js';

interface PfaddArgs {
  readonly key: string;
  readonly elements: readonly string[];
}

function apply(ctx: CommandContext, args: PfaddArgs): Reply {
  const existing = writeHll(ctx, args.key);
  let hll = existing ?? HllValue.empty();
  let updated = existing === undefined ? 1 : 0;
  const maxBytes = sparseMaxBytes(ctx);
  let corrupted = false;
  for (const element of args.elements) {
    const outcome = hllAdd(hll, element, maxBytes);
    hll = outcome.value;
    if (outcome.result === -1) {
      corrupted = true;
      break;
    }
    updated += outcome.result;
  }
  if (updated > 0 && !corrupted) hll.invalidateCache();
  // Redis changes the value in place, so even a corrupted add leaves what it did so far.
  if (existing === undefined || updated > 0 || corrupted) storeHll(ctx, args.key, hll);
  else ctx.db.markRawString(args.key); // dbUnshareStringValue
  if (corrupted) return error(ERR_HLL_INVALID);
  if (updated > 0) {
    ctx.keyModified(args.key);
    ctx.notify('$', 'pfadd', args.key);
  }
  return updated > 0 ? ONE : ZERO;
}

export const pfadd = defineCommand({
  name: 'pfadd',
  parse: (args): PfaddArgs => ({ key: args.key(), elements: args.rest() }),
  apply,
});
