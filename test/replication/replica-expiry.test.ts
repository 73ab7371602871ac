/**
 * Logically expired keys on a replica, side by side with a real Redis 7.0 replica of the same real
 * master (db.c expireIfNeeded / lookupKey / dbRandomKey / keysCommand / scanGenericCommand): a
 * replica never deletes them itself; normal clients' reads see them as missing while DBSIZE still
 * counts them; commands of the master's stream see them as present.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';
import type { RawConnection } from '../helpers/raw-resp.js';
import { connectTo, text, waitInSync } from './helpers.js';

/** Reads a normal client makes; every reply must be byte-equal on both replicas. */
const PROBES: readonly (readonly string[])[] = [
  ['GET', 'str'],
  ['MGET', 'str', 'live'],
  ['STRLEN', 'str'],
  ['GETRANGE', 'str', '0', '-1'],
  ['EXISTS', 'str', 'live', 'hash'],
  ['TTL', 'str'],
  ['PTTL', 'hash'],
  ['TYPE', 'str'],
  ['TYPE', 'list'],
  ['OBJECT', 'ENCODING', 'str'],
  ['DUMP', 'str'],
  ['MEMORY', 'USAGE', 'str'],
  ['TOUCH', 'str', 'live'],
  ['HGET', 'hash', 'f'],
  ['HGETALL', 'hash'],
  ['LRANGE', 'list', '0', '-1'],
  ['LLEN', 'list'],
  ['SMEMBERS', 'set'],
  ['SISMEMBER', 'set', 'm'],
  ['ZRANGE', 'zset', '0', '-1'],
  ['ZSCORE', 'zset', 'm'],
  ['DBSIZE'],
  ['KEYS', '*'],
  ['SCAN', '0', 'COUNT', '100'],
  ['SCAN', '0', 'COUNT', '100', 'TYPE', 'string'],
  ['SELECT', '1'],
  ['DBSIZE'],
  ['KEYS', '*'],
  ['SCAN', '0', 'COUNT', '100'],
  ['SELECT', '0'],
];

/** Each probe's reply; KEYS and SCAN list keys in dict order, so theirs are compared as sorted lines. */
async function answers(c: RawConnection): Promise<string[]> {
  const out: string[] = [];
  for (const argv of PROBES) {
    let reply = await text(c, argv);
    if (argv[0] === 'KEYS' || argv[0] === 'SCAN') reply = reply.split('\r\n').sort().join(' ');
    out.push(`${argv.join(' ')} → ${reply}`);
  }
  return out;
}

/** SIGSTOP/SIGCONT: a replica that applies its master's stream late, by its own clock. */
function freeze(server: RunningServer, frozen: boolean): void {
  process.kill(server.pid, frozen ? 'SIGSTOP' : 'SIGCONT');
}

