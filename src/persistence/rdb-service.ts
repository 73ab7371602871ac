/**
 * The server's RDB persistence (rdb.c's rdbSave/rdbLoad plus the bits of server.c around them): the
 * file at `dir`/`dbfilename`, loaded once before the server listens; SAVE, SHUTDOWN/SIGTERM and
 * FLUSHALL saves; save points checked by the server cron; DEBUG RELOAD; DUMP/RESTORE with the same
 * encodings; the INFO persistence numbers.
 *
 * SAVE, SHUTDOWN, FLUSHALL and DEBUG RELOAD save synchronously, as in Redis; BGSAVE and save points
 * use the fork-less background save (bgsave.ts) over a copy-on-write snapshot of the keyspace (a
 * KeyspaceObserver told before any key changes).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ERR_BARE, ERR_BGSAVE_IN_PROGRESS } from '../resp/index.js';
import { KeyspaceSnapshot, type Keyspace, type Value } from '../store/index.js';
import { BackgroundSave } from './bgsave.js';
import {
  dumpFunctionsPayload,
  dumpPayload,
  dumpPayloadIsValid,
  restoreFunctionsPayload,
  restorePayload,
  type RestoreOutcome,
} from './dump.js';
import { writeFileAtomically } from './files.js';
import { loadRdb, loadRdbInSlices, type LoadingState, type LoadOptions, type LoadResult } from './load.js';
import { RdbError } from './rdb/constants.js';
import { serializeRdb, type AccessRecord, type RdbWriteOptions } from './rdb/writer.js';
import type { EncodingLimits } from './rdb/write-values.js';

/** The live settings persistence reads (the server's config; redis.conf names). */
export interface PersistenceSettings {
  getString(name: string): string;
  getNumber(name: string): number;
  getBool(name: string): boolean;
  /** `save <seconds> <changes>` rules. */
  saveParams(): readonly { readonly seconds: number; readonly changes: number }[];
}

/** What the server lends persistence. */
export interface PersistenceHost {
  readonly keyspace: Keyspace;
  readonly config: PersistenceSettings;
  /** Redis server.dirty: changes since the last save (reset by a successful save). */
  readonly stats: { dirty: number };
  log(line: string): void;
  /**
   * For a save under an LRU / LFU maxmemory-policy: a reader of each key's idle seconds / LFU counter
   * (IDLE / FREQ records); undefined under other policies.
   */
  accessReader?(): ((db: number, key: string) => AccessRecord) | undefined;
  /**
   * The replication AUX fields a save carries (repl-stream-db, repl-id, repl-offset: Redis
   * rdbPopulateSaveInfo), so a restarted server can continue its replication history; none when
   * there is no history to continue.
   */
  replicationAux?(): readonly (readonly [string, string])[];
  /**
   * True when a client has sent bytes the event loop has not read yet: a background save's slice then
   * ends early, so requests are served while it runs (asked every few tens of µs).
   */
  inputWaiting?(): boolean;
  /** A loaded key's IDLE / FREQ record (Redis objectSetLRUOrLFU at load). */
  recordAccess?(db: number, key: string, idleSeconds: number | undefined, freq: number | undefined): void;
  /** The FUNCTION libraries' codes a save carries. */
  functionCodes?(): readonly string[];
  /** A load found these libraries: they replace the server's (Redis loads them with the keys). */
  loadFunctions?(codes: readonly string[]): void;
}

/** What the RDB side asks of the AOF (BGREWRITEAOF and INFO go through the one persistence port). */
export interface AofPort {
  bgrewrite(): { readonly status: string } | { readonly error: string };
  info(): [string, number | string][];
  enabledInfo(): [string, number | string][];
}

