/**
 * The server side of RDB persistence against real peers: redmesh's SAVE loads in real redis-server
 * 7.0 (keys, TTLs, OBJECT ENCODING equal to real Redis's own after DEBUG RELOAD; redis-check-rdb
 * accepts it); redmesh restarts on its file and on real Redis's; DUMP payloads go both ways.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runProcess } from '../helpers/process.js';
import { parseReply } from '../../src/resp/index.js';
import { RawConnection } from '../helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';
import { datasetCommands, runCommands, snapshotServer, type Snapshot } from './dataset.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Writes that make values outgrow their compact encodings and shrink back (Redis never converts back live). */
function growAndShrink(): string[][] {
  return [
    ['HSET', 'grown:hash', ...range(600).flatMap((i) => [`f${i}`, 'v'])],
    ...range(598).map((i) => ['HDEL', 'grown:hash', `f${i}`]),
    ['SADD', 'grown:set', ...range(600).map(String)],
    ['SREM', 'grown:set', ...range(598).map(String)],
    ['ZADD', 'grown:zset', ...range(200).flatMap((i) => [String(i), `m${i}`])],
    ['ZREMRANGEBYRANK', 'grown:zset', '0', '197'],
    ['SADD', 'grown:set2', '1', 'x'],
    ['SREM', 'grown:set2', 'x'],
  ];
}

function commands(): string[][] {
  return [...datasetCommands(), ...growAndShrink()];
}

/** Real Redis's view of the dataset after it saved and reloaded it (the oracle for any reload). */
async function oracle(): Promise<Snapshot> {
  const redis = await startRedis(0, ['--enable-debug-command', 'yes']);
  const c = await RawConnection.open(redis.port);
  try {
    await runCommands(c, commands());
    assert.equal((await c.call(['DEBUG', 'RELOAD'], 20_000)).toString(), '+OK\r\n');
    return await snapshotServer(c);
  } finally {
    c.close();
    await redis.stop();
  }
}

const ok = (b: Buffer): string => b.toString('latin1');

test("redmesh's SAVE loads in real Redis with the keys, TTLs and encodings of Redis's own reload; redmesh reloads it too", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-save-'));
  let ours: RunningServer | undefined;
  let redis: RunningServer | undefined;
  const conns: RawConnection[] = [];
  try {
    const expected = await oracle();
    ours = await startRedmesh(0, ['--dir', dir, '--enable-debug-command', 'yes']);
    const c = await RawConnection.open(ours.port);
    conns.push(c);
    await runCommands(c, commands());
    assert.equal(ok(await c.call(['SAVE'], 20_000)), '+OK\r\n');
    const check = await runProcess('redis-check-rdb', [join(dir, 'dump.rdb')]);
    assert.equal(check.code, 0, check.stdout + check.stderr);

    redis = await startRedis(0, [
      '--dir',
      dir,
      '--dbfilename',
      'dump.rdb',
      '--enable-protected-configs',
      'yes',
    ]);
    const r = await RawConnection.open(redis.port);
    conns.push(r);
    assert.deepStrictEqual(await snapshotServer(r), expected);

    // DEBUG RELOAD in redmesh gives the same view as Redis's.
    assert.equal(ok(await c.call(['DEBUG', 'RELOAD'], 20_000)), '+OK\r\n');
    assert.deepStrictEqual(await snapshotServer(c), expected);

    // A restart of redmesh on real Redis's own file (Redis saved what it loaded from ours).
    assert.equal(ok(await r.call(['CONFIG', 'SET', 'dbfilename', 'from-redis.rdb'])), '+OK\r\n');
    assert.equal(ok(await r.call(['SAVE'], 20_000)), '+OK\r\n');
    await ours.stop();
    ours = await startRedmesh(0, ['--dir', dir, '--dbfilename', 'from-redis.rdb', '--save', '']);
    const c2 = await RawConnection.open(ours.port);
    conns.push(c2);
    assert.deepStrictEqual(await snapshotServer(c2), expected);
    const info = ok(await c2.call(['INFO', 'persistence']));
    const loadedKeys = Object.values(expected).reduce((n, keys) => n + Object.keys(keys).length, 0);
    assert.match(info, new RegExp(`rdb_last_load_keys_loaded:${loadedKeys}\\r\\n`));
  } finally {
    for (const c of conns) c.close();
    await stopAll(ours, redis);
    rmSync(dir, { recursive: true, force: true });
  }
});

