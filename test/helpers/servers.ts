/**
 * Starts the servers tests talk to over real sockets: a real redis-server 7.0 (the oracle) and
 * redmesh as its own process (`node dist/src/cli/main.js server --port P`), so tests see exactly
 * what a client would. Each is stopped by pid in `stop()`; callers put that in a `finally`.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RawConnection } from './raw-resp.js';

export interface RunningServer {
  readonly name: 'redis' | 'redmesh';
  readonly port: number;
  readonly pid: number;
  /** Everything the process wrote to stdout/stderr so far (for failure messages). */
  output(): string;
  /** Resident set size of the process in bytes, from /proc. */
  rssBytes(): number;
  exited(): boolean;
  stop(): Promise<void>;
}

/** The compiled CLI entry point, found relative to this file (dist/test/helpers → dist/src/cli). */
/**
 * The redmesh CLI the tests and benchmarks start: this checkout's, or REDMESH_MAIN's (another build's
 * dist/src/cli/main.js, to bench a before/after pair with the same bench code).
 */
export const redmeshMain =
  process.env.REDMESH_MAIN ?? fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function track(child: ChildProcess, name: 'redis' | 'redmesh', port: number): RunningServer {
  let out = '';
  let done = false;
  child.stdout?.on('data', (c: Buffer) => {
    if (out.length < 100_000) out += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    if (out.length < 100_000) out += c.toString();
  });
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      done = true;
      resolve();
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name} did not start`);
  return {
    name,
    port,
    pid,
    output: () => out,
    exited: () => done,
    rssBytes: () => {
      const status = readFileSync(`/proc/${pid}/status`, 'latin1');
      const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
      if (!m) throw new Error(`no VmRSS for pid ${pid}`);
      return Number(m[1]) * 1024;
    },
    stop: async () => {
      if (done) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
}

/** INFO's process_id, or undefined when the server does not tell (NOAUTH before AUTH). */
async function processIdOf(c: RawConnection): Promise<number | undefined> {
  const info = (await c.call(['INFO', 'server'], 1000)).toString('latin1');
  const m = /process_id:(\d+)/.exec(info);
  return m === null ? undefined : Number(m[1]);
}

/** Polls until the server answers PING (any reply but LOADING, NOAUTH included), bounded by `timeoutMs`. */
async function waitReady(server: RunningServer, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (server.exited()) throw new Error(`${server.name} exited during startup:\n${server.output()}`);
    let answeredBy: number | undefined;
    try {
      const c = await RawConnection.open(server.port, 1000);
      try {
        // A server still loading its dataset answers -LOADING: not ready for the test yet.
        const pong = await c.call(['PING'], 1000);
        if (pong.toString('latin1').startsWith('-LOADING')) throw new Error('still loading the dataset');
        answeredBy = (await processIdOf(c)) ?? server.pid;
      } finally {
        c.close();
      }
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    if (answeredBy === server.pid) return;
    // A server left running on the port (another test's, or one started by hand) answers the PING
    // too; the tests must not talk to it believing it is the one just started.
    await server.stop();
    throw new Error(`port ${server.port} is served by another process (pid ${answeredBy})`);
  }
  await server.stop();
  throw new Error(`${server.name} on port ${server.port} not ready: ${lastError}\n${server.output()}`);
}

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now (the kernel's choice for port 0). Another
 * process may take it before the caller binds it; startRedis/startRedmesh retry with a fresh one then.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error('no port from the kernel'))));
    });
  });
}

/**
 * Runs `start` on `port`, or with `port` 0 on a free port, retrying with another free port (at most 5
 * tries) when the one picked was taken between the probe and the server's bind.
 */
async function onPort(port: number, start: (p: number) => Promise<RunningServer>): Promise<RunningServer> {
  if (port !== 0) return start(port);
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await start(await freePort());
    } catch (e) {
      lastError = e;
      const text = e instanceof Error ? e.message : String(e);
      if (!/Address already in use|EADDRINUSE|served by another process/.test(text)) throw e;
    }
  }
  throw lastError;
}

/**
 * Starts `redis-server --port P --save '' --appendonly no` plus `extraArgs` (e.g. --requirepass x).
 * Port 0 picks a free port: read it back from the returned server's `port`.
 */
export function startRedis(port: number, extraArgs: readonly string[] = []): Promise<RunningServer> {
  return onPort(port, (p) => startRedisOn(p, extraArgs));
}

async function startRedisOn(port: number, extraArgs: readonly string[]): Promise<RunningServer> {
  // Its own empty working directory, so nothing it might write lands in the repository.
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-oracle-'));
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const server = track(child, 'redis', port);
  await waitReady(server, 10_000);
  return server;
}

/**
 * Starts `redmesh server --port P --dir <fresh temp dir>` plus `extraArgs` as a child process (its
 * RDB file, written at SIGTERM when save points exist, lands there and is removed with it; a later
 * `--dir` in extraArgs wins). Port 0 picks a free port. `env` is added to this process's environment
 * for the child (e.g. NODE_OPTIONS).
 */
export function startRedmesh(
  port: number,
  extraArgs: readonly string[] = [],
  env: Readonly<Record<string, string>> = {},
): Promise<RunningServer> {
  return onPort(port, (p) => startRedmeshOn(p, extraArgs, env));
}

async function startRedmeshOn(
  port: number,
  extraArgs: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-server-'));
  const child = spawn(
    process.execPath,
    [redmeshMain, 'server', '--port', String(port), '--dir', dir, ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  child.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const server = track(child, 'redmesh', port);
  await waitReady(server, 15_000);
  return server;
}

/**
 * The server a test exercises: redmesh, or — with REDMESH_TARGET=redis, to check a test's own
 * expectations by hand — a real Redis started the same way.
 */
export function startUnderTest(port: number, extraArgs: readonly string[] = []): Promise<RunningServer> {
  return process.env.REDMESH_TARGET === 'redis' ? startRedis(port, extraArgs) : startRedmesh(port, extraArgs);
}

/** A real redis-server and a redmesh server started with the same arguments, both stopped after `body`. */
export async function withRedisAndRedmesh(
  args: readonly string[],
  body: (redis: RunningServer, redmesh: RunningServer) => Promise<void>,
): Promise<void> {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    [redis, redmesh] = await Promise.all([startRedis(0, args), startRedmesh(0, args)]);
    await body(redis, redmesh);
  } finally {
    await stopAll(redis, redmesh);
  }
}

/** Stops every server given, ignoring the undefined ones (for `finally` blocks). */
export async function stopAll(...servers: (RunningServer | undefined)[]): Promise<void> {
  await Promise.all(servers.map((s) => (s === undefined ? Promise.resolve() : s.stop())));
}
