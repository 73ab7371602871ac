import {
  ERR_NOT_INTEGER,
  ERR_OFFSET_RANGE,
  ZERO,
  bulk,
  error,
  integer,
  type Reply,
} from '../../resp/index.js';
import { parseInt64 } from '../args.js';
import type { CommandContext, CommandSpec } from '../types.js';
import type { ByteString } from '../../store/index.js';
import { WRONGTYPE, byteStringForWrite, checkStringLength, toIndex } from './common.js';

const EMPTY_BULK: Reply = Object.freeze(bulk(''));

/** Redis getrangeCommand: inclusive byte range with negative indexes from the end, clamped. */
function getRange(ctx: CommandContext, argv: readonly string[]): Reply {
  const startArg = parseInt64(argv[2] as string);
  const endArg = parseInt64(argv[3] as string);
  if (startArg === undefined || endArg === undefined) return error(ERR_NOT_INTEGER);
  // Read without text(): a string changed in place gives only the bytes asked for.
  const value = ctx.db.lookupRead(argv[1] as string, ctx.now);
  if (value === undefined) return EMPTY_BULK;
  if (typeof value !== 'string' && value.type !== 'string') return WRONGTYPE;
  let start = toIndex(startArg);
  let end = toIndex(endArg);
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

/** GETRANGE key start end — the bytes from start to end inclusive; "" when the range is empty. */
export const getrange: CommandSpec = {
  name: 'getrange',
  arity: 4,
  flags: ['readonly'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['read', 'string', 'slow'],
  run: getRange,
};

/** SUBSTR key start end — the old name of GETRANGE. */
export const substr: CommandSpec = {
  name: 'substr',
  arity: 4,
  flags: ['readonly'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['read', 'string', 'slow'],
  run: getRange,
};

/**
 * SETRANGE key offset value — overwrites bytes from offset, zero-padding a shorter string; replies the
 * new length. An empty value changes nothing (and creates nothing).
 */
export const setrange: CommandSpec = {
  name: 'setrange',
  arity: 4,
  flags: ['write', 'denyoom'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['write', 'string', 'slow'],
  run(ctx, argv): Reply {
    const key = argv[1] as string;
    const patch = argv[3] as string;
    const offsetArg = parseInt64(argv[2] as string);
    if (offsetArg === undefined) return error(ERR_NOT_INTEGER);
    const offset = toIndex(offsetArg);
    if (offset < 0) return error(ERR_OFFSET_RANGE);
    const current = ctx.db.lookupWrite(key, ctx.now);
    if (current !== undefined && typeof current !== 'string' && current.type !== 'string') return WRONGTYPE;
    if (patch.length === 0) return current === undefined ? ZERO : integer(current.length);
    const tooLong = checkStringLength(ctx, offset, patch.length);
    if (tooLong !== undefined) return tooLong;
    // Written in place (amortised growth), not rebuilt: a run of SETRANGEs is not quadratic.
    const target = byteStringForWrite(ctx, key) as { readonly value: ByteString; readonly existed: boolean };
    target.value.writeAt(offset, patch);
    if (!target.existed) ctx.db.add(key, target.value);
    ctx.keyModified(key);
    return integer(target.value.length);
  },
};
