/**
 * A small RESP2 client for the workflows (status, promote, demo): one TCP connection, commands sent one
 * at a time, replies read with src/resp's client-side parser. Every call is bounded by a timeout, so a
 * node that is down, partitioned or stopped (SIGSTOP) surfaces as an error, never as a hang.
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import type { ReplyNode } from '../../resp/index.js';
import { ReplyReader, replyNodeText } from '../../resp/index.js';

export interface RedisAddress {
  readonly host: string;
  readonly port: number;
  readonly password?: string;
}

/** A `-ERR …` reply, as opposed to a connection failure. */
export class RedisReplyError extends Error {}

export class RedisConnection {
  private readonly reader = new ReplyReader();
  private waiting: ((err: Error | undefined) => void) | undefined;
  private closedWith: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    readonly address: RedisAddress,
    private readonly timeoutMs: number,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.reader.feed(chunk);
      this.waiting?.(undefined);
    });
    const close = (err?: Error): void => {
      this.closedWith ??= err ?? new Error(`${describe(address)}: connection closed`);
      this.waiting?.(this.closedWith);
    };
    socket.on('error', close);
    socket.on('close', () => close());
  }

  /** Connects (and AUTHs when a password is given), failing after `timeoutMs`. */
  static async open(address: RedisAddress, timeoutMs = 2000): Promise<RedisConnection> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: address.host, port: address.port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error(`${describe(address)}: connect timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(s);
      });
      s.once('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`${describe(address)}: ${e.message}`));
      });
    });
    socket.setNoDelay(true);
    const conn = new RedisConnection(socket, address, timeoutMs);
    if (address.password !== undefined && address.password !== '') {
      try {
        await conn.call('AUTH', address.password);
      } catch (err) {
        conn.close();
        throw err;
      }
    }
    return conn;
  }

  /** Sends one command and waits for its reply; an error reply rejects with RedisReplyError. */
  async call(...argv: readonly (string | number)[]): Promise<ReplyNode> {
    if (this.closedWith !== undefined) throw this.closedWith;
    const parts = argv.map((a) => Buffer.from(String(a)));
    this.socket.write(
      Buffer.concat([
        Buffer.from(`*${parts.length}\r\n`),
        ...parts.flatMap((p) => [Buffer.from(`$${p.length}\r\n`), p, Buffer.from('\r\n')]),
      ]),
    );
    const node = await this.nextReply(argv[0] === undefined ? '' : String(argv[0]));
    if (node.type === '-') throw new RedisReplyError(replyNodeText(node) ?? 'ERR');
    return node;
  }

  /** `call` for commands answering a bulk or simple string (INFO, CONFIG REWRITE…). */
  async text(...argv: readonly (string | number)[]): Promise<string> {
    return replyNodeText(await this.call(...argv)) ?? '';
  }

  close(): void {
    this.socket.destroy();
  }

  private async nextReply(command: string): Promise<ReplyNode> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const node = this.reader.next();
      if (node !== undefined) return node;
      if (this.closedWith !== undefined) throw this.closedWith;
      const left = deadline - Date.now();
      if (left <= 0) {
        this.close();
        throw new Error(`${describe(this.address)}: no reply to ${command} within ${this.timeoutMs} ms`);
      }
      const err = await new Promise<Error | undefined>((resolve) => {
        const timer = setTimeout(() => resolve(undefined), left);
        this.waiting = (e) => {
          clearTimeout(timer);
          this.waiting = undefined;
          resolve(e);
        };
      });
      if (err !== undefined && this.reader.buffered === 0) throw err;
    }
  }
}

/** Runs `fn` on a fresh connection and closes it whatever happens. */
export async function withConnection<T>(
  address: RedisAddress,
  fn: (c: RedisConnection) => Promise<T>,
  timeoutMs = 2000,
): Promise<T> {
  const c = await RedisConnection.open(address, timeoutMs);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

/** `host:port`, with IPv6 hosts in brackets. */
export function describe(a: RedisAddress): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

/** INFO text as `field → value` (section headers and blank lines skipped). */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

/** `host:port` or `[v6]:port` as given on a command line; throws naming the flag's value. */
export function parseRedisAddress(spec: string): RedisAddress {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(spec);
  const port = Number(m?.[3]);
  if (m === null || port < 1 || port > 65535) throw new Error(`${JSON.stringify(spec)}: expected host:port`);
  return { host: m[1] ?? m[2] ?? '', port };
}
