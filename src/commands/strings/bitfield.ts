/**
 * BITFIELD / BITFIELD_RO (Redis bitops.c bitfieldGeneric): integer fields of 1..64 bits (i1..i64,
 * u1..u63) at any bit offset, read and written MSB first. The overflow checks are transcribed from
 * Redis with BigInt in int64/uint64 wrap-around arithmetic, so SAT/WRAP/FAIL match bit for bit.
 */
import {
  INT64_MAX,
  ERR_BITFIELD_OVERFLOW,
  ERR_BITFIELD_RO,
  ERR_BITFIELD_TYPE,
  ERR_SYNTAX,
  NULL,
  array,
  integer,
  type Reply,
} from '../../resp/index.js';
import { parseInt64 } from '../args.js';
import type { ArgCursor } from '../cursor.js';
import { defineCommand } from '../define.js';
import { fail } from '../typed.js';
import type { CommandContext } from '../types.js';
import { readString, toBytes } from './common.js';
import { bitOffsetArg, storeBits, storeBitsSilently, stringForBitWrite } from './bits.js';

type Overflow = 'WRAP' | 'SAT' | 'FAIL';

interface FieldOp {
  readonly opcode: 'GET' | 'SET' | 'INCRBY';
  readonly signed: boolean;
  readonly bits: number;
  readonly offset: number;
  readonly value: bigint;
  readonly overflow: Overflow;
}

const i64 = (n: bigint): bigint => BigInt.asIntN(64, n);

/** An int64 reply, as a plain number when it is exact in one. */
function int64Reply(n: bigint): Reply {
  const asNumber = Number(n);
  return integer(Number.isSafeInteger(asNumber) ? asNumber : n);
}
const u64 = (n: bigint): bigint => BigInt.asUintN(64, n);

function parseType(arg: string): { signed: boolean; bits: number } | undefined {
  const c = arg.charAt(0);
  if (c !== 'i' && c !== 'u') return undefined;
  const bits = parseInt64(arg.slice(1));
  if (typeof bits !== 'number' || bits < 1 || bits > (c === 'i' ? 64 : 63)) return undefined;
  return { signed: c === 'i', bits };
}

/** The operations of one BITFIELD call, read in order (each failing with Redis's error for it). */
function parseOps(args: ArgCursor, ctx: CommandContext): FieldOp[] {
  const ops: FieldOp[] = [];
  let overflow: Overflow = 'WRAP';
  while (!args.done) {
    const operands = args.remaining - 1;
    let opcode: FieldOp['opcode'];
    if (operands >= 2 && args.option('GET')) opcode = 'GET';
    else if (operands >= 3 && args.option('SET')) opcode = 'SET';
    else if (operands >= 3 && args.option('INCRBY')) opcode = 'INCRBY';
    else if (operands >= 1 && args.option('OVERFLOW')) {
      const kind = args.string().toUpperCase();
      if (kind !== 'WRAP' && kind !== 'SAT' && kind !== 'FAIL') return fail(ERR_BITFIELD_OVERFLOW);
      overflow = kind;
      continue;
    } else return fail(ERR_SYNTAX);
    const type = parseType(args.string()) ?? fail(ERR_BITFIELD_TYPE);
    const offset = bitOffsetArg(ctx, args.string(), type.bits);
    const value = opcode === 'GET' ? 0n : BigInt(args.int64());
    ops.push({ opcode, ...type, offset, value, overflow });
  }
  return ops;
}

function readUnsigned(bytes: Uint8Array, offset: number, bits: number): bigint {
  let value = 0n;
  for (let i = 0; i < bits; i++) {
    const pos = offset + i;
    const byte = bytes[pos >> 3] ?? 0;
    value = (value << 1n) | BigInt((byte >> (7 - (pos & 7))) & 1);
  }
  return value;
}

function readSigned(bytes: Uint8Array, offset: number, bits: number): bigint {
  return BigInt.asIntN(bits, readUnsigned(bytes, offset, bits));
}

function writeBits(bytes: Uint8Array, offset: number, bits: number, value: bigint): void {
  const v = BigInt.asUintN(64, value);
  for (let i = 0; i < bits; i++) {
    const bit = Number((v >> BigInt(bits - 1 - i)) & 1n);
    const pos = offset + i;
    const mask = 1 << (7 - (pos & 7));
    const byte = bytes[pos >> 3] as number;
    bytes[pos >> 3] = bit === 1 ? byte | mask : byte & ~mask;
  }
}

/** Redis checkUnsignedBitfieldOverflow: returns [overflowed, limit value]. */
function unsignedOverflow(value: bigint, incr: bigint, bits: number, kind: Overflow): [boolean, bigint] {
  const max = bits === 64 ? u64(-1n) : (1n << BigInt(bits)) - 1n;
  const maxincr = i64(max - value);
  const minincr = i64(-value);
  const wrap = (): bigint => u64(value + incr) & (u64(-1n) >> BigInt(64 - bits));
  if (value > max || (incr > 0n && incr > maxincr)) return [true, kind === 'WRAP' ? wrap() : max];
  if (incr < 0n && incr < minincr) return [true, kind === 'WRAP' ? wrap() : 0n];
  return [false, 0n];
}

