/**
 * Script effects replication (Redis 7.0): a script is not sent to replicas; the writes it made are,
 * wrapped in MULTI … EXEC when there is more than one. A real redis-server 7.0 replica of redmesh
 * must end with the same dataset even when the script's effects are random (SPOP) and with
 * redis.set_repl(redis.REPL_NONE) leaving a write out; its commandstats show what it was sent.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';
import { assertSameDataset, connectTo, info, infoFields, text, waitFor, waitInSync } from './helpers.js';

test('a real Redis replica of redmesh receives script effects wrapped in MULTI/EXEC, functions too', async () => {
  let master: RunningServer | undefined;
  let replica: RunningServer | undefined;
  try {
    master = await startRedmesh(0);
    const m = await connectTo(master);
    replica = await startRedis(0, ['--replicaof', '127.0.0.1', String(master.port)]);
    const r = await connectTo(replica);
    await waitFor('the replica link', async () => (await info(r, 'master_link_status')) === 'up');
    const members = Array.from({ length: 40 }, (_, i) => `m${i}`);
    await text(m, ['SADD', 'pool', ...members]);
    const spop = await text(m, [
      'EVAL',
      "local a = redis.call('spop', KEYS[1]) local b = redis.call('spop', KEYS[1]) redis.call('rpush', KEYS[2], a, b) return {a, b}",
      '2',
      'pool',
      'taken',
    ]);
    assert.ok(!spop.startsWith('-'), spop);
    await text(m, ['EVAL', "redis.call('set', 'one', '1') return 1", '0']);
    const silenced = await text(m, [
      'EVAL',
      "redis.call('set', 'kept', 'x') redis.set_repl(redis.REPL_NONE) redis.call('set', 'local-only', 'y') redis.set_repl(redis.REPL_ALL) redis.call('set', 'kept2', 'z') return 1",
      '0',
    ]);
    assert.equal(silenced, ':1');
    await text(m, ['EVAL', "redis.call('select', 2) redis.call('set', 'in2', 'v') return 1", '0']);
    await text(m, [
      'FUNCTION',
      'LOAD',
      "#!lua name=replib\nredis.register_function('bump', function(k) return redis.call('incr', k[1]) end)",
    ]);
    await text(m, ['FCALL', 'bump', '1', 'bumped']);
    await waitInSync(m, r);
    // The replica got the effects, not the scripts.
    const stats = Object.fromEntries(await infoFields(r, 'commandstats'));
    assert.equal(stats.cmdstat_eval, undefined, 'no EVAL reaches the replica');
    assert.equal(stats.cmdstat_fcall, undefined, 'no FCALL reaches the replica');
    assert.match(stats.cmdstat_srem ?? stats.cmdstat_spop ?? '', /calls=2/, JSON.stringify(stats));
    // Two scripts propagated more than one write (the same scenario against a real 7.0 master gives
    // its replica multi and exec calls=2 too); one write alone, or SELECT + one write, is not wrapped.
    assert.match(stats.cmdstat_multi ?? '', /calls=2\b/, JSON.stringify(stats));
    assert.match(stats.cmdstat_exec ?? '', /calls=2\b/, JSON.stringify(stats));
    assert.equal(await text(r, ['EXISTS', 'local-only']), ':0', 'REPL_NONE kept the write off the replica');
    assert.equal(await text(m, ['EXISTS', 'local-only']), ':1');
    await text(m, ['DEL', 'local-only']);
    await waitInSync(m, r);
    await assertSameDataset(m, r, 'after the scripts');
    // A function that may write is a write command on a replica (fcallGetCommandFlags), as in 7.0.
    assert.equal(
      await text(r, ['FCALL_RO', 'bump', '1', 'x']),
      "-READONLY You can't write against a read only replica.",
    );
    const libs = await text(r, ['FUNCTION', 'LIST']);
    assert.match(libs, /replib/, 'FUNCTION LOAD was replicated');
    m.close();
    r.close();
  } finally {
    await stopAll(master, replica);
  }
});

test("scripts on a redmesh replica of real Redis: READONLY rules of 7.0, and the master's functions arrive", async () => {
  let master: RunningServer | undefined;
  let replica: RunningServer | undefined;
  try {
    master = await startRedis(0);
    const m = await connectTo(master);
    await text(m, [
      'FUNCTION',
      'LOAD',
      "#!lua name=mlib\nredis.register_function{function_name='ro', callback=function(k) return redis.call('get', k[1]) end, flags={'no-writes'}}",
    ]);
    await text(m, ['SET', 'k', 'v']);
    replica = await startRedmesh(0, ['--replicaof', '127.0.0.1', String(master.port)]);
    const r = await connectTo(replica);
    await waitInSync(m, r);
    assert.equal(await text(r, ['FCALL', 'ro', '1', 'k']), 'v', 'the library came with the full sync');
    assert.equal(
      await text(r, ['EVAL', "#!lua\nreturn redis.call('get', 'k')", '0']),
      "-READONLY You can't write against a read only replica.",
    );
    assert.equal(await text(r, ['EVAL', "return redis.call('get', 'k')", '0']), 'v');
    assert.match(
      await text(r, ['EVAL', "return redis.call('set', 'k', 'x')", '0']),
      /^-READONLY You can't write against a read only replica\. script: /,
    );
    await text(m, ['EVAL', "redis.call('set', 'a', '1') redis.call('set', 'b', '2') return 1", '0']);
    await waitInSync(m, r);
    await assertSameDataset(m, r, 'effects from a real master');
    m.close();
    r.close();
  } finally {
    await stopAll(master, replica);
  }
});
