/**
 * LMOVE source destination LEFT|RIGHT LEFT|RIGHT   — pops from one list and pushes onto another
 *                                                   (or the same one, rotating it); replies the element.
 * RPOPLPUSH source destination                      — LMOVE source destination RIGHT LEFT.
 *
 * Nil when the source is missing. The destination's type is checked only when there is something
 * to move, as Redis does.
 */
import { bulk, NULL, type Reply } from '../../resp/index.js';
import { writeTyped } from '../typed.js';
import type { CommandContext } from '../types.js';
import { afterRemoval, listForPush, popEnd, pushEnd, readEnd } from './common.js';
import type { End } from './common.js';
import { defineCommand } from '../define.js';

/**
 * Moves one element if the source has one; undefined when it does not (the caller decides between
 * nil and blocking). Throws WRONGTYPE for a non-list source or destination.
 */
export function moveElement(
  ctx: CommandContext,
  source: string,
  destination: string,
  from: End,
  to: End,
): Reply | undefined {
  const src = writeTyped(ctx, source, 'list');
  if (src === undefined || src.items.length === 0) return undefined;
  const dstExisting = writeTyped(ctx, destination, 'list');
  const value = popEnd(src, from) as string;
  const dst = listForPush(ctx, destination, dstExisting);
  pushEnd(dst, to, value);
  if (destination !== source) ctx.keyModified(destination);
  ctx.notify('l', to === 'left' ? 'lpush' : 'rpush', destination);
  afterRemoval(ctx, source, src, from === 'left' ? 'lpop' : 'rpop');
  return bulk(value);
}

export const lmove = defineCommand({
  name: 'lmove',
  parse: (args) => ({ source: args.key(), destination: args.key(), from: readEnd(args), to: readEnd(args) }),
  apply: (ctx, { source, destination, from, to }) => moveElement(ctx, source, destination, from, to) ?? NULL,
});

export const rpoplpush = defineCommand({
  name: 'rpoplpush',
  parse: (args) => ({ source: args.key(), destination: args.key() }),
  apply: (ctx, { source, destination }) => moveElement(ctx, source, destination, 'right', 'left') ?? NULL,
});
