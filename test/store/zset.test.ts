import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SortedSet } from '../../src/store/zset.js';
import type { LexRange, ScoreRange, ZEntry } from '../../src/store/zset.js';

/** The obviously-correct model: an array kept sorted by (score, member bytes). */
class NaiveZSet {
  items: ZEntry[] = [];
  set(member: string, score: number): void {
    this.items = this.items.filter((e) => e.member !== member);
    this.items.push({ member, score });
    this.items.sort((a, b) => a.score - b.score || (a.member < b.member ? -1 : a.member > b.member ? 1 : 0));
  }
  delete(member: string): boolean {
    const before = this.items.length;
    this.items = this.items.filter((e) => e.member !== member);
    return this.items.length !== before;
  }
  inScore(r: ScoreRange): ZEntry[] {
    return this.items.filter(
      (e) =>
        (r.minExclusive ? e.score > r.min : e.score >= r.min) &&
        (r.maxExclusive ? e.score < r.max : e.score <= r.max),
    );
  }
}

/** Small alphabets so that collisions, equal scores and ties on member bytes are frequent. */
function randomMember(): string {
  const len = 1 + Math.floor(Math.random() * 3);
  let s = '';
  for (let i = 0; i < len; i++)
    s += String.fromCharCode([0x61, 0x62, 0x63, 0x00, 0xff][Math.floor(Math.random() * 5)] ?? 0x61);
  return s;
}
function randomScore(): number {
  return [0, 1, 2, -1, 2.5, Infinity, -Infinity][Math.floor(Math.random() * 7)] ?? 0;
}
function randomScoreRange(): ScoreRange {
  return {
    min: randomScore(),
    max: randomScore(),
    minExclusive: Math.random() < 0.5,
    maxExclusive: Math.random() < 0.5,
  };
}

function assertSame(z: SortedSet, model: NaiveZSet, step: number): void {
  assert.deepEqual([...z.entries()], model.items, `order after step ${step}`);
  assert.equal(z.size, model.items.length);
  model.items.forEach((e, i) => {
    assert.equal(z.rank(e.member), i, `rank of ${JSON.stringify(e.member)} at step ${step}`);
    assert.equal(z.rank(e.member, true), model.items.length - 1 - i);
    assert.deepEqual(z.at(i), e);
  });
}

test('skiplist agrees with a sorted array under random inserts, updates, deletes and range removals', () => {
  for (let round = 0; round < 30; round++) {
    const z = new SortedSet({ maxListpackEntries: 128, maxListpackValue: 64 }, 'skiplist');
    const model = new NaiveZSet();
    for (let step = 0; step < 300; step++) {
      const op = Math.random();
      if (op < 0.55) {
        const m = randomMember();
        const s = randomScore();
        assert.equal(z.set(m, s), !model.items.some((e) => e.member === m));
        model.set(m, s);
      } else if (op < 0.8) {
        const m = randomMember();
        assert.equal(z.delete(m), model.delete(m));
      } else if (op < 0.87) {
        const r = randomScoreRange();
        const expected = model.inScore(r);
        assert.deepEqual(z.deleteRangeByScore(r), expected);
        for (const e of expected) model.delete(e.member);
      } else if (op < 0.94) {
        const a = Math.floor(Math.random() * (model.items.length + 2));
        const b = a + Math.floor(Math.random() * 4);
        const to = Math.min(b, model.items.length - 1);
        const expected = a <= to ? model.items.slice(a, to + 1) : [];
        assert.deepEqual(a <= to ? z.deleteRangeByRank(a, to) : [], expected);
        for (const e of expected) model.delete(e.member);
      } else {
        const fromMax = Math.random() < 0.5;
        const n = Math.floor(Math.random() * 3);
        const expected = fromMax
          ? model.items.slice(-n || model.items.length).reverse()
          : model.items.slice(0, n);
        const got = z.pop(n, fromMax);
        assert.deepEqual(got, n === 0 ? [] : expected);
        for (const e of got) model.delete(e.member);
      }
      assertSame(z, model, step);
    }
    assertSame(z.clone(), model, -1);
  }
});

