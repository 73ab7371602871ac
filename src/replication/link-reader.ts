/**
 * Reading a master's replies during the handshake: Redis reads them a line at a time
 * (connSyncReadLine); the bytes after the +FULLRESYNC line are the payload, not RESP, so no RESP
 * parser may look at them. Lines are handed out as latin1 text without their CRLF.
 */
export class LinkReader {
  private chunks: Buffer[] = [];
  private waiter: (() => void) | undefined;
  private failure: Error | undefined;

  push(bytes: Buffer): void {
    this.chunks.push(bytes);
    this.wake();
  }

  /** The link is gone: pending and later reads fail with `error`. */
  fail(error: Error): void {
    this.failure ??= error;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  private wait(timeoutMs: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`Timeout ${what}`));
      }, timeoutMs);
      this.waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** One line, up to `\n` (a trailing `\r` removed). */
  async readLine(timeoutMs: number, what: string): Promise<string> {
    for (;;) {
      if (this.failure !== undefined) throw this.failure;
      const all = this.takeAll();
      const nl = all.indexOf(0x0a);
      if (nl >= 0) {
        const end = nl > 0 && all[nl - 1] === 0x0d ? nl - 1 : nl;
        const line = all.toString('latin1', 0, end);
        if (nl + 1 < all.length) this.chunks.unshift(all.subarray(nl + 1));
        return line;
      }
      if (all.length > 0) this.chunks.unshift(all);
      await this.wait(timeoutMs, what);
    }
  }

  /** Resolves when more bytes arrive; fails when the link fails or nothing came within the timeout. */
  async arrival(timeoutMs: number, what: string): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    await this.wait(timeoutMs, what);
    this.throwIfFailed();
  }

  /** Throws the link's failure, if it failed. */
  throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /** Whatever arrived and was not read yet; the reader is empty after it. */
  takeAll(): Buffer {
    const all = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
    this.chunks = [];
    return all;
  }
}
