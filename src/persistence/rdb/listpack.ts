/**
 * listpack (Redis src/listpack.c): the blob behind small hashes, sorted sets, quicklist nodes and
 * stream nodes. Header: uint32 LE total bytes, uint16 LE element count (65535 = count by scanning);
 * then entries `<encoding+data><backlen>`; then 0xFF.
 */
import { RdbError } from './constants.js';
import { canonicalInt64 } from './int64.js';

const LP_HDR_SIZE = 6;
const LP_EOF = 0xff;

/** Bytes of the backlen that follows an entry of `l` bytes of encoding+data (lpEncodeBacklen). */
function backlenSize(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

/** Every element of a listpack as a latin1 string (integers as their decimal text). */
export function listpackEntries(lp: Buffer): string[] {
  if (lp.length < LP_HDR_SIZE + 1) throw new RdbError('listpack shorter than its header');
  const total = lp.readUInt32LE(0);
  if (total !== lp.length) throw new RdbError(`listpack header says ${total} bytes, blob has ${lp.length}`);
  const declared = lp.readUInt16LE(4);
  const out: string[] = [];
  let p = LP_HDR_SIZE;
  const end = lp.length - 1;
  const need = (n: number): void => {
    if (p + n > end) throw new RdbError('listpack entry runs past the end');
  };
  while (p < end) {
    const b = lp[p] as number;
    let size: number;
    if ((b & 0x80) === 0) {
      out.push(String(b));
      size = 1;
    } else if ((b & 0xc0) === 0x80) {
      const len = b & 0x3f;
      need(1 + len);
      out.push(lp.toString('latin1', p + 1, p + 1 + len));
      size = 1 + len;
    } else if ((b & 0xe0) === 0xc0) {
      need(2);
      let v = ((b & 0x1f) << 8) | (lp[p + 1] as number);
      if (v >= 1 << 12) v -= 1 << 13;
      out.push(String(v));
      size = 2;
    } else if ((b & 0xf0) === 0xe0) {
      need(2);
      const len = ((b & 0x0f) << 8) | (lp[p + 1] as number);
      need(2 + len);
      out.push(lp.toString('latin1', p + 2, p + 2 + len));
      size = 2 + len;
    } else if (b === 0xf0) {
      need(5);
      const len = lp.readUInt32LE(p + 1);
      need(5 + len);
      out.push(lp.toString('latin1', p + 5, p + 5 + len));
      size = 5 + len;
    } else if (b === 0xf1) {
      need(3);
      out.push(String(lp.readInt16LE(p + 1)));
      size = 3;
    } else if (b === 0xf2) {
      need(4);
      out.push(String(lp.readIntLE(p + 1, 3)));
      size = 4;
    } else if (b === 0xf3) {
      need(5);
      out.push(String(lp.readInt32LE(p + 1)));
      size = 5;
    } else if (b === 0xf4) {
      need(9);
      out.push(lp.readBigInt64LE(p + 1).toString());
      size = 9;
    } else {
      throw new RdbError(`listpack entry with invalid encoding byte 0x${b.toString(16)}`);
    }
    p += size + backlenSize(size);
  }
  if (p !== end || lp[end] !== LP_EOF) throw new RdbError('listpack not terminated by 0xff');
  if (declared !== 65535 && declared !== out.length) {
    throw new RdbError(`listpack header says ${declared} elements, found ${out.length}`);
  }
  return out;
}

/** Appends one element's encoding, data and backlen (lpInsert's choice of the smallest form). */
function encodeElement(s: string, parts: Buffer[]): number {
  const n = canonicalInt64(s);
  let enc: Buffer;
  if (n !== undefined) {
    const v = typeof n === 'bigint' ? n : BigInt(n);
    if (v >= 0n && v <= 127n) enc = Buffer.from([Number(v)]);
    else if (v >= -4096n && v <= 4095n) {
      const u = Number(v < 0n ? (1n << 13n) + v : v);
      enc = Buffer.from([0xc0 | (u >> 8), u & 0xff]);
    } else if (v >= -32768n && v <= 32767n) {
      enc = Buffer.alloc(3);
      enc[0] = 0xf1;
      enc.writeInt16LE(Number(v), 1);
    } else if (v >= -8388608n && v <= 8388607n) {
      enc = Buffer.alloc(4);
      enc[0] = 0xf2;
      enc.writeIntLE(Number(v), 1, 3);
    } else if (v >= -2147483648n && v <= 2147483647n) {
      enc = Buffer.alloc(5);
      enc[0] = 0xf3;
      enc.writeInt32LE(Number(v), 1);
    } else {
      enc = Buffer.alloc(9);
      enc[0] = 0xf4;
      enc.writeBigInt64LE(v, 1);
    }
  } else {
    const len = s.length;
    if (len < 64) {
      enc = Buffer.allocUnsafe(1 + len);
      enc[0] = 0x80 | len;
      enc.write(s, 1, 'latin1');
    } else if (len < 4096) {
      enc = Buffer.allocUnsafe(2 + len);
      enc[0] = 0xe0 | (len >> 8);
      enc[1] = len & 0xff;
      enc.write(s, 2, 'latin1');
    } else {
      enc = Buffer.allocUnsafe(5 + len);
      enc[0] = 0xf0;
      enc.writeUInt32LE(len, 1);
      enc.write(s, 5, 'latin1');
    }
  }
  parts.push(enc, encodeBacklen(enc.length));
  return enc.length + backlenSize(enc.length);
}

function encodeBacklen(l: number): Buffer {
  if (l <= 127) return Buffer.from([l]);
  if (l < 16383) return Buffer.from([l >> 7, (l & 127) | 128]);
  if (l < 2097151) return Buffer.from([l >> 14, ((l >> 7) & 127) | 128, (l & 127) | 128]);
  if (l < 268435455) {
    return Buffer.from([l >> 21, ((l >> 14) & 127) | 128, ((l >> 7) & 127) | 128, (l & 127) | 128]);
  }
  return Buffer.from([
    Math.floor(l / 2 ** 28),
    ((l >> 21) & 127) | 128,
    ((l >> 14) & 127) | 128,
    ((l >> 7) & 127) | 128,
    (l & 127) | 128,
  ]);
}

/** Bytes one element takes in a listpack (encoding + data + backlen): quicklist node sizing. */
export function listpackElementSize(s: string): number {
  const parts: Buffer[] = [];
  return encodeElement(s, parts);
}

/** A listpack holding `elements` in order. */
export function buildListpack(elements: Iterable<string>): Buffer {
  const parts: Buffer[] = [Buffer.alloc(LP_HDR_SIZE)];
  let total = LP_HDR_SIZE + 1;
  let count = 0;
  for (const e of elements) {
    total += encodeElement(e, parts);
    count++;
  }
  parts.push(Buffer.from([LP_EOF]));
  const lp = Buffer.concat(parts, total);
  lp.writeUInt32LE(total, 0);
  lp.writeUInt16LE(count < 65535 ? count : 65535, 4);
  return lp;
}
