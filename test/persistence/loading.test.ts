/**
 * Loading at start as Redis 7.0 does it: the server listens while a big dataset loads, INFO
 * persistence shows loading:1 and the loading_* progress fields, commands without the `loading` flag
 * (GET, PING) get "-LOADING Redis is loading the dataset in memory", INFO keeps answering between
 * slices, and once loaded the data is there. The files come from Debian's real redis-server: an RDB of
 * a million keys, and an appendonlydir whose base is written as commands (aof-use-rdb-preamble no).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RawConnection, infoField } from '../helpers/raw-resp.js';
import { freePort, redmeshMain, startRedis, stopAll, type RunningServer } from '../helpers/servers.js';

const LOADING = '-LOADING Redis is loading the dataset in memory\r\n';

async function waitFor(what: string, cond: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One command; generous bound: real Redis's SAVE or DEBUG POPULATE of a million keys on a busy machine. */
async function call(c: RawConnection, ...argv: string[]): Promise<string> {
  return (await c.call(argv, 120_000)).toString('latin1');
}

/** Real Redis with `keys` keys (DEBUG POPULATE: key:N → value:N padded to 100 bytes); its dir. */
async function populatedRedis(keys: number): Promise<{ redis: RunningServer; dir: string }> {
  const redis = await startRedis(0, ['--enable-debug-command', 'yes']);
  const c = await RawConnection.open(redis.port);
  try {
    assert.equal(await call(c, 'DEBUG', 'POPULATE', String(keys), 'key', '100'), '+OK\r\n');
    const dir = /\r\n([^\r\n]+)\r\n$/.exec(await call(c, 'CONFIG', 'GET', 'dir'))?.[1];
    assert.ok(dir !== undefined);
    return { redis, dir };
  } finally {
    c.close();
  }
}

interface LoadObservation {
  /** INFO persistence replies seen with loading:1. */
  readonly loadingInfos: string[];
  readonly getReply: string;
  readonly pingReply: string;
  /** Longest wait for an INFO reply while loading (the loop is served between slices). */
  readonly maxInfoMs: number;
}

/**
 * Starts redmesh on `dir` without waiting for it, connects as soon as it listens, and polls INFO
 * persistence (and GET key:1, PING) until loading:0. Returns what it saw and the connection.
 */
async function watchLoad(
  dir: string,
  extraArgs: readonly string[],
): Promise<{ server: ChildHandle; seen: LoadObservation; conn: RawConnection }> {
  const port = await freePort();
  const server = spawnRedmesh(port, ['--dir', dir, '--save', '', ...extraArgs]);
  let conn: RawConnection | undefined;
  await waitFor(
    'redmesh to listen',
    async () => {
      if (server.exited()) throw new Error(`redmesh exited:\n${server.output()}`);
      try {
        conn = await RawConnection.open(port, 1000);
        return true;
      } catch {
        return false;
      }
    },
    30_000,
  );
  const c = conn as RawConnection;
  const loadingInfos: string[] = [];
  let getReply = '';
  let pingReply = '';
  let maxInfoMs = 0;
  await waitFor(
    'the load to finish',
    async () => {
      const started = performance.now();
      const info = await call(c, 'INFO', 'persistence');
      if (infoField(info, 'loading') !== '1') return true;
      maxInfoMs = Math.max(maxInfoMs, performance.now() - started);
      loadingInfos.push(info);
      if (getReply === '') getReply = await call(c, 'GET', 'key:1');
      if (pingReply === '') pingReply = await call(c, 'PING');
      return false;
    },
    120_000,
  );
  return { server, seen: { loadingInfos, getReply, pingReply, maxInfoMs }, conn: c };
}

interface ChildHandle {
  readonly exited: () => boolean;
  readonly output: () => string;
  stop(): Promise<void>;
}

