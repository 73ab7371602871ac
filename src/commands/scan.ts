/**
 * HSCAN / SSCAN (and any collection scan): cursor and option parsing with Redis's rules, and a
 * cursor that survives mutation.
 *
 * Small collections — the ones Redis keeps as a listpack or intset — are returned whole with cursor
 * 0, as Redis does. Larger ones are walked in the order of a 32-bit hash of each element, and the
 * cursor is the next hash to visit: an element present for the whole scan is returned exactly once
 * however the collection changes meanwhile (Redis's reverse-binary bucket cursor gives the same
 * guarantee, allowing repeats). COUNT is a hint, as in Redis: a call returns at least COUNT elements
 * (all of one hash at a time) and, to bound the O(n) pass each call makes, at least 1/32 of the
 * collection.
 */
import { ERR_INVALID_CURSOR, ERR_NOT_INTEGER, ERR_SYNTAX } from '../resp/index.js';
import { globMatch } from '../store/index.js';
import { isOption } from './args.js';
import { fail } from './typed.js';
import { parseLong } from './args.js';

const UINT64_MAX = 18446744073709551615n;
const HASH_SPACE = 2 ** 32;
/** Each call returns at least this fraction of a large collection, so a full scan is ≤ 32 passes. */
const MIN_BATCH_DIVISOR = 32;

/**
 * parseScanCursorOrReply: C strtoul over the whole argument. "" reads as 0, "+1" as 1, "-1" wraps
 * to 2^64-1, a leading space or anything past 2^64-1 is "invalid cursor".
 */
export function parseScanCursor(s: string): bigint {
  if (s === '') return 0n;
  const m = /^([+-]?)([0-9]+)$/.exec(s);
  if (m === null) return fail(ERR_INVALID_CURSOR);
  const magnitude = BigInt(m[2] ?? '0');
  if (magnitude > UINT64_MAX) return fail(ERR_INVALID_CURSOR);
  return m[1] === '-' ? (UINT64_MAX + 1n - magnitude) % (UINT64_MAX + 1n) : magnitude;
}

export interface ScanOptions {
  readonly count: number;
  /** undefined when there is no MATCH or it is "*". */
  readonly pattern: string | undefined;
}

/** COUNT n (n ≥ 1) and MATCH pattern from argv[from], in any order, last one wins. */
export function parseScanOptions(argv: readonly string[], from: number): ScanOptions {
  let count = 10;
  let pattern: string | undefined;
  for (let i = from; i < argv.length; i += 2) {
    const value = argv[i + 1];
    if (isOption(argv[i], 'COUNT') && value !== undefined) {
      const n = parseLong(value);
      if (n === undefined) return fail(ERR_NOT_INTEGER);
      if (n < 1) return fail(ERR_SYNTAX);
      count = n;
    } else if (isOption(argv[i], 'MATCH') && value !== undefined) {
      pattern = value === '*' ? undefined : value;
    } else {
      return fail(ERR_SYNTAX);
    }
  }
  return { count, pattern };
}

/** FNV-1a over the latin1 bytes: stable across runs, so cursors stay meaningful. */
export function scanHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface ScanStep {
  readonly cursor: bigint;
  readonly elements: readonly string[];
}

/** One step of a hash-ordered walk over `elements` (the set's members or the hash's fields). */
export function scanStep(elements: Iterable<string>, size: number, cursor: bigint, count: number): ScanStep {
  if (cursor >= BigInt(HASH_SPACE)) return { cursor: 0n, elements: [] };
  const from = Number(cursor);
  const ahead: [number, string][] = [];
  for (const e of elements) {
    const h = scanHash(e);
    if (h >= from) ahead.push([h, e]);
  }
  ahead.sort((a, b) => a[0] - b[0]);
  const batch = Math.max(count, Math.ceil(size / MIN_BATCH_DIVISOR));
  let end = Math.min(batch, ahead.length);
  // Never split the elements of one hash value across calls.
  while (
    end < ahead.length &&
    (ahead[end] as [number, string])[0] === (ahead[end - 1] as [number, string])[0]
  )
    end++;
  const taken = ahead.slice(0, end).map(([, e]) => e);
  if (end === ahead.length) return { cursor: 0n, elements: taken };
  const next = (ahead[end - 1] as [number, string])[0] + 1;
  return { cursor: BigInt(next), elements: taken };
}

/** Applies MATCH to the collected elements, as Redis does after collecting them. */
export function matches(pattern: string | undefined, element: string): boolean {
  return pattern === undefined || globMatch(pattern, element);
}
