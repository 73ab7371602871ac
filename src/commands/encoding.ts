/**
 * Redis's compact encodings of small hashes (listpack) and sets (intset), as far as clients can see
 * them: OBJECT ENCODING, HSCAN/SSCAN returning everything at once, SMEMBERS sorted by value. Redis
 * converts a value to the big encoding when a write makes it outgrow the limits in force then, and
 * never back; the writing commands record that here (HashValue/SetValue.outgrown).
 */
import type { HashValue, SetValue } from '../store/index.js';
import { parseInt64 } from './args.js';
import { redisConfigOf } from './server/index.js';
import type { CommandContext } from './types.js';

interface CompactLimits {
  readonly hashMaxListpackEntries: number;
  readonly hashMaxListpackValue: number;
  readonly setMaxIntsetEntries: number;
}

function limits(ctx: CommandContext): CompactLimits {
  const rc = redisConfigOf(ctx.server);
  return {
    hashMaxListpackEntries: rc.getNumber('hash-max-listpack-entries'),
    hashMaxListpackValue: rc.getNumber('hash-max-listpack-value'),
    setMaxIntsetEntries: rc.getNumber('set-max-intset-entries'),
  };
}

/** Should be called after `field` of the hash was set to `value` (Redis hashTypeSet's conversion checks). */
export function noteHashWrite(ctx: CommandContext, hash: HashValue, field: string, value: string): void {
  if (hash.outgrown === true) return;
  const l = limits(ctx);
  if (
    hash.fields.size > l.hashMaxListpackEntries ||
    field.length > l.hashMaxListpackValue ||
    value.length > l.hashMaxListpackValue
  ) {
    hash.outgrown = true;
  }
}

/** Should be called after `member` was added to the set (Redis setTypeAdd's conversion checks). */
export function noteSetAdd(ctx: CommandContext, set: SetValue, member: string): void {
  if (set.outgrown === true) return;
  if (set.members.size > limits(ctx).setMaxIntsetEntries || parseInt64(member) === undefined) {
    set.outgrown = true;
  }
}

/** True while Redis would still hold this hash as a listpack. */
export function isListpackHash(ctx: CommandContext, hash: HashValue): boolean {
  if (hash.outgrown === true) return false;
  const l = limits(ctx);
  if (hash.fields.size > l.hashMaxListpackEntries) return false;
  for (const [f, v] of hash.fields) {
    if (f.length > l.hashMaxListpackValue || v.length > l.hashMaxListpackValue) return false;
  }
  return true;
}

/** True while Redis would still hold this set as an intset. */
export function isIntsetSet(ctx: CommandContext, set: SetValue): boolean {
  if (set.outgrown === true) return false;
  if (set.members.size > limits(ctx).setMaxIntsetEntries) return false;
  for (const m of set.members) if (parseInt64(m) === undefined) return false;
  return true;
}
