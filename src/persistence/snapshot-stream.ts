/**
 * The fork-less snapshot written as an RDB stream instead of a file: what a full sync sends to
 * replicas (Redis's rdbSaveRio over a socket or into the replication payload). The keyspace is
 * serialized from a KeyspaceSnapshot in slices on the event loop, exactly as BGSAVE does, and each
 * slice's bytes go to `chunk` in order; the CRC64 trailer ends the stream.
 */
import { KeyspaceSnapshot, type Keyspace } from '../store/index.js';
import { RDB_OPCODE_EOF } from './rdb/constants.js';
import { Crc64 } from './rdb/crc64.js';
import { RdbOutput } from './rdb/output.js';
import { writeDatabaseStart, writeHeader, writeKey, type RdbWriteOptions } from './rdb/writer.js';

/** Bytes gathered before they are handed on within a slice. */
const CHUNK_BYTES = 256 * 1024;

export interface SnapshotStreamOptions extends RdbWriteOptions {
  /** Wall-clock budget of one slice, in ms. */
  readonly sliceMs: number;
}

export class RdbSnapshotStream {
  private readonly snapshot: KeyspaceSnapshot;
  private readonly out: RdbOutput;
  private readonly crc = new Crc64();
  /** Known once the snapshot's key lists are built (prepare, in slices too). */
  private databases:
    readonly { readonly index: number; readonly size: number; readonly expires: number }[] | undefined;
  private dbCursor = 0;
  private keyCursor = -1;
  private finished = false;
  private started = false;
  keysWritten = 0;

  /** Takes the snapshot now (the instant of the stream); writing starts on the next turn. */
  constructor(
    keyspace: Keyspace,
    private readonly options: SnapshotStreamOptions,
    private readonly chunk: (bytes: Buffer) => void,
    private readonly done: (error: string | undefined) => void,
  ) {
    this.snapshot = new KeyspaceSnapshot(keyspace);
    this.out = new RdbOutput(options.compression, CHUNK_BYTES + (1 << 16));
    setImmediate(this.step);
  }

  /** Stops the stream (the replicas are gone): no more bytes, no `done`. */
  cancel(): void {
    if (this.finished) return;
    this.finished = true;
    this.snapshot.release();
  }

  private readonly step = (): void => {
    if (this.finished) return;
    try {
      if (!this.started) {
        this.started = true;
        writeHeader(this.out, this.options);
      }
      const complete = this.writeSlice();
      if (complete) this.out.u8(RDB_OPCODE_EOF);
      this.emit();
      if (!complete) {
        setImmediate(this.step);
        return;
      }
      const trailer = this.options.checksum ? this.crc.digestLE() : Buffer.alloc(8);
      this.finished = true;
      this.snapshot.release();
      this.chunk(trailer);
      this.done(undefined);
    } catch (err) {
      this.finished = true;
      this.snapshot.release();
      this.done((err as Error).message);
    }
  };

  /** Serializes keys until the slice's time is used; true once every key is written. */
  private writeSlice(): boolean {
    if (this.databases === undefined) {
      if (!this.snapshot.prepare(this.options.sliceMs)) return false;
      this.databases = this.snapshot.databases();
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
      if (entry !== undefined) writeKey(this.out, entry[0], entry[1], entry[2], this.options.limits);
      this.keysWritten++;
      if (this.out.length >= CHUNK_BYTES) this.emit();
      if ((n & 15) === 0 && performance.now() >= deadline) return false;
    }
  }

  private emit(): void {
    if (this.out.length === 0) return;
    const bytes = this.out.take();
    this.crc.update(bytes);
    this.chunk(bytes);
  }
}
