/**
 * `redmesh server` as an operator runs it: a process started from a redis.conf with the tutorial's
 * directives, checked with the real redis-cli; the stock Debian redis.conf; config errors; SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../helpers/servers.js';
import { redisCli } from '../server/wire.js';

const MAIN = join(process.cwd(), 'dist/src/cli/main.js');

interface Proc {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exited: Promise<number | null>;
}

function start(args: readonly string[]): Proc {
  const child = spawn(process.execPath, [MAIN, 'server', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const proc: Proc = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  child.stdout?.on('data', (d: Buffer) => (proc.stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (proc.stderr += d.toString()));
  return proc;
}

async function waitReady(port: number, auth: readonly string[] = []): Promise<void> {
  const deadline = Date.now() + 15000;
  for (;;) {
    const out = await redisCli(port, [...auth, 'PING']).catch(() => '');
    if (out === 'PONG\n') return;
    if (Date.now() > deadline) throw new Error(`server on ${port} not ready`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stop(proc: Proc): Promise<number | null> {
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 5000);
  try {
    return await proc.exited;
  } finally {
    clearTimeout(timer);
  }
}

test('the tutorial redis.conf: bind, requirepass, tcp-keepalive; redis-cli -a, INFO, CONFIG GET; SIGTERM exits 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-cli-'));
  const port = await freePort();
  const conf = join(dir, 'redis.conf');
  const pidfile = join(dir, 'redmesh.pid');
  const lines = [
    '# /etc/redis.conf from the tutorial',
    'bind 127.0.0.1 -::1',
    `port ${port}`,
    'requirepass "tutorial pass"',
    'tcp-keepalive 300',
    `pidfile ${pidfile}`,
    `dir ${dir}`,
  ];
  writeFileSync(conf, lines.join('\n') + '\n');
  const proc = start([conf]);
  const auth = ['--no-auth-warning', '-a', 'tutorial pass'];
  try {
    await waitReady(port, auth);
    assert.equal(await redisCli(port, ['PING']), 'NOAUTH Authentication required.\n\n');
    assert.equal(await redisCli(port, [...auth, 'CONFIG', 'GET', 'tcp-keepalive']), 'tcp-keepalive\n300\n');
    assert.equal(await redisCli(port, [...auth, 'CONFIG', 'GET', 'bind']), 'bind\n127.0.0.1 -::1\n');
    const info = await redisCli(port, [...auth, 'INFO', 'server']);
    assert.match(info, /redis_version:7\.0\.15/);
    assert.ok(info.includes(`config_file:${conf}`), info);
    assert.match(
      await redisCli(port, [...auth, 'INFO', 'replication']),
      /role:master\r?\nconnected_slaves:0/,
    );
    assert.equal(readFileSync(pidfile, 'utf8').trim(), String(proc.child.pid));
    assert.equal(await stop(proc), 0);
    assert.ok(!existsSync(pidfile), 'pidfile removed on exit');
    assert.match(proc.stdout, /Received SIGTERM scheduling shutdown/);
  } finally {
    await stop(proc);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("Debian's stock /etc/redis/redis.conf starts with --daemonize no and command-line overrides", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-cli-'));
  const port = await freePort();
  const overrides = ['--port', String(port), '--daemonize', 'no', '--logfile', '', '--pidfile', ''];
  const proc = start([
    '/etc/redis/redis.conf',
    ...overrides,
    '--dir',
    dir,
    '--bind',
    '127.0.0.1 -::1',
    '--save',
  ]);
  try {
    await waitReady(port);
    assert.equal(await redisCli(port, ['CONFIG', 'GET', 'port']), `port\n${port}\n`);
    assert.equal(await redisCli(port, ['CONFIG', 'GET', 'save']), 'save\n\n');
    assert.equal(
      await redisCli(port, ['CONFIG', 'GET', 'proc-title-template']),
      'proc-title-template\n{title} {listen-addr} {server-mode}\n',
    );
    assert.equal(await stop(proc), 0);
  } finally {
    await stop(proc);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("config errors print Redis's FATAL CONFIG FILE ERROR with file and line, and exit 1", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-cli-'));
  try {
    const conf = join(dir, 'bad.conf');
    writeFileSync(conf, `port ${await freePort()}\n# comment\ntcp-keepalive soon\n`);
    const bad = start([conf]);
    assert.equal(await bad.exited, 1);
    const expected =
      '\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n' +
      ">>> 'tcp-keepalive soon'\nargument couldn't be parsed into an integer\n" +
      `in ${conf}:3\n`;
    assert.equal(bad.stderr, expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no AOF yet: appendonly yes is refused at start and by CONFIG SET; save rules start without a warning', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-cli-'));
  const aof = start(['--port', String(await freePort()), '--appendonly', 'yes', '--dir', dir]);
  assert.equal(await aof.exited, 1);
  assert.match(aof.stderr, /'appendonly yes' is not supported yet: redmesh has no AOF, only RDB snapshots/);

  const port = await freePort();
  const proc = start(['--port', String(port), '--dir', dir]);
  try {
    await waitReady(port);
    assert.doesNotMatch(proc.stdout, /WARNING/);
    assert.equal(await redisCli(port, ['CONFIG', 'GET', 'save']), 'save\n3600 1 300 100 60 10000\n');
    assert.match(
      await redisCli(port, ['CONFIG', 'SET', 'appendonly', 'yes']),
      /^ERR CONFIG SET failed \(possibly related to argument 'appendonly'\) - 'appendonly yes' is not supported yet/,
    );
    assert.equal(await redisCli(port, ['CONFIG', 'GET', 'appendonly']), 'appendonly\nno\n');
    assert.equal(await stop(proc), 0);
  } finally {
    await stop(proc);
    rmSync(dir, { recursive: true, force: true });
  }
});
