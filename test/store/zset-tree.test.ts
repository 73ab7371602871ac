/**
 * The sorted set's counted B+tree against a plain sorted array doing the same operations: seeded
 * random sequences that grow sets to thousands of members (many leaf and inner-node splits) and
 * shrink them again (leaf merges, dropped nodes, root collapses), with every query compared on the way.
 * Scores come from a small set with ties, -0/0 and ±inf, so member-byte ordering is exercised too.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SortedSet } from '../../src/store/index.js';
import type { LexRange, ScoreRange, ZEntry } from '../../src/store/index.js';
import { seeded } from '../commands/twin.js';

function before(a: ZEntry, b: ZEntry): boolean {
  return a.score < b.score || (a.score === b.score && a.member < b.member);
}

/** The obviously-correct model: entries sorted by (score, member bytes), found by binary search. */
class Model {
  items: ZEntry[] = [];
  private indexOf(e: ZEntry): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.items[mid] as ZEntry, e)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  private readonly scores = new Map<string, number>();
  find(member: string): number {
    const score = this.scores.get(member);
    return score === undefined ? -1 : this.indexOf({ member, score });
  }
  set(member: string, score: number): boolean {
    const old = this.find(member);
    if (old >= 0) this.items.splice(old, 1);
    const e = { member, score };
    this.items.splice(this.indexOf(e), 0, e);
    this.scores.set(member, score);
    return old < 0;
  }
  delete(member: string): boolean {
    const i = this.find(member);
    if (i >= 0) this.items.splice(i, 1);
    this.scores.delete(member);
    return i >= 0;
  }
  inScore(r: ScoreRange): ZEntry[] {
    return this.items.filter(
      (e) =>
        (r.minExclusive ? e.score > r.min : e.score >= r.min) &&
        (r.maxExclusive ? e.score < r.max : e.score <= r.max),
    );
  }
  inLex(r: LexRange): ZEntry[] {
    return this.items.filter((e) => {
      const aboveMin =
        r.min.kind === 'minusInf' ||
        (r.min.kind === 'value' && (r.min.exclusive ? e.member > r.min.value : e.member >= r.min.value));
      const belowMax =
        r.max.kind === 'plusInf' ||
        (r.max.kind === 'value' && (r.max.exclusive ? e.member < r.max.value : e.member <= r.max.value));
      return aboveMin && belowMax;
    });
  }
}

const SCORES = [0, -0, 1, 2, 2.5, -1, 1e300, Infinity, -Infinity, 7, 8, 9];

function memberOf(r: () => number, space: number): string {
  // Bytes 0x00 and 0xff included, and prefixes of each other, to check memcmp order.
  const n = Math.floor(r() * space);
  return (r() < 0.1 ? '\u00ff' : r() < 0.1 ? '\u0000' : 'm') + n.toString(36);
}

function scoreRange(r: () => number, lexOnly: boolean): ScoreRange {
  const pick = (): number => (lexOnly ? 0 : (SCORES[Math.floor(r() * SCORES.length)] as number));
  return { min: pick(), max: pick(), minExclusive: r() < 0.3, maxExclusive: r() < 0.3 };
}

function lexRange(r: () => number, space: number): LexRange {
  const bound = (inf: 'minusInf' | 'plusInf'): LexRange['min'] =>
    r() < 0.15 ? { kind: inf } : { kind: 'value', value: memberOf(r, space), exclusive: r() < 0.5 };
  return { min: bound('minusInf'), max: bound('plusInf') };
}

function assertSame(z: SortedSet, model: Model, label: string): void {
  assert.equal(z.size, model.items.length, `size ${label}`);
  assert.deepEqual([...z.entries()], model.items, `order ${label}`);
  model.items.forEach((e, i) => {
    assert.equal(z.rank(e.member), i, `rank of ${e.member} ${label}`);
    assert.equal(z.rank(e.member, true), model.items.length - 1 - i);
    assert.ok(Object.is(z.score(e.member), e.score), `score of ${e.member} ${label}`);
  });
}

/**
 * One run: `steps` random operations, growing while step < steps/2 and shrinking after. With
 * `lexOnly` every score is 0, so lex ranges have a meaning to compare.
 */
