/**
 * The Internet checksum (RFC 1071) pieces the data path needs when it writes packets of its own:
 * coalesced TCP segments (tcp-coalesce.ts), fragments and ICMP errors (relay-mtu.ts).
 */

/** One's-complement sum of the big-endian 16-bit words of `b[start, end)` plus `initial`, not folded. */
export function sum16(b: Uint8Array, start: number, end: number, initial = 0): number {
  let s = initial;
  let i = start;
  for (; i + 1 < end; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  if (i < end) s += b[i]! << 8;
  return s;
}

/** Folds a one's-complement sum to 16 bits. */
export function fold(s: number): number {
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

/** The checksum field for `b[start, end)` with `initial` (e.g. a pseudo-header sum) added. */
export function internetChecksum(b: Uint8Array, start: number, end: number, initial = 0): number {
  return ~fold(sum16(b, start, end, initial)) & 0xffff;
}