function bulkOf(reply: Buffer): Buffer {
  const parsed = parseReply(reply);
  assert.ok(parsed !== undefined && 'bulk' in parsed.node && parsed.node.bulk !== null, ok(reply));
  return (parsed.node as { bulk: Buffer }).bulk;
}

test('DUMP payloads move between real Redis and redmesh in both directions with RESTORE', async () => {
  let ours: RunningServer | undefined;
  let redis: RunningServer | undefined;
  const conns: RawConnection[] = [];
  try {
    redis = await startRedis(0);
    ours = await startRedmesh(0, ['--save', '']);
    const r = await RawConnection.open(redis.port);
    const c = await RawConnection.open(ours.port);
    conns.push(r, c);
    await runCommands(r, commands());
    const live = await snapshotServer(r);
    // A restored value takes the encoding its content calls for, as after a reload.
    const expected = await oracle();
    // Redis → redmesh, key by key, each database; then redmesh → a flushed Redis.
    for (const [source, target] of [
      [r, c],
      [c, r],
    ] as const) {
      for (const [db, keys] of Object.entries(live)) {
        await source.call(['SELECT', db]);
        await target.call(['SELECT', db]);
        for (const [hexKey, snap] of Object.entries(keys)) {
          const key = Buffer.from(hexKey, 'hex');
          const payload = bulkOf(await source.call(['DUMP', key]));
          const ttl = snap.expireMs === undefined ? '0' : String(snap.expireMs);
          const args = [Buffer.from('RESTORE'), key, Buffer.from(ttl), payload, Buffer.from('REPLACE')];
          if (snap.expireMs !== undefined) args.push(Buffer.from('ABSTTL'));
          assert.equal(ok(await target.call(args)), '+OK\r\n', `RESTORE ${hexKey}`);
          // A value RESTORE kept in its encoding dumps to the same bytes (hash tables aside: their
          // order is Redis's dict order).
          if (snap.encoding !== 'hashtable' && expected[db]?.[hexKey]?.encoding === snap.encoding) {
            const again = bulkOf(await target.call(['DUMP', key]));
            assert.equal(again.toString('hex'), payload.toString('hex'), `DUMP ${hexKey} (${snap.encoding})`);
          }
        }
      }
      await target.call(['SELECT', '0']);
      await source.call(['SELECT', '0']);
      assert.deepStrictEqual(await snapshotServer(target), expected);
      if (target === c) assert.equal(ok(await r.call(['FLUSHALL'])), '+OK\r\n');
    }

    // Errors as Redis gives them, compared reply for reply.
    const good = bulkOf(await r.call(['DUMP', 'str:lzf']));
    const bad = Buffer.from(good);
    bad[3] = (bad[3] as number) ^ 0xff;
    const future = Buffer.from(good);
    future.writeUInt16LE(11, future.length - 10);
    const cases: (string | Buffer)[][] = [
      ['RESTORE', 'str:lzf', '0', good],
      ['RESTORE', 'new', '0', bad],
      ['RESTORE', 'new', '0', future],
      ['RESTORE', 'new', '-1', good],
      ['RESTORE', 'new', 'x', good],
      ['RESTORE', 'new', '0', good, 'IDLETIME', '-1'],
      ['RESTORE', 'new', '0', good, 'FREQ', '256'],
      ['RESTORE', 'new', '0', good, 'FREQ', '5', 'IDLETIME', '5'],
      ['RESTORE', 'new', '0', good, 'BOGUS'],
      ['RESTORE', 'new', '0', 'short'],
      ['RESTORE', 'new', '1', good, 'ABSTTL'],
      ['EXISTS', 'new'],
      ['RESTORE', 'new', '0', good, 'IDLETIME', '10'],
      ['RESTORE', 'new2', '0', good, 'FREQ', '10'],
      ['DUMP', 'missing'],
      ['DUMP'],
    ];
    for (const argv of cases) {
      const want = ok(await r.call(argv));
      const got = ok(await c.call(argv));
      assert.equal(got, want, argv.map(String).join(' ').slice(0, 60));
    }
  } finally {
    for (const c of conns) c.close();
    await stopAll(ours, redis);
  }
});

