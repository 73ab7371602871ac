/**
 * A point-in-time view of the whole keyspace that stays valid while clients keep writing: the
 * fork-less snapshot behind BGSAVE. At the start it records each database's key list and registers
 * itself as a KeyspaceObserver; the first change of a key after that copies its old value and TTL
 * (beforeWrite, while the old state is still readable). Reading the view yields every key as it was
 * at the start: the copy when the key changed since, else the stored value, unchanged by construction.
 *
 * SWAPDB moves tables whole: the view follows the tables to their new index (beforeSwap). FLUSHDB
 * drops a database's tables: the keys the reader has not reached yet are kept first (beforeFlush; no
 * copy is needed, nothing touches dropped tables again). Memory: one reference per key for the key
 * lists, plus a copy of each key written during the snapshot.
 */
import { cloneValue } from './clone.js';
import type { Keyspace, KeyspaceObserver } from './database.js';
import type { Value } from './types.js';

interface Kept {
  readonly value: Value | undefined;
  readonly expireMs: number | undefined;
}

interface DatabaseView {
  readonly index: number;
  readonly keys: readonly string[];
  readonly kept: Map<string, Kept>;
  readonly expiresAtStart: number;
  /** The index whose tables are this view's now (SWAPDB moves them); undefined once flushed. */
  holder: number | undefined;
  /** Position of the next key the reader will ask for (entryAt is called in order). */
  next: number;
}

/** One key of the view. */
export type SnapshotEntry = readonly [key: string, value: Value, expireMs: number | undefined];

export class KeyspaceSnapshot {
  private readonly views: DatabaseView[];
  /** Database index → the view whose tables it holds now. */
  private readonly byHolder: (DatabaseView | undefined)[];
  private readonly observer: KeyspaceObserver;
  private released = false;

  constructor(private readonly keyspace: Keyspace) {
    this.views = keyspace.databases.map((db) => ({
      index: db.index,
      keys: Array.from(db.keys()),
      kept: new Map(),
      expiresAtStart: db.volatileCount,
      holder: db.index,
      next: 0,
    }));
    this.byHolder = [...this.views];
    this.observer = {
      beforeWrite: (db, key) => this.keep(db, key),
      beforeSwap: (a, b) => {
        const va = this.byHolder[a];
        const vb = this.byHolder[b];
        this.byHolder[a] = vb;
        this.byHolder[b] = va;
        if (va !== undefined) va.holder = b;
        if (vb !== undefined) vb.holder = a;
      },
      beforeFlush: (db) => this.detach(db),
    };
    keyspace.addObserver(this.observer);
  }

  /** The key's state before its first change since the start (cloned: the value is about to change). */
  private keep(dbIndex: number, key: string): void {
    const view = this.byHolder[dbIndex];
    if (view === undefined || view.kept.has(key)) return;
    const db = this.keyspace.db(dbIndex);
    const value = db.peek(key);
    view.kept.set(key, {
      value: value === undefined ? undefined : cloneValue(value),
      expireMs: db.getExpire(key),
    });
  }

  /** FLUSHDB: keeps every key the reader has not reached yet, then stops following the tables. */
  private detach(dbIndex: number): void {
    const view = this.byHolder[dbIndex];
    if (view === undefined) return;
    const db = this.keyspace.db(dbIndex);
    for (let i = view.next; i < view.keys.length; i++) {
      const key = view.keys[i] as string;
      if (view.kept.has(key)) continue;
      view.kept.set(key, { value: db.peek(key), expireMs: db.getExpire(key) });
    }
    view.holder = undefined;
    this.byHolder[dbIndex] = undefined;
  }

  /** Databases that had keys at the start, with their index, key count and TTL count then. */
  databases(): readonly { readonly index: number; readonly size: number; readonly expires: number }[] {
    return this.views
      .filter((v) => v.keys.length > 0)
      .map((v) => ({ index: v.index, size: v.keys.length, expires: v.expiresAtStart }));
  }

  /** The key at `position` (asked in increasing order) of database `index` as it was at the start. */
  entryAt(index: number, position: number): SnapshotEntry | undefined {
    const view = this.views[index];
    const key = view?.keys[position];
    if (view === undefined || key === undefined) return undefined;
    view.next = position + 1;
    const kept = view.kept.get(key);
    if (kept !== undefined) return kept.value === undefined ? undefined : [key, kept.value, kept.expireMs];
    if (view.holder === undefined) return undefined;
    const db = this.keyspace.db(view.holder);
    const value = db.peek(key);
    return value === undefined ? undefined : [key, value, db.getExpire(key)];
  }

  /** Keys copied because they were written during the snapshot: what copy-on-write cost. */
  get copiedKeys(): number {
    return this.views.reduce((n, v) => n + v.kept.size, 0);
  }

  /** Ends the view: unregisters the observer and drops the copies. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.keyspace.removeObserver(this.observer);
    for (const v of this.views) v.kept.clear();
  }
}
