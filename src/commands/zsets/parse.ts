/**
 * Argument parsing of the sorted-set family with t_zset.c's exact acceptance rules. Redis parses
 * numbers in three different ways here and clients can see the difference:
 *  - scores, increments and weights (ZADD, ZINCRBY, WEIGHTS) go through string2d: strtod over the
 *    whole argument, no leading space, overflow/underflow and NaN refused;
 *  - score range bounds (ZRANGEBYSCORE, ZCOUNT…) go through bare strtod: leading spaces are skipped,
 *    an empty bound reads as 0, 1e999 reads as inf;
 *  - ranks, offsets and counts go through string2ll (parseInt64).
 */
import { ERR_MIN_MAX_NOT_FLOAT, ERR_MIN_MAX_NOT_STRING_RANGE } from '../../resp/index.js';
import type { LexBound, LexRange, ScoreRange } from '../../store/index.js';
import { strtod } from '../args.js';
import type { ArgCursor } from '../cursor.js';
import { fail } from '../typed.js';

/** Scores, increments and weights: Redis getDoubleFromObject (args.ts parseStrictDouble). */
export { parseStrictDouble as parseScore } from '../args.js';

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

/** `min max` of a score range from the cursor, or "min or max is not a float". */
export function readScoreRange(args: ArgCursor): ScoreRange {
  return parseScoreRange(args.string(), args.string()) ?? fail(ERR_MIN_MAX_NOT_FLOAT);
}

/** `min max` of a lex range from the cursor, or "min or max not valid string range item". */
export function readLexRange(args: ArgCursor): LexRange {
  return parseLexRange(args.string(), args.string()) ?? fail(ERR_MIN_MAX_NOT_STRING_RANGE);
}
