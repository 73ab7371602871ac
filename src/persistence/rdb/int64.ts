/**
 * Redis string2ll (util.c): is a byte string the canonical decimal text of a signed 64-bit integer?
 * No sign but '-', no leading zeros, no spaces, not "-0", at most 20 characters. The compact
 * encodings (RDB int strings, listpack ints, intsets) only take such strings, since they must
 * give back the same bytes.
 */
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The value as a number when it is canonical and within ±2^53, as a bigint when larger; else undefined. */
export function canonicalInt64(s: string): number | bigint | undefined {
  const len = s.length;
  if (len === 0 || len > 20) return undefined;
  if (len === 1) {
    const c = s.charCodeAt(0);
    return c >= 48 && c <= 57 ? c - 48 : undefined;
  }
  let i = 0;
  if (s.charCodeAt(0) === 45) i = 1; // '-'
  const first = s.charCodeAt(i);
  if (first < 49 || first > 57) return undefined; // 1-9: no leading zero, no "-0"
  for (let j = i + 1; j < len; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return undefined;
  }
  if (len - i <= 15) return Number(s);
  const big = BigInt(s);
  if (big < INT64_MIN || big > INT64_MAX) return undefined;
  return Number.isSafeInteger(Number(big)) ? Number(big) : big;
}
