/**
 * Redis's pqsort (pqsort.c, from NetBSD's qsort): a quicksort that only finishes the partitions
 * overlapping the ranks [lrange, rrange]. GEORADIUS … COUNT n sorts with it when n is less than the
 * number of matches, and since it is not stable, which of two equally distant points comes first
 * depends on its exact steps: ported step for step, on array indexes instead of byte pointers.
 */
type Compare<T> = (a: T, b: T) => number;

function med3<T>(v: T[], a: number, b: number, c: number, cmp: Compare<T>): number {
  const ab = cmp(v[a] as T, v[b] as T);
  if (ab < 0) {
    if (cmp(v[b] as T, v[c] as T) < 0) return b;
    return cmp(v[a] as T, v[c] as T) < 0 ? c : a;
  }
  if (cmp(v[b] as T, v[c] as T) > 0) return b;
  return cmp(v[a] as T, v[c] as T) < 0 ? a : c;
}

function swap<T>(v: T[], i: number, j: number): void {
  const t = v[i] as T;
  v[i] = v[j] as T;
  v[j] = t;
}

function vecswap<T>(v: T[], i: number, j: number, n: number): void {
  for (let k = 0; k < n; k++) swap(v, i + k, j + k);
}

function insertionSort<T>(v: T[], a: number, n: number, cmp: Compare<T>): void {
  for (let pm = a + 1; pm < a + n; pm++) {
    for (let pl = pm; pl > a && cmp(v[pl - 1] as T, v[pl] as T) > 0; pl--) swap(v, pl, pl - 1);
  }
}

function pqsortRange<T>(v: T[], a: number, n: number, cmp: Compare<T>, lrange: number, rrange: number): void {
  for (;;) {
    if (n < 7) {
      insertionSort(v, a, n, cmp);
      return;
    }
    let pm = a + Math.floor(n / 2);
    if (n > 7) {
      let pl = a;
      let pn = a + n - 1;
      if (n > 40) {
        const d = Math.floor(n / 8);
        pl = med3(v, pl, pl + d, pl + 2 * d, cmp);
        pm = med3(v, pm - d, pm, pm + d, cmp);
        pn = med3(v, pn - 2 * d, pn - d, pn, cmp);
      }
      pm = med3(v, pl, pm, pn, cmp);
    }
    swap(v, a, pm);
    let pa = a + 1;
    let pb = pa;
    let pc = a + n - 1;
    let pd = pc;
    let swapped = false;
    for (;;) {
      let r: number;
      while (pb <= pc && (r = cmp(v[pb] as T, v[a] as T)) <= 0) {
        if (r === 0) {
          swapped = true;
          swap(v, pa, pb);
          pa++;
        }
        pb++;
      }
      while (pb <= pc && (r = cmp(v[pc] as T, v[a] as T)) >= 0) {
        if (r === 0) {
          swapped = true;
          swap(v, pc, pd);
          pd--;
        }
        pc--;
      }
      if (pb > pc) break;
      swap(v, pb, pc);
      swapped = true;
      pb++;
      pc--;
    }
    if (!swapped) {
      insertionSort(v, a, n, cmp);
      return;
    }
    const pn = a + n;
    let r = Math.min(pa - a, pb - pa);
    vecswap(v, a, pb - r, r);
    r = Math.min(pd - pc, pn - pd - 1);
    vecswap(v, pb, pn - r, r);
    if ((r = pb - pa) > 1) {
      const l = a;
      const last = a + r - 1;
      if (!((lrange < l && rrange < l) || (lrange > last && rrange > last)))
        pqsortRange(v, a, r, cmp, lrange, rrange);
    }
    if ((r = pd - pc) > 1) {
      a = pn - r;
      n = r;
      const last = a + r - 1;
      if (!((lrange < a && rrange < a) || (lrange > last && rrange > last))) continue;
    }
    return;
  }
}

/** pqsort(v, n, cmp, lrange, rrange): v[lrange..rrange] end up as in a full sort. */
export function pqsort<T>(v: T[], cmp: Compare<T>, lrange: number, rrange: number): void {
  pqsortRange(v, 0, v.length, cmp, lrange, rrange);
}
