/**
 * LRANGE's reply built straight from the list's packed bytes (Quicklist.rangeInto + BulkArrayBuilder)
 * against the reply built from strings (range + bulkArray): byte-identical in RESP2 and RESP3 for
 * elements of every size class, and a copy that later writes to the list do not change.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BulkArrayBuilder, bulkArray, encodeReply } from '../../src/resp/index.js';
import { Quicklist } from '../../src/store/index.js';

function element(i: number): string {
  const sizes = [0, 1, 3, 12, 13, 32, 33, 127, 128, 129, 5000, 9000];
  const size = sizes[i % sizes.length] as number;
  let s = '';
  for (let k = 0; s.length < size; k++) s += String.fromCharCode((i * 31 + k * 7) % 256);
  return s;
}

function encodedRange(q: Quicklist, start: number, stop: number): string {
  const builder = new BulkArrayBuilder(stop - start + 1);
  q.rangeInto(start, stop, builder);
  const reply = builder.reply();
  assert.equal(reply.kind, 'encoded');
  return reply.kind === 'encoded' ? reply.bytes : '';
}

test('an encoded range has the bytes of the bulk array of its elements, in RESP2 and RESP3', () => {
  const q = new Quicklist();
  const model: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const v = element(i);
    if (i % 3 === 0) {
      q.pushHead(v);
      model.unshift(v);
    } else {
      q.pushTail(v);
      model.push(v);
    }
  }
  const ranges: [number, number][] = [
    [0, 0],
    [0, 599],
    [5, 6],
    [1234, 2999],
    [0, 2999],
    [2999, 2999],
  ];
  for (const [start, stop] of ranges) {
    const got = encodedRange(q, start, stop);
    for (const proto of [2, 3] as const) {
      assert.equal(got, encodeReply(bulkArray(model.slice(start, stop + 1)), proto), `${start}..${stop}`);
      assert.equal(encodeReply({ kind: 'encoded', bytes: got }, proto), got);
    }
  }
});

test('an encoded range is a copy: later writes to the list do not change it', () => {
  const q = new Quicklist();
  for (let i = 0; i < 100; i++) q.pushTail(`e${i}`);
  const held = encodedRange(q, 0, 99);
  const before = encodeReply(bulkArray(q.range(0, 99)), 2);
  for (let i = 0; i < 100; i++) q.set(i, 'changed');
  q.pushHead('new');
  assert.equal(held, before);
});