/** An RdbError from loading `path` as the RdbLoadError that stops the server; other errors unchanged. */
function loadError(path: string, err: unknown): unknown {
  if (!(err instanceof RdbError)) return err;
  return new RdbLoadError(
    `Short read or OOM loading DB file ${path}: ${err.message}. Unrecoverable error, aborting now.`,
  );
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** A file that could not be loaded: names it and says what is wrong. */
export class RdbLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RdbLoadError';
  }
}

/** Redis CONFIG_BGSAVE_RETRY_DELAY: a failed background save is retried by save points after 5 s. */
const BGSAVE_RETRY_DELAY_SEC = 5;
/**
 * Wall-clock budget of one background-save slice. 0.25 ms rather than 0.5: 1M keys, quiet machine, a
 * client sending GETs one at a time during the save: save time unchanged (~620 ms), GETs answered
 * 984-1005 -> 1448-2465, p50 0.56 -> 0.30 ms; the p99 (~3 ms) is the young-generation collections.
 */
const BGSAVE_SLICE_MS = 0.25;

export class RdbPersistence {
  private lastSaveSec: number;
  /** rdb_last_bgsave_status. */
  private lastSaveOk = true;
  private lastBgsaveTrySec = 0;
  private lastBgsaveSeconds = -1;
  private background: BackgroundSave | undefined;
  /** BGSAVE SCHEDULE (or a BGSAVE inside MULTI) waiting for the cron. */
  private bgsaveScheduled = false;
  private saves = 0;
  private lastLoad: LoadResult | undefined;
  /** The load in progress (INFO loading_* fields; clients get LOADING meanwhile), or undefined. */
  loading: LoadingState | undefined;
  /** The append-only file, set by whoever starts the server (aof/aof-service.ts). */
  aof: AofPort | undefined;
  /** AUX fields of the file loaded at start (repl-id, repl-offset, aof-base…). */
  loadedAux: ReadonlyMap<string, string> = new Map();

  /** The host's inputWaiting, for every sliced snapshot (BGSAVE, AOF rewrite, full sync). */
  readonly inputWaiting: (() => boolean) | undefined;

  constructor(private readonly host: PersistenceHost) {
    this.inputWaiting = host.inputWaiting === undefined ? undefined : () => host.inputWaiting?.() === true;
    this.lastSaveSec = Math.floor(Date.now() / 1000);
  }

  /** `dir`/`dbfilename` as configured now. */
  filePath(): string {
    const c = this.host.config;
    return join(c.getString('dir'), c.getString('dbfilename'));
  }

  limits(): EncodingLimits {
    const c = this.host.config;
    return {
      hashMaxListpackEntries: c.getNumber('hash-max-listpack-entries'),
      hashMaxListpackValue: c.getNumber('hash-max-listpack-value'),
      setMaxIntsetEntries: c.getNumber('set-max-intset-entries'),
      zsetMaxListpackEntries: c.getNumber('zset-max-listpack-entries'),
      zsetMaxListpackValue: c.getNumber('zset-max-listpack-value'),
      listMaxListpackSize: c.getNumber('list-max-listpack-size'),
    };
  }

  /**
   * Loads the RDB file into the (empty) keyspace, if there is one, in slices: the server listens
   * meanwhile and answers LOADING (`loading` is set from this call on, before it first yields).
   * Rejects with RdbLoadError naming the file and the problem; the caller must then stop without
   * saving anything over it.
   */
  async loadAtStart(): Promise<void> {
    const path = this.filePath();
    if (!existsSync(path)) return;
    const started = Date.now();
    const loading = this.startLoading(fileSize(path));
    try {
      this.lastLoad = await this.loadFileInSlices(path, loading, 0);
    } finally {
      this.loading = undefined;
    }
    this.loadedAux = this.lastLoad.aux;
    const secs = ((Date.now() - started) / 1000).toFixed(3);
    this.host.log(`DB loaded from disk: ${secs} seconds (${this.lastLoad.keysLoaded} keys from ${path})`);
  }

