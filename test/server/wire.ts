/**
 * Test plumbing for the server: an in-process server on a free loopback port, and a raw socket that
 * sends exact bytes and waits (bounded) for exact replies.
 */
import { execFile } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { promisify } from 'node:util';
import type { CommandSpec } from '../../src/commands/index.js';
import { startServer, type RunningServer, type SettingsOverrides } from '../../src/server/index.js';

export async function withServer(
  config: SettingsOverrides,
  body: (srv: RunningServer) => Promise<void>,
  commands?: readonly CommandSpec[],
): Promise<void> {
  const srv = await startServer({ config: { port: 0, bind: ['127.0.0.1'], ...config }, commands });
  try {
    await body(srv);
  } finally {
    await srv.close();
  }
}

export class Wire {
  private data = Buffer.alloc(0);
  closed = false;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.data = Buffer.concat([this.data, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static async open(port: number, host = '127.0.0.1'): Promise<Wire> {
    const socket = connect({ port, host });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new Wire(socket);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  send(bytes: string | Buffer): void {
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  }

  /** Waits until `length` bytes arrived (or the socket closed, or the timeout) and takes them. */
  async read(length: number, timeoutMs = 5000): Promise<string> {
    await this.until(() => this.data.length >= length || this.closed, timeoutMs);
    const out = this.data.subarray(0, length).toString('latin1');
    this.data = this.data.subarray(Math.min(length, this.data.length));
    return out;
  }

  /** Sends and expects exactly `expected` back. */
  async roundTrip(bytes: string, expected: string, timeoutMs = 5000): Promise<string> {
    this.send(bytes);
    return this.read(expected.length, timeoutMs);
  }

  /** Everything received so far. */
  take(): string {
    const out = this.data.toString('latin1');
    this.data = Buffer.alloc(0);
    return out;
  }

  async waitClosed(timeoutMs = 5000): Promise<boolean> {
    await this.until(() => this.closed, timeoutMs);
    return this.closed;
  }

  async until(cond: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond() && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Encodes argv as a RESP multibulk request. */
export function command(...argv: string[]): string {
  return `*${argv.length}\r\n` + argv.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('');
}

const execFileP = promisify(execFile);

/** Runs the real redis-cli against a port and returns its stdout. */
export async function redisCli(port: number, args: readonly string[], input?: string): Promise<string> {
  const child = execFileP('redis-cli', ['-p', String(port), ...args], { timeout: 10000 });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  return (await child).stdout;
}

/** Polls a condition (bounded). */
export async function eventually(cond: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
}
