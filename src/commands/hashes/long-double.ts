/**
 * x87 80-bit long double arithmetic, emulated exactly with BigInt, for the commands Redis computes
 * in `long double` (HINCRBYFLOAT, INCRBYFLOAT). A double cannot reproduce their replies: Redis prints
 * 0.1 + 0.2 as "0.3" and 1e30 as "1000000000000000000024696061952", both facts of a 64-bit mantissa.
 *
 * A finite value is sign × mantissa × 2^exponent with the mantissa normalised to [2^63, 2^64), the
 * way the x87 format holds it; every operation rounds half-to-even like the FPU's default mode.
 */

export type LongDouble =
  | {
      readonly kind: 'finite';
      readonly negative: boolean;
      readonly mantissa: bigint;
      readonly exponent: number;
    }
  | { readonly kind: 'infinite'; readonly negative: boolean };

const TWO_63 = 1n << 63n;
const TWO_64 = 1n << 64n;
/** Largest binary exponent of a finite x87 value (as mantissa × 2^exponent). */
const MAX_EXPONENT = 16383 - 63;
/** Decimal magnitudes beyond these overflow/underflow a long double; strtold reports ERANGE. */
const MAX_DECIMAL_MAGNITUDE = 4933;
const MIN_DECIMAL_MAGNITUDE = -4951;
/** Redis's MAX_LONG_DOUBLE_CHARS: longer arguments are rejected without parsing. */
const MAX_CHARS = 5 * 1024;

const ZERO_LD = (negative: boolean): LongDouble => ({ kind: 'finite', negative, mantissa: 0n, exponent: 0 });

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** Rounds the exact positive rational num/den × 2^scale to a long double. */
function fromRational(negative: boolean, num: bigint, den: bigint, scale: number): LongDouble {
  if (num === 0n) return ZERO_LD(negative);
  let e = bitLength(num) - bitLength(den) - 64;
  for (;;) {
    const n = e >= 0 ? num : num << BigInt(-e);
    const d = e >= 0 ? den << BigInt(e) : den;
    let q = n / d;
    if (q >= TWO_64) {
      e++;
      continue;
    }
    if (q < TWO_63) {
      e--;
      continue;
    }
    const twiceRest = 2n * (n % d);
    if (twiceRest > d || (twiceRest === d && (q & 1n) === 1n)) q++;
    let exponent = e + scale;
    if (q === TWO_64) {
      q = TWO_63;
      exponent++;
    }
    if (exponent > MAX_EXPONENT) return { kind: 'infinite', negative };
    return { kind: 'finite', negative, mantissa: q, exponent };
  }
}

const DECIMAL = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?$/;
const INFINITY = /^([+-]?)(?:inf|infinity)$/i;

/**
 * Redis string2ld: strtold over the whole string, no leading space, no NaN, no overflow or
 * underflow. undefined when Redis would say "not a valid float".
 */
export function parseLongDouble(s: string): LongDouble | undefined {
  if (s.length === 0 || s.length > MAX_CHARS) return undefined;
  const inf = INFINITY.exec(s);
  if (inf !== null) return { kind: 'infinite', negative: inf[1] === '-' };
  const hex = HEX.exec(s);
  if (hex !== null) return parseHex(hex);
  const dec = DECIMAL.exec(s);
  if (dec === null) return undefined;
  const [, sign = '', whole = '', fraction = '', exp = '0'] = dec;
  if (whole.length + fraction.length === 0) return undefined;
  const negative = sign === '-';
  const digits = (whole + fraction).replace(/^0+/, '');
  if (digits.length === 0) return ZERO_LD(negative);
  const exponent = Number(exp) - fraction.length;
  const magnitude = digits.length + exponent;
  if (magnitude > MAX_DECIMAL_MAGNITUDE || magnitude < MIN_DECIMAL_MAGNITUDE) return undefined;
  const n = BigInt(digits);
  const result =
    exponent >= 0
      ? fromRational(negative, n * 10n ** BigInt(exponent), 1n, 0)
      : fromRational(negative, n, 10n ** BigInt(-exponent), 0);
  return result.kind === 'infinite' ? undefined : result;
}

function parseHex(m: RegExpExecArray): LongDouble | undefined {
  const [, sign = '', whole = '', fraction = '', exp = '0'] = m;
  if (whole.length + fraction.length === 0) return undefined;
  const digits = whole + fraction;
  const binaryExponent = Number(exp) - 4 * fraction.length;
  if (Math.abs(binaryExponent) > 20000) return undefined;
  const result = fromRational(sign === '-', BigInt(`0x${digits}`), 1n, binaryExponent);
  return result.kind === 'infinite' ? undefined : result;
}

/** a + b, rounded once like the FPU. Infinite operands give an infinite (or NaN → undefined) result. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble | undefined {
  if (a.kind === 'infinite' || b.kind === 'infinite') {
    if (a.kind === 'infinite' && b.kind === 'infinite' && a.negative !== b.negative) return undefined;
    return a.kind === 'infinite' ? a : b;
  }
  const low = Math.min(a.exponent, b.exponent);
  const av = (a.mantissa << BigInt(a.exponent - low)) * (a.negative ? -1n : 1n);
  const bv = (b.mantissa << BigInt(b.exponent - low)) * (b.negative ? -1n : 1n);
  const sum = av + bv;
  if (sum === 0n) return ZERO_LD(a.negative && b.negative);
  return fromRational(sum < 0n, sum < 0n ? -sum : sum, 1n, low);
}

/**
 * ld2string(LD_STR_HUMAN): printf("%.17Lf") then trailing zeros (and a bare '.') dropped, "-0" → "0".
 * Infinite values print as "inf"/"-inf".
 */
export function formatLongDoubleHuman(x: LongDouble): string {
  if (x.kind === 'infinite') return x.negative ? '-inf' : 'inf';
  const scaled = x.mantissa * 10n ** 17n;
  let q: bigint;
  if (x.exponent >= 0) {
    q = scaled << BigInt(x.exponent);
  } else {
    const den = 1n << BigInt(-x.exponent);
    q = scaled / den;
    const twiceRest = 2n * (scaled % den);
    if (twiceRest > den || (twiceRest === den && (q & 1n) === 1n)) q++;
  }
  const digits = q.toString().padStart(18, '0');
  const whole = digits.slice(0, -17);
  const fraction = digits.slice(-17).replace(/0+$/, '');
  const text = fraction.length > 0 ? `${whole}.${fraction}` : whole;
  if (text === '0') return '0';
  return x.negative ? `-${text}` : text;
}
