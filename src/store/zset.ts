/**
 * The sorted-set container: member → score plus an order by (score, member bytes).
 * Owned by the sorted-sets family; this placeholder is replaced by the real structure.
 */
export class SortedSet {
  readonly scores = new Map<string, number>();
  get size(): number {
    return this.scores.size;
  }
  clone(): SortedSet {
    const z = new SortedSet();
    for (const [m, s] of this.scores) z.scores.set(m, s);
    return z;
  }
}
