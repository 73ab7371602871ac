/**
 * intset (Redis src/intset.c): uint32 LE width (2, 4 or 8 bytes per element), uint32 LE count, then
 * the integers, signed little-endian, sorted ascending. The blob of small all-integer sets.
 */
import { RdbError } from './constants.js';
import { canonicalInt64 } from './int64.js';

export interface Intset {
  readonly width: 2 | 4 | 8;
  readonly members: string[];
}

export function intsetMembers(blob: Buffer): Intset {
  if (blob.length < 8) throw new RdbError('intset shorter than its header');
  const width = blob.readUInt32LE(0);
  const count = blob.readUInt32LE(4);
  if (width !== 2 && width !== 4 && width !== 8) throw new RdbError(`intset with element width ${width}`);
  if (blob.length !== 8 + width * count) throw new RdbError('intset size does not match its count');
  const members: string[] = [];
  for (let i = 0; i < count; i++) {
    const at = 8 + i * width;
    if (width === 2) members.push(String(blob.readInt16LE(at)));
    else if (width === 4) members.push(String(blob.readInt32LE(at)));
    else members.push(blob.readBigInt64LE(at).toString());
  }
  return { width, members };
}

/** An intset of canonical integer strings (the caller checked they all are). */
export function buildIntset(members: Iterable<string>): Buffer {
  const values: bigint[] = [];
  for (const m of members) {
    const n = canonicalInt64(m);
    if (n === undefined) throw new RangeError(`intset member ${JSON.stringify(m)} is not an integer`);
    values.push(BigInt(n));
  }
  values.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let width: 2 | 4 | 8 = 2;
  for (const v of values) {
    if (v < -2147483648n || v > 2147483647n) width = 8;
    else if ((v < -32768n || v > 32767n) && width === 2) width = 4;
  }
  const blob = Buffer.alloc(8 + width * values.length);
  blob.writeUInt32LE(width, 0);
  blob.writeUInt32LE(values.length, 4);
  values.forEach((v, i) => {
    const at = 8 + i * width;
    if (width === 2) blob.writeInt16LE(Number(v), at);
    else if (width === 4) blob.writeInt32LE(Number(v), at);
    else blob.writeBigInt64LE(v, at);
  });
  return blob;
}