function run(seed: number, steps: number, space: number, lexOnly: boolean): void {
  const r = seeded(seed);
  const z = new SortedSet({ maxListpackEntries: 128, maxListpackValue: 64 }, 'skiplist');
  const model = new Model();
  const score = (): number => (lexOnly ? 0 : (SCORES[Math.floor(r() * SCORES.length)] as number));
  for (let step = 0; step < steps; step++) {
    const growing = step < steps / 2;
    const label = `(seed ${seed} step ${step})`;
    const op = r();
    const n = model.items.length;
    if (op < (growing ? 0.75 : 0.25)) {
      const m = memberOf(r, space);
      const s = score();
      const current = z.score(m);
      if (current !== undefined && r() < 0.5) {
        z.update(m, current, s);
        model.set(m, s);
      } else {
        assert.equal(z.set(m, s), model.set(m, s), `set ${label}`);
      }
    } else if (op < (growing ? 0.78 : 0.7)) {
      const m = r() < 0.8 && n > 0 ? (model.items[Math.floor(r() * n)] as ZEntry).member : memberOf(r, space);
      assert.equal(z.delete(m), model.delete(m), `delete ${label}`);
    } else if (op < (growing ? 0.79 : 0.75)) {
      const a = Math.floor(r() * (n + 2));
      const to = Math.min(a + Math.floor(r() * (growing ? 4 : 300)), n - 1);
      const expected = a <= to ? model.items.slice(a, to + 1) : [];
      assert.deepEqual(a <= to ? z.deleteRangeByRank(a, to) : [], expected, `zremrangebyrank ${label}`);
      for (const e of expected) model.delete(e.member);
    } else if (op < (growing ? 0.8 : 0.78)) {
      const range = scoreRange(r, lexOnly);
      const expected = model.inScore(range);
      // Small ranges only while growing, or the set would not grow.
      if (!growing || expected.length < 20) {
        assert.deepEqual(z.deleteRangeByScore(range), expected, `zremrangebyscore ${label}`);
        for (const e of expected) model.delete(e.member);
      }
    } else if (op < (growing ? 0.81 : 0.8) && lexOnly) {
      const range = lexRange(r, space);
      const expected = model.inLex(range);
      if (!growing || expected.length < 50) {
        assert.deepEqual(z.deleteRangeByLex(range), expected, `zremrangebylex ${label}`);
        for (const e of expected) model.delete(e.member);
      }
    } else if (op < (growing ? 0.82 : 0.83)) {
      const fromMax = r() < 0.5;
      const k = Math.floor(r() * (growing ? 4 : 200));
      const expected = fromMax ? model.items.slice(Math.max(0, n - k)).reverse() : model.items.slice(0, k);
      assert.deepEqual(z.pop(k, fromMax), k === 0 ? [] : expected, `pop ${label}`);
      for (const e of expected) if (k > 0) model.delete(e.member);
    } else if (op < 0.88) {
      const a = Math.floor(r() * (n + 2)) - 1;
      const b = a + Math.floor(r() * 200);
      const rev = r() < 0.5;
      const start = Math.max(a, 0);
      const end = Math.min(b, n - 1);
      const slice = start <= end ? model.items.slice(start, end + 1) : [];
      const expected = rev ? [...model.items].reverse().slice(start, end + 1) : slice;
      assert.deepEqual(z.rangeByRank(start, end, rev), start <= end ? expected : [], `zrange ${label}`);
      if (n > 0) assert.deepEqual(z.at(Math.min(start, n - 1)), model.items[Math.min(start, n - 1)]);
      assert.equal(z.at(n), undefined);
    } else if (op < 0.94) {
      const range = scoreRange(r, lexOnly);
      const inRange = model.inScore(range);
      const offset = Math.floor(r() * 5) * (r() < 0.3 ? 100 : 1);
      const count = Math.floor(r() * 400) - 1;
      const rev = r() < 0.5;
      const ordered = rev ? [...inRange].reverse() : inRange;
      assert.equal(z.countInScoreRange(range), inRange.length, `zcount ${label}`);
      assert.deepEqual(
        z.rangeByScore(range, rev, offset, count),
        ordered.slice(offset, count < 0 ? undefined : offset + count),
        `zrangebyscore ${JSON.stringify(range)} ${label}`,
      );
    } else if (lexOnly) {
      const range = lexRange(r, space);
      const inRange = model.inLex(range);
      const offset = Math.floor(r() * 3);
      const count = Math.floor(r() * 300) - 1;
      const rev = r() < 0.5;
      const ordered = rev ? [...inRange].reverse() : inRange;
      assert.equal(z.countInLexRange(range), inRange.length, `zlexcount ${label}`);
      assert.deepEqual(
        z.rangeByLex(range, rev, offset, count),
        ordered.slice(offset, count < 0 ? undefined : offset + count),
        `zrangebylex ${label}`,
      );
    } else {
      const m = z.randomMember();
      assert.equal(m === undefined, n === 0);
      if (m !== undefined) assert.ok(model.find(m) >= 0, `random member ${label}`);
    }
    if (step % 500 === 0 || step === steps - 1) assertSame(z, model, label);
  }
  assertSame(z.clone(), model, `clone (seed ${seed})`);
}

describe('SortedSet (counted B+tree) against a sorted array', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    test(`seed ${seed}: 30000 operations with mixed scores, growing past 8000 members then shrinking`, () => {
      run(seed, 30_000, 40_000, false);
    });
  }
  for (const seed of [11, 12, 13]) {
    test(`seed ${seed}: 30000 operations with equal scores (lex ranges)`, () => {
      run(seed, 30_000, 40_000, true);
    });
  }

  test('a set grown in order by appends, then emptied from the middle, keeps ranks and order', () => {
    const z = new SortedSet();
    const model = new Model();
    for (let i = 0; i < 20_000; i++) {
      z.set(`k${i}`, i);
      model.set(`k${i}`, i);
    }
    const copy = z.clone();
    assertSame(copy, model, 'clone of 20000');
    // Remove the middle half by rank, then everything but the ends one by one.
    const removed = copy.deleteRangeByRank(5000, 14_999);
    assert.equal(removed.length, 10_000);
    assert.equal(removed[0]?.member, 'k5000');
    for (const e of removed) model.delete(e.member);
    assertSame(copy, model, 'after zremrangebyrank');
    for (let i = 1; i < 19_999; i++) {
      copy.delete(`k${i}`);
      model.delete(`k${i}`);
    }
    assertSame(copy, model, 'two left');
    assert.deepEqual(copy.pop(5), [
      { member: 'k0', score: 0 },
      { member: 'k19999', score: 19_999 },
    ]);
    assert.equal(copy.size, 0);
    assert.deepEqual([...copy.entries()], []);
    copy.set('again', 1);
    assert.equal(copy.rank('again'), 0);
    // The original was not touched by the copy's changes.
    assert.equal(z.size, 20_000);
    assert.equal(z.rank('k10000'), 10_000);
  });
});
