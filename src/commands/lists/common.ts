/**
 * What the list commands share: lookups, Redis's index rules, LEFT/RIGHT, and the one way a list
 * loses elements (an emptied list key is deleted, like Redis's listElementsRemoved).
 */
import { Quicklist, type ListValue } from '../../store/index.js';
import { ArgCursor } from '../cursor.js';
import type { CommandContext } from '../types.js';

export type End = 'left' | 'right';

/** LEFT | RIGHT (case-insensitive), else a syntax error. */
export function readEnd(args: ArgCursor): End {
  return args.oneOf('LEFT', 'RIGHT') === 'LEFT' ? 'left' : 'right';
}

/** readEnd of one argument already read (BLMOVE propagates them as typed). */
export function endOf(arg: string): End {
  return readEnd(new ArgCursor([arg], 0));
}

/** Redis index → 0-based position (negative counts from the tail); may be out of range. */
export function absoluteIndex(index: number, length: number): number {
  return index < 0 ? length + index : index;
}

/** Clamps an LRANGE/LTRIM start..stop to the list; undefined when the range is empty. */
export function clampRange(start: number, stop: number, length: number): [number, number] | undefined {
  let from = absoluteIndex(start, length);
  let to = absoluteIndex(stop, length);
  if (from < 0) from = 0;
  if (from > to || from >= length) return undefined;
  if (to >= length) to = length - 1;
  return [from, to];
}

export function popEnd(list: ListValue, end: End): string | undefined {
  return end === 'left' ? list.items.popHead() : list.items.popTail();
}

export function pushEnd(list: ListValue, end: End, value: string): void {
  if (end === 'left') list.items.pushHead(value);
  else list.items.pushTail(value);
}

/** Pops up to `count` elements from one end, deleting the key when the list empties. */
export function popMany(
  ctx: CommandContext,
  key: string,
  list: ListValue,
  end: End,
  count: number,
): string[] {
  const out: string[] = [];
  while (out.length < count) {
    const v = popEnd(list, end);
    if (v === undefined) break;
    out.push(v);
  }
  afterRemoval(ctx, key, list, end === 'left' ? 'lpop' : 'rpop');
  return out;
}

/** Call after removing elements: notifies `event`, deletes an empty list key and signals the change. */
export function afterRemoval(ctx: CommandContext, key: string, list: ListValue, event: string): void {
  ctx.notify('l', event, key);
  if (list.items.length === 0) {
    ctx.db.delete(key);
    ctx.notify('g', 'del', key);
  }
  ctx.keyModified(key);
}

/** The list at `key` for pushing, created (and announced as ready to blocked clients) when absent. */
export function listForPush(ctx: CommandContext, key: string, existing: ListValue | undefined): ListValue {
  if (existing !== undefined) return existing;
  const list: ListValue = { type: 'list', items: new Quicklist() };
  ctx.db.add(key, list);
  return list;
}
