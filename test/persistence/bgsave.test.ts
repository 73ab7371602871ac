/**
 * BGSAVE without fork: clients keep being served while it runs, and the file is the dataset at the
 * instant BGSAVE was answered however much is written meanwhile (checked by real Redis's DEBUG DIGEST
 * over the same dataset); BGSAVE replies and stop-writes-on-bgsave-error (MISCONF) as on real Redis.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runProcess } from '../helpers/process.js';
import { RawConnection, infoField } from '../helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';
import { runCommands } from './dataset.js';

// Big enough that the save (0.5 ms slices) outlasts the first round of writes even on a fast machine.
const KEYS = 200_000;

/** The dataset at the BGSAVE instant: strings, TTLs, lists, hashes, sets, sorted sets. */
function initial(): string[][] {
  const c: string[][] = [];
  for (let i = 0; i < KEYS; i += 500) {
    const batch: string[] = [];
    for (let j = i; j < i + 500; j++) batch.push(`key:${j}`, `value-${j}-${'x'.repeat(j % 90)}`);
    c.push(['MSET', ...batch]);
  }
  for (let i = 0; i < 200; i++) {
    c.push(['RPUSH', `list:${i}`, ...Array.from({ length: 50 }, (_, j) => `e${j}`)]);
    c.push(['HSET', `hash:${i}`, 'a', String(i), 'b', 'x'.repeat(i)]);
    c.push(['SADD', `set:${i}`, '1', '2', String(i)]);
    c.push(['ZADD', `zset:${i}`, '1', 'a', String(i), 'b']);
    c.push(['PEXPIREAT', `key:${i}`, String(4102444800000 + i)]);
  }
  return c;
}

/** Writes that change, delete and create keys of every type (all after the BGSAVE instant). */
function hammer(round: number): string[][] {
  const c: string[][] = [];
  for (let i = 0; i < 200; i++) {
    const k = (round * 977 + i * 13) % KEYS;
    c.push(['SET', `key:${k}`, `changed-${round}`]);
    c.push(['DEL', `key:${(k + 7) % KEYS}`]);
    c.push(['SET', `new:${round}:${i}`, 'created']);
  }
  for (let i = 0; i < 20; i++) {
    const n = (round * 7 + i) % 200;
    c.push(['RPUSH', `list:${n}`, 'more']);
    c.push(['HSET', `hash:${n}`, 'a', 'changed']);
    c.push(['SREM', `set:${n}`, '1']);
    c.push(['ZADD', `zset:${n}`, '99', 'a']);
    c.push(['PERSIST', `key:${n}`]);
    c.push(['EXPIRE', `key:${n + 300}`, '1000']);
  }
  c.push(['SWAPDB', '0', '1'], ['SWAPDB', '0', '1']);
  return c;
}

async function digest(c: RawConnection): Promise<string> {
  return (await c.call(['DEBUG', 'DIGEST'], 30_000)).toString('latin1');
}

