/**
 * Reading AOF commands (aof.c loadSingleAppendOnlyFile): RESP arrays of bulk strings, with `#...\r\n`
 * annotation lines (aof-timestamp-enabled) skipped. A file that ends inside a command is truncated:
 * the caller learns the offset of the end of the last whole command (and of the last whole
 * transaction: a MULTI without its EXEC is not applied either, as Redis reverts it).
 */

export interface AofScan {
  /** Offset just after the last command applied (outside an open MULTI). */
  readonly validUpTo: number;
  /** True when the file ended inside a command or inside a MULTI … EXEC. */
  readonly truncated: boolean;
  readonly commands: number;
}

/** Thrown for bytes that are not an AOF command (not a truncation): names the offset. */
export class AofFormatError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

class Truncated extends Error {}

/** Calls `apply` with each whole command of `buf` (argv as latin1 strings), in order. */
export function scanAof(buf: Buffer, apply: (argv: string[]) => void): AofScan {
  const scanner = new AofScanner(buf, apply);
  for (;;) {
    const scan = scanner.scanSome(Infinity);
    if (scan !== undefined) return scan;
  }
}

/**
 * The same scan, resumable: each scanSome call applies whole commands until about `maxBytes` more
 * are consumed, so a load can hand the event loop back between calls.
 */
export class AofScanner {
  private pos = 0;
  private validUpTo = 0;
  private beforeMulti = -1;
  private commands = 0;

  constructor(
    private readonly buf: Buffer,
    private readonly apply: (argv: string[]) => void,
  ) {}

  /** Bytes consumed so far. */
  get position(): number {
    return this.pos;
  }

  private line(): string {
    const buf = this.buf;
    const end = buf.indexOf('\r\n', this.pos, 'latin1');
    if (end < 0) throw new Truncated();
    const s = buf.toString('latin1', this.pos, end);
    this.pos = end + 2;
    return s;
  }

  /** Applies commands until `maxBytes` more are consumed; the outcome once the buffer is done. */
  scanSome(maxBytes: number): AofScan | undefined {
    const buf = this.buf;
    const stopAt = this.pos + maxBytes;
    while (this.pos < stopAt) {
      if (this.pos >= buf.length) return this.end();
      const start = this.pos;
      try {
        this.scanCommand(start);
      } catch (err) {
        if (!(err instanceof Truncated)) throw err;
        const validUpTo = this.beforeMulti >= 0 ? this.beforeMulti : start;
        return { validUpTo, truncated: true, commands: this.commands };
      }
    }
    return this.pos >= buf.length ? this.end() : undefined;
  }

  private end(): AofScan {
    if (this.beforeMulti >= 0)
      return { validUpTo: this.beforeMulti, truncated: true, commands: this.commands };
    return { validUpTo: this.validUpTo, truncated: false, commands: this.commands };
  }

  /** One annotation line or one whole command at `start`. */
  private scanCommand(start: number): void {
    const buf = this.buf;
    if (buf[start] === 0x23 /* '#' */) {
      this.line();
      if (this.beforeMulti < 0) this.validUpTo = this.pos;
      return;
    }
    if (buf[start] !== 0x2a /* '*' */)
      throw new AofFormatError('Bad file format reading the append only file', start);
    const count = Number(this.line().slice(1));
    if (!Number.isInteger(count) || count < 1) {
      throw new AofFormatError('Bad file format reading the append only file', start);
    }
    const argv: string[] = [];
    for (let i = 0; i < count; i++) {
      if (this.pos >= buf.length) throw new Truncated();
      const at = this.pos;
      if (buf[at] !== 0x24 /* '$' */)
        throw new AofFormatError('Bad file format reading the append only file', at);
      const len = Number(this.line().slice(1));
      if (!Number.isInteger(len) || len < 0) {
        throw new AofFormatError('Bad file format reading the append only file', at);
      }
      if (this.pos + len + 2 > buf.length) throw new Truncated();
      argv.push(buf.toString('latin1', this.pos, this.pos + len));
      this.pos += len + 2;
    }
    const name = (argv[0] as string).toLowerCase();
    if (name === 'multi') this.beforeMulti = start;
    this.apply(argv);
    this.commands++;
    if (name === 'exec') this.beforeMulti = -1;
    if (this.beforeMulti < 0) this.validUpTo = this.pos;
  }
}

/** One command in RESP, as latin1 text (the AOF and the replication stream's format). */
export function encodeCommand(argv: readonly string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
  return s;
}