function spawnRedmesh(port: number, args: readonly string[]): ChildHandle {
  const child = spawn(process.execPath, [redmeshMain, 'server', '--port', String(port), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let done = false;
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      done = true;
      resolve();
    }),
  );
  return {
    exited: () => done,
    output: () => out,
    stop: async () => {
      if (done) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** What every loading INFO must show, and that the progress moved through several slices. */
function checkLoadingInfos(infos: readonly string[], totalBytes: number): void {
  assert.ok(infos.length >= 2, `INFO answered ${infos.length} times while loading`);
  const loaded: number[] = [];
  for (const info of infos) {
    assert.equal(infoField(info, 'async_loading'), '0');
    assert.equal(infoField(info, 'loading_total_bytes'), String(totalBytes));
    const start = Number(infoField(info, 'loading_start_time'));
    assert.ok(Math.abs(start - Date.now() / 1000) < 300, `loading_start_time ${start}`);
    const bytes = Number(infoField(info, 'loading_loaded_bytes'));
    assert.ok(bytes >= 0 && bytes <= totalBytes);
    assert.equal(infoField(info, 'loading_loaded_perc'), ((bytes / totalBytes) * 100).toFixed(2));
    assert.match(infoField(info, 'loading_eta_seconds') ?? '', /^\d+$/);
    assert.match(infoField(info, 'loading_rdb_used_mem') ?? '', /^\d+$/);
    loaded.push(bytes);
  }
  const distinct = new Set(loaded.filter((b) => b > 0 && b < totalBytes));
  assert.ok(distinct.size >= 2, `loading_loaded_bytes moved through slices: ${[...distinct].join(', ')}`);
  for (let i = 1; i < loaded.length; i++) assert.ok((loaded[i] as number) >= (loaded[i - 1] as number));
}

test('a million-key RDB from real Redis loads while clients get LOADING and INFO shows the progress', async () => {
  const keys = 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-loading-'));
  let redis: RunningServer | undefined;
  let redmesh: ChildHandle | undefined;
  let conn: RawConnection | undefined;
  try {
    const populated = await populatedRedis(keys);
    redis = populated.redis;
    const c = await RawConnection.open(redis.port);
    assert.equal(await call(c, 'SAVE'), '+OK\r\n');
    c.close();
    cpSync(join(populated.dir, 'dump.rdb'), join(dir, 'dump.rdb'));
    const size = statSync(join(dir, 'dump.rdb')).size;

    const watched = await watchLoad(dir, []);
    redmesh = watched.server;
    conn = watched.conn;
    const { seen } = watched;
    assert.equal(seen.getReply, LOADING);
    assert.equal(seen.pingReply, LOADING, 'PING has no loading flag in 7.0: it gets LOADING too');
    checkLoadingInfos(seen.loadingInfos, size);
    const usedMem = seen.loadingInfos.map((i) => Number(infoField(i, 'loading_rdb_used_mem')));
    assert.ok(Math.max(...usedMem) > 0, 'loading_rdb_used_mem is the used-mem AUX field once read');
    console.log(
      `loaded ${keys} keys (${size} bytes): ${seen.loadingInfos.length} INFO replies while loading, longest ${seen.maxInfoMs.toFixed(1)} ms`,
    );

    assert.equal(await call(conn, 'GET', 'key:1'), `$100\r\nvalue:1${'\0'.repeat(93)}\r\n`);
    assert.equal(await call(conn, 'DBSIZE'), `:${keys}\r\n`);
    const after = await call(conn, 'INFO', 'persistence');
    assert.equal(infoField(after, 'loading'), '0');
    assert.equal(infoField(after, 'loading_total_bytes'), undefined);
    assert.equal(infoField(after, 'rdb_last_load_keys_loaded'), String(keys));
  } finally {
    conn?.close();
    await redmesh?.stop();
    await stopAll(redis);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a real Redis appendonlydir (base as commands) loads with LOADING replies and progress', async () => {
  const keys = 400_000;
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-loading-aof-'));
  let redis: RunningServer | undefined;
  let redmesh: ChildHandle | undefined;
  let conn: RawConnection | undefined;
  try {
    const populated = await populatedRedis(keys);
    redis = populated.redis;
    const c = await RawConnection.open(redis.port);
    assert.equal(await call(c, 'CONFIG', 'SET', 'aof-use-rdb-preamble', 'no'), '+OK\r\n');
    assert.equal(await call(c, 'CONFIG', 'SET', 'appendonly', 'yes'), '+OK\r\n');
    await waitFor(
      'the AOF rewrite of real Redis',
      async () => {
        const info = await call(c, 'INFO', 'persistence');
        return infoField(info, 'aof_rewrite_in_progress') === '0' && infoField(info, 'aof_rewrites') === '1';
      },
      60_000,
    );
    assert.equal(await call(c, 'SET', 'after-rewrite', 'incr'), '+OK\r\n');
    c.close();
    const aofDir = join(populated.dir, 'appendonlydir');
    cpSync(aofDir, join(dir, 'appendonlydir'), { recursive: true });
    const files = ['appendonly.aof.1.base.aof', 'appendonly.aof.1.incr.aof'];
    const size = files.reduce((n, f) => n + statSync(join(dir, 'appendonlydir', f)).size, 0);

    const watched = await watchLoad(dir, ['--appendonly', 'yes']);
    redmesh = watched.server;
    conn = watched.conn;
    const { seen } = watched;
    assert.equal(seen.getReply, LOADING);
    checkLoadingInfos(seen.loadingInfos, size);

    assert.equal(await call(conn, 'GET', 'key:1'), `$100\r\nvalue:1${'\0'.repeat(93)}\r\n`);
    assert.equal(await call(conn, 'GET', 'after-rewrite'), '$4\r\nincr\r\n');
    assert.equal(await call(conn, 'DBSIZE'), `:${keys + 1}\r\n`);
    // Appending works after the load: the incr file goes on.
    assert.equal(await call(conn, 'SET', 'later', 'x'), '+OK\r\n');
  } finally {
    conn?.close();
    await redmesh?.stop();
    await stopAll(redis);
    rmSync(dir, { recursive: true, force: true });
  }
});
