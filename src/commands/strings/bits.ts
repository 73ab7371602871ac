/**
 * The bitmap commands (Redis bitops.c): bit 0 is the most significant bit of byte 0. Strings are
 * latin1, so byte i is charCode i.
 */
import {
  ERR_BIT_ARGUMENT,
  ERR_BIT_OFFSET,
  ERR_BIT_VALUE,
  ERR_BITOP_NOT,
  ERR_NOT_INTEGER,
  ERR_SYNTAX,
  ONE,
  ZERO,
  integer,
} from '../../resp/index.js';
import type { ByteString } from '../../store/index.js';
import { parseInt64 } from '../args.js';
import type { ArgCursor } from '../cursor.js';
import { defineCommand } from '../define.js';
import { fail } from '../typed.js';
import type { CommandContext } from '../types.js';
import { asString, byteStringForWrite, checkStringLength, fromBytes, readString, toIndex } from './common.js';

/**
 * Redis getBitOffsetFromArgument: a bit offset ≥ 0 below proto-max-bulk-len bytes; with `bits`
 * (BITFIELD) the `#N` form means N × bits.
 */
export function parseBitOffset(ctx: CommandContext, arg: string, bits = 0): number | undefined {
  const useHash = bits > 0 && arg.length > 1 && arg.charCodeAt(0) === 0x23;
  const parsed = parseInt64(useHash ? arg.slice(1) : arg);
  if (parsed === undefined) return undefined;
  const offset = BigInt(parsed) * (useHash ? BigInt(bits) : 1n);
  if (offset < 0n || offset >> 3n >= BigInt(ctx.server.config.protoMaxBulkLen)) return undefined;
  return Number(offset);
}

/** parseBitOffset or "bit offset is not an integer or out of range". */
export function bitOffsetArg(ctx: CommandContext, arg: string, bits = 0): number {
  const offset = parseBitOffset(ctx, arg, bits);
  return offset === undefined ? fail(ERR_BIT_OFFSET) : offset;
}

/** A bitmap being changed in place: `bytes` is the live view of `value`. */
export interface BitTarget {
  readonly value: ByteString;
  readonly bytes: Buffer;
  readonly existed: boolean;
  /** The key was created or lengthened. */
  readonly grew: boolean;
}

/**
 * Redis lookupStringForBitCommand: the string at `key` grown in place (zero-padded) to hold bit
 * `maxBit` (WRONGTYPE thrown for another type). Like Redis's dbUnshareStringValue, an existing string becomes a raw,
 * mutable one (a ByteString) even if no bit then changes.
 */
export function stringForBitWrite(ctx: CommandContext, key: string, maxBit: number): BitTarget {
  const target = byteStringForWrite(ctx, key);
  const needed = Math.floor(maxBit / 8) + 1;
  checkStringLength(ctx, needed, 0);
  const before = target.value.length;
  const bytes = target.value.writable(needed);
  return { value: target.value, bytes, existed: target.existed, grew: !target.existed || needed > before };
}

/** Should be called after changing a bitmap's bytes: keeps it (a new key is added) and signals it. */
export function storeBits(ctx: CommandContext, key: string, target: BitTarget): void {
  storeBitsSilently(ctx, key, target);
  ctx.keyModified(key);
  ctx.notify('$', 'setbit', key);
}

/** Keeps a grown-but-unchanged bitmap without counting a change (BITFIELD whose writes all failed). */
export function storeBitsSilently(ctx: CommandContext, key: string, target: BitTarget): void {
  target.value.changed();
  if (!target.existed) ctx.db.add(key, target.value);
}

/** SETBIT key offset value — sets or clears one bit, growing the string; replies the old bit. */
export const setbit = defineCommand({
  name: 'setbit',
  parse(args, ctx) {
    const key = args.key();
    const offset = bitOffsetArg(ctx, args.string());
    const on = parseInt64(args.string());
    if (on !== 0 && on !== 1) return fail(ERR_BIT_VALUE);
    return { key, offset, on };
  },
  apply(ctx, { key, offset, on }) {
    const target = stringForBitWrite(ctx, key, offset);
    const byte = offset >> 3;
    const mask = 1 << (7 - (offset & 7));
    const old = ((target.bytes[byte] as number) & mask) !== 0 ? 1 : 0;
    if (target.grew || old !== on) {
      target.bytes[byte] =
        on === 1 ? (target.bytes[byte] as number) | mask : (target.bytes[byte] as number) & ~mask;
      storeBits(ctx, key, target);
    }
    return old === 1 ? ONE : ZERO;
  },
});