test('score and lex range queries agree with a filter over the sorted array', () => {
  for (let round = 0; round < 20; round++) {
    const z = new SortedSet();
    const model = new NaiveZSet();
    for (let i = 0; i < 60; i++) {
      const m = randomMember();
      const s = round % 2 === 0 ? 0 : randomScore(); // lex queries are meaningful with equal scores
      z.set(m, s);
      model.set(m, s);
    }
    for (let q = 0; q < 50; q++) {
      const r = randomScoreRange();
      const inRange = model.inScore(r);
      assert.equal(z.countInScoreRange(r), inRange.length);
      assert.deepEqual(z.rangeByScore(r), inRange);
      assert.deepEqual(z.rangeByScore(r, true), [...inRange].reverse());
      const offset = Math.floor(Math.random() * 4);
      const count = Math.floor(Math.random() * 4) - 1;
      const sliced = inRange.slice(offset, count < 0 ? undefined : offset + count);
      assert.deepEqual(z.rangeByScore(r, false, offset, count), sliced);
      if (round % 2 === 0) {
        const lex: LexRange = {
          min:
            Math.random() < 0.2
              ? { kind: 'minusInf' }
              : { kind: 'value', value: randomMember(), exclusive: Math.random() < 0.5 },
          max:
            Math.random() < 0.2
              ? { kind: 'plusInf' }
              : { kind: 'value', value: randomMember(), exclusive: Math.random() < 0.5 },
        };
        const expected = model.items.filter((e) => {
          const aboveMin =
            lex.min.kind === 'minusInf' ||
            (lex.min.kind === 'value' &&
              (lex.min.exclusive ? e.member > lex.min.value : e.member >= lex.min.value));
          const belowMax =
            lex.max.kind === 'plusInf' ||
            (lex.max.kind === 'value' &&
              (lex.max.exclusive ? e.member < lex.max.value : e.member <= lex.max.value));
          return aboveMin && belowMax;
        });
        assert.deepEqual(z.rangeByLex(lex), expected);
        assert.deepEqual(z.rangeByLex(lex, true), [...expected].reverse());
        assert.equal(z.countInLexRange(lex), expected.length);
      }
    }
  }
});

test('encoding follows the listpack limits one way, and a listpack stores -0 as 0', () => {
  const z = new SortedSet({ maxListpackEntries: 3, maxListpackValue: 4 });
  z.set('a', -0);
  assert.ok(Object.is(z.score('a'), 0));
  z.set('b', 1);
  z.set('c', 2);
  assert.equal(z.encoding, 'listpack');
  z.set('d', 3);
  assert.equal(z.encoding, 'skiplist');
  z.delete('d');
  z.delete('c');
  assert.equal(z.encoding, 'skiplist');
  z.set('e', -0);
  assert.ok(Object.is(z.score('e'), -0));
  const long = new SortedSet({ maxListpackEntries: 3, maxListpackValue: 4 });
  long.set('12345', 1);
  assert.equal(long.encoding, 'skiplist');
});

/** Best-of-5 wall time of fn in ms, after one warm-up run. */
function bestTime(fn: () => void): number {
  let best = Infinity;
  for (let attempt = 0; attempt < 6; attempt++) {
    const t0 = process.hrtime.bigint();
    fn();
    if (attempt > 0) best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return best;
}

test('rank and at() are logarithmic, not walks: 200 lookups cost less than a few full scans', () => {
  const n = 64_000;
  const z = new SortedSet();
  for (let i = 0; i < n; i++) z.set(`m${i}`, (i * 7919) % n);
  const fullScan = bestTime(() => {
    let count = 0;
    for (const _ of z.entries()) count++;
    assert.equal(count, n);
  });
  const lookups = bestTime(() => {
    for (let k = 0; k < 200; k++) {
      const r = Math.floor((k * n) / 200);
      assert.equal(z.rank(z.at(r)?.member ?? ''), r);
    }
  });
  // A walk would visit n/2 nodes per lookup: 200 lookups ≈ 100 full scans. Logarithmic ≈ 0.2 scans.
  assert.ok(lookups < fullScan * 10, `200 lookups ${lookups} ms, one full scan ${fullScan} ms`);
});

test('randomMember draws only present members, evenly, through score updates, removals and pops', () => {
  const z = new SortedSet();
  for (let i = 0; i < 300; i++) z.set(`m${i}`, i);
  assert.ok(z.randomMember()?.startsWith('m')); // 300 > 128: builds the O(1) sampler
  for (let i = 0; i < 100; i++) z.set(`m${i}`, 1000 + i); // moves in the skiplist, same members
  assert.equal(z.delete('m150'), true);
  z.deleteRangeByScore({ min: 200, max: 299, minExclusive: false, maxExclusive: false });
  z.pop(90); // the lowest: m100..m149, m151..m190
  z.pop(95, true); // the highest: m5..m99
  z.set('new', 5);
  const left = [...z.members()].sort();
  assert.deepEqual(
    left,
    [
      'm0',
      'm1',
      'm191',
      'm192',
      'm193',
      'm194',
      'm195',
      'm196',
      'm197',
      'm198',
      'm199',
      'm2',
      'm3',
      'm4',
      'new',
    ].sort(),
  );
  const counts = new Map<string, number>();
  for (let i = 0; i < 15_000; i++) {
    const m = z.randomMember() as string;
    counts.set(m, (counts.get(m) ?? 0) + 1);
  }
  assert.deepEqual([...counts.keys()].sort(), left);
  for (const [m, n] of counts) assert.ok(n > 400 && n < 1600, `${m}: ${n}`); // fair share 1000
  const copy = z.clone();
  copy.delete('new');
  assert.ok(
    Array.from({ length: 200 }, () => z.randomMember()).includes('new'),
    'the copy does not share the sampler',
  );
  assert.ok(!Array.from({ length: 200 }, () => copy.randomMember()).includes('new'));
  const small = new SortedSet();
  assert.equal(small.randomMember(), undefined);
  small.set('only', 1);
  assert.equal(small.randomMember(), 'only');
});
