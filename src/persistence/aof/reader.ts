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
  let pos = 0;
  let validUpTo = 0;
  let beforeMulti = -1;
  let commands = 0;
  const line = (): string => {
    const end = buf.indexOf('\r\n', pos, 'latin1');
    if (end < 0) throw new Truncated();
    const s = buf.toString('latin1', pos, end);
    pos = end + 2;
    return s;
  };
  for (;;) {
    if (pos >= buf.length) break;
    const start = pos;
    try {
      if (buf[pos] === 0x23 /* '#' */) {
        line();
        if (beforeMulti < 0) validUpTo = pos;
        continue;
      }
      if (buf[pos] !== 0x2a /* '*' */)
        throw new AofFormatError('Bad file format reading the append only file', pos);
      const count = Number(line().slice(1));
      if (!Number.isInteger(count) || count < 1) {
        throw new AofFormatError('Bad file format reading the append only file', start);
      }
      const argv: string[] = [];
      for (let i = 0; i < count; i++) {
        if (pos >= buf.length) throw new Truncated();
        const at = pos;
        if (buf[pos] !== 0x24 /* '$' */)
          throw new AofFormatError('Bad file format reading the append only file', at);
        const len = Number(line().slice(1));
        if (!Number.isInteger(len) || len < 0) {
          throw new AofFormatError('Bad file format reading the append only file', at);
        }
        if (pos + len + 2 > buf.length) throw new Truncated();
        argv.push(buf.toString('latin1', pos, pos + len));
        pos += len + 2;
      }
      const name = (argv[0] as string).toLowerCase();
      if (name === 'multi') beforeMulti = start;
      apply(argv);
      commands++;
      if (name === 'exec') beforeMulti = -1;
      if (beforeMulti < 0) validUpTo = pos;
    } catch (err) {
      if (err instanceof Truncated)
        return { validUpTo: beforeMulti >= 0 ? beforeMulti : start, truncated: true, commands };
      throw err;
    }
  }
  if (beforeMulti >= 0) return { validUpTo: beforeMulti, truncated: true, commands };
  return { validUpTo, truncated: false, commands };
}

/** One command in RESP, as latin1 text (the AOF and the replication stream's format). */
export function encodeCommand(argv: readonly string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
  return s;
}
