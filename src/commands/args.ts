/**
 * Argument parsing with Redis's exact acceptance rules, shared by every command family.
 * Redis's string2ll/string2ld are stricter than Number(): no spaces, no '+', no leading zeros,
 * and 64-bit range checks.
 */
import { INT64_MAX, INT64_MAX_AS_DOUBLE, INT64_MIN, isCSpace } from '../resp/index.js';

const SAFE_DIGITS = /^-?(?:0|[1-9][0-9]{0,14})$/;
const INT_DIGITS = /^-?(?:0|[1-9][0-9]*)$/;

/**
 * Parses a signed 64-bit integer the way Redis's string2ll does. Returns a number when it is exact
 * in a double (|n| < 1e15), otherwise a bigint; undefined when Redis would reject it.
 */
export function parseInt64(s: string): number | bigint | undefined {
  const quick = parseShortInt(s);
  if (quick !== undefined) return quick;
  if (SAFE_DIGITS.test(s)) return s === '-0' ? undefined : Number(s);
  if (s.length > 20 || !INT_DIGITS.test(s)) return undefined;
  const n = BigInt(s);
  if (n < INT64_MIN || n > INT64_MAX) return undefined;
  return Number.isSafeInteger(Number(n)) ? Number(n) : n;
}

/**
 * The common case without a regex: up to 15 digits, optional '-', no leading zero, not "-0".
 * Undefined means "not that simple" (the caller goes on with the full rules), not "invalid".
 */
function parseShortInt(s: string): number | undefined {
  const len = s.length;
  if (len === 0 || len > 16) return undefined;
  const negative = s.charCodeAt(0) === 0x2d;
  let i = negative ? 1 : 0;
  const digits = len - i;
  if (digits === 0 || digits > 15) return undefined;
  const first = s.charCodeAt(i) - 0x30;
  if (first < 1 || first > 9) return undefined;
  let n = first;
  for (i++; i < len; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return negative ? -n : n;
}

/** Like parseInt64 but only accepts values that fit a JS safe integer (indexes, counts, ms times). */
export function parseSafeInt(s: string): number | undefined {
  const n = parseInt64(s);
  return typeof n === 'number' ? n : undefined;
}

const FLOAT_RE = /^[-+]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|inf|infinity)$/i;

/**
 * Parses a double like Redis's string2ld/strtold (used by INCRBYFLOAT, ZADD scores, timeouts):
 * decimal or exponent notation, 'inf'/'-inf', no surrounding spaces; NaN is rejected.
 */
export function parseDouble(s: string): number | undefined {
  if (s.length === 0 || !FLOAT_RE.test(s)) return undefined;
  const lower = s.toLowerCase();
  if (lower.endsWith('inf') || lower.endsWith('infinity'))
    return lower.startsWith('-') ? -Infinity : Infinity;
  const n = Number(s);
  return Number.isNaN(n) ? undefined : n;
}

/**
 * Redis getDoubleFromObject (string2d): strtod over the whole argument, no leading space, overflow,
 * underflow to zero and NaN refused; hex floats and inf/infinity accepted, as glibc's strtod does.
 * undefined means "value is not a valid float".
 */
export function parseStrictDouble(s: string): number | undefined {
  if (s.length === 0 || isCSpace(s.charCodeAt(0))) return undefined;
  const r = strtod(s);
  if (r.end !== s.length || r.rangeError || Number.isNaN(r.value)) return undefined;
  return r.value;
}

/** Case-insensitive option match for command keywords (EX, NX, WITHSCORES…). */
export function isOption(arg: string | undefined, name: string): boolean {
  return arg !== undefined && arg.length === name.length && arg.toUpperCase() === name;
}

export interface StrtodResult {
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
  while (start < s.length && isCSpace(s.charCodeAt(start))) start++;
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

/**
 * Redis getLongFromObject: a signed 64-bit integer. Values beyond 2^53 come back as the nearest
 * double, which is exact enough for the clamping every caller does with them.
 */
export function parseLong(s: string): number | undefined {
  const n = parseInt64(s);
  return n === undefined ? undefined : Number(n);
}

/**
 * getTimeoutFromObjectOrReply with UNIT_SECONDS: a long double number of seconds (string2ld rules),
 * turned into an absolute deadline in ms, 0 meaning forever. Mirrors what redis-server 7.0.15 does on
 * x86-64, including its quirks: a value too large for a long long of ms (inf, 1e400) converts to
 * LLONG_MIN and so reports "timeout is negative", and -0.0001 truncates to 0 (block forever).
 */
export function parseTimeoutSeconds(s: string, now: number): number | 'notFloat' | 'negative' | 'outOfRange' {
  if (s.length === 0 || isCSpace(s.charCodeAt(0))) return 'notFloat';
  const r = strtod(s);
  // strtold's exponent range is far wider than a double's: 1e400 and 1e-400 are fine long doubles.
  if (r.end !== s.length || Number.isNaN(r.value)) return 'notFloat';
  const ms = Math.trunc(r.value * 1000);
  if (!Number.isFinite(ms) || ms >= INT64_MAX_AS_DOUBLE || ms < 0) return 'negative';
  if (ms === 0) return 0;
  return ms > INT64_MAX_AS_DOUBLE - now ? 'outOfRange' : now + ms;
}

/**
 * Key arguments of a `numkeys key [key ...]` command (COMMAND GETKEYS): the destination first when
 * there is one, then the numkeys keys. Undefined when numkeys is not a usable count.
 */
export function numkeysKeys(
  argv: readonly string[],
  numkeysIndex: number,
  destinationIndex?: number,
): readonly string[] | undefined {
  const n = Number(argv[numkeysIndex]);
  if (!Number.isSafeInteger(n) || n < 1 || numkeysIndex + n >= argv.length) return undefined;
  const keys = argv.slice(numkeysIndex + 1, numkeysIndex + 1 + n);
  return destinationIndex === undefined ? keys : [argv[destinationIndex] ?? '', ...keys];
}
