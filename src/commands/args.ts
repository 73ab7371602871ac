/**
 * Argument parsing with Redis's exact acceptance rules, shared by every command family.
 * Redis's string2ll/string2ld are stricter than Number(): no spaces, no '+', no leading zeros,
 * and 64-bit range checks.
 */

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
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

/** Case-insensitive option match for command keywords (EX, NX, WITHSCORES…). */
export function isOption(arg: string | undefined, name: string): boolean {
  return arg !== undefined && arg.length === name.length && arg.toUpperCase() === name;
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
