/**
 * WATCH bookkeeping (Redis multi.c watched_keys): per database, key → clients watching it.
 * A change to a watched key marks each watcher's transaction as dirty (CLIENT_DIRTY_CAS).
 */

export interface Watcher {
  dirtyCas: boolean;
  /** A watched key was modified: marks the transaction dirty, unless Redis would not (see Client). */
  watchedKeyTouched(db: number, key: string): void;
}

export class WatchRegistry {
  private readonly byDb: Map<string, Set<Watcher>>[] = [];
  private count = 0;

  private dbMap(db: number): Map<string, Set<Watcher>> {
    let map = this.byDb[db];
    if (map === undefined) {
      map = new Map();
      this.byDb[db] = map;
    }
    return map;
  }

  watch(db: number, key: string, who: Watcher): void {
    const map = this.dbMap(db);
    let set = map.get(key);
    if (set === undefined) {
      set = new Set();
      map.set(key, set);
    }
    if (!set.has(who)) this.count++;
    set.add(who);
  }

  unwatch(db: number, key: string, who: Watcher): void {
    const map = this.byDb[db];
    const set = map?.get(key);
    if (map === undefined || set === undefined) return;
    if (set.delete(who)) this.count--;
    if (set.size === 0) map.delete(key);
  }

  /** Redis touchWatchedKey: called on every key modification, so the no-watchers path is one compare. */
  touch(db: number, key: string): void {
    if (this.count === 0) return;
    const set = this.byDb[db]?.get(key);
    if (set === undefined) return;
    for (const who of set) who.watchedKeyTouched(db, key);
  }

  /** FLUSHDB / FLUSHALL / SWAPDB: every watcher of the database is dirty. */
  touchAll(db: number): void {
    if (this.count === 0) return;
    const map = this.byDb[db];
    if (map === undefined) return;
    for (const set of map.values()) for (const who of set) who.dirtyCas = true;
  }
}
