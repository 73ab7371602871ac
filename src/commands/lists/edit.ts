/**
 * List commands that edit in place.
 *
 * LSET key index element                      — replaces one element; "no such key" / "index out of range".
 * LINSERT key BEFORE|AFTER pivot element      — inserts next to the first pivot; new length, -1 if no
 *                                               pivot, 0 if no key.
 * LREM key count element                      — removes count occurrences (count > 0 from the head,
 *                                               < 0 from the tail, 0 all); replies how many.
 * LTRIM key start stop                        — keeps start..stop; an empty result deletes the key.
 */
import { ERR_INDEX_OUT_OF_RANGE, ERR_NO_SUCH_KEY, integer, OK, ZERO } from '../../resp/index.js';
import type { Quicklist } from '../../store/index.js';
import { defineCommand } from '../define.js';
import { fail, writeTyped } from '../typed.js';
import { absoluteIndex, afterRemoval, clampRange } from './common.js';

export const lset = defineCommand({
  name: 'lset',
  // The key is looked up (no such key, WRONGTYPE) before the index is read, as Redis does.
  parse: (args) => ({ key: args.key(), rest: args }),
  apply(ctx, { key, rest: args }) {
    const list = writeTyped(ctx, key, 'list');
    if (list === undefined) return fail(ERR_NO_SUCH_KEY);
    const index = absoluteIndex(args.integer(), list.items.length);
    if (index < 0 || index >= list.items.length) return fail(ERR_INDEX_OUT_OF_RANGE);
    list.items.set(index, args.string());
    ctx.keyModified(key);
    ctx.notify('l', 'lset', key);
    return OK;
  },
});

export const linsert = defineCommand({
  name: 'linsert',
  parse: (args) => ({
    key: args.key(),
    after: args.oneOf('AFTER', 'BEFORE') === 'AFTER',
    pivot: args.string(),
    element: args.string(),
  }),
  apply(ctx, { key, after, pivot, element }) {
    const list = writeTyped(ctx, key, 'list');
    if (list === undefined) return ZERO;
    let at = -1;
    let i = 0;
    for (const v of list.items) {
      if (v === pivot) {
        at = i;
        break;
      }
      i++;
    }
    if (at < 0) return integer(-1);
    list.items.insertAt(after ? at + 1 : at, element);
    ctx.keyModified(key);
    ctx.notify('l', 'linsert', key);
    return integer(list.items.length);
  },
});

export const lrem = defineCommand({
  name: 'lrem',
  parse: (args) => ({ key: args.key(), count: args.integer(), element: args.string() }),
  apply(ctx, { key, count, element }) {
    const list = writeTyped(ctx, key, 'list');
    if (list === undefined) return ZERO;
    const removed =
      count >= 0 ? removeFromHead(list.items, element, count) : removeFromTail(list.items, element, -count);
    if (removed > 0) afterRemoval(ctx, key, list, 'lrem');
    return integer(removed);
  },
});

/** Removes up to `limit` matches scanning from the head (0 = all). */
function removeFromHead(items: Quicklist, element: string, limit: number): number {
  let seen = 0;
  return items.retain((v) => {
    if (v !== element || (limit > 0 && seen >= limit)) return true;
    seen++;
    return false;
  });
}

/** Removes up to `limit` matches scanning from the tail. */
function removeFromTail(items: Quicklist, element: string, limit: number): number {
  const drop = new Set<number>();
  const all = items.toArray();
  for (let i = all.length - 1; i >= 0 && drop.size < limit; i--) if (all[i] === element) drop.add(i);
  return drop.size === 0 ? 0 : items.retain((_, i) => !drop.has(i));
}

export const ltrim = defineCommand({
  name: 'ltrim',
  parse: (args) => ({ key: args.key(), start: args.integer(), stop: args.integer() }),
  apply(ctx, { key, start, stop }) {
    const list = writeTyped(ctx, key, 'list');
    if (list === undefined) return OK;
    const length = list.items.length;
    const range = clampRange(start, stop, length);
    if (range === undefined) list.items.clear();
    else list.items.trim(range[0], range[1]);
    if (list.items.length !== length) afterRemoval(ctx, key, list, 'ltrim');
    else ctx.notify('l', 'ltrim', key);
    return OK;
  },
});
