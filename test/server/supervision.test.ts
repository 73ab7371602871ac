/**
 * `supervised systemd|auto` speaks sd_notify to NOTIFY_SOCKET exactly as Debian's redis-server 7.0 does
 * (checked here against it with the same receiver), so Type=notify units work; `daemonize yes` returns
 * at once with the server running in the background; an unwritable pidfile is a warning, not a
 * half-started server.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  AF_UNIX,
  EAGAIN,
  SOCK_CLOEXEC,
  SOCK_DGRAM,
  SOCK_NONBLOCK,
  libc,
  unixPathAddress,
} from '../../src/platform/index.js';
import { runProcess } from '../helpers/process.js';
import { freePort, redmeshMain } from '../helpers/servers.js';

/** A bound AF_UNIX datagram socket collecting what a server sends to NOTIFY_SOCKET. */
class NotifyReceiver {
  readonly messages: string[] = [];
  private constructor(
    private readonly fd: number,
    readonly path: string,
  ) {}

  static open(path: string): NotifyReceiver {
    const c = libc();
    const fd = c.socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    assert.ok(fd >= 0, 'socket');
    const address = unixPathAddress(path);
    assert.ok(address !== undefined);
    assert.equal(c.bind(fd, address, address.length), 0, 'bind');
    return new NotifyReceiver(fd, path);
  }

  private drain(): void {
    const c = libc();
    const buf = Buffer.alloc(4096);
    for (;;) {
      const n = c.read(this.fd, buf, buf.length);
      if (n < 0) {
        assert.equal(c.errno(), EAGAIN);
        return;
      }
      this.messages.push(buf.toString('latin1', 0, n));
    }
  }

  /** Waits (at most 10 s) until `message` has arrived. */
  async until(message: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      this.drain();
      if (this.messages.includes(message)) return;
      if (Date.now() > deadline)
        throw new Error(`no ${JSON.stringify(message)}; got ${JSON.stringify(this.messages)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    libc().close(this.fd);
  }
}

interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

function startWith(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv): Started {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  return { child, output: () => out, exited: new Promise((r) => child.once('exit', (code) => r(code))) };
}

async function stopped(s: Started): Promise<void> {
  if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  await s.exited;
}

/** The notifications one server sends from start to SHUTDOWN, with `supervised` as given. */
async function notifications(kind: 'redis' | 'redmesh', supervised: string, dir: string): Promise<string[]> {
  const receiver = NotifyReceiver.open(join(dir, `${kind}-${supervised}.notify`));
  const sock = join(dir, `${kind}-${supervised}.sock`);
  const args = ['--port', '0', '--unixsocket', sock, '--supervised', supervised, '--save', '', '--dir', dir];
  const server =
    kind === 'redis'
      ? startWith('redis-server', args, { NOTIFY_SOCKET: receiver.path })
      : startWith(process.execPath, [redmeshMain, 'server', ...args], { NOTIFY_SOCKET: receiver.path });
  try {
    await receiver.until('READY=1\n');
    const info = await runProcess('redis-cli', ['-s', sock, 'INFO', 'server'], undefined, 10_000);
    assert.match(info.stdout, /process_supervised:systemd\r\n/);
    const reply = await runProcess('redis-cli', ['-s', sock, 'SHUTDOWN', 'NOSAVE'], undefined, 10_000);
    assert.equal(reply.stderr, '');
    assert.equal(await server.exited, 0, server.output());
    await receiver.until('STOPPING=1\n');
    if (kind === 'redmesh') assert.match(server.output(), /Supervised by systemd\. Please make sure/);
    return receiver.messages;
  } finally {
    receiver.close();
    await stopped(server);
  }
}

test('supervised systemd and auto: the same sd_notify messages as redis-server 7.0, in the same order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-notify-'));
  try {
    const expected = await notifications('redis', 'systemd', dir);
    assert.deepEqual(expected, [
      'STATUS=Redis is loading...\n',
      'STATUS=Ready to accept connections\n',
      'READY=1\n',
      'STOPPING=1\n',
    ]);
    assert.deepEqual(await notifications('redmesh', 'systemd', dir), expected);
    assert.deepEqual(await notifications('redmesh', 'auto', dir), expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('daemonize yes: the command returns 0 at once, the background server writes its own pidfile and stops on SHUTDOWN', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-daemon-'));
  const port = await freePort();
  const pidfile = join(dir, 'server.pid');
  let daemonPid: number | undefined;
  try {
    // Debian's stock redis.conf says daemonize yes; only what would touch the system is overridden.
    const launcher = startWith(
      process.execPath,
      [
        redmeshMain,
        'server',
        '/etc/redis/redis.conf',
        ...['--port', String(port), '--pidfile', pidfile, '--logfile', join(dir, 'log'), '--dir', dir],
      ],
      {},
    );
    assert.equal(await launcher.exited, 0, launcher.output());
    const deadline = Date.now() + 15_000;
    let pong = '';
    while (pong !== 'PONG\n' && Date.now() < deadline) {
      pong = (await runProcess('redis-cli', ['-p', String(port), 'PING'], undefined, 5000)).stdout;
      if (pong !== 'PONG\n') await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(pong, 'PONG\n');
    daemonPid = Number(readFileSync(pidfile, 'latin1').trim());
    assert.notEqual(daemonPid, launcher.child.pid);
    const info = (await runProcess('redis-cli', ['-p', String(port), 'INFO', 'server'])).stdout;
    assert.match(info, new RegExp(`process_id:${daemonPid}\\r\\n`));
    await runProcess('redis-cli', ['-p', String(port), 'SHUTDOWN', 'NOSAVE']);
    const gone = Date.now() + 10_000;
    while (isAlive(daemonPid) && Date.now() < gone) await new Promise((r) => setTimeout(r, 50));
    assert.equal(isAlive(daemonPid), false);
    daemonPid = undefined;
  } finally {
    if (daemonPid !== undefined && isAlive(daemonPid)) process.kill(daemonPid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('a pidfile that cannot be written is logged as Redis does and the server runs on, SHUTDOWN stops it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-pidfile-'));
  const sock = join(dir, 's.sock');
  const server = startWith(
    process.execPath,
    [redmeshMain, 'server', '--port', '0', '--unixsocket', sock, '--pidfile', join(dir, 'no/such/dir.pid')],
    {},
  );
  try {
    const deadline = Date.now() + 15_000;
    // The last start line (the unix socket's "ready to accept connections" comes before the pidfile).
    while (!server.output().includes('redmesh server ready to accept connections') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(server.output(), /Failed to write PID file: No such file or directory/);
    assert.equal((await runProcess('redis-cli', ['-s', sock, 'PING'])).stdout, 'PONG\n');
    await runProcess('redis-cli', ['-s', sock, 'SHUTDOWN', 'NOSAVE']);
    assert.equal(await server.exited, 0);
  } finally {
    await stopped(server);
    rmSync(dir, { recursive: true, force: true });
  }
});
