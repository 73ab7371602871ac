/**
 * Redis's compact encodings of small hashes (listpack) and sets (intset), as far as clients can see
 * them: OBJECT ENCODING, HSCAN/SSCAN returning everything at once, SMEMBERS sorted by value. Redis
 * converts a value to the big encoding when a write makes it outgrow the limits in force then, and
 * never back; the writing commands record that here (HashValue/SetValue.outgrown).
 */
import type { HashValue, SetValue, Value } from '../store/index.js';
import { parseInt64 } from './args.js';
import type { CommandContext } from './types.js';

interface CompactLimits {
  readonly hashMaxListpackEntries: number;
  readonly hashMaxListpackValue: number;
  readonly setMaxIntsetEntries: number;
}

function limits(ctx: CommandContext): CompactLimits {
  const rc = ctx.server.config;
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
  return set.outgrown !== true && fitsIntset(ctx, set.members);
}

/** True when a fresh intset could take all these members (Redis setTypeAdd would not convert it). */
export function fitsIntset(ctx: CommandContext, members: ReadonlySet<string>): boolean {
  if (members.size > limits(ctx).setMaxIntsetEntries) return false;
  for (const m of members) if (parseInt64(m) === undefined) return false;
  return true;
}

/** OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
const EMBSTR_LIMIT = 44;

/** Redis tryObjectEncoding: a string that reads as a long (≤ 20 chars) is stored as an int. */
function isIntEncodable(value: string): boolean {
  return value.length <= 20 && parseInt64(value) !== undefined;
}

/**
 * The encoding Redis 7.0 would report for this value. Strings changed in place are raw (the database
 * keeps that mark); otherwise it is derived from the current contents with Redis's thresholds. Like
 * Redis, a hash or set that once outgrew listpack/intset stays a hash table (see encoding.ts), and
 * sorted sets track their own encoding; lists are always quicklists in 7.0. OBJECT ENCODING and
 * DEBUG OBJECT's `encoding:` field both answer with this.
 */
export function encodingOf(ctx: CommandContext, value: Value, key: string): string {
  if (typeof value === 'string') {
    if (ctx.db.isRawString(key)) return 'raw';
    if (isIntEncodable(value)) return 'int';
    return value.length <= EMBSTR_LIMIT ? 'embstr' : 'raw';
  }
  switch (value.type) {
    case 'string':
      return 'raw'; // changed in place (ByteString)
    case 'list':
      return 'quicklist';
    case 'hash':
      return isListpackHash(ctx, value) ? 'listpack' : 'hashtable';
    case 'set':
      return isIntsetSet(ctx, value) ? 'intset' : 'hashtable';
    case 'zset':
      // The sorted-set container tracks its own encoding, conversions included.
      return value.zset.encoding;
    case 'stream':
      return 'stream';
  }
}

/** Redis OBJ_SHARED_INTEGERS: small non-negative ints share one object with this refcount. */
const SHARED_INTEGERS = 10000;
const SHARED_REFCOUNT = 2147483647;

/**
 * OBJECT REFCOUNT and DEBUG OBJECT's `refcount:`: Redis's shared small integers, else 1 (a string
 * APPEND or SETRANGE made raw is an object of its own, whatever it holds).
 */
export function refcountOf(ctx: CommandContext, value: Value, key: string): number {
  if (typeof value === 'string' && encodingOf(ctx, value, key) === 'int') {
    const n = parseInt64(value);
    if (typeof n === 'number' && n >= 0 && n < SHARED_INTEGERS) return SHARED_REFCOUNT;
  }
  return 1;
}
