/** Random picks shared by HRANDFIELD, SRANDMEMBER and SPOP. Math.random is enough: Redis uses rand(). */

export function randomIndex(size: number): number {
  return Math.floor(Math.random() * size);
}

/** `count` picks that may repeat. */
export function pickWithRepeats<T>(items: readonly T[], count: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < count; i++) out.push(items[randomIndex(items.length)] as T);
  return out;
}

/** Up to `count` distinct items; all of them, in their order, when count ≥ their number. */
export function pickDistinct<T>(items: readonly T[], count: number): T[] {
  if (count >= items.length) return items.slice();
  const pool = items.slice();
  // Partial Fisher–Yates: the first `count` slots end up a uniform random sample.
  for (let i = 0; i < count; i++) {
    const j = i + randomIndex(pool.length - i);
    const t = pool[i] as T;
    pool[i] = pool[j] as T;
    pool[j] = t;
  }
  return pool.slice(0, count);
}
