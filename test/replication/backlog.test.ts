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
