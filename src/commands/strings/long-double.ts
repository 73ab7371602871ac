/**
 * INCRBYFLOAT arithmetic exactly as Redis does it on x86-64: operands parsed with strtold into the
 * 80-bit x87 `long double` (64-bit significand), added with one rounding, printed with `%.17Lf` and
 * trailing zeros trimmed (ld2string LD_STR_HUMAN). Doubles would print 0.1+0.2 as
 * 0.30000000000000004 where Redis prints 0.3, so the format is emulated with exact BigInt math.
 *
 * A finite value is sign × m × 2^e with 0 ≤ m < 2^64; every such value with e ≥ MIN_EXP is exactly
 * representable (below 2^63 · 2^MIN_EXP it is a denormal).
 */

export type LongDouble =
  | { readonly kind: 'finite'; readonly negative: boolean; readonly m: bigint; readonly e: number }
  | { readonly kind: 'inf'; readonly negative: boolean };

/** Significand bits of the x87 extended format. */
const SIGNIFICAND_BITS = 64n;
/** Exponent of the least significant significand bit of the smallest denormal (2^-16445). */
const MIN_EXP = -16445;
/** Values at or above 2^16384 overflow to infinity. */
const MAX_BINARY_MAGNITUDE = 16384;
/** Redis's MAX_LONG_DOUBLE_CHARS: longer inputs are rejected by string2ld. */
const MAX_LONG_DOUBLE_CHARS = 5 * 1024;
/** Decimal magnitudes beyond these certainly overflow / underflow (max ≈ 1.19e4932, min ≈ 3.6e-4951). */
const MAX_DECIMAL_MAGNITUDE = 4935;
const MIN_DECIMAL_MAGNITUDE = -4955;

const DECIMAL_RE = /^([+-]?)(?:(\d+)\.?(\d*)|\.(\d+))(?:[eE]([+-]?\d+))?$/;
const HEX_RE = /^([+-]?)0[xX](?:([0-9a-fA-F]+)\.?([0-9a-fA-F]*)|\.([0-9a-fA-F]+))(?:[pP]([+-]?\d+))?$/;
const INF_RE = /^([+-]?)(?:inf|infinity)$/i;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * Rounds sign × n × 2^exp (n ≥ 0, exact) to the nearest extended value, ties to even, with
 * denormals and overflow to infinity — the single rounding of an x87 operation.
 */
function roundExact(negative: boolean, n: bigint, exp: number): LongDouble {
  if (n === 0n) return { kind: 'finite', negative, m: 0n, e: 0 };
  const len = bitLength(n);
  let shift = Math.max(0, len - Number(SIGNIFICAND_BITS));
  if (exp + shift < MIN_EXP) shift = MIN_EXP - exp;
  let m = n;
  let e = exp;
  if (shift > 0) {
    const s = BigInt(shift);
    m = n >> s;
    const rest = n & ((1n << s) - 1n);
    const half = 1n << (s - 1n);
    if (rest > half || (rest === half && (m & 1n) === 1n)) m += 1n;
    e = exp + shift;
    if (m === 1n << SIGNIFICAND_BITS) {
      m >>= 1n;
      e += 1;
    }
  }
  if (m !== 0n && bitLength(m) + e > MAX_BINARY_MAGNITUDE) return { kind: 'inf', negative };
  return { kind: 'finite', negative, m, e };
}

/** sign × digits × 10^exp10 rounded once to extended precision. */
function fromDecimal(negative: boolean, digits: bigint, exp10: number): LongDouble {
  if (digits === 0n) return { kind: 'finite', negative, m: 0n, e: 0 };
  const magnitude = digits.toString().length + exp10;
  if (magnitude > MAX_DECIMAL_MAGNITUDE) return { kind: 'inf', negative };
  if (magnitude < MIN_DECIMAL_MAGNITUDE) return { kind: 'finite', negative, m: 0n, e: 0 };
  if (exp10 >= 0) return roundExact(negative, digits * 10n ** BigInt(exp10), 0);
  const den = 10n ** BigInt(-exp10);
  // Enough quotient bits (≥ 66) that a sticky bit below them decides every tie correctly.
  const k = Math.max(0, 66 + bitLength(den) - bitLength(digits));
  const num = digits << BigInt(k);
  const q = num / den;
  const sticky = num % den === 0n ? 0n : 1n;
  return roundExact(negative, (q << 1n) | sticky, -k - 1);
}

/**
 * Redis string2ld: strtold over the whole string, rejecting leading space, trailing garbage,
 * NaN, overflow to ±inf and underflow to zero. An explicit "inf" is accepted (and then fails the
 * NaN/Infinity check of the caller).
 */