  /**
   * Marks a load in progress of `totalBytes` (Redis startLoading): INFO shows it, clients get LOADING
   * (with `async`, only for commands flagged no-async-loading).
   */
  startLoading(totalBytes: number, async = false): LoadingState {
    this.loading = {
      startTimeSec: Math.floor(Date.now() / 1000),
      totalBytes,
      loadedBytes: 0,
      rdbUsedMem: 0,
      async,
    };
    return this.loading;
  }

  /** Redis stopLoading. */
  stopLoading(): void {
    this.loading = undefined;
  }

  /**
   * The options of an RDB written now. An AOF base uses them as they are; a dump.rdb (SAVE, BGSAVE)
   * adds the replication AUX fields (saveOptions), as Redis passes rsi only there.
   */
  writeOptions(): RdbWriteOptions {
    const c = this.host.config;
    return {
      compression: c.getBool('rdbcompression'),
      checksum: c.getBool('rdbchecksum'),
      limits: this.limits(),
      ctime: Math.floor(Date.now() / 1000),
      usedMem: process.memoryUsage().rss,
      accessOf: this.host.accessReader?.(),
      functions: this.host.functionCodes?.(),
    };
  }

  /** writeOptions plus the replication AUX fields: what dump.rdb carries. */
  private saveOptions(): RdbWriteOptions {
    return { ...this.writeOptions(), extraAux: this.host.replicationAux?.() };
  }

  /** The dataset as an RDB image now (an AOF's first base). */
  serializeNow(options: RdbWriteOptions): Buffer {
    return serializeRdb(this.host.keyspace.databases, options);
  }

  /**
   * Loads an RDB file (an AOF's base) into the keyspace in slices, counting its bytes from `offset`
   * in `loading`; rejects with RdbLoadError naming the file.
   */
  async loadRdbFile(path: string, loading: LoadingState, offset: number): Promise<LoadResult> {
    this.lastLoad = await this.loadFileInSlices(path, loading, offset);
    return this.lastLoad;
  }

  private loadOptions(replaceExisting: boolean): LoadOptions {
    return {
      limits: this.limits(),
      nowMs: Date.now(),
      dropExpired: true,
      replaceExisting,
      onAccessRecord: this.host.recordAccess?.bind(this.host),
    };
  }

