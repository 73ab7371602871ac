/**
 * BGSAVE without fork: the keyspace is written from a KeyspaceSnapshot (store/snapshot.ts) in slices
 * of about `sliceMs` on the event loop, so clients are served between slices; keys written meanwhile
 * were copied by the snapshot before their first change, so the file is the dataset at the instant
 * the save started. Bytes go to a temporary file as they are produced (the CRC64 follows them); the
 * end is fsync, rename over the target, fsync of the directory, all off the event loop.
 *
 * One key is serialized within one slice: a single huge value still costs its full time at once.
 */
import { close, closeSync, fsync, open, openSync, rename, unlinkSync, write } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { KeyspaceSnapshot, Value } from '../store/index.js';
import { RDB_OPCODE_EOF } from './rdb/constants.js';
import { Crc64 } from './rdb/crc64.js';
import { RdbOutput } from './rdb/output.js';
import { writeHeader, type RdbWriteOptions } from './rdb/writer.js';
import type { SliceStats } from './slice-stats.js';
import { SnapshotWriter, aofFormat, rdbFormat } from './snapshot-writer.js';

const fsyncAsync = promisify(fsync);
const closeAsync = promisify(close);
const renameAsync = promisify(rename);
const openAsync = promisify(open);
const writeAsync = promisify(write);

/** Bytes queued for the file beyond which serializing waits for the disk. */
const MAX_INFLIGHT_BYTES = 4 << 20;

/**
 * Bytes buffered before they are written to the temporary file. The CRC64 of a chunk is computed when
 * it is handed over, inside the slice: at 32 KB that costs under 0.1 ms once V8 has optimized the CRC
 * loop (and about 2 ms the very first time, interpreted: 7 ms for 128 KB), and the writes stay big
 * enough for the disk.
 */
const FLUSH_BYTES = 32 << 10;

export interface BackgroundSaveOptions extends RdbWriteOptions {
  readonly path: string;
  /** Wall-clock budget of one slice, in ms. */
  readonly sliceMs: number;
  /** When it says a client is waiting, the slice ends before its budget (SnapshotWriter.writeSlice). */
  readonly inputWaiting?: (() => boolean) | undefined;
  /**
   * An RDB image (default), or, for an AOF base without the RDB preamble, the commands that rebuild
   * each key (given as `aofCommands`).
   */
  readonly aofCommands?: (key: string, value: Value, expireMs: number | undefined) => string;
}

export class BackgroundSave {
  private readonly out: RdbOutput;
  private readonly crc = new Crc64();
  private readonly temp: string;
  private readonly writer: SnapshotWriter;
  private fd: number | undefined;
  private cancelled = false;
  private writes: Promise<void> = Promise.resolve();
  private inflightBytes = 0;
  private writeError: Error | undefined;
  readonly startedAtMs = Date.now();

  constructor(
    readonly snapshot: KeyspaceSnapshot,
    private readonly options: BackgroundSaveOptions,
    private readonly done: (error: string | undefined) => void,
  ) {
    this.out = new RdbOutput(options.compression, FLUSH_BYTES + (FLUSH_BYTES >> 1));
    this.temp = join(dirname(options.path), `temp-bg-${process.pid}.rdb`);
    const format = options.aofCommands === undefined ? rdbFormat(options) : aofFormat(options.aofCommands);
    this.writer = new SnapshotWriter(snapshot, this.out, format, FLUSH_BYTES, () => this.flush());
  }

  /** Keys written so far, and in the snapshot (INFO current_save_keys_*). */
  get keysProcessed(): number {
    return this.writer.keysProcessed;
  }
  get keysTotal(): number {
    return this.writer.keysTotal;
  }

  /** How long each slice held the event loop (logged by the caller when the save ends). */
  get sliceStats(): SliceStats {
    return this.writer.stats;
  }

  /**
   * Schedules the save. Like a forked child's, any failure (the temporary file cannot be created
   * included) is reported later through `done`, never by this call.
   */
  start(): void {
    this.writer.stats.watchLoop();
    setImmediate(() => {
      if (this.cancelled) return;
      try {
        this.fd = openSync(this.temp, 'w', 0o644);
        if (this.options.aofCommands === undefined) writeHeader(this.out, this.options);
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
    this.writer.stats.stop();
    this.snapshot.release();
    const fd = this.fd;
    this.fd = undefined;
    // Closed once queued writes settled (they skip their bytes now): the number must not be reused
    // by another file while a write to it is still queued.
    if (fd !== undefined) void this.writes.then(() => closeSync(fd));
    try {
      unlinkSync(this.temp);
    } catch {
      // not created
    }
  }

  /**
   * One more loop turn before the next slice: replies the server queued (setImmediate) while this
   * slice ran leave before it, instead of waiting a whole slice behind it.
   */
  private readonly hop = (): void => {
    setImmediate(this.step);
  };

  private readonly step = (): void => {
    if (this.cancelled) return;
    try {
      if (this.writer.writeSlice(this.options.sliceMs, this.options.inputWaiting)) {
        void this.finish();
        return;
      }
      // Bytes go to the file off the event loop; the next slice waits only when too many are queued.
      if (this.inflightBytes > MAX_INFLIGHT_BYTES) void this.writes.then(() => setImmediate(this.hop));
      else setImmediate(this.hop);
    } catch (err) {
      this.fail(err);
    }
  };

  /**
   * Queues the buffered bytes for writing on libuv's pool (a synchronous write can block the event
   * loop for tens of ms while the kernel throttles dirty pages). Writes run one after the other, in
   * order; the first error is kept for finish().
   */
  private flush(): void {
    if (this.out.length === 0 || this.fd === undefined) return;
    const chunk = this.out.take();
    this.crc.update(chunk);
    const fd = this.fd;
    this.inflightBytes += chunk.length;
    this.writes = this.writes.then(async () => {
      try {
        if (!this.cancelled && this.writeError === undefined) await writeFullyAsync(fd, chunk);
      } catch (err) {
        this.writeError ??= err as Error;
      } finally {
        this.inflightBytes -= chunk.length;
        this.out.recycle(chunk);
      }
    });
  }

  private async finish(): Promise<void> {
    try {
      const rdb = this.options.aofCommands === undefined;
      if (rdb) this.out.u8(RDB_OPCODE_EOF);
      this.flush();
      const fd = this.fd as number;
      await this.writes;
      if (this.cancelled) return; // cancel() closed the file
      // From here this call owns the descriptor: a cancel() meanwhile only removes the temporary file.
      this.fd = undefined;
      try {
        if (this.writeError !== undefined) throw this.writeError;
        if (rdb) await writeFullyAsync(fd, this.options.checksum ? this.crc.digestLE() : Buffer.alloc(8));
        this.snapshot.release();
        await fsyncAsync(fd);
      } finally {
        await closeAsync(fd);
      }
      if (this.cancelled) return;
      await renameAsync(this.temp, this.options.path);
      const dirFd = await openAsync(dirname(this.options.path), 'r');
      try {
        await fsyncAsync(dirFd);
      } finally {
        await closeAsync(dirFd);
      }
      this.cancelled = true;
      this.writer.stats.stop();
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

async function writeFullyAsync(fd: number, bytes: Buffer): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    written += (await writeAsync(fd, bytes, written, bytes.length - written)).bytesWritten;
  }
}
