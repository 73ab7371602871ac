/** What the hash commands share. */
import type { HashValue } from '../../store/index.js';
import type { CommandContext } from '../types.js';

/** Redis's default hash-max-listpack-entries / hash-max-listpack-value. */
const LISTPACK_MAX_ENTRIES = 128;
const LISTPACK_MAX_VALUE = 64;

/** The hash at `key` for writing, created when absent. */
export function hashForWrite(ctx: CommandContext, key: string, existing: HashValue | undefined): HashValue {
  if (existing !== undefined) return existing;
  const hash: HashValue = { type: 'hash', fields: new Map() };
  ctx.db.add(key, hash);
  return hash;
}

/** Call after removing fields: an emptied hash key is deleted. */
export function afterFieldRemoval(ctx: CommandContext, key: string, hash: HashValue): void {
  if (hash.fields.size === 0) ctx.db.delete(key);
  ctx.keyModified(key);
}

/**
 * True when Redis would hold this hash as a listpack: then it keeps insertion order and HSCAN
 * returns it whole.
 */
export function isListpackSized(hash: HashValue): boolean {
  if (hash.fields.size > LISTPACK_MAX_ENTRIES) return false;
  for (const [f, v] of hash.fields)
    if (f.length > LISTPACK_MAX_VALUE || v.length > LISTPACK_MAX_VALUE) return false;
  return true;
}
