/**
 * Clients blocked on keys (Redis blocked.c): per database, key → waiting clients in arrival order.
 * When a key becomes ready the server retries the waiters first-come first-served.
 */

export interface Waiter {
  readonly id: number;
}

export class BlockingRegistry<W extends Waiter> {
  private readonly byDb: Map<string, W[]>[] = [];
  /** Keys signalled ready since the last serve pass, as db → keys. */
  private ready = new Map<number, Set<string>>();

  get hasReady(): boolean {
    return this.ready.size > 0;
  }

  add(db: number, keys: readonly string[], who: W): void {
    let map = this.byDb[db];
    if (map === undefined) {
      map = new Map();
      this.byDb[db] = map;
    }
    for (const key of keys) {
      const list = map.get(key);
      if (list === undefined) map.set(key, [who]);
      else if (!list.includes(who)) list.push(who);
    }
  }

  remove(db: number, keys: readonly string[], who: W): void {
    const map = this.byDb[db];
    if (map === undefined) return;
    for (const key of keys) {
      const list = map.get(key);
      if (list === undefined) continue;
      const i = list.indexOf(who);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) map.delete(key);
    }
  }

  /** Redis signalKeyAsReady: remembered only when someone waits on the key. */
  signalReady(db: number, key: string): void {
    if (this.byDb[db]?.has(key) !== true) return;
    let keys = this.ready.get(db);
    if (keys === undefined) {
      keys = new Set();
      this.ready.set(db, keys);
    }
    keys.add(key);
  }

  /** Takes the ready keys signalled so far, with a snapshot of each key's waiters in FIFO order. */
  takeReady(): { db: number; key: string; waiters: W[] }[] {
    const out: { db: number; key: string; waiters: W[] }[] = [];
    const ready = this.ready;
    this.ready = new Map();
    for (const [db, keys] of ready) {
      for (const key of keys) {
        const list = this.byDb[db]?.get(key);
        if (list !== undefined) out.push({ db, key, waiters: [...list] });
      }
    }
    return out;
  }
}
