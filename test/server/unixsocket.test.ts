/**
 * `unixsocket` / `unixsocketperm`: the same steps against redmesh and a real redis-server 7.0 — a stale
 * file at the path is replaced, the socket gets the mode asked for, redis-cli -s and ioredis work
 * through it, CLIENT LIST shows the path as addr/laddr with flag U, CONFIG SET refuses to move it, the
 * file is removed at shutdown, and a path that cannot be bound stops the server with Redis's message.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort, redmeshMain, startRedis, startRedmesh, type RunningServer } from '../helpers/servers.js';

const execFileP = promisify(execFile);

async function cliOverSocket(path: string, ...argv: string[]): Promise<string> {
  return (await execFileP('redis-cli', ['-s', path, ...argv], { timeout: 10_000 })).stdout;
}

/** What one server shows through its Unix socket, with the path replaced by PATH so both compare. */
async function transcript(start: (args: string[]) => Promise<RunningServer>): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-unix-'));
  const path = join(dir, 'redis.sock');
  writeFileSync(path, 'stale'); // a leftover file: Redis unlinks whatever is at the path first
  const out: string[] = [];
  let server: RunningServer | undefined;
  try {
    server = await start(['--unixsocket', path, '--unixsocketperm', '700']);
    const st = statSync(path);
    out.push(`socket=${st.isSocket()} mode=${(st.mode & 0o777).toString(8)}`);
    out.push(await cliOverSocket(path, 'SET', 'k', 'through the socket'));
    out.push(await cliOverSocket(path, 'GET', 'k'));
    const list = await cliOverSocket(path, 'CLIENT', 'LIST');
    const fields = (name: string): string => new RegExp(`\\b${name}=(\\S*)`).exec(list)?.[1] ?? '?';
    out.push(
      `addr=${fields('addr')} laddr=${fields('laddr')} flags=${fields('flags')}`.replaceAll(path, 'PATH'),
    );
    // CONFIG GET with a pattern lists matches in dict order, which Redis leaves open: compare as pairs.
    const got = (await cliOverSocket(path, 'CONFIG', 'GET', 'unixsocket*'))
      .replaceAll(path, 'PATH')
      .split('\n');
    const pairs = [];
    for (let i = 0; i + 1 < got.length; i += 2) pairs.push(`${got[i]}=${got[i + 1]}`);
    out.push(pairs.sort().join(' '));
    out.push(await cliOverSocket(path, 'CONFIG', 'SET', 'unixsocket', join(dir, 'other.sock')));

    const io = new Redis({ path, lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await io.connect();
      out.push(`ioredis: ${await io.get('k')} ${await io.incr('n')}`);
    } finally {
      io.disconnect();
    }
    await server.stop();
    out.push(`file after shutdown: ${existsSync(path)}`);
    return out;
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('unixsocket: redmesh serves a Unix socket as redis-server does', async () => {
  const redis = await transcript((args) => startRedis(0, args));
  const redmesh = await transcript((args) => startRedmesh(0, args));
  assert.deepEqual(redmesh, redis);
  // The oracle's transcript is what the steps promise (so the comparison cannot pass vacuously).
  assert.equal(redis[0], 'socket=true mode=700');
  assert.equal(redis[3], 'addr=PATH:0 laddr=PATH:0 flags=U');
  assert.equal(redis[4], 'unixsocket=PATH unixsocketperm=700');
  assert.equal(redis[redis.length - 1], 'file after shutdown: false');
});

/** Starts redmesh with `--unixsocket path`, expecting it to exit; returns its exit code and output. */
async function failedStart(path: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(
    process.execPath,
    [redmeshMain, 'server', '--port', String(await freePort()), '--unixsocket', path],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output };
}

test("unixsocket: a path that cannot be bound stops the server with Redis's message", async () => {
  const missing = await failedStart('/nonexistent-dir/redis.sock');
  assert.equal(missing.code, 1, missing.output);
  assert.match(missing.output, /Failed opening Unix socket: bind: No such file or directory/);
  // Longer than sun_path: Redis would silently truncate it and listen elsewhere; redmesh refuses.
  const long = await failedStart(join(tmpdir(), 'x'.repeat(120)));
  assert.equal(long.code, 1, long.output);
  assert.match(
    long.output,
    /Failed opening Unix socket: unix socket path too long \(\d+ bytes, at most 107\)/,
  );
});

/** Spawns `command args`, collecting its output; `stop` kills it by pid (SIGKILL after 3 s). */
function spawnServer(command: string, args: readonly string[]) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return {
    output: () => output,
    exited,
    stop: async (): Promise<void> => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Whether a TCP connection to 127.0.0.1:port is accepted. */
function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

test('bind "" with unixsocket: no TCP listener, the Unix socket serves (as redis-server 7.0)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-bindnone-'));
  try {
    for (const name of ['redis', 'redmesh'] as const) {
      const path = join(dir, `${name}.sock`);
      const port = await freePort();
      const common = ['--port', String(port), '--bind', '', '--unixsocket', path, '--dir', dir];
      const server =
        name === 'redis'
          ? spawnServer('redis-server', [...common, '--save', ''])
          : spawnServer(process.execPath, [redmeshMain, 'server', ...common]);
      try {
        let pong = '';
        const deadline = Date.now() + 15_000;
        while (pong !== 'PONG\n' && Date.now() < deadline) {
          pong = await cliOverSocket(path, 'PING').catch(() => '');
          if (pong !== 'PONG\n') await new Promise((r) => setTimeout(r, 100));
        }
        assert.equal(pong, 'PONG\n', `${name}: ${server.output()}`);
        assert.equal(await cliOverSocket(path, 'CONFIG', 'GET', 'bind'), 'bind\n\n', name);
        assert.equal(await tcpAccepts(port), false, `${name} accepted TCP on ${port}`);
      } finally {
        await server.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bind "" without unixsocket: the server exits, "Configured to not listen anywhere" (as redis-server 7.0)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-bindnone-'));
  try {
    const port = String(await freePort());
    const redis = spawnServer('redis-server', ['--port', port, '--bind', '', '--save', '', '--dir', dir]);
    const redmesh = spawnServer(process.execPath, [
      redmeshMain,
      'server',
      '--port',
      port,
      '--bind',
      '',
      '--dir',
      dir,
    ]);
    const timer = setTimeout(() => void Promise.all([redis.stop(), redmesh.stop()]), 15_000);
    try {
      await Promise.all([redis.exited, redmesh.exited]);
    } finally {
      clearTimeout(timer);
    }
    for (const s of [redis, redmesh])
      assert.match(s.output(), /Configured to not listen anywhere, exiting\./);
    assert.equal(await redmesh.exited, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