async function waitBgsaveDone(c: RawConnection): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const info = (await c.call(['INFO', 'persistence'])).toString('latin1');
    if (infoField(info, 'rdb_bgsave_in_progress') === '0') return info;
    if (Date.now() > deadline) throw new Error('BGSAVE did not finish');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('BGSAVE under a stream of writes writes the dataset of its start; clients are served meanwhile', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-bgsave-'));
  let ours: RunningServer | undefined;
  let oracle: RunningServer | undefined;
  let loaded: RunningServer | undefined;
  const conns: RawConnection[] = [];
  try {
    ours = await startRedmesh(0, ['--dir', dir, '--save', '']);
    oracle = await startRedis(0, ['--enable-debug-command', 'yes']);
    const c = await RawConnection.open(ours.port);
    const o = await RawConnection.open(oracle.port);
    conns.push(c, o);
    await runCommands(c, initial());
    await runCommands(o, initial());
    const expectedDigest = await digest(o);

    // BGSAVE, then at once BGSAVE and SAVE again (pipelined: long before 200k keys can be written).
    for (const argv of [['BGSAVE'], ['BGSAVE'], ['SAVE']]) c.send(argv);
    const replies: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await c.read(10_000);
      replies.push(r.kind === 'reply' ? r.bytes.toString('latin1') : r.kind);
    }
    assert.deepStrictEqual(replies, [
      '+Background saving started\r\n',
      '-ERR Background save already in progress\r\n',
      '-ERR Background save already in progress\r\n',
    ]);
    let rounds = 0;
    let sawInProgress = 0;
    let maxGetMs = 0;
    for (;;) {
      await runCommands(c, hammer(rounds++));
      const t0 = performance.now();
      assert.equal((await c.call(['GET', 'new:0:0'])).toString(), '$7\r\ncreated\r\n');
      maxGetMs = Math.max(maxGetMs, performance.now() - t0);
      const info = (await c.call(['INFO', 'persistence'])).toString('latin1');
      if (infoField(info, 'rdb_bgsave_in_progress') !== '1') break;
      sawInProgress++;
    }
    assert.ok(sawInProgress >= 1, `writes ran while the save was in progress (${sawInProgress} rounds)`);
    const info = await waitBgsaveDone(c);
    assert.equal(infoField(info, 'rdb_last_bgsave_status'), 'ok');
    assert.ok(
      Number(infoField(info, 'rdb_changes_since_last_save')) > 0,
      'writes after the instant stay unsaved',
    );
    process.stdout.write(
      `# BGSAVE of ${KEYS + 800} keys spanned ${sawInProgress} write rounds; slowest GET meanwhile ${maxGetMs.toFixed(1)} ms\n`,
    );

    const check = await runProcess('redis-check-rdb', [join(dir, 'dump.rdb')]);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    loaded = await startRedis(0, ['--dir', dir, '--dbfilename', 'dump.rdb', '--enable-debug-command', 'yes']);
    const l = await RawConnection.open(loaded.port);
    conns.push(l);
    assert.equal(await digest(l), expectedDigest);
  } finally {
    for (const x of conns) x.close();
    await stopAll(ours, oracle, loaded);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failing BGSAVE sets rdb_last_bgsave_status:err and MISCONF stops writes and PING until a save succeeds, as on real Redis', async () => {
  const root = mkdtempSync(join(tmpdir(), 'redmesh-misconf-'));
  const dirs = [join(root, 'ours'), join(root, 'redis')];
  for (const d of dirs) mkdirSync(d);
  let ours: RunningServer | undefined;
  let redis: RunningServer | undefined;
  const conns: RawConnection[] = [];
  try {
    const args = ['--save', '3600 100', '--enable-protected-configs', 'yes'];
    ours = await startRedmesh(0, ['--dir', dirs[0] as string, ...args]);
    redis = await startRedis(0, ['--dir', dirs[1] as string, ...args]);
    const c = await RawConnection.open(ours.port);
    const r = await RawConnection.open(redis.port);
    conns.push(c, r);
    const same = async (argv: string[]): Promise<string> => {
      const want = (await r.call(argv)).toString('latin1');
      assert.equal((await c.call(argv)).toString('latin1'), want, argv.join(' '));
      return want;
    };
    await same(['SET', 'a', '1']);
    // The directory disappears: the next background save cannot create its file.
    for (const d of dirs) rmSync(d, { recursive: true });
    await same(['BGSAVE']);
    for (const x of [c, r]) assert.equal(infoField(await waitBgsaveDone(x), 'rdb_last_bgsave_status'), 'err');
    await same(['SET', 'b', '2']);
    await same(['PING']);
    await same(['GET', 'a']);
    await same(['BGSAVE', 'NOW']);
    // Recreated (Redis's working directory must be set again: it chdir()ed into the removed one).
    for (const d of dirs) mkdirSync(d);
    assert.equal((await c.call(['CONFIG', 'SET', 'dir', dirs[0] as string])).toString(), '+OK\r\n');
    assert.equal((await r.call(['CONFIG', 'SET', 'dir', dirs[1] as string])).toString(), '+OK\r\n');
    await same(['BGSAVE']);
    for (const x of [c, r]) assert.equal(infoField(await waitBgsaveDone(x), 'rdb_last_bgsave_status'), 'ok');
    await same(['SET', 'b', '2']);
    await same(['PING']);
  } finally {
    for (const x of conns) x.close();
    await stopAll(ours, redis);
    rmSync(root, { recursive: true, force: true });
  }
});

