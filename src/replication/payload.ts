/**
 * A full-sync payload as the replica receives it (readSyncBulkPayload): where its bytes end (the two
 * framings) and, with repl-diskless-load disabled, the temp file it is written to as it arrives.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { ReplicationRdb } from './types.js';

/**
 * Cuts the payload out of what the master sends: `$<len>` framing is exactly `len` bytes; EOF
 * framing ends with the 40-byte mark, known only when the last bytes received are it, so the last
 * mark-length bytes are held back until more arrive (a mark may span reads).
 */
export class PayloadFraming {
  /** Payload bytes handed on so far. */
  payloadBytes = 0;
  private tail = Buffer.alloc(0);

  /** `size` for `$<len>` framing, or the mark for EOF framing. */
  constructor(private readonly end: number | Buffer) {}

  /** What of `bytes` is payload, and once the payload is whole, the bytes after it (the stream). */
  take(bytes: Buffer): { readonly payload: Buffer; readonly rest: Buffer | undefined } {
    const end = this.end;
    if (typeof end === 'number') {
      const need = end - this.payloadBytes;
      if (bytes.length < need) {
        this.payloadBytes += bytes.length;
        return { payload: bytes, rest: undefined };
      }
      this.payloadBytes += need;
      return { payload: bytes.subarray(0, need), rest: bytes.subarray(need) };
    }
    const seen = this.tail.length === 0 ? bytes : Buffer.concat([this.tail, bytes]);
    if (seen.length >= end.length && seen.subarray(seen.length - end.length).equals(end)) {
      const payload = seen.subarray(0, seen.length - end.length);
      this.payloadBytes += payload.length;
      this.tail = Buffer.alloc(0);
      return { payload, rest: Buffer.alloc(0) };
    }
    const keep = Math.min(end.length, seen.length);
    const payload = seen.subarray(0, seen.length - keep);
    this.tail = Buffer.from(seen.subarray(seen.length - keep));
    this.payloadBytes += payload.length;
    return { payload, rest: undefined };
  }
}

/**
 * repl-diskless-load disabled (or on-empty-db with data): the payload is written to a temp file in
 * `dir` (temp-<unixtime>.<pid>.rdb) as it arrives, and becomes dbfilename once it is whole and has
 * decoded, so a payload that does not decode never replaces dbfilename. A failed transfer removes it.
 */
export class TransferFile {
  private readonly fd: number;
  private open = true;
  private readonly temp: string;
  private readonly final: string;
  private readonly removeAfterLoad: boolean;

  /** Throws when the temp file cannot be created. */
  constructor(rdb: ReplicationRdb) {
    const files = rdb.transferFiles();
    this.temp = files.temp;
    this.final = files.final;
    this.removeAfterLoad = files.removeAfterLoad;
    this.fd = openSync(this.temp, 'w', 0o644);
  }

  write(bytes: Buffer): void {
    for (let at = 0; at < bytes.length;) at += writeSync(this.fd, bytes, at, bytes.length - at);
  }

  /** The payload is whole and decoded: it becomes dbfilename (removed at once without persistence). */
  keep(log: (line: string) => void): void {
    this.close();
    renameSync(this.temp, this.final);
    if (this.removeAfterLoad) {
      log('Removing the RDB file obtained from the master. This replica has persistence disabled');
      rmSync(this.final, { force: true });
    }
  }

  discard(): void {
    this.close();
    rmSync(this.temp, { force: true });
  }

  private close(): void {
    if (!this.open) return;
    this.open = false;
    closeSync(this.fd);
  }
}