test('RESTORE IDLETIME / FREQ set what OBJECT IDLETIME / OBJECT FREQ report, as on real Redis', async () => {
  let ours: RunningServer | undefined;
  let redis: RunningServer | undefined;
  const conns: RawConnection[] = [];
  try {
    redis = await startRedis(0);
    ours = await startRedmesh(0, ['--save', '']);
    const r = await RawConnection.open(redis.port);
    const c = await RawConnection.open(ours.port);
    conns.push(r, c);
    await r.call(['SET', 'src', 'value']);
    const payload = bulkOf(await r.call(['DUMP', 'src']));
    const both = async (argv: (string | Buffer)[]): Promise<[string, string]> => [
      ok(await r.call(argv)),
      ok(await c.call(argv)),
    ];
    for (const x of [r, c])
      assert.equal(ok(await x.call(['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu'])), '+OK\r\n');
    const [rf, cf] = await both(['RESTORE', 'f', '0', payload, 'FREQ', '100']);
    assert.equal(cf, rf);
    const [rq, cq] = await both(['OBJECT', 'FREQ', 'f']);
    assert.equal(cq, rq);
    assert.equal(cq, ':100\r\n');
    for (const x of [r, c])
      assert.equal(ok(await x.call(['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'])), '+OK\r\n');
    await both(['RESTORE', 'i', '0', payload, 'IDLETIME', '1000']);
    const [ri, ci] = await both(['OBJECT', 'IDLETIME', 'i']);
    assert.ok(Math.abs(Number(ci.slice(1)) - Number(ri.slice(1))) <= 2, `${ci} vs ${ri}`);
    assert.ok(Number(ci.slice(1)) >= 999, ci);
  } finally {
    for (const x of conns) x.close();
    await stopAll(ours, redis);
  }
});

test("an RDB's IDLE / FREQ records (saved under LRU / LFU policies) set OBJECT IDLETIME / FREQ after the load", async () => {
  for (const [policy, argv, check] of [
    ['allkeys-lfu', ['FREQ', '77'], ['OBJECT', 'FREQ', 'k']],
    ['allkeys-lru', ['IDLETIME', '500'], ['OBJECT', 'IDLETIME', 'k']],
  ] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'redmesh-lfu-'));
    let ours: RunningServer | undefined;
    let redis: RunningServer | undefined;
    const conns: RawConnection[] = [];
    try {
      redis = await startRedis(0, ['--dir', dir, '--maxmemory-policy', policy]);
      const r = await RawConnection.open(redis.port);
      conns.push(r);
      await r.call(['SET', 'src', 'v']);
      const payload = bulkOf(await r.call(['DUMP', 'src']));
      assert.equal(ok(await r.call(['RESTORE', 'k', '0', payload, ...argv])), '+OK\r\n');
      const want = ok(await r.call([...check]));
      assert.equal(ok(await r.call(['SAVE'])), '+OK\r\n');
      ours = await startRedmesh(0, [
        '--dir',
        dir,
        '--maxmemory-policy',
        policy,
        '--save',
        '',
        '--enable-protected-configs',
        'yes',
      ]);
      const c = await RawConnection.open(ours.port);
      conns.push(c);
      const got = ok(await c.call([...check]));
      assert.ok(Math.abs(Number(got.slice(1)) - Number(want.slice(1))) <= 2, `${policy}: ${got} vs ${want}`);
      // And back: redmesh's SAVE writes the record, real Redis loads it.
      assert.equal(ok(await c.call(['CONFIG', 'SET', 'dbfilename', 'ours.rdb'])), '+OK\r\n');
      assert.equal(ok(await c.call(['SAVE'])), '+OK\r\n');
      await redis.stop();
      redis = await startRedis(0, ['--dir', dir, '--dbfilename', 'ours.rdb', '--maxmemory-policy', policy]);
      const r2 = await RawConnection.open(redis.port);
      conns.push(r2);
      const back = ok(await r2.call([...check]));
      assert.ok(
        Math.abs(Number(back.slice(1)) - Number(want.slice(1))) <= 2,
        `${policy} back: ${back} vs ${want}`,
      );
    } finally {
      for (const x of conns) x.close();
      await stopAll(ours, redis);
      rmSync(dir, { recursive: true, force: true });
    }
  }
});
