/** The replication backlog: what a PSYNC at an offset gets, as the stream grows past its size. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReplicationBacklog } from '../../src/replication/index.js';

test('the backlog serves every byte from an offset it still holds, and none it dropped', () => {
  // Created when the master offset is 100: the next stream byte is offset 101.
  const backlog = new ReplicationBacklog(10, 101);
  backlog.append(Buffer.from('abcdef')); // offsets 101..106
  assert.equal(backlog.firstByteOffset, 101);
  assert.equal(backlog.histlen, 6);
  assert.equal(backlog.from(103).toString(), 'cdef');
  assert.ok(backlog.covers(107), 'a replica that has everything asks for the next offset');
  assert.equal(backlog.from(107).length, 0);
  assert.ok(!backlog.covers(108));
  assert.ok(!backlog.covers(100));

  backlog.append(Buffer.from('ghijkl')); // offsets 107..112; 101 and 102 fall out (size 10)
  assert.equal(backlog.firstByteOffset, 103);
  assert.equal(backlog.histlen, 10);
  assert.ok(!backlog.covers(102));
  assert.equal(backlog.from(103).toString(), 'cdefghijkl');
  assert.equal(backlog.from(110).toString(), 'jkl');

  backlog.resize(4); // CONFIG SET repl-backlog-size: the newest bytes stay
  assert.equal(backlog.firstByteOffset, 109);
  assert.equal(backlog.from(109).toString(), 'ijkl');
});

test('the backlog matches a plain model over many appends, growth, writes larger than it and resizes', () => {
  let seed = 3;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (const size of [16, 1000, 70_000, 300_000]) {
    const backlog = new ReplicationBacklog(size, 1);
    let model = Buffer.alloc(0);
    let first = 1;
    let limit = size;
    for (let i = 0; i < 400; i++) {
      const len = random(8) === 0 ? random(size * 2 + 1) : random(200);
      const bytes = Buffer.alloc(len);
      for (let j = 0; j < len; j++) bytes[j] = random(256);
      backlog.append(bytes);
      model = Buffer.concat([model, bytes]);
      if (model.length > limit) {
        first += model.length - limit;
        model = model.subarray(model.length - limit);
      }
      if (random(50) === 0) {
        limit = 16 + random(size);
        backlog.resize(limit);
        if (model.length > limit) {
          first += model.length - limit;
          model = model.subarray(model.length - limit);
        }
      }
      assert.equal(backlog.firstByteOffset, first, `size ${size}, append ${i}`);
      assert.equal(backlog.histlen, model.length);
      const at = first + random(model.length + 1);
      assert.ok(backlog.covers(at));
      assert.ok(backlog.from(at).equals(model.subarray(at - first)), `size ${size}, append ${i}, from ${at}`);
    }
  }
});