  private async loadFileInSlices(path: string, loading: LoadingState, offset: number): Promise<LoadResult> {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      throw new RdbLoadError(`Fatal error loading the DB file ${path}: ${(err as Error).message}. Exiting.`);
    }
    try {
      const result = await loadRdbInSlices(
        bytes,
        this.host.keyspace,
        this.loadOptions(false),
        loading,
        offset,
      );
      this.host.loadFunctions?.(result.functions);
      return result;
    } catch (err) {
      throw loadError(path, err);
    }
  }

  private loadFile(path: string, replaceExisting = false): LoadResult {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (err) {
      throw new RdbLoadError(`Fatal error loading the DB file ${path}: ${(err as Error).message}. Exiting.`);
    }
    try {
      const result = loadRdb(bytes, this.host.keyspace, this.loadOptions(replaceExisting));
      this.host.loadFunctions?.(result.functions);
      return result;
    } catch (err) {
      throw loadError(path, err);
    }
  }

  /** SAVE: writes the file; returns undefined, or the error that stopped it (the old file is intact). */
  save(): string | undefined {
    const path = this.filePath();
    try {
      const bytes = serializeRdb(this.host.keyspace.databases, this.saveOptions());
      writeFileAtomically(path, bytes);
    } catch (err) {
      const message = (err as Error).message;
      this.host.log(`Failed opening the temp RDB file or writing ${path}: ${message}`);
      return message;
    }
    this.host.log('DB saved on disk');
    this.host.stats.dirty = 0;
    this.lastSaveSec = Math.floor(Date.now() / 1000);
    this.lastSaveOk = true;
    return undefined;
  }

  /**
   * SAVE: like save(), counted in rdb_saves. Returns the error reply text (Redis's bare "ERR" when
   * the write failed) or undefined.
   */
  saveCommand(): string | undefined {
    if (this.background !== undefined) return ERR_BGSAVE_IN_PROGRESS;
    this.saves++;
    return this.save() === undefined ? undefined : ERR_BARE;
  }

  /**
   * BGSAVE [SCHEDULE]: starts the background save. Returns the status reply or an error reply text
   * (prefixed "ERR "). `schedule` (or a call from inside MULTI) defers it to the cron instead.
   */
  bgsave(schedule: boolean): { readonly status: string } | { readonly error: string } {
    if (this.background !== undefined) return { error: ERR_BGSAVE_IN_PROGRESS };
    if (schedule) {
      this.bgsaveScheduled = true;
      return { status: 'Background saving scheduled' };
    }
    this.startBackgroundSave();
    return { status: 'Background saving started' };
  }

  private startBackgroundSave(): void {
    const dirtyBefore = this.host.stats.dirty;
    this.saves++;
    this.lastBgsaveTrySec = Math.floor(Date.now() / 1000);
    const save = new BackgroundSave(
      new KeyspaceSnapshot(this.host.keyspace),
      {
        ...this.saveOptions(),
        path: this.filePath(),
        sliceMs: BGSAVE_SLICE_MS,
        inputWaiting: this.inputWaiting,
      },
      (error) => this.backgroundSaveDone(save, dirtyBefore, error),
    );
    this.background = save;
    save.start();
    this.host.log('Background saving started');
  }

  private backgroundSaveDone(save: BackgroundSave, dirtyBefore: number, error: string | undefined): void {
    if (this.background !== save) return;
    this.background = undefined;
    this.lastBgsaveSeconds = Math.round((Date.now() - save.startedAtMs) / 1000);
    if (error === undefined) {
      this.host.log('Background saving terminated with success');
      this.host.log(`Background saving held the event loop in ${save.sliceStats.describe()}`);
      this.host.stats.dirty -= dirtyBefore;
      this.lastSaveSec = Math.floor(Date.now() / 1000);
      this.lastSaveOk = true;
    } else {
      this.host.log(`Background saving error: ${error}`);
      this.lastSaveOk = false;
    }
  }

  /** FLUSHALL drops a background save in progress, as Redis kills its child. */
  abortBackgroundSave(): void {
    this.cancelBackgroundSave();
  }

  /** Stops a background save in progress (Redis killRDBChild): a synchronous save is about to run. */
  private cancelBackgroundSave(): void {
    if (this.background === undefined) return;
    this.background.cancel();
    this.background = undefined;
    this.host.log('Background saving cancelled');
  }

  /** stop-writes-on-bgsave-error: writes (and PING) get MISCONF while the last background save failed. */
  writesDenied(): boolean {
    const c = this.host.config;
    return !this.lastSaveOk && c.getBool('stop-writes-on-bgsave-error') && c.saveParams().length > 0;
  }

  /** Server shutdown: no background save left running. */
  dispose(): void {
    this.cancelBackgroundSave();
  }

  /** True when `save` rules exist (SHUTDOWN, SIGTERM and FLUSHALL save then). */
  hasSavePoints(): boolean {
    return this.host.config.saveParams().length > 0;
  }

  /**
   * serverCron's save-point check: a rule "save <seconds> <changes>" fires when at least `changes`
   * writes happened and `seconds` passed since the last save (a failed one is retried after 5 s, as
   * CONFIG_BGSAVE_RETRY_DELAY). Saves synchronously until BGSAVE is built.
   */
  checkSavePoints(nowMs: number): void {
    if (this.background !== undefined) return;
    const nowSec = Math.floor(nowMs / 1000);
    if (this.bgsaveScheduled) {
      this.bgsaveScheduled = false;
      this.startBackgroundSave();
      return;
    }
    const dirty = this.host.stats.dirty;
    if (dirty === 0) return;
    const elapsed = nowSec - this.lastSaveSec;
    const retryAllowed = this.lastSaveOk || nowSec - this.lastBgsaveTrySec > BGSAVE_RETRY_DELAY_SEC;
    for (const p of this.host.config.saveParams()) {
      if (dirty >= p.changes && elapsed > p.seconds && retryAllowed) {
        this.host.log(`${p.changes} changes in ${p.seconds} seconds. Saving...`);
        this.startBackgroundSave();
        return;
      }
    }
  }

  /**
   * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save (unless NOSAVE), empty every database (unless
   * NOFLUSH), load the file again (MERGE: keys already present are replaced). Says which step failed.
   */
  reload(options: {
    readonly merge: boolean;
    readonly flush: boolean;
    readonly save: boolean;
  }): 'save' | 'load' | undefined {
    this.cancelBackgroundSave();
    if (options.save && this.save() !== undefined) return 'save';
    if (options.flush) for (const db of this.host.keyspace.databases) db.clear();
    try {
      this.lastLoad = this.loadFile(this.filePath(), options.merge);
    } catch (err) {
      this.host.log(`DEBUG RELOAD: ${(err as Error).message}`);
      return 'load';
    }
    this.host.log('DB reloaded by DEBUG RELOAD');
    return undefined;
  }

  dump(value: Value): Buffer {
    return dumpPayload(value, this.limits(), this.host.config.getBool('rdbcompression'));
  }

  /** RESTORE's payload checks and decoding; undefined when the version or checksum is wrong. */
  dumpFunctions(codes: readonly string[]): Buffer {
    return dumpFunctionsPayload(codes, this.host.config.getBool('rdbcompression'));
  }

  restoreFunctions(payload: Buffer): string[] | undefined {
    return restoreFunctionsPayload(payload);
  }

  restore(payload: Buffer): RestoreOutcome | undefined {
    if (!dumpPayloadIsValid(payload)) return undefined;
    return restorePayload(payload, this.limits());
  }

  /**
   * SHUTDOWN, SIGTERM and FLUSHALL: a background save in progress is dropped (Redis kills the child)
   * and the dataset saved at once. Not counted in rdb_saves, as in Redis.
   */
  saveNow(): string | undefined {
    this.cancelBackgroundSave();
    return this.save();
  }

  lastSaveTime(): number {
    return this.lastSaveSec;
  }
  rdbSaves(): number {
    return this.saves;
  }
  /** BGREWRITEAOF: delegated to the AOF (which exists even while appendonly is no). */
  bgrewriteaof(): { readonly status: string } | { readonly error: string } {
    if (this.aof === undefined) return { error: ERR_BARE };
    return this.aof.bgrewrite();
  }

  aofInfo(): {
    readonly always: readonly [string, number | string][];
    readonly enabled: readonly [string, number | string][];
  } {
    return { always: this.aof?.info() ?? [], enabled: this.aof?.enabledInfo() ?? [] };
  }

  bgsaveInProgress(): boolean {
    return this.background !== undefined;
  }
  /** rdb_last_bgsave_time_sec / rdb_current_bgsave_time_sec and the current_save_keys_* fields. */
  bgsaveTimes(): { last: number; current: number; keysProcessed: number; keysTotal: number } {
    const b = this.background;
    return {
      last: this.lastBgsaveSeconds,
      current: b === undefined ? -1 : Math.floor((Date.now() - b.startedAtMs) / 1000),
      keysProcessed: b?.keysProcessed ?? 0,
      keysTotal: b?.keysTotal ?? 0,
    };
  }
  lastBgsaveStatus(): 'ok' | 'err' {
    return this.lastSaveOk ? 'ok' : 'err';
  }
  lastLoadKeys(): { loaded: number; expired: number } {
    return { loaded: this.lastLoad?.keysLoaded ?? 0, expired: this.lastLoad?.keysExpired ?? 0 };
  }
}
