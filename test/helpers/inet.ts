/**
 * An Internet checksum written independently of src/vpn/checksum.ts, so tests of code that builds
 * packets check it against a second implementation.
 */

/** One's-complement sum of 16-bit words of `b[start, end)` plus `initial`, folded (0xffff = verifies). */
export function sum16(b: Uint8Array, start: number, end: number, initial = 0): number {
  let s = initial;
  let i = start;
  for (; i + 1 < end; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  if (i < end) s += b[i]! << 8;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}
