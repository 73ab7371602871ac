/**
 * The one slice loop of the fork-less snapshot (BGSAVE, AOF rewrite, full sync): walks a
 * KeyspaceSnapshot database by database, key by key, serializing into an RdbOutput until a slice's
 * time is used. Where the bytes go (a file, replicas) is the caller's business: it is told each time
 * `chunkBytes` are buffered.
 */
import type { KeyspaceSnapshot, Value } from '../store/index.js';
import type { RdbOutput } from './rdb/output.js';
import { SliceStats } from './slice-stats.js';
import { writeDatabaseStart, writeKey, type RdbWriteOptions } from './rdb/writer.js';

/** How one database's start and one key are written (an RDB image, or AOF commands). */
export interface SnapshotFormat {
  databaseStart(out: RdbOutput, index: number, size: number, expires: number): void;
  key(out: RdbOutput, db: number, key: string, value: Value, expireMs: number | undefined): void;
}

/** RDB records: SELECTDB + RESIZEDB, then each key (with its IDLE / FREQ record when asked). */
export function rdbFormat(options: RdbWriteOptions): SnapshotFormat {
  const accessOf = options.accessOf;
  return {
    databaseStart: writeDatabaseStart,
    key: (out, db, key, value, expireMs) =>
      writeKey(out, key, value, expireMs, options.limits, accessOf?.(db, key)),
  };
}

/** AOF commands (a base without the RDB preamble): SELECT, then the commands that rebuild each key. */
export function aofFormat(
  keyCommands: (key: string, value: Value, expireMs: number | undefined) => string,
): SnapshotFormat {
  return {
    databaseStart: (out, index, size) => {
      if (size > 0) out.latin1(`*2\r\n$6\r\nSELECT\r\n$${String(index).length}\r\n${index}\r\n`);
    },
    key: (out, _db, key, value, expireMs) => out.latin1(keyCommands(key, value, expireMs)),
  };
}

/** Keys serialized between two looks at the clock. */
const KEYS_PER_CLOCK_CHECK = 16;
/**
 * A slice runs at least this long before a waiting client can end it, so a save still progresses
 * while requests arrive back to back (then about MIN_SLICE_MS of save per loop turn).
 */
const MIN_SLICE_MS = 0.03;
/**
 * ...and at least this share of the CPU time the loop spent on other work since the last slice: under
 * heavy client load (a loop turn of ms of requests) the save still gets a third of the loop, as it did
 * with whole slices, instead of 30 µs per turn; a single waiting client (a turn of tens of µs) changes
 * nothing. CPU, not wall time: on a loaded machine the wall-clock gap includes time the process was
 * preempted, which would make every slice run its whole budget.
 */
const SHARE_OF_GAP = 0.5;
/** Between two questions to inputWaiting (an epoll_wait, ~1.5 µs: ~5% of the slice's time). */
const INPUT_CHECK_MS = 0.03;

export class SnapshotWriter {
  /** The snapshot's databases, once its key lists are built (prepare). */
  private databases:
    readonly { readonly index: number; readonly size: number; readonly expires: number }[] | undefined;
  private dbCursor = 0;
  private keyCursor = -1;
  keysProcessed = 0;
  keysTotal = 0;
  /** Every slice's duration (the save's stretches on the event loop). */
  readonly stats = new SliceStats();

  constructor(
    private readonly snapshot: KeyspaceSnapshot,
    private readonly out: RdbOutput,
    private readonly format: SnapshotFormat,
    private readonly chunkBytes: number,
    /** Told when `chunkBytes` or more are buffered in `out`. */
    private readonly chunkReady: () => void,
  ) {}

  /**
   * Lists the snapshot's keys, then serializes keys, until `sliceMs` of wall-clock time is used;
   * true once every key is written.
   */
  writeSlice(sliceMs: number, inputWaiting?: () => boolean): boolean {
    this.stats.sliceStart();
    try {
      return this.runSlice(performance.now() + sliceMs, inputWaiting);
    } finally {
      this.stats.sliceEnd();
    }
  }

  private runSlice(deadline: number, inputWaiting: (() => boolean) | undefined): boolean {
    const start = performance.now();
    const gap = this.stats.gapCpuMs;
    let nextInputCheck = start + Math.min(deadline - start, Math.max(MIN_SLICE_MS, gap * SHARE_OF_GAP));
    if (this.databases === undefined) {
      if (!this.snapshot.prepare(deadline - performance.now())) return false;
      this.databases = this.snapshot.databases();
      this.keysTotal = this.databases.reduce((n, d) => n + d.size, 0);
    }
    const databases = this.databases;
    const out = this.out;
    const snapshot = this.snapshot;
    for (let n = 1; ; n++) {
      const db = databases[this.dbCursor];
      if (db === undefined) return true;
      if (this.keyCursor < 0) {
        this.format.databaseStart(out, db.index, db.size, db.expires);
        this.keyCursor = 0;
      }
      if (this.keyCursor >= db.size) {
        this.dbCursor++;
        this.keyCursor = -1;
        continue;
      }
      const value = snapshot.valueAt(db.index, this.keyCursor++);
      if (value !== undefined) this.format.key(out, db.index, snapshot.readKey, value, snapshot.readExpireMs);
      this.keysProcessed++;
      if (out.length >= this.chunkBytes) this.chunkReady();
      if (n % KEYS_PER_CLOCK_CHECK === 0) {
        const now = performance.now();
        if (now >= deadline) return false;
        if (inputWaiting !== undefined && now >= nextInputCheck) {
          if (inputWaiting()) {
            this.stats.endedForInput++;
            return false;
          }
          nextInputCheck = now + INPUT_CHECK_MS;
        }
      }
    }
  }
}
