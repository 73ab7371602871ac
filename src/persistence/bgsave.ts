/**
 * BGSAVE without fork: the keyspace is written from a KeyspaceSnapshot (store/snapshot.ts) in slices
 * of about `sliceMs` on the event loop, so clients are served between slices; keys written meanwhile
 * were copied by the snapshot before their first change, so the file is the dataset at the instant
 * the save started. Bytes go to a temporary file as they are produced (the CRC64 follows them); the
 * end is fsync, rename over the target, fsync of the directory, all off the event loop.
 *
 * One key is serialized within one slice: a single huge value still costs its full time at once.
 */
import { close, closeSync, fsync, open, openSync, rename, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { KeyspaceSnapshot } from '../store/index.js';
import { RDB_OPCODE_EOF } from './rdb/constants.js';
import { Crc64 } from './rdb/crc64.js';
import { RdbOutput } from './rdb/output.js';
import { writeDatabaseStart, writeHeader, writeKey, type RdbWriteOptions } from './rdb/writer.js';

const fsyncAsync = promisify(fsync);
const closeAsync = promisify(close);
const renameAsync = promisify(rename);
const openAsync = promisify(open);

/** Bytes buffered before they are written to the temporary file. */
const FLUSH_BYTES = 1 << 20;

export interface BackgroundSaveOptions extends RdbWriteOptions {
  readonly path: string;
  /** Wall-clock budget of one slice, in ms. */
  readonly sliceMs: number;
}

export class BackgroundSave {
  private readonly out: RdbOutput;
  private readonly crc = new Crc64();
  private readonly temp: string;
  /** The snapshot's databases, once its key lists are built (prepare). */
  private databases:
    readonly { readonly index: number; readonly size: number; readonly expires: number }[] | undefined;
  private fd: number | undefined;
  private dbCursor = 0;
  private keyCursor = -1;
  private cancelled = false;
  readonly startedAtMs = Date.now();
  keysProcessed = 0;
  keysTotal = 0;

  constructor(
    readonly snapshot: KeyspaceSnapshot,
    private readonly options: BackgroundSaveOptions,
    private readonly done: (error: string | undefined) => void,
  ) {
    this.out = new RdbOutput(options.compression, FLUSH_BYTES + (1 << 16));
    this.temp = join(dirname(options.path), `temp-bg-${process.pid}.rdb`);
  }

  /**
   * Schedules the save. Like a forked child's, any failure (the temporary file cannot be created
   * included) is reported later through `done`, never by this call.
   */
  start(): void {
    setImmediate(() => {
      if (this.cancelled) return;
      try {
        this.fd = openSync(this.temp, 'w', 0o644);
        writeHeader(this.out, this.options);
      } catch (err) {
        this.fail(err);
        return;
      }
      this.step();
    });
  }

  get inProgress(): boolean {
    return !this.cancelled;
  }

  /** Stops the save (SHUTDOWN, FLUSHALL): the temporary file is removed, the target never touched. */
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.snapshot.release();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    try {
      unlinkSync(this.temp);
    } catch {
      // not created
    }
  }

  private readonly step = (): void => {
    if (this.cancelled) return;
    try {
      if (this.writeSlice()) {
        void this.finish();
        return;
      }
      this.flush();
      setImmediate(this.step);
    } catch (err) {
      this.fail(err);
    }
  };

  /** Lists the snapshot's keys, then serializes keys, until the slice's time is used; true once all are written. */
  private writeSlice(): boolean {
    if (this.databases === undefined) {
      if (!this.snapshot.prepare(this.options.sliceMs)) return false;
      this.databases = this.snapshot.databases();
      this.keysTotal = this.databases.reduce((n, d) => n + d.size, 0);
    }
    const databases = this.databases;
    const deadline = performance.now() + this.options.sliceMs;
    for (let n = 1; ; n++) {
      const db = databases[this.dbCursor];
      if (db === undefined) return true;
      if (this.keyCursor < 0) {
        writeDatabaseStart(this.out, db.index, db.size, db.expires);
        this.keyCursor = 0;
      }
      if (this.keyCursor >= db.size) {
        this.dbCursor++;
        this.keyCursor = -1;
        continue;
      }
      const entry = this.snapshot.entryAt(db.index, this.keyCursor++);
      if (entry !== undefined) {
        const access = this.options.accessOf?.(db.index, entry[0]);
        writeKey(this.out, entry[0], entry[1], entry[2], this.options.limits, access);
      }
      this.keysProcessed++;
      if (this.out.length >= FLUSH_BYTES) this.flush();
      if ((n & 15) === 0 && performance.now() >= deadline) return false;
    }
  }

  private flush(): void {
    if (this.out.length === 0 || this.fd === undefined) return;
    const chunk = this.out.take();
    this.crc.update(chunk);
    writeFully(this.fd, chunk);
  }

  private async finish(): Promise<void> {
    try {
      this.out.u8(RDB_OPCODE_EOF);
      this.flush();
      const fd = this.fd as number;
      writeFully(fd, this.options.checksum ? this.crc.digestLE() : Buffer.alloc(8));
      this.snapshot.release();
      await fsyncAsync(fd);
      await closeAsync(fd);
      this.fd = undefined;
      if (this.cancelled) return;
      await renameAsync(this.temp, this.options.path);
      const dirFd = await openAsync(dirname(this.options.path), 'r');
      try {
        await fsyncAsync(dirFd);
      } finally {
        await closeAsync(dirFd);
      }
      this.cancelled = true;
      this.done(undefined);
    } catch (err) {
      this.fail(err);
    }
  }

  private fail(err: unknown): void {
    if (this.cancelled) return;
    this.cancel();
    this.done((err as Error).message);
  }
}

function writeFully(fd: number, bytes: Buffer): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
}
