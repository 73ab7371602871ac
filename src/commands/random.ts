/**
 * Random picks shared by SRANDMEMBER, SPOP, HRANDFIELD and ZRANDMEMBER, with the strategies of Redis's
 * *WithCountCommand functions (t_set.c, t_hash.c, t_zset.c), so that a small count from a big
 * collection costs O(count), not O(size). Math.random is enough: Redis uses rand().
 */

/** A collection as the count forms see it: its size and a uniform pick (O(1) or O(log n)). */
export interface RandomSource {
  readonly size: number;
  pick(): string;
  /** Every key, in any order; asked for only when the count is a large part of the size. */
  all(): string[];
}

/**
 * Redis SRANDMEMBER_SUB_STRATEGY_MUL (and HRANDFIELD_/ZRANDMEMBER_ alike): when count × 3 exceeds
 * the size, distinct keys come from shuffling all of them instead of drawing until enough differ.
 */
const SUB_STRATEGY_MUL = 3;

export function randomIndex(size: number): number {
  return Math.floor(Math.random() * size);
}

/** `count` independent picks, so repeats are possible (a negative count). */
export function pickWithRepeats(source: RandomSource, count: number): string[] {
  const out: string[] = new Array<string>(count);
  for (let i = 0; i < count; i++) out[i] = source.pick();
  return out;
}

/**
 * `count` distinct keys for 0 < count < size (callers answer count ≥ size with the whole collection,
 * in the order Redis replies it). A small count draws until it has that many distinct keys: the
 * expected number of draws stays below 1.5 × count because count < size / 3.
 */
export function pickDistinct(source: RandomSource, count: number): string[] {
  if (count * SUB_STRATEGY_MUL > source.size) {
    const pool = source.all();
    // Partial Fisher–Yates: the first `count` slots end up a uniform random sample.
    for (let i = 0; i < count; i++) {
      const j = i + randomIndex(pool.length - i);
      const t = pool[i] as string;
      pool[i] = pool[j] as string;
      pool[j] = t;
    }
    pool.length = count;
    return pool;
  }
  const chosen = new Set<string>();
  while (chosen.size < count) chosen.add(source.pick());
  return [...chosen];
}
