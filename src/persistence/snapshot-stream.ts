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
import { writeHeader, type RdbWriteOptions } from './rdb/writer.js';
import type { SliceStats } from './slice-stats.js';
import { SnapshotWriter, rdbFormat } from './snapshot-writer.js';

/**
 * Bytes gathered before they are handed on within a slice (their CRC64 is computed then: 32 KB keep
 * that well under a ms, see bgsave.ts).
 */
const CHUNK_BYTES = 32 * 1024;

export interface SnapshotStreamOptions extends RdbWriteOptions {
  /** Wall-clock budget of one slice, in ms. */
  readonly sliceMs: number;
  /** When it says a client is waiting, the slice ends before its budget (SnapshotWriter.writeSlice). */
  readonly inputWaiting?: (() => boolean) | undefined;
}

export class RdbSnapshotStream {
  private readonly snapshot: KeyspaceSnapshot;
  private readonly out: RdbOutput;
  private readonly crc = new Crc64();
  private readonly writer: SnapshotWriter;
  private finished = false;
  private started = false;
  /** Paused by the receiver (its socket is full): no slice runs until resume. */
  private paused = false;
  private stepScheduled = true;

  /** Takes the snapshot now (the instant of the stream); writing starts on the next turn. */
  constructor(
    keyspace: Keyspace,
    private readonly options: SnapshotStreamOptions,
    private readonly chunk: (bytes: Buffer) => void,
    private readonly done: (error: string | undefined) => void,
  ) {
    this.snapshot = new KeyspaceSnapshot(keyspace);
    this.out = new RdbOutput(options.compression, CHUNK_BYTES + (CHUNK_BYTES >> 1));
    this.writer = new SnapshotWriter(this.snapshot, this.out, rdbFormat(options), CHUNK_BYTES, () =>
      this.emit(),
    );
    setImmediate(this.step);
  }

  /** How long each slice held the event loop. */
  get sliceStats(): SliceStats {
    return this.writer.stats;
  }

  /** Keys written so far. */
  get keysWritten(): number {
    return this.writer.keysProcessed;
  }

  /** The receiver cannot take more now: slices stop after the current one until resume. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (!this.stepScheduled && !this.finished) {
      this.stepScheduled = true;
      setImmediate(this.step);
    }
  }

  /** Stops the stream (the replicas are gone): no more bytes, no `done`. */
  cancel(): void {
    if (this.finished) return;
    this.finished = true;
    this.snapshot.release();
  }

  private readonly step = (): void => {
    this.stepScheduled = false;
    if (this.finished || this.paused) return;
    try {
      if (!this.started) {
        this.started = true;
        writeHeader(this.out, this.options);
      }
      const complete = this.writer.writeSlice(this.options.sliceMs, this.options.inputWaiting);
      if (complete) this.out.u8(RDB_OPCODE_EOF);
      this.emit();
      if (!complete) {
        if (!this.paused) {
          this.stepScheduled = true;
          setImmediate(this.step);
        }
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

  private emit(): void {
    if (this.out.length === 0) return;
    const bytes = this.out.take();
    this.crc.update(bytes);
    this.chunk(bytes);
  }
}