/** GETBIT key offset — the bit at offset; 0 past the end or for an absent key. */
export const getbit = defineCommand({
  name: 'getbit',
  parse: (args, ctx) => ({ key: args.key(), offset: bitOffsetArg(ctx, args.string()) }),
  apply(ctx, { key, offset }) {
    const value = asString(ctx.db.lookupRead(key, ctx.now));
    if (value === undefined) return ZERO;
    const byte = offset >> 3;
    if (byte >= value.length) return ZERO;
    // A ByteString is read in place: GETBIT stays O(1) between SETBITs.
    const code = typeof value === 'string' ? value.charCodeAt(byte) : value.byteAt(byte);
    return (code & (1 << (7 - (offset & 7)))) !== 0 ? ONE : ZERO;
  },
});

const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + (POPCOUNT[i >> 1] as number);

/**
 * A start/end range of BITCOUNT/BITPOS resolved like Redis: negative indexes from the end, clamped,
 * and with BIT units the masks of bits outside the range in the first and last byte.
 */
interface ByteRange {
  readonly start: number;
  readonly end: number;
  /** Bits of the first byte that lie before the range (BIT unit only). */
  readonly firstMask: number;
  /** Bits of the last byte that lie after the range (BIT unit only). */
  readonly lastMask: number;
}

function resolveRange(startArg: number, endArg: number, totalBytes: number, isBit: boolean): ByteRange {
  const total = isBit ? totalBytes * 8 : totalBytes;
  let start = startArg;
  let end = endArg;
  if (start < 0) start = total + start;
  if (end < 0) end = total + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  if (isBit && start <= end) {
    const firstMask = ~((1 << (8 - (start & 7))) - 1) & 0xff;
    const lastMask = (1 << (7 - (end & 7))) - 1;
    return { start: Math.floor(start / 8), end: Math.floor(end / 8), firstMask, lastMask };
  }
  return { start, end, firstMask: 0, lastMask: 0 };
}

/** BYTE or BIT (true), else a syntax error. */
function parseUnit(args: ArgCursor): boolean {
  return args.oneOf('BYTE', 'BIT') === 'BIT';
}

/** BITCOUNT key [start end [BYTE | BIT]] — the number of set bits, in the whole string or a range. */
export const bitcount = defineCommand({
  name: 'bitcount',
  // Redis looks the key up first (an absent key is 0 whatever the range says), then reads the range.
  parse: (args) => ({ key: args.key(), range: args }),
  apply(ctx, { key, range: args }) {
    const value = readString(ctx, key);
    if (value === undefined) return ZERO;
    let range: ByteRange;
    if (args.remaining === 2 || args.remaining === 3) {
      const s = toIndex(args.int64());
      const e = toIndex(args.int64());
      const isBit = args.done ? false : parseUnit(args);
      if (s < 0 && e < 0 && s > e) return ZERO;
      range = resolveRange(s, e, value.length, isBit);
    } else if (args.done) {
      range = { start: 0, end: value.length - 1, firstMask: 0, lastMask: 0 };
    } else {
      return fail(ERR_SYNTAX);
    }
    if (range.start > range.end) return ZERO;
    let count = 0;
    for (let i = range.start; i <= range.end; i++) count += POPCOUNT[value.charCodeAt(i)] as number;
    if (range.firstMask !== 0) count -= POPCOUNT[value.charCodeAt(range.start) & range.firstMask] as number;
    if (range.lastMask !== 0) count -= POPCOUNT[value.charCodeAt(range.end) & range.lastMask] as number;
    return integer(count);
  },
});

/**
 * BITPOS key bit [start [end [BYTE | BIT]]] — the position of the first bit equal to `bit`. A missing
 * key is all zeros. Looking for 0 without an explicit end, the string counts as zero-padded on the
 * right; with an explicit end a range of all ones gives -1.
 */
