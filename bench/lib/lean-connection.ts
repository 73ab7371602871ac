/**
 * A client connection for the benches' timing processes (latency-client.ts, lag-probe.ts) that
 * allocates no Buffer per request: commands are written into one buffer, replies are read through
 * the socket's `onread` buffer, and a reply is kept only as its first bytes (enough to tell +OK, nil,
 * an error or a short value). What is left per request is a promise and a few short strings (the
 * command's parts, the reply's header line). Measured with `perf sched` during a save, a client that
 * allocated per reply spent its tail waiting for a CPU behind its own garbage collector's threads.
 * Replies handled: simple strings, errors, integers and bulk strings (no arrays).
 */
import { connect, type Socket } from 'node:net';

/** Bytes of a reply's payload kept for reply(). */
const KEPT_BYTES = 256;

export class LeanConnection {
  private readonly command = Buffer.alloc(4096);
  private readonly kept = Buffer.alloc(KEPT_BYTES);
  private keptLength = 0;
  private kind = 0;
  /** Bytes of the bulk payload (with its \r\n) still to read; -1 while reading a header line. */
  private bulkLeft = -1;
  private header = '';
  private resolve: (() => void) | undefined;
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket) {}

  static async open(port: number): Promise<LeanConnection> {
    const holder: { conn?: LeanConnection } = {};
    const socket = connect({
      port,
      host: '127.0.0.1',
      noDelay: true,
      onread: {
        buffer: Buffer.alloc(64 * 1024),
        callback: (n: number, buf: Uint8Array): boolean => {
          holder.conn?.onBytes(buf, n);
          return true;
        },
      },
    });
    const c = new LeanConnection(socket);
    holder.conn = c;
    socket.on('error', (e) => c.fail(e));
    socket.on('close', () => c.fail(new Error('connection closed')));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return c;
  }

  /** Sends argv (latin1) and waits for its reply. */
  async call(argv: readonly string[]): Promise<void> {
    this.check();
    let len = this.command.write(`*${argv.length}\r\n`, 0, 'latin1');
    for (const a of argv) len += this.command.write(`$${a.length}\r\n${a}\r\n`, len, 'latin1');
    const done = new Promise<void>((resolve) => (this.resolve = resolve));
    this.socket.write(this.command.subarray(0, len));
    await done;
    this.check();
  }

  private check(): void {
    const failure = this.failure;
    if (failure !== undefined) throw failure;
  }

  /** The last reply: a bulk string's value (its first KEPT_BYTES), '' for nil, or the line of +, -, :. */
  reply(): string {
    return this.kept.toString('latin1', 0, this.keptLength);
  }

  /** True when the last reply was an error. */
  get isError(): boolean {
    return this.kind === 0x2d;
  }

  close(): void {
    this.socket.destroy();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    const r = this.resolve;
    this.resolve = undefined;
    r?.();
  }

  private onBytes(buf: Uint8Array, n: number): void {
    let pos = 0;
    while (pos < n) {
      if (this.bulkLeft < 0) {
        const c = buf[pos++] as number;
        this.header += String.fromCharCode(c);
        if (c !== 0x0a) continue;
        const line = this.header.slice(1, -2);
        this.kind = this.header.charCodeAt(0);
        this.header = '';
        if (this.kind !== 0x24) {
          this.keptLength = this.kept.write(line.slice(0, KEPT_BYTES), 0, 'latin1');
          this.done();
          continue;
        }
        const len = Number(line);
        this.keptLength = 0;
        if (len < 0) {
          this.done();
          continue;
        }
        this.bulkLeft = len + 2;
      }
      const take = Math.min(this.bulkLeft, n - pos);
      // The payload's first bytes are kept (not its \r\n).
      const room = Math.min(take, KEPT_BYTES - this.keptLength, Math.max(0, this.bulkLeft - 2));
      if (room > 0) {
        this.kept.set(buf.subarray(pos, pos + room), this.keptLength);
        this.keptLength += room;
      }
      this.bulkLeft -= take;
      pos += take;
      if (this.bulkLeft === 0) {
        this.bulkLeft = -1;
        this.done();
      }
    }
  }

  private done(): void {
    const r = this.resolve;
    this.resolve = undefined;
    r?.();
  }
}
