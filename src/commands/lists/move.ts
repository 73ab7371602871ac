/**
 * LMOVE source destination LEFT|RIGHT LEFT|RIGHT   — pops from one list and pushes onto another
 *                                                   (or the same one, rotating it); replies the element.
 * RPOPLPUSH source destination                      — LMOVE source destination RIGHT LEFT.
 *
 * Nil when the source is missing. The destination's type is checked only when there is something
 * to move, as Redis does.
 */
import { bulk, NULL, type Reply } from '../../resp/index.js';
import { guarded, writeTyped } from '../typed.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { afterRemoval, listForPush, parseEnd, popEnd, pushEnd } from './common.js';
import type { End } from './common.js';

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
  afterRemoval(ctx, source, src);
  return bulk(value);
}

export const lmove: CommandSpec = {
  name: 'lmove',
  arity: 5,
  flags: ['write', 'denyoom'],
  firstKey: 1,
  lastKey: 2,
  step: 1,
  categories: ['write', 'list', 'slow'],
  run: guarded((ctx, argv) => {
    const from = parseEnd(argv[3] as string);
    const to = parseEnd(argv[4] as string);
    return moveElement(ctx, argv[1] as string, argv[2] as string, from, to) ?? NULL;
  }),
};

export const rpoplpush: CommandSpec = {
  name: 'rpoplpush',
  arity: 3,
  flags: ['write', 'denyoom'],
  firstKey: 1,
  lastKey: 2,
  step: 1,
  categories: ['write', 'list', 'slow'],
  run: guarded(
    (ctx, argv) => moveElement(ctx, argv[1] as string, argv[2] as string, 'right', 'left') ?? NULL,
  ),
};
