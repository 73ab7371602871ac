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
import { ERR_SYNTAX } from '../resp/index.js';
import type { ArgCursor } from './cursor.js';
import { globMatch } from '../store/index.js';
import { fail } from './typed.js';

const HASH_SPACE = 2 ** 32;
/** Each call returns at least this fraction of a large collection, so a full scan is ≤ 32 passes. */
const MIN_BATCH_DIVISOR = 32;

export interface ScanOptions {
  readonly count: number;
  /** undefined when there is no MATCH or it is "*". */
  readonly pattern: string | undefined;
  /** TYPE (SCAN only), lower case; undefined when not given. */
  readonly type: string | undefined;
}

/**
 * scanGenericCommand's options: COUNT n (n ≥ 1), MATCH pattern and, for the keyspace only, TYPE
 * type, in any order, the last one winning, to the end of the arguments. A bad COUNT is "value is
 * not an integer or out of range", a COUNT below 1 or anything else "syntax error".
 */
function readScanOptions(args: ArgCursor, typeAllowed: boolean): ScanOptions {
  let count = 10;
  let pattern: string | undefined;
  let type: string | undefined;
  while (!args.done) {
    if (args.remaining >= 2 && args.option('COUNT')) {
      count = args.integer();
      if (count < 1) return fail(ERR_SYNTAX);
    } else if (args.remaining >= 2 && args.option('MATCH')) {
      const value = args.string();
      pattern = value === '*' ? undefined : value;
    } else if (typeAllowed && args.remaining >= 2 && args.option('TYPE')) {
      type = args.string().toLowerCase();
    } else {
      return fail(ERR_SYNTAX);
    }
  }
  return { count, pattern, type };
}

/** HSCAN, SSCAN, ZSCAN options: COUNT and MATCH. */
export function parseScanOptions(args: ArgCursor): ScanOptions {
  return readScanOptions(args, false);
}

/** SCAN options: COUNT, MATCH and TYPE. */
export function parseKeyspaceScanOptions(args: ArgCursor): ScanOptions {
  return readScanOptions(args, true);
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
