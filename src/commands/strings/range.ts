import { ERR_OFFSET_RANGE, ZERO, bulk, integer, type Reply } from '../../resp/index.js';
import type { ArgCursor } from '../cursor.js';
import { defineCommand, type CommandUnit } from '../define.js';
import { fail } from '../typed.js';
import type { CommandContext } from '../types.js';
import { asString, byteStringForWrite, checkStringLength, toIndex } from './common.js';

const EMPTY_BULK: Reply = Object.freeze(bulk(''));

interface RangeArgs {
  readonly key: string;
  readonly start: number;
  readonly end: number;
}

function parseRange(args: ArgCursor): RangeArgs {
  return { key: args.key(), start: toIndex(args.int64()), end: toIndex(args.int64()) };
}

/** Redis getrangeCommand: inclusive byte range with negative indexes from the end, clamped. */
function getRange(ctx: CommandContext, { key, start: startArg, end: endArg }: RangeArgs): Reply {
  // Read without text(): a string changed in place gives only the bytes asked for.
  const value = asString(ctx.db.lookupRead(key, ctx.now));
  if (value === undefined) return EMPTY_BULK;
  let start = startArg;
  let end = endArg;
  const len = value.length;
  if (start < 0 && end < 0 && start > end) return EMPTY_BULK;
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) return EMPTY_BULK;
  return bulk(value.slice(start, end + 1));
}

const getRangeUnit: Omit<CommandUnit<RangeArgs>, 'name'> = { parse: parseRange, apply: getRange };

/** GETRANGE key start end — the bytes from start to end inclusive; "" when the range is empty. */
export const getrange = defineCommand({ name: 'getrange', ...getRangeUnit });

/** SUBSTR key start end — the old name of GETRANGE. */
export const substr = defineCommand({ name: 'substr', ...getRangeUnit });

/**
 * SETRANGE key offset value — overwrites bytes from offset, zero-padding a shorter string; replies the
 * new length. An empty value changes nothing (and creates nothing).
 */
export const setrange = defineCommand({
  name: 'setrange',
  parse(args) {
    const key = args.key();
    const offset = toIndex(args.int64());
    if (offset < 0) return fail(ERR_OFFSET_RANGE);
    return { key, offset, patch: args.string() };
  },
  apply(ctx, { key, offset, patch }) {
    const current = asString(ctx.db.lookupWrite(key, ctx.now));
    if (patch.length === 0) return current === undefined ? ZERO : integer(current.length);
    checkStringLength(ctx, offset, patch.length);
    // Written in place (amortised growth), not rebuilt: a run of SETRANGEs is not quadratic.
    const target = byteStringForWrite(ctx, key);
    target.value.writeAt(offset, patch);
    if (!target.existed) ctx.db.add(key, target.value);
    ctx.keyModified(key);
    ctx.notify('$', 'setrange', key);
    return integer(target.value.length);
  },
});
