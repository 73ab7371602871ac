/**
 * A point-in-time view of the whole keyspace that stays valid while clients keep writing: the
 * fork-less snapshot behind BGSAVE. At the start it records, per database, the key list and the
 * maps holding the values; from then on the server must call beforeWrite() for every key about to
 * change (the KeyspaceObserver hook), and the first change of a key copies its old value and TTL.
 * Reading the view yields every key as it was at the start: the copy when the key changed since,
 * else the live value, which by construction has not changed.
 *
 * SWAPDB exchanges the maps between databases: the view follows the maps, not the indexes.
 * Memory: one reference per key for the key lists, plus a copy of each key written during the snapshot.
 */
import { cloneValue } from './clone.js';
import type { Database, Keyspace } from './database.js';
import type { Value } from './types.js';

interface Preserved {
  readonly value: Value | undefined;
  readonly expireMs: number | undefined;
}

interface DatabaseView {
  readonly index: number;
  readonly keys: readonly string[];
  readonly entries: ReadonlyMap<string, Value>;
  readonly expires: ReadonlyMap<string, number>;
  readonly preserved: Map<string, Preserved>;
  readonly expiresAtStart: number;
}

/** One key of the view. */
export type SnapshotEntry = readonly [key: string, value: Value, expireMs: number | undefined];

export class KeyspaceSnapshot {
  private readonly views: DatabaseView[];
  /** The view of each live `entries` map, to find it from a database whose maps SWAPDB exchanged. */
  private readonly byEntries = new Map<ReadonlyMap<string, Value>, DatabaseView>();
  private released = false;

  constructor(keyspace: Keyspace) {
    this.views = keyspace.databases.map((db) => {
      const view: DatabaseView = {
        index: db.index,
        keys: Array.from(db.entries.keys()),
        entries: db.entries,
        expires: db.expires,
        preserved: new Map(),
        expiresAtStart: db.expires.size,
      };
      this.byEntries.set(db.entries, view);
      return view;
    });
  }

  /**
   * Should be called before `key` of `db` changes in any way (value, TTL, deletion, creation).
   * Copies the key's current state the first time, so the view keeps it.
   */
  beforeWrite(db: Database, key: string): void {
    if (this.released) return;
    const view = this.byEntries.get(db.entries);
    if (view === undefined || view.preserved.has(key)) return;
    const value = view.entries.get(key);
    view.preserved.set(key, {
      value: value === undefined ? undefined : cloneValue(value),
      expireMs: view.expires.get(key),
    });
  }

  /** Databases that had keys at the start, with their index, key count and TTL count then. */
  databases(): readonly { readonly index: number; readonly size: number; readonly expires: number }[] {
    return this.views
      .filter((v) => v.keys.length > 0)
      .map((v) => ({ index: v.index, size: v.keys.length, expires: v.expiresAtStart }));
  }

  /** The key at `position` of database `index` as it was at the start. */
  entryAt(index: number, position: number): SnapshotEntry | undefined {
    const view = this.views[index];
    const key = view?.keys[position];
    if (view === undefined || key === undefined) return undefined;
    const kept = view.preserved.get(key);
    if (kept !== undefined) return kept.value === undefined ? undefined : [key, kept.value, kept.expireMs];
    const value = view.entries.get(key);
    return value === undefined ? undefined : [key, value, view.expires.get(key)];
  }

  /** Keys written during the snapshot (copies kept): what copy-on-write cost. */
  get copiedKeys(): number {
    return this.views.reduce((n, v) => n + v.preserved.size, 0);
  }

  /** Ends the view: no more copies. */
  release(): void {
    this.released = true;
    for (const v of this.views) v.preserved.clear();
  }
}
