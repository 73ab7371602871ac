/**
 * A deliberately small RESP client for tests that must see the exact bytes a server sends: the
 * differential harness compares redmesh and real Redis byte for byte, so this client never decodes
 * a reply into JS values on the way in. It only finds where one reply ends (RESP2 and RESP3 types,
 * with src/resp's reply parser) and hands back that slice of the stream; src/resp's `parseReply`
 * turns bytes into a tree when a test needs to look inside (normalising unordered replies, reading INFO).
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { parseReply } from '../../src/resp/index.js';

const CRLF = Buffer.from('\r\n');

/** Encodes a command as a RESP array of bulk strings. Arguments are bytes (Buffer) or latin1 text. */
export function encodeCommand(argv: readonly (Buffer | string)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
  for (const a of argv) {
    const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, CRLF);
  }
  return Buffer.concat(parts);
}

/** What a read produced: the exact reply bytes, or why there were none. */
export type ReadResult =
  | { readonly kind: 'reply'; readonly bytes: Buffer }
  | { readonly kind: 'closed' }
  | { readonly kind: 'timeout' };

/**
 * One TCP connection that reads whole replies as raw bytes. Replies are queued in arrival order;
 * `read` takes the next one or waits (bounded) for it.
 */
export class RawConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private readonly replies: Buffer[] = [];
  private closed = false;
  private waiter: (() => void) | undefined;
  private parseError: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {
      this.closed = true;
      this.wake();
    });
  }

  /** Connects to 127.0.0.1:port, failing after `timeoutMs`. */
  static open(port: number, timeoutMs = 3000): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to 127.0.0.1:${port} timed out`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new RawConnection(socket));
      });
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Replies received but not yet read. */
  get pending(): number {
    return this.replies.length;
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    let pos = 0;
    for (;;) {
      let r: ReturnType<typeof parseReply>;
      try {
        r = parseReply(this.buffered, pos);
      } catch (e) {
        this.parseError = e instanceof Error ? e : new Error(String(e));
        this.socket.destroy();
        break;
      }
      if (r === undefined) break;
      // Copy so the queued reply does not pin the whole receive buffer.
      this.replies.push(Buffer.from(this.buffered.subarray(pos, r.end)));
      pos = r.end;
    }
    this.buffered = pos === this.buffered.length ? Buffer.alloc(0) : this.buffered.subarray(pos);
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    if (w) w();
  }

  /** Writes raw bytes (a command, an inline command, or garbage). */
  write(bytes: Buffer | string): void {
    if (this.closed) return;
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  }

  send(argv: readonly (Buffer | string)[]): void {
    this.write(encodeCommand(argv));
  }

  /** The next reply, or 'closed' / 'timeout'. A malformed byte stream is an error (thrown). */
  async read(timeoutMs = 3000): Promise<ReadResult> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.parseError) throw this.parseError;
      const bytes = this.replies.shift();
      if (bytes) return { kind: 'reply', bytes };
      if (this.closed) return { kind: 'closed' };
      const left = deadline - Date.now();
      if (left <= 0) return { kind: 'timeout' };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.waiter = undefined;
          resolve();
        }, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Sends a command and returns the reply bytes; throws on close or timeout. */
  async call(argv: readonly (Buffer | string)[], timeoutMs = 3000): Promise<Buffer> {
    this.send(argv);
    const r = await this.read(timeoutMs);
    if (r.kind !== 'reply') throw new Error(`${String(argv[0])}: connection ${r.kind}`);
    return r.bytes;
  }

  /** Waits (bounded) until the server closes the connection. */
  async waitClosed(timeoutMs = 3000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) {
      this.replies.length = 0;
      await this.read(deadline - Date.now());
    }
    return this.closed;
  }

  /** Stops reading from the socket: replies pile up in the kernel, then in the server (a client that never reads). */
  pauseReading(): void {
    this.socket.pause();
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }
}

/** Shows reply bytes readably: printable ASCII as is, everything else escaped. */
export function showBytes(bytes: Buffer, max = 400): string {
  let out = '';
  for (const b of bytes.subarray(0, max)) {
    if (b === 0x0d) out += '\\r';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x5c) out += '\\\\';
    else if (b === 0x22) out += '\\"';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return bytes.length > max ? `${out}…(${bytes.length} bytes)` : out;
}

/** The text of a bulk / simple reply (for INFO and friends); throws on other types. */
export function replyText(bytes: Buffer): string {
  const r = parseReply(bytes);
  if (r === undefined) throw new Error('incomplete reply');
  const n = r.node;
  if ('bulk' in n && n.bulk !== null) return n.bulk.toString('latin1');
  if ('line' in n) return n.line.toString('latin1');
  throw new Error(`not a text reply: ${showBytes(bytes)}`);
}

/** Reads a field of an INFO reply (`used_memory`, `blocked_clients`, ...). */
export function infoField(info: string, field: string): string | undefined {
  const m = new RegExp(`^${field}:(.*)$`, 'm').exec(info);
  return m?.[1]?.trim();
}
