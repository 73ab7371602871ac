/**
 * ziplist (Redis ≤ 6.2 src/ziplist.c), read only: the blob of lists, hashes and sorted sets in files
 * written before 7.0, which 7.0 still loads. Header: zlbytes u32 LE, zltail u32 LE, zllen u16 LE;
 * entries `<prevlen><encoding><data>`; then 0xFF.
 */
import { RdbError } from './constants.js';

export function ziplistEntries(zl: Buffer): string[] {
  if (zl.length < 11) throw new RdbError('ziplist shorter than its header');
  if (zl.readUInt32LE(0) !== zl.length) throw new RdbError('ziplist byte count does not match its blob');
  const out: string[] = [];
  let p = 10;
  const end = zl.length - 1;
  const need = (n: number): void => {
    if (p + n > end) throw new RdbError('ziplist entry runs past the end');
  };
  while (p < end) {
    need(1);
    p += (zl[p] as number) < 254 ? 1 : 5;
    need(1);
    const b = zl[p] as number;
    switch (b & 0xc0) {
      case 0x00: {
        const len = b & 0x3f;
        need(1 + len);
        out.push(zl.toString('latin1', p + 1, p + 1 + len));
        p += 1 + len;
        continue;
      }
      case 0x40: {
        need(2);
        const len = ((b & 0x3f) << 8) | (zl[p + 1] as number);
        need(2 + len);
        out.push(zl.toString('latin1', p + 2, p + 2 + len));
        p += 2 + len;
        continue;
      }
      case 0x80: {
        need(5);
        const len = zl.readUInt32BE(p + 1);
        need(5 + len);
        out.push(zl.toString('latin1', p + 5, p + 5 + len));
        p += 5 + len;
        continue;
      }
    }
    if (b === 0xc0) {
      need(3);
      out.push(String(zl.readInt16LE(p + 1)));
      p += 3;
    } else if (b === 0xd0) {
      need(5);
      out.push(String(zl.readInt32LE(p + 1)));
      p += 5;
    } else if (b === 0xe0) {
      need(9);
      out.push(zl.readBigInt64LE(p + 1).toString());
      p += 9;
    } else if (b === 0xf0) {
      need(4);
      out.push(String(zl.readIntLE(p + 1, 3)));
      p += 4;
    } else if (b === 0xfe) {
      need(2);
      out.push(String(zl.readInt8(p + 1)));
      p += 2;
    } else if (b >= 0xf1 && b <= 0xfd) {
      out.push(String((b & 0x0f) - 1));
      p += 1;
    } else {
      throw new RdbError(`ziplist entry with invalid encoding byte 0x${b.toString(16)}`);
    }
  }
  if (p !== end || zl[end] !== 0xff) throw new RdbError('ziplist not terminated by 0xff');
  return out;
}
