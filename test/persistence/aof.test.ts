/**
 * The AOF against real peers: redmesh's appendonlydir (base written by BGREWRITEAOF's fork-less
 * snapshot + incr files) loads in real redis-server 7.0 with every key equal and redis-check-aof
 * accepts it; real Redis's appendonlydir loads in redmesh; a tail cut mid-command loads what is
 * whole with aof-load-truncated yes and stops the start, naming file and offset, with no; with
 * appendfsync always every acknowledged write survives kill -9.
 */
import assert from 'node:assert/strict';
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runProcess } from '../helpers/process.js';
import { RawConnection, infoField } from '../helpers/raw-resp.js';
import { redmeshMain, startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';
import { datasetCommands, runCommands, snapshotServer, withoutEncodings } from './dataset.js';

const text = (b: Buffer): string => b.toString('latin1');

async function waitRewrite(c: RawConnection): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const info = text(await c.call(['INFO', 'persistence']));
    if (
      infoField(info, 'aof_rewrite_in_progress') === '0' &&
      infoField(info, 'aof_rewrite_scheduled') === '0'
    ) {
      return;
    }
    if (Date.now() > deadline) throw new Error(`AOF rewrite did not finish: ${info}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function killHard(s: RunningServer): Promise<void> {
  process.kill(s.pid, 'SIGKILL');
  const deadline = Date.now() + 10_000;
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      if (s.exited()) resolve();
      else if (Date.now() > deadline) reject(new Error('not dead'));
      else setTimeout(poll, 10);
    };
    poll();
  });
}

/** The shared dataset plus a transaction, a relative expiry and SPOP (propagated as what was applied). */
function commands(): [string[][], string[][]] {
  const all = datasetCommands();
  const extra = [
    ['MULTI'],
    ['SET', 'tx:a', '1'],
    ['INCRBY', 'tx:b', '5'],
    ['EXPIRE', 'tx:a', '1000'],
    ['EXEC'],
    ['SADD', 'pop', 'a', 'b', 'c', 'd'],
    ['SPOP', 'pop', '2'],
    ['SELECT', '3'],
    ['INCR', 'counter'],
    ['SELECT', '0'],
  ];
  return [all.slice(0, all.length >> 1), [...all.slice(all.length >> 1), ...extra]];
}

for (const preamble of ['yes', 'no']) {
  test(`redmesh's appendonlydir (base + incr, aof-use-rdb-preamble ${preamble}) loads in real Redis with every key equal; redis-check-aof accepts it`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redmesh-aof-'));
    let ours: RunningServer | undefined;
    let redis: RunningServer | undefined;
    try {
      ours = await startRedmesh(0, [
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--aof-timestamp-enabled',
        'yes',
        '--aof-use-rdb-preamble',
        preamble,
      ]);
      const c = await RawConnection.open(ours.port);
      const [first, second] = commands();
      await runCommands(c, first);
      assert.match(text(await c.call(['BGREWRITEAOF'])), /^\+Background append only file rewriting/);
      await runCommands(c, second);
      await waitRewrite(c);
      const expected = withoutEncodings(await snapshotServer(c));
      c.close();
      await killHard(ours);
      const files = readdirSync(join(dir, 'appendonlydir')).sort();
      const ext = preamble === 'yes' ? 'rdb' : 'aof';
      assert.deepStrictEqual(files, [
        `appendonly.aof.2.base.${ext}`,
        'appendonly.aof.2.incr.aof',
        'appendonly.aof.manifest',
      ]);
      const check = await runProcess('redis-check-aof', [
        join(dir, 'appendonlydir', 'appendonly.aof.manifest'),
      ]);
      assert.equal(check.code, 0, check.stdout + check.stderr);
      assert.match(check.stdout, /All AOF files and manifest are valid/);

      redis = await startRedis(0, ['--dir', dir, '--appendonly', 'yes']);
      const r = await RawConnection.open(redis.port);
      assert.deepStrictEqual(withoutEncodings(await snapshotServer(r)), expected);
      r.close();
    } finally {
      await stopAll(ours, redis);
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

for (const preamble of ['yes', 'no']) {
  test(`real Redis's appendonlydir (aof-use-rdb-preamble ${preamble}) loads in redmesh with every key equal`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redmesh-aof-'));
    let ours: RunningServer | undefined;
    let redis: RunningServer | undefined;
    try {
      redis = await startRedis(0, [
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--aof-use-rdb-preamble',
        preamble,
        '--aof-timestamp-enabled',
        'yes',
      ]);
      const r = await RawConnection.open(redis.port);
      const [first, second] = commands();
      await runCommands(r, first);
      await r.call(['BGREWRITEAOF']);
      await waitRewrite(r);
      await runCommands(r, second);
      const expected = withoutEncodings(await snapshotServer(r));
      r.close();
      await killHard(redis);
      const copy = mkdtempSync(join(tmpdir(), 'redmesh-aof-copy-'));
      cpSync(join(dir, 'appendonlydir'), join(copy, 'appendonlydir'), { recursive: true });
      ours = await startRedmesh(0, ['--dir', copy, '--appendonly', 'yes']);
      const c = await RawConnection.open(ours.port);
      assert.deepStrictEqual(withoutEncodings(await snapshotServer(c)), expected);
      c.close();
      await ours.stop();
      rmSync(copy, { recursive: true, force: true });
    } finally {
      await stopAll(ours, redis);
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('an AOF cut mid-command: aof-load-truncated yes loads the whole commands, no refuses naming file and offset', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-aof-'));
  let ours: RunningServer | undefined;
  try {
    ours = await startRedmesh(0, ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always']);
    const c = await RawConnection.open(ours.port);
    for (let i = 0; i < 10; i++) await c.call(['SET', `k${i}`, `value-${i}`]);
    c.close();
    await killHard(ours);
    ours = undefined;
    const incr = join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof');
    const size = statSync(incr).size;
    truncateSync(incr, size - 5);
    const whole = readFileSync(incr).lastIndexOf('*3\r\n');

    const refused = await runProcess(process.execPath, [
      redmeshMain,
      'server',
      '--port',
      '0',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--aof-load-truncated',
      'no',
    ]);
    assert.notEqual(refused.code, 0);
    assert.ok(
      (refused.stdout + refused.stderr).includes(`append only file ${incr} at offset ${whole}`),
      refused.stdout + refused.stderr,
    );
    assert.equal(statSync(incr).size, size - 5, 'nothing written when refusing');

    ours = await startRedmesh(0, ['--dir', dir, '--appendonly', 'yes', '--aof-load-truncated', 'yes']);
    const c2 = await RawConnection.open(ours.port);
    assert.equal(text(await c2.call(['DBSIZE'])), ':9\r\n');
    assert.equal(text(await c2.call(['GET', 'k8'])), '$7\r\nvalue-8\r\n');
    assert.equal(statSync(incr).size, whole);
    c2.close();
  } finally {
    await stopAll(ours);
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const policy of ['always', 'everysec']) {
  test(`appendfsync ${policy}: every acknowledged write survives kill -9 under continuous writes`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redmesh-aof-'));
    let ours: RunningServer | undefined;
    try {
      ours = await startRedmesh(0, ['--dir', dir, '--appendonly', 'yes', '--appendfsync', policy]);
      const c = await RawConnection.open(ours.port);
      let acked = 0;
      const writer = (async () => {
        for (let i = 0; ; i++) {
          try {
            const reply = await c.call(['RPUSH', 'log', String(i)], 5_000);
            if (text(reply) === `:${i + 1}\r\n`) acked = i + 1;
          } catch {
            return;
          }
        }
      })();
      const deadline = Date.now() + 10_000;
      while (acked < 300 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.ok(acked >= 300, `only ${acked} writes acknowledged`);
      await killHard(ours);
      const seen = acked;
      c.close();
      await writer;
      ours = await startRedmesh(0, ['--dir', dir, '--appendonly', 'yes']);
      const c2 = await RawConnection.open(ours.port);
      const len = Number(text(await c2.call(['LLEN', 'log'])).slice(1));
      assert.ok(len >= seen, `${seen} acknowledged, ${len} after restart`);
      c2.close();
    } finally {
      await stopAll(ours);
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/**
 * everysec's promise (Redis: "you can lose one second of data", two when an fsync is slow): four
 * clients write continuously and record when each write was acknowledged; after kill -9 and a
 * restart, every write acknowledged more than 2 s (+ 0.5 s margin for a loaded machine) before the
 * kill must be there, and any write missing must be one of the last ones.
 */
test('appendfsync everysec: kill -9 under continuous writes loses at most the last ~2 s of acknowledged writes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-aof-'));
  const windowMs = 2_000 + 500;
  let ours: RunningServer | undefined;
  try {
    ours = await startRedmesh(0, ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec']);
    const port = ours.port;
    /** Per client: acks[i] is when `SET w:<client>:<i>` was acknowledged. */
    const acks: number[][] = [[], [], [], []];
    let stop = false;
    const writers = acks.map(async (times, client) => {
      const c = await RawConnection.open(port);
      try {
        for (let i = 0; !stop; i++) {
          const reply = await c.call(['SET', `w:${client}:${i}`, String(i)], 5_000);
          if (text(reply) !== '+OK\r\n') throw new Error(`SET: ${text(reply)}`);
          times.push(Date.now());
        }
      } catch (err) {
        if (!stop) throw err;
      } finally {
        c.close();
      }
    });
    // Long enough for several everysec fsyncs and a window of writes older than 2.5 s.
    const writingUntil = Date.now() + 4_500;
    while (Date.now() < writingUntil) await new Promise((r) => setTimeout(r, 50));
    const killedAt = Date.now();
    stop = true;
    await killHard(ours);
    await Promise.all(writers);
    const total = acks.reduce((n, t) => n + t.length, 0);
    const old = acks.reduce((n, t) => n + t.filter((at) => at < killedAt - windowMs).length, 0);
    assert.ok(old >= 100, `only ${old} writes acknowledged more than ${windowMs} ms before the kill`);

    ours = await startRedmesh(0, ['--dir', dir, '--appendonly', 'yes']);
    const c2 = await RawConnection.open(ours.port);
    const keysReply = text(await c2.call(['KEYS', 'w:*'], 30_000));
    c2.close();
    const present = new Set(keysReply.split('\r\n').filter((l) => l.startsWith('w:')));
    let lost = 0;
    let newestLostAgeMs = 0;
    let oldestLostAgeMs = 0;
    acks.forEach((times, client) => {
      times.forEach((at, i) => {
        if (present.has(`w:${client}:${i}`)) return;
        lost++;
        const age = killedAt - at;
        oldestLostAgeMs = Math.max(oldestLostAgeMs, age);
        newestLostAgeMs = lost === 1 ? age : Math.min(newestLostAgeMs, age);
        assert.ok(age <= windowMs, `w:${client}:${i} acknowledged ${age} ms before the kill is lost`);
      });
    });
    console.log(
      `everysec kill -9: ${total} writes acknowledged, ${lost} lost` +
        (lost > 0 ? ` (acknowledged ${newestLostAgeMs}–${oldestLostAgeMs} ms before the kill)` : ''),
    );
  } finally {
    await stopAll(ours);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a corrupt AOF base stops the start naming the file and the problem; nothing is overwritten', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-aof-'));
  let ours: RunningServer | undefined;
  try {
    ours = await startRedmesh(0, ['--dir', dir, '--appendonly', 'yes']);
    const c = await RawConnection.open(ours.port);
    await c.call(['SET', 'k', 'v'.repeat(100)]);
    assert.match(text(await c.call(['BGREWRITEAOF'])), /^\+Background/);
    await waitRewrite(c);
    c.close();
    await ours.stop();
    ours = undefined;
    const aofDir = join(dir, 'appendonlydir');
    const base = join(aofDir, 'appendonly.aof.2.base.rdb');
    const bytes = readFileSync(base);
    bytes.writeUInt8((bytes.readUInt8(bytes.length - 1) ^ 0xff) & 0xff, bytes.length - 1);
    writeFileSync(base, bytes);
    const before = readdirSync(aofDir).map((f) => [f, readFileSync(join(aofDir, f)).toString('hex')]);
    const refused = await runProcess(process.execPath, [
      redmeshMain,
      'server',
      '--port',
      '0',
      '--dir',
      dir,
      '--appendonly',
      'yes',
    ]);
    assert.notEqual(refused.code, 0);
    const out = refused.stdout + refused.stderr;
    assert.ok(out.includes(base), out);
    assert.match(out, /checksum|CRC/i);
    assert.deepStrictEqual(
      readdirSync(aofDir).map((f) => [f, readFileSync(join(aofDir, f)).toString('hex')]),
      before,
    );
  } finally {
    await stopAll(ours);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('auto-aof-rewrite-percentage / -min-size start a rewrite when the AOF doubled; INFO counts it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-aof-'));
  let ours: RunningServer | undefined;
  try {
    ours = await startRedmesh(0, [
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--auto-aof-rewrite-min-size',
      '4096',
      '--auto-aof-rewrite-percentage',
      '100',
    ]);
    const c = await RawConnection.open(ours.port);
    const info = async (f: string): Promise<string | undefined> =>
      infoField(text(await c.call(['INFO', 'persistence'])), f);
    assert.equal(await info('aof_rewrites'), '0');
    // Pipelined, so all hundred land in one loop turn: the rewrite the cron starts then sees them
    // all in the dataset, and the new incr file stays empty however slow the machine is.
    for (let i = 0; i < 100; i++) c.send(['SET', 'same', 'x'.repeat(100)]);
    for (let i = 0; i < 100; i++) assert.equal((await c.read(10_000)).kind, 'reply');
    const deadline = Date.now() + 10_000;
    while ((await info('aof_rewrites')) === '0') {
      if (Date.now() > deadline) throw new Error('no automatic rewrite');
      await new Promise((r) => setTimeout(r, 20));
    }
    await waitRewrite(c);
    assert.equal(await info('aof_last_bgrewrite_status'), 'ok');
    // The rewritten AOF holds one key, not a hundred SETs.
    assert.ok(Number(await info('aof_current_size')) < 4096, await info('aof_current_size'));
    c.close();
  } finally {
    await stopAll(ours);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CONFIG SET appendonly no then yes: the new base replaces the old files, numbering goes on, a restart loads the current dataset', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-aof-'));
  let ours: RunningServer | undefined;
  try {
    ours = await startRedmesh(0, ['--dir', dir, '--appendonly', 'yes']);
    const c = await RawConnection.open(ours.port);
    await c.call(['SET', 'a', '1']);
    assert.equal(text(await c.call(['CONFIG', 'SET', 'appendonly', 'no'])), '+OK\r\n');
    await c.call(['INCR', 'a']); // not in the AOF: it is off
    assert.equal(text(await c.call(['CONFIG', 'SET', 'appendonly', 'yes'])), '+OK\r\n');
    await c.call(['INCR', 'a']);
    await waitRewrite(c);
    await c.call(['INCR', 'a']);
    assert.equal(text(await c.call(['GET', 'a'])), '$1\r\n4\r\n');
    const aofDir = join(dir, 'appendonlydir');
    assert.deepStrictEqual(readdirSync(aofDir).sort(), [
      'appendonly.aof.2.base.rdb',
      'appendonly.aof.2.incr.aof',
      'appendonly.aof.manifest',
    ]);
    c.close();
    await killHard(ours);
    ours = await startRedmesh(0, ['--dir', dir, '--appendonly', 'yes']);
    const c2 = await RawConnection.open(ours.port);
    assert.equal(text(await c2.call(['GET', 'a'])), '$1\r\n4\r\n');
    c2.close();
  } finally {
    await stopAll(ours);
    rmSync(dir, { recursive: true, force: true });
  }
});