test('a redmesh replica reads logically expired keys as a real 7.0 replica does, and applies the master stream as if none had expired', async () => {
  let master: RunningServer | undefined;
  let real: RunningServer | undefined;
  let ours: RunningServer | undefined;
  let frozen = false;
  try {
    master = await startRedis(0, ['--enable-debug-command', 'yes', '--repl-diskless-sync-delay', '0']);
    const m = await connectTo(master);
    // The master keeps its expired keys too (no active cycle; nothing reads them there).
    await text(m, ['DEBUG', 'SET-ACTIVE-EXPIRE', '0']);
    const args = ['--replicaof', '127.0.0.1', String(master.port)];
    [real, ours] = await Promise.all([startRedis(0, args), startRedmesh(0, args)]);
    const r = await connectTo(real);
    const o = await connectTo(ours);
    await waitInSync(m, r);
    await waitInSync(m, o);
    const setup: string[][] = [
      ['SET', 'live', 'v'],
      ['SET', 'str', 'hello', 'PX', '300'],
      ['HSET', 'hash', 'f', '1'],
      ['PEXPIRE', 'hash', '300'],
      ['RPUSH', 'list', 'a', 'b'],
      ['PEXPIRE', 'list', '300'],
      ['SADD', 'set', 'm'],
      ['PEXPIRE', 'set', '300'],
      ['ZADD', 'zset', '1', 'm'],
      ['PEXPIRE', 'zset', '300'],
      ['SELECT', '1'],
      ['SET', 'a', '1', 'PX', '300'],
      ['SET', 'b', '2', 'PX', '300'],
      ['SELECT', '0'],
    ];
    for (const argv of setup) assert.ok(!(await text(m, argv)).startsWith('-'), argv.join(' '));
    await waitInSync(m, r);
    await waitInSync(m, o);
    await new Promise((resolve) => setTimeout(resolve, 450));

    const expected = await answers(r);
    assert.deepEqual(await answers(o), expected);
    assert.ok(expected.includes('DBSIZE → :6'), 'the real replica still counts the expired keys');
    assert.ok(expected.includes('GET str → $-1'), 'the real replica reads the expired key as missing');
    // RANDOMKEY: the only live key in db 0; in db 1 (every key volatile and expired) a key anyway.
    for (let i = 0; i < 20; i++) assert.equal(await text(o, ['RANDOMKEY']), 'live');
    for (const c of [r, o]) await text(c, ['SELECT', '1']);
    const realPick = await text(r, ['RANDOMKEY']);
    const ourPick = await text(o, ['RANDOMKEY']);
    assert.ok(['a', 'b'].includes(realPick), `real replica RANDOMKEY in db 1: ${realPick}`);
    assert.ok(['a', 'b'].includes(ourPick), `redmesh replica RANDOMKEY in db 1: ${ourPick}`);
    for (const c of [r, o]) await text(c, ['SELECT', '0']);
    assert.equal(await text(o, ['DBSIZE']), ':6', 'reads deleted nothing on the redmesh replica');

    // A writable replica: a write deletes the expired key it finds first (lookupKey's force delete).
    const writes = [['APPEND', 'list', 'x'], ['TYPE', 'list'], ['TTL', 'list'], ['DBSIZE']];
    const written: string[][] = [];
    for (const c of [r, o]) {
      await text(c, ['CONFIG', 'SET', 'replica-read-only', 'no']);
      const out: string[] = [];
      for (const argv of writes) out.push(await text(c, argv));
      written.push(out);
      await text(c, ['CONFIG', 'SET', 'replica-read-only', 'yes']);
    }
    assert.deepEqual(written[1], written[0]);
    assert.deepEqual(written[0], [':1', '+string', ':-1', ':6']);

    // The master's commands reach both replicas after the keys expired by the replicas' clocks:
    // they must act on the keys as the master did (INCR continues, PEXPIRE revives).
    freeze(real, true);
    freeze(ours, true);
    frozen = true;
    for (const argv of [
      ['SET', 'late', '5', 'PX', '200'],
      ['INCR', 'late'],
      ['PEXPIRE', 'late', '100000'],
      ['SET', 'revived', 'x', 'PX', '200'],
      ['APPEND', 'revived', 'y'],
      ['PERSIST', 'revived'],
    ]) {
      assert.ok(!(await text(m, argv)).startsWith('-'), argv.join(' '));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    freeze(real, false);
    freeze(ours, false);
    frozen = false;
    await waitInSync(m, r);
    await waitInSync(m, o);
    for (const c of [r, o]) {
      assert.equal(await text(c, ['GET', 'late']), '6');
      assert.equal(await text(c, ['GET', 'revived']), 'xy');
      assert.equal(await text(c, ['TTL', 'revived']), ':-1');
    }
    // A read on the master expires its keys there; the DELs it propagates reach both replicas.
    assert.equal(await text(m, ['GET', 'str']), '$-1');
    await waitInSync(m, r);
    await waitInSync(m, o);
    assert.deepEqual(await answers(o), await answers(r));
    for (const c of [m, r, o]) c.close();
  } finally {
    if (frozen) {
      for (const s of [real, ours]) if (s !== undefined && !s.exited()) process.kill(s.pid, 'SIGCONT');
    }
    await stopAll(real, ours, master);
  }
});
