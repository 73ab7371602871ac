/** What the hash commands share. */
import { newHashValue, type HashValue } from '../../store/index.js';
import type { CommandContext } from '../types.js';

/** The hash at `key` for writing, created when absent. */
export function hashForWrite(ctx: CommandContext, key: string, existing: HashValue | undefined): HashValue {
  if (existing !== undefined) return existing;
  const hash = newHashValue();
  ctx.db.add(key, hash);
  return hash;
}

/** Call after removing fields: an emptied hash key is deleted. */
export function afterFieldRemoval(ctx: CommandContext, key: string, hash: HashValue): void {
  ctx.notify('h', 'hdel', key);
  if (hash.fields.size === 0) {
    ctx.db.delete(key);
    ctx.notify('g', 'del', key);
  }
  ctx.keyModified(key);
}
