/**
 * Argument parsing of the sorted-set family with t_zset.c's exact acceptance rules. Redis parses
 * numbers in three different ways here and clients can see the difference:
 *  - scores, increments and weights (ZADD, ZINCRBY, WEIGHTS) go through string2d: strtod over the
 *    whole argument, no leading space, overflow/underflow and NaN refused;
 *  - score range bounds (ZRANGEBYSCORE, ZCOUNT…) go through bare strtod: leading spaces are skipped,
 *    an empty bound reads as 0, 1e999 reads as inf;
 *  - ranks, offsets and counts go through string2ll (parseInt64).
 */
import type { LexBound, LexRange, ScoreRange } from '../../store/zset.js';
import { parseInt64 } from '../args.js';

/** C isspace: space, \t \n \v \f \r. */
function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

interface StrtodResult {
  readonly value: number;
  /** Characters consumed; 0 when no number was recognised (then value is 0). */
  readonly end: number;
  /** errno == ERANGE: the literal overflowed to ±inf or underflowed to zero. */
  readonly rangeError: boolean;
}

const DECIMAL = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/;
const HEX = /^([+-]?)0[xX]((?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+))(?:[pP]([+-]?[0-9]+))?/;
const INF_NAN = /^([+-]?)(infinity|inf|nan(?:\([0-9A-Za-z_]*\))?)/i;

/** glibc strtod on a latin1 string: the longest numeric prefix after leading white space. */
export function strtod(s: string): StrtodResult {
  let start = 0;
  while (start < s.length && isSpace(s.charCodeAt(start))) start++;
  const rest = s.slice(start);
  const special = INF_NAN.exec(rest);
  if (special !== null) {
    const word = (special[2] ?? '').toLowerCase();
    const negative = special[1] === '-';
    const value = word.startsWith('nan') ? NaN : negative ? -Infinity : Infinity;
    return { value, end: start + special[0].length, rangeError: false };
  }
  const hex = HEX.exec(rest);
  if (hex !== null) return { ...hexValue(hex), end: start + hex[0].length };
  const dec = DECIMAL.exec(rest);
  if (dec === null) return { value: 0, end: 0, rangeError: false };
  const value = Number(dec[0]);
  const mantissaNonZero = /[1-9]/.test(dec[0].split(/[eE]/)[0] ?? '');
  const rangeError = !Number.isFinite(value) || (value === 0 && mantissaNonZero);
  return { value, end: start + dec[0].length, rangeError };
}

function hexValue(m: RegExpExecArray): { value: number; rangeError: boolean } {
  const [intPart = '', fracPart = ''] = (m[2] ?? '').split('.');
  const digits = intPart + fracPart;
  const exponent = Number(m[3] ?? '0') - 4 * fracPart.length;
  const mantissa = digits.length === 0 ? 0 : Number(BigInt(`0x${digits}`));
  let value = mantissa === 0 ? 0 : mantissa * 2 ** exponent;
  if (m[1] === '-') value = -value;
  return { value, rangeError: !Number.isFinite(value) || (value === 0 && mantissa !== 0) };
}

/** Redis string2d (getDoubleFromObject): scores, increments, weights. undefined = "not a valid float". */
export function parseScore(s: string): number | undefined {
  if (s.length === 0 || isSpace(s.charCodeAt(0))) return undefined;
  const r = strtod(s);
  if (r.end !== s.length || r.rangeError || Number.isNaN(r.value)) return undefined;
  return r.value;
}

/** One bound of a score range (zslParseRange): `(` for exclusive, then strtod up to the end or a NUL. */
function parseScoreBound(s: string): { value: number; exclusive: boolean } | undefined {
  const exclusive = s.startsWith('(');
  const text = exclusive ? s.slice(1) : s;
  const r = strtod(text);
  if ((r.end < text.length && text.charCodeAt(r.end) !== 0) || Number.isNaN(r.value)) return undefined;
  return { value: r.value, exclusive };
}

/** `min max` of ZRANGEBYSCORE and friends; undefined → "min or max is not a float". */
export function parseScoreRange(min: string, max: string): ScoreRange | undefined {
  const lo = parseScoreBound(min);
  const hi = parseScoreBound(max);
  if (lo === undefined || hi === undefined) return undefined;
  return { min: lo.value, max: hi.value, minExclusive: lo.exclusive, maxExclusive: hi.exclusive };
}

/** zslParseLexRangeItem: `-`, `+`, `[member` or `(member`. */
function parseLexBound(s: string): LexBound | undefined {
  switch (s.charCodeAt(0)) {
    case 43 /* + */:
      return s.length === 1 || s.charCodeAt(1) === 0 ? { kind: 'plusInf' } : undefined;
    case 45 /* - */:
      return s.length === 1 || s.charCodeAt(1) === 0 ? { kind: 'minusInf' } : undefined;
    case 40 /* ( */:
      return { kind: 'value', value: s.slice(1), exclusive: true };
    case 91 /* [ */:
      return { kind: 'value', value: s.slice(1), exclusive: false };
    default:
      return undefined;
  }
}

/** `min max` of ZRANGEBYLEX and friends; undefined → "min or max not valid string range item". */
export function parseLexRange(min: string, max: string): LexRange | undefined {
  const lo = parseLexBound(min);
  const hi = parseLexBound(max);
  return lo === undefined || hi === undefined ? undefined : { min: lo, max: hi };
}

/**
 * Redis getLongFromObject: a signed 64-bit integer. Values beyond 2^53 come back as the nearest
 * double, which is exact enough for the clamping every caller does with them.
 */
export function parseLong(s: string): number | undefined {
  const n = parseInt64(s);
  return n === undefined ? undefined : Number(n);
}

const INT64_MAX = 9223372036854775807;

/**
 * getTimeoutFromObjectOrReply with UNIT_SECONDS: a long double number of seconds (string2ld rules),
 * turned into an absolute deadline in ms, 0 meaning forever. Mirrors what redis-server 7.0.15 does on
 * x86-64, including its quirks: a value too large for a long long of ms (inf, 1e400) converts to
 * LLONG_MIN and so reports "timeout is negative", and -0.0001 truncates to 0 (block forever).
 */
export function parseTimeoutSeconds(s: string, now: number): number | 'notFloat' | 'negative' | 'outOfRange' {
  if (s.length === 0 || isSpace(s.charCodeAt(0))) return 'notFloat';
  const r = strtod(s);
  // strtold's exponent range is far wider than a double's: 1e400 and 1e-400 are fine long doubles.
  if (r.end !== s.length || Number.isNaN(r.value)) return 'notFloat';
  const ms = Math.trunc(r.value * 1000);
  if (!Number.isFinite(ms) || ms >= INT64_MAX || ms < 0) return 'negative';
  if (ms === 0) return 0;
  return ms > INT64_MAX - now ? 'outOfRange' : now + ms;
}
