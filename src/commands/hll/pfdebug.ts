/**
 * PFDEBUG GETREG|DECODE|ENCODING|TODENSE key
 *   GETREG    the 16384 register values (converts a sparse HLL to dense for good)
 *   DECODE    the sparse opcodes as text ("Z:16384", "z:3", "v:2,1"); an error when dense
 *   ENCODING  +dense or +sparse
 *   TODENSE   converts to dense; 1 when it did, 0 when already dense
 * PFSELFTEST
 *   Checks the register packing and the estimator's error bounds; +OK or a TESTFAILED error.
 *
 * The key must exist and hold a HLL (checked before the subcommand, as in Redis). A conversion counts
 * as a change, so it propagates to replicas.
 */
import {
  ERR_HLL_INVALID,
  ERR_HLL_NO_KEY,
  ERR_HLL_NOT_SPARSE,
  ERR_PFDEBUG_UNKNOWN,
  OK,
  ONE,
  ZERO,
  array,
  bulk,
  error,
  integer,
  simple,
  type Reply,
} from '../../resp/index.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';
import { sparseMaxBytes, storeHll, writeHll } from './common.js';
import { HLL_SPARSE, decodeSparse, denseRegisters, selfTest, sparseToDense } from './hyperloglog.js';

interface PfdebugArgs {
  readonly sub: string;
  readonly key: string;
}

function apply(ctx: CommandContext, { sub, key }: PfdebugArgs): Reply {
  const hll = writeHll(ctx, key);
  if (hll === undefined) return error(ERR_HLL_NO_KEY);
  ctx.db.markRawString(key); // dbUnshareStringValue
  switch (sub.toLowerCase()) {
    case 'getreg': {
      const dense = sparseToDense(hll);
      if (dense === undefined) return error(ERR_HLL_INVALID);
      if (dense !== hll) {
        storeHll(ctx, key, dense);
        ctx.keyModified(key);
      }
      return array(denseRegisters(dense).map((r) => integer(r)));
    }
    case 'decode':
      return hll.encoding === HLL_SPARSE ? bulk(decodeSparse(hll)) : error(ERR_HLL_NOT_SPARSE);
    case 'encoding':
      return simple(hll.encoding === HLL_SPARSE ? 'sparse' : 'dense');
    case 'todense': {
      if (hll.encoding !== HLL_SPARSE) return ZERO;
      const dense = sparseToDense(hll);
      if (dense === undefined) return error(ERR_HLL_INVALID);
      storeHll(ctx, key, dense);
      ctx.keyModified(key);
      return ONE;
    }
    default:
      return error(ERR_PFDEBUG_UNKNOWN(sub));
  }
}

export const pfdebug = defineCommand({
  name: 'pfdebug',
  parse: (args): PfdebugArgs => ({ sub: args.string(), key: args.key() }),
  apply,
});

export const pfselftest = defineCommand({
  name: 'pfselftest',
  parse: () => undefined,
  apply(ctx) {
    const failure = selfTest(sparseMaxBytes(ctx));
    return failure === undefined ? OK : error(failure);
  },
});
