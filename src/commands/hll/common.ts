/**
 * What the HyperLogLog commands share: reading a key as a HLL with isHLLObjectOrReply's checks, and
 * storing a changed HLL back. A HLL is a plain string value; like Redis's dbUnshareStringValue, a key
 * a HLL command touched reports OBJECT ENCODING raw.
 */
import { ERR_HLL_WRONGTYPE } from '../../resp/index.js';
import type { Value } from '../../store/index.js';
import { fail, wrongType } from '../typed.js';
import type { CommandContext } from '../types.js';
import { HllValue, isValidHll } from './hyperloglog.js';

/** The HLL held by `value`, undefined when absent; WRONGTYPE (either kind) otherwise. */
function asHll(value: Value | undefined): HllValue | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' && value.type !== 'string') wrongType();
  const text = typeof value === 'string' ? value : value.text();
  if (!isValidHll(text)) fail(ERR_HLL_WRONGTYPE);
  return HllValue.fromString(text);
}

/** lookupKeyRead + isHLLObjectOrReply. */
export function readHll(ctx: CommandContext, key: string): HllValue | undefined {
  return asHll(ctx.db.lookupRead(key, ctx.now));
}

/** lookupKeyWrite + isHLLObjectOrReply. */
export function writeHll(ctx: CommandContext, key: string): HllValue | undefined {
  return asHll(ctx.db.lookupWrite(key, ctx.now));
}

/** Writes the HLL back as the key's string (TTL kept; created when absent), encoding raw. */
export function storeHll(ctx: CommandContext, key: string, hll: HllValue): void {
  ctx.db.setValue(key, hll.toString(), true);
  ctx.db.markRawString(key);
}

/** hll-sparse-max-bytes from the live config. */
export function sparseMaxBytes(ctx: CommandContext): number {
  return ctx.server.config.getNumber('hll-sparse-max-bytes');
}