export function parseLongDouble(text: string): LongDouble | undefined {
  if (text.length === 0 || text.length >= MAX_LONG_DOUBLE_CHARS) return undefined;
  // Redis also checks that strtold consumed every byte, so an embedded NUL is rejected.
  const s = text;
  const inf = INF_RE.exec(s);
  if (inf !== null) return { kind: 'inf', negative: inf[1] === '-' };
  const hex = HEX_RE.exec(s);
  if (hex !== null) return acceptRange(parseHex(hex));
  const dec = DECIMAL_RE.exec(s);
  if (dec === null) return undefined;
  const negative = dec[1] === '-';
  const intPart = dec[2] ?? '';
  const fracPart = dec[3] ?? dec[4] ?? '';
  const exp = dec[5] === undefined ? 0 : clampExponent(dec[5]);
  const digits = BigInt((intPart + fracPart).replace(/^0+(?=\d)/, '') || '0');
  const value = fromDecimal(negative, digits, exp - fracPart.length);
  return acceptRange(value, digits === 0n);
}

function parseHex(match: RegExpExecArray): { value: LongDouble; zeroInput: boolean } {
  const negative = match[1] === '-';
  const intPart = match[2] ?? '';
  const fracPart = match[3] ?? match[4] ?? '';
  const n = BigInt(`0x${intPart}${fracPart}`);
  const exp = (match[5] === undefined ? 0 : clampExponent(match[5])) - 4 * fracPart.length;
  if (n === 0n) return { value: { kind: 'finite', negative, m: 0n, e: 0 }, zeroInput: true };
  if (bitLength(n) + exp > MAX_BINARY_MAGNITUDE + 1)
    return { value: { kind: 'inf', negative }, zeroInput: false };
  if (bitLength(n) + exp < MIN_EXP - 2)
    return { value: { kind: 'finite', negative, m: 0n, e: 0 }, zeroInput: false };
  return { value: roundExact(negative, n, exp), zeroInput: false };
}

/** Exponents beyond ±1e6 behave like ±1e6: the result is inf or zero either way. */
function clampExponent(text: string): number {
  const n = Number(text);
  return Math.max(-1_000_000, Math.min(1_000_000, n));
}

/** strtold reports ERANGE on overflow (→ ±inf) and on underflow to zero; string2ld rejects both. */
function acceptRange(
  parsed: LongDouble | { value: LongDouble; zeroInput: boolean },
  zeroInput = false,
): LongDouble | undefined {
  const value = 'kind' in parsed ? parsed : parsed.value;
  const wasZero = 'kind' in parsed ? zeroInput : parsed.zeroInput;
  if (value.kind === 'inf') return undefined;
  if (value.m === 0n && !wasZero) return undefined;
  return value;
}

/** a + b with one rounding, like `value += incr` on long doubles. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === 'inf' || b.kind === 'inf') {
    if (a.kind === 'inf' && b.kind === 'inf' && a.negative !== b.negative) {
      return { kind: 'inf', negative: false }; // NaN: the caller rejects non-finite results alike
    }
    return a.kind === 'inf' ? a : b;
  }
  if (a.m === 0n && b.m === 0n) return { kind: 'finite', negative: a.negative && b.negative, m: 0n, e: 0 };
  const e = Math.min(a.e, b.e);
  const na = (a.m << BigInt(a.e - e)) * (a.negative ? -1n : 1n);
  const nb = (b.m << BigInt(b.e - e)) * (b.negative ? -1n : 1n);
  const sum = na + nb;
  return roundExact(sum < 0n, sum < 0n ? -sum : sum, e);
}

/** Redis ld2string(LD_STR_HUMAN): `%.17Lf`, trailing zeros and a bare '.' removed, "-0" → "0". */
export function formatLongDouble(value: LongDouble): string {
  if (value.kind === 'inf') return value.negative ? '-inf' : 'inf';
  const scale = 10n ** 17n;
  let scaled: bigint;
  if (value.e >= 0) {
    scaled = (value.m << BigInt(value.e)) * scale;
  } else {
    const s = BigInt(-value.e);
    const num = value.m * scale;
    scaled = num >> s;
    const rest = num & ((1n << s) - 1n);
    const half = 1n << (s - 1n);
    if (rest > half || (rest === half && (scaled & 1n) === 1n)) scaled += 1n;
  }
  const intPart = (scaled / scale).toString();
  const frac = (scaled % scale).toString().padStart(17, '0').replace(/0+$/, '');
  const text = frac === '' ? intPart : `${intPart}.${frac}`;
  if (text === '0') return '0';
  return value.negative ? `-${text}` : text;
}

export function isFinite(value: LongDouble): boolean {
  return value.kind === 'finite';
}
