/**
 * SCAN cursors over JS Maps.
 *
 * Redis's reverse-binary cursor needs random access to hash buckets, which a Map does not give. A
 * Map iterator, though, is live: it survives inserts, deletes and rehashing, visits every entry that
 * is present from its creation to its end exactly once, and never revisits one. So a cursor here
 * names a parked iterator: each SCAN call resumes it, takes up to COUNT entries, parks it again under
 * a fresh cursor number and replies that number (0 when the iteration is complete).
 *
 * Cursors are one-shot: resuming a cursor consumes it, so a client that retries a call with the same
 * cursor gets a fresh iteration (duplicates, never omissions). An unknown cursor (never issued,
 * already used, from before a restart, or evicted because more than MAX_PARKED scans were left
 * unfinished) also starts a fresh iteration: Redis guarantees that a full scan returns every key
 * present throughout it, and may return keys more than once, and both still hold.
 */
import { INT64_MAX } from '../resp/index.js';

/** Unfinished scans kept at once; beyond this the least recently used is dropped. */
export const MAX_PARKED = 1024;

interface Parked {
  readonly source: object;
  readonly iterator: Iterator<unknown>;
}

export class ScanCursors {
  private readonly parked = new Map<bigint, Parked>();
  private nextCursor = 1n;

  /**
   * The iterator a cursor continues for `source` (the Map being scanned), or a new one from `start`
   * when the cursor is 0 or not a live cursor for that source.
   */
  resume<T>(cursor: bigint, source: object, start: () => Iterator<T>): Iterator<T> {
    const found = cursor === 0n ? undefined : this.parked.get(cursor);
    if (found !== undefined) this.parked.delete(cursor);
    if (found !== undefined && found.source === source) return found.iterator as Iterator<T>;
    return start();
  }

  /** Parks an unfinished iterator and returns the cursor that resumes it. */
  park(source: object, iterator: Iterator<unknown>): bigint {
    const cursor = this.nextCursor;
    this.nextCursor = this.nextCursor > INT64_MAX ? 1n : this.nextCursor + 1n;
    this.parked.set(cursor, { source, iterator });
    if (this.parked.size > MAX_PARKED) {
      const oldest = this.parked.keys().next();
      if (oldest.done !== true) this.parked.delete(oldest.value);
    }
    return cursor;
  }

  get size(): number {
    return this.parked.size;
  }
}