export const bitpos = defineCommand({
  name: 'bitpos',
  // The bit is checked before the lookup, the range after it (Redis's order).
  parse(args) {
    const key = args.key();
    const bit = args.int64();
    if (bit !== 0 && bit !== 1) return fail(ERR_BIT_ARGUMENT);
    return { key, bit, range: args };
  },
  apply(ctx, { key, bit, range: args }) {
    const value = readString(ctx, key);
    if (value === undefined) return integer(bit === 1 ? -1 : 0);
    let range: ByteRange;
    let endGiven = false;
    if (args.remaining >= 1 && args.remaining <= 3) {
      const start = toIndex(args.int64());
      // Redis reads the unit before the end: BITPOS k 1 0 x BAD is a syntax error.
      const endArg = args.done ? undefined : args.string();
      const isBit = args.done ? false : parseUnit(args);
      let end: number;
      if (endArg !== undefined) {
        const parsed = parseInt64(endArg);
        end = parsed === undefined ? fail(ERR_NOT_INTEGER) : toIndex(parsed);
        endGiven = true;
      } else {
        end = isBit ? value.length * 8 + 7 : value.length - 1;
      }
      range = resolveRange(start, end, value.length, isBit);
    } else if (args.done) {
      range = { start: 0, end: value.length - 1, firstMask: 0, lastMask: 0 };
    } else {
      return fail(ERR_SYNTAX);
    }
    if (range.start > range.end) return integer(-1);
    return integer(findBit(value, range, bit, endGiven));
  },
});

/** The first bit equal to `bit` inside the range, with the masked edge bits treated as not matching. */
function findBit(value: string, range: ByteRange, bit: number, endGiven: boolean): number {
  const skip = bit === 1 ? 0x00 : 0xff;
  for (let i = range.start; i <= range.end; i++) {
    let byte = value.charCodeAt(i);
    if (i === range.start && range.firstMask !== 0)
      byte = bit === 1 ? byte & ~range.firstMask : byte | range.firstMask;
    if (i === range.end && range.lastMask !== 0)
      byte = bit === 1 ? byte & ~range.lastMask : byte | range.lastMask;
    byte &= 0xff;
    if (byte === skip) continue;
    for (let b = 0; b < 8; b++) {
      if (((byte >> (7 - b)) & 1) === bit) return i * 8 + b;
    }
  }
  if (bit === 1 || endGiven) return -1;
  return (range.end + 1) * 8;
}

/**
 * BITOP AND|OR|XOR|NOT destkey key [key …] — combines strings byte by byte (missing bytes are 0),
 * stores the result (or deletes destkey when it would be empty), replies its length.
 */
export const bitop = defineCommand({
  name: 'bitop',
  parse(args) {
    const op = args.oneOf('AND', 'OR', 'XOR', 'NOT');
    if (op === 'NOT' && args.remaining !== 2) return fail(ERR_BITOP_NOT);
    return { op, dest: args.key(), keys: args.rest() };
  },
  apply(ctx, { op, dest, keys }) {
    const sources: string[] = [];
    let maxLen = 0;
    for (const key of keys) {
      const value = readString(ctx, key) ?? '';
      sources.push(value);
      maxLen = Math.max(maxLen, value.length);
    }
    if (maxLen === 0) {
      if (ctx.db.delete(dest)) {
        ctx.keyModified(dest);
        ctx.notify('g', 'del', dest);
      }
      return ZERO;
    }
    const out = Buffer.alloc(maxLen);
    for (let i = 0; i < maxLen; i++) out[i] = combineByte(op, sources, i);
    ctx.db.setValue(dest, fromBytes(out), false);
    ctx.db.markRawString(dest);
    ctx.keyModified(dest);
    ctx.notify('$', 'set', dest);
    return integer(maxLen);
  },
});

function combineByte(op: 'AND' | 'OR' | 'XOR' | 'NOT', sources: readonly string[], i: number): number {
  const at = (s: string): number => (i < s.length ? s.charCodeAt(i) : 0);
  if (op === 'NOT') return ~at(sources[0] as string) & 0xff;
  let acc = at(sources[0] as string);
  for (let k = 1; k < sources.length; k++) {
    const b = at(sources[k] as string);
    acc = op === 'AND' ? acc & b : op === 'OR' ? acc | b : acc ^ b;
  }
  return acc;
}