test('a BGSAVE of many keys is cut into many slices and a client is answered between them while it runs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-bgsave-slices-'));
  let ours: RunningServer | undefined;
  const conns: RawConnection[] = [];
  const keys = 200_000;
  try {
    ours = await startRedmesh(0, ['--dir', dir, '--save', '']);
    const control = await RawConnection.open(ours.port);
    const reader = await RawConnection.open(ours.port);
    conns.push(control, reader);
    const value = 'v'.repeat(100);
    const load: string[][] = [];
    for (let i = 0; i < keys; i += 1000) {
      load.push(['MSET', ...Array.from({ length: 1000 }, (_, j) => [`key:${i + j}`, value]).flat()]);
    }
    await runCommands(control, load);
    assert.equal((await control.call(['BGSAVE'])).toString(), '+Background saving started\r\n');
    // GETs back to back on one connection, each counted once its reply is in, until the save ends.
    let answered = 0;
    let saving = true;
    const getter = (async () => {
      for (let i = 0; saving; i = (i + 7919) % keys) {
        assert.match((await reader.call(['GET', `key:${i}`], 30_000)).toString('latin1'), /^\$100\r\n/);
        answered++;
      }
    })();
    let answeredWhileSaving = 0;
    try {
      const deadline = Date.now() + 120_000;
      for (;;) {
        // Read before INFO: these GETs were all answered while the save was still in progress.
        const before = answered;
        const info = (await control.call(['INFO', 'persistence'], 30_000)).toString('latin1');
        if (infoField(info, 'rdb_bgsave_in_progress') !== '1') break;
        answeredWhileSaving = before;
        assert.ok(Date.now() < deadline, 'BGSAVE did not finish');
        await new Promise((r) => setTimeout(r, 5));
      }
    } finally {
      saving = false;
      await getter;
    }
    const info = await waitBgsaveDone(control);
    assert.equal(infoField(info, 'rdb_last_bgsave_status'), 'ok');
    // The server's own account of the save (logged when it ends): how many slices it took.
    const deadline = Date.now() + 10_000;
    let m: RegExpExecArray | null = null;
    const report = /Background saving held the event loop in (\d+) slices \((\d+) ended early[^)]*\): (.*)/;
    while ((m = report.exec(ours.output())) === null) {
      assert.ok(Date.now() < deadline, `no slice report in the log:\n${ours.output()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const slices = Number(m[1]);
    process.stdout.write(
      `# BGSAVE of ${keys} keys: ${answeredWhileSaving} GETs answered meanwhile; ${m[1]} slices: ${m[3]}\n`,
    );
    // The GETs came back to back: slices ended early to serve them (epoll on the clients' fds).
    assert.ok(Number(m[2]) > 0, `no slice ended early for the waiting GETs: ${m[0]}`);
    // A slice serializes at most about 0.5 ms of keys: well under 10,000 keys on any machine.
    assert.ok(slices >= keys / 10_000, `${slices} slices for ${keys} keys`);
    assert.ok(answeredWhileSaving > 0, 'no GET answered while the save was in progress');
    const check = await runProcess('redis-check-rdb', [join(dir, 'dump.rdb')]);
    assert.equal(check.code, 0, check.stdout + check.stderr);
  } finally {
    for (const x of conns) x.close();
    await stopAll(ours);
    rmSync(dir, { recursive: true, force: true });
  }
});