/** Redis checkSignedBitfieldOverflow, int64 wrap-around included. */
function signedOverflow(value: bigint, incr: bigint, bits: number, kind: Overflow): [boolean, bigint] {
  const max = bits === 64 ? INT64_MAX : (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const maxincr = i64(u64(max) - u64(value));
  const minincr = i64(min - value);
  const wrap = (): bigint => {
    let c = u64(value + incr);
    if (bits < 64) {
      const mask = u64(-1n << BigInt(bits));
      c = (c & (1n << BigInt(bits - 1))) !== 0n ? c | mask : c & ~mask;
    }
    return i64(c);
  };
  if (value > max || (bits !== 64 && incr > maxincr) || (value >= 0n && incr > 0n && incr > maxincr)) {
    return [true, kind === 'WRAP' ? wrap() : max];
  }
  if (value < min || (bits !== 64 && incr < minincr) || (value < 0n && incr < 0n && incr < minincr)) {
    return [true, kind === 'WRAP' ? wrap() : min];
  }
  return [false, 0n];
}

interface WriteOutcome {
  /** The old value (SET), the new one (INCRBY) or nil on FAIL. */
  readonly reply: Reply;
  /** The field's bits differ from before. */
  readonly changed: boolean;
}

function readField(bytes: Buffer, op: FieldOp): bigint {
  return op.signed ? readSigned(bytes, op.offset, op.bits) : readUnsigned(bytes, op.offset, op.bits);
}

/** Runs a SET or INCRBY on the buffer. */
function applyWrite(bytes: Buffer, op: FieldOp): WriteOutcome {
  const old = readField(bytes, op);
  const check = op.signed ? signedOverflow : unsignedOverflow;
  let next: bigint;
  let overflowed: boolean;
  if (op.opcode === 'INCRBY') {
    const base = op.signed ? old : u64(old);
    const [o, limit] = check(base, op.value, op.bits, op.overflow);
    overflowed = o;
    next = o ? limit : op.signed ? i64(old + op.value) : u64(old + op.value);
  } else {
    const v = op.signed ? op.value : u64(op.value);
    const [o, limit] = check(v, 0n, op.bits, op.overflow);
    overflowed = o;
    next = o ? limit : v;
  }
  if (overflowed && op.overflow === 'FAIL') return { reply: NULL, changed: false };
  writeBits(bytes, op.offset, op.bits, next);
  return { reply: int64Reply(op.opcode === 'INCRBY' ? next : old), changed: readField(bytes, op) !== old };
}

interface BitfieldArgs {
  readonly key: string;
  readonly ops: readonly FieldOp[];
}

function parseBitfield(args: ArgCursor, ctx: CommandContext): BitfieldArgs {
  return { key: args.key(), ops: parseOps(args, ctx) };
}

function bitfieldGeneric(ctx: CommandContext, { key, ops }: BitfieldArgs, readOnly: boolean): Reply {
  const writes = ops.filter((op) => op.opcode !== 'GET');
  if (writes.length === 0) {
    const bytes = toBytes(readString(ctx, key) ?? '');
    return array(
      ops.map((op) =>
        int64Reply(
          op.signed ? readSigned(bytes, op.offset, op.bits) : readUnsigned(bytes, op.offset, op.bits),
        ),
      ),
    );
  }
  if (readOnly) return fail(ERR_BITFIELD_RO);
  const highest = Math.max(...writes.map((op) => op.offset + op.bits - 1));
  const target = stringForBitWrite(ctx, key, highest);
  // Redis 7.0.15 counts a change per SET/INCRBY not refused by OVERFLOW FAIL that changed its bits,
  // or every such write once the string was created or grown; with none, a grown key is kept but
  // not signalled, so nothing counts as dirty or is propagated.
  let changes = 0;
  const replies = ops.map((op) => {
    if (op.opcode === 'GET') return int64Reply(readField(target.bytes, op));
    const outcome = applyWrite(target.bytes, op);
    if (outcome.reply.kind !== 'null' && (outcome.changed || target.grew)) changes++;
    return outcome.reply;
  });
  if (changes > 0) {
    storeBits(ctx, key, target);
    // Redis's server.dirty += changes: one counted by storeBits, the rest here.
    for (let i = 1; i < changes; i++) ctx.keyModified(key);
  } else if (target.grew) storeBitsSilently(ctx, key, target);
  return array(replies);
}

/**
 * BITFIELD key [GET type offset | SET type offset value | INCRBY type offset increment |
 * OVERFLOW WRAP|SAT|FAIL] … — several bitfield operations in one call, replies one value each.
 */
export const bitfield = defineCommand({
  name: 'bitfield',
  parse: parseBitfield,
  apply: (ctx, parsed) => bitfieldGeneric(ctx, parsed, false),
});

/** BITFIELD_RO key [GET type offset] … — the read-only variant. */
export const bitfieldRo = defineCommand({
  name: 'bitfield_ro',
  parse: parseBitfield,
  apply: (ctx, parsed) => bitfieldGeneric(ctx, parsed, true),
});
