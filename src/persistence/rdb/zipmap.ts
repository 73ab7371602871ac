/**
 * zipmap (Redis ≤ 2.4 src/zipmap.c), read only: the blob of small hashes in very old files.
 * `<zmlen><len>key<len><free>value[free bytes]...<0xff>`; a length below 254 is one byte, 254 is
 * followed by a uint32 LE length.
 */
import { RdbError } from './constants.js';

export function zipmapPairs(zm: Buffer): [string, string][] {
  const out: [string, string][] = [];
  let p = 1;
  const readLen = (): number => {
    if (p >= zm.length) throw new RdbError('zipmap runs past the end');
    const b = zm[p] as number;
    if (b < 254) {
      p += 1;
      return b;
    }
    if (b === 254) {
      if (p + 5 > zm.length) throw new RdbError('zipmap runs past the end');
      const len = zm.readUInt32LE(p + 1);
      p += 5;
      return len;
    }
    return -1; // 255: end
  };
  for (;;) {
    const klen = readLen();
    if (klen < 0) break;
    if (p + klen > zm.length) throw new RdbError('zipmap key runs past the end');
    const key = zm.toString('latin1', p, p + klen);
    p += klen;
    const vlen = readLen();
    if (vlen < 0 || p >= zm.length) throw new RdbError('zipmap entry without a value');
    const free = zm[p++] as number;
    if (p + vlen + free > zm.length) throw new RdbError('zipmap value runs past the end');
    out.push([key, zm.toString('latin1', p, p + vlen)]);
    p += vlen + free;
  }
  return out;
}
