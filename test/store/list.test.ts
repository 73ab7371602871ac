/**
 * The packed list container against a plain array doing the same operations: seeded random sequences
 * of every operation, with elements of every size class (empty, short, 127/128 bytes at the entry
 * format's boundary, and bigger than a chunk), so chunk growth, splits, recentring and whole-chunk
 * trims are all crossed. Also: memory stays near the elements' bytes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Quicklist } from '../../src/store/index.js';
import { seeded } from '../commands/twin.js';

function element(r: () => number, n: number): string {
  const sizes = [0, 1, 3, 10, 126, 127, 128, 129, 300, 9000];
  const size = sizes[Math.floor(r() * sizes.length)] as number;
  let s = `${n}:`;
  while (s.length < size) s += String.fromCharCode(Math.floor(r() * 256));
  return s.slice(0, Math.max(size, 0));
}

describe('Quicklist (packed chunks) against an array', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    test(`seed ${seed}: 4000 random operations`, () => {
      const r = seeded(seed);
      const q = new Quicklist();
      let model: string[] = [];
      let n = 0;
      for (let step = 0; step < 4000; step++) {
        const op = Math.floor(r() * 13);
        const idx = model.length === 0 ? 0 : Math.floor(r() * model.length);
        switch (op) {
          case 0:
          case 1: {
            const v = element(r, n++);
            q.pushTail(v);
            model.push(v);
            break;
          }
          case 2:
          case 3: {
            const v = element(r, n++);
            q.pushHead(v);
            model.unshift(v);
            break;
          }
          case 4:
            assert.equal(q.popHead(), model.shift());
            break;
          case 5:
            assert.equal(q.popTail(), model.pop());
            break;
          case 6:
            assert.equal(q.at(idx), model[idx]);
            assert.equal(q.at(model.length), undefined);
            break;
          case 7:
            if (model.length > 0) {
              const v = element(r, n++);
              q.set(idx, v);
              model[idx] = v;
            }
            break;
          case 8: {
            const at = Math.floor(r() * (model.length + 1));
            const v = element(r, n++);
            q.insertAt(at, v);
            model.splice(at, 0, v);
            break;
          }
          case 9: {
            if (r() < 0.8) break; // rarely: retain drops many
            const removed = q.retain((v, i) => (v.length + i) % 3 !== 0);
            const kept = model.filter((v, i) => (v.length + i) % 3 !== 0);
            assert.equal(removed, model.length - kept.length);
            model = kept;
            break;
          }
          case 10:
            if (model.length > 0 && r() < 0.2) {
              const a = Math.floor(r() * model.length);
              const b = a + Math.floor(r() * (model.length - a));
              q.trim(a, b);
              model = model.slice(a, b + 1);
            }
            break;
          case 11:
            if (model.length > 0) {
              const a = Math.floor(r() * model.length);
              const b = a + Math.floor(r() * (model.length - a));
              assert.deepEqual(q.range(a, b), model.slice(a, b + 1));
            }
            break;
          case 12: {
            const fromTail = r() < 0.5;
            const seen: [string, number][] = [];
            q.walk(fromTail, (v, i) => {
              seen.push([v, i]);
              return seen.length < 50;
            });
            const expected = (fromTail ? [...model.entries()].reverse() : [...model.entries()])
              .slice(0, 50)
              .map(([i, v]) => [v, i]);
            assert.deepEqual(seen, expected);
            break;
          }
        }
        assert.equal(q.length, model.length);
      }
      assert.deepEqual(q.toArray(), model);
      assert.deepEqual([...q], model);
      const copy = q.clone();
      q.pushHead('changed');
      assert.deepEqual(copy.toArray(), model, 'a clone does not see later changes');
      assert.deepEqual(Quicklist.from(model).toArray(), model);
    });
  }

  test('a million short elements take about their listpack bytes, not a string each', () => {
    const q = new Quicklist();
    for (let i = 0; i < 1_000_000; i++) {
      if (i % 2 === 0) q.pushTail('xyz');
      else q.pushHead('xyz');
    }
    // A listpack entry of 3 bytes takes 5; the chunks may be up to half empty after recentring.
    assert.ok(q.allocatedBytes < 1_000_000 * 5 * 1.6, `${q.allocatedBytes} bytes`);
    assert.equal(q.at(500_000), 'xyz');
    assert.equal(q.range(999_990, 999_999).length, 10);
  });
});
