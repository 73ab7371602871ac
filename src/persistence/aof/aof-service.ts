/**
 * The append-only file of Redis 7.0 (aof.c): a directory `appenddirname` holding a manifest, one base
 * file (an RDB image: aof-use-rdb-preamble) and incr files with every change since, in RESP as the
 * propagation stream carries it (SELECT when the database changes, MULTI … EXEC units, absolute
 * expiries). Changes are buffered during the loop turn and written before any reply leaves
 * (beforeReplies); appendfsync always fsyncs there too, everysec once a second off the event loop
 * (fs.fsync on libuv's pool), no leaves it to the kernel.
 *
 * BGREWRITEAOF (and auto-aof-rewrite-*, and CONFIG SET appendonly yes) use the fork-less snapshot of
 * BGSAVE: at the instant it starts a new incr file is opened, so the new base (the snapshot) plus the
 * incr files from then on are the whole dataset; once the base is renamed into place the manifest is
 * replaced atomically and the old files removed.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  fsync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ERR_AOF_REWRITE_IN_PROGRESS } from '../../resp/index.js';
import { KeyspaceSnapshot, type Keyspace } from '../../store/index.js';
import { BackgroundSave } from '../bgsave.js';
import { writeFileAtomically } from '../files.js';
import { LOADING_SLICE_BYTES, yieldToEventLoop, type LoadingState } from '../load.js';
import type { PersistenceSettings, RdbPersistence } from '../rdb-service.js';
import { RdbLoadError } from '../rdb-service.js';
import { formatManifest, parseManifest, type AofFileInfo, type AofManifest } from './manifest.js';
import { AofFormatError, AofScanner, encodeCommand } from './reader.js';
import { keyCommands } from './rewrite.js';

export interface AofHost {
  readonly keyspace: Keyspace;
  readonly config: PersistenceSettings;
  readonly rdb: RdbPersistence;
  log(line: string): void;
  /** A fresh loading client (database 0, replies dropped): runs one command read from the AOF. */
  replayer(): (argv: string[]) => void;
}

const REDIS_MAGIC = Buffer.from('REDIS', 'latin1');
const SLICE_MS = 0.5;

export class AofPersistence {
  private manifest: AofManifest | undefined;
  private fd: number | undefined;
  private pending: string[] = [];
  private pendingBytes = 0;
  private selectedDb = -1;
  private lastTimestampSec = 0;
  private everysecTimer: NodeJS.Timeout | undefined;
  private fsyncInFlight = false;
  private unsyncedWrites = false;
  private rewriteJob: BackgroundSave | undefined;
  private rewriteStartedMs = 0;
  private lastRewriteSec = -1;
  private lastRewriteOk = true;
  private lastWriteOk = true;
  private rewrites = 0;
  private consecutiveFailures = 0;
  /** aof_current_size / aof_base_size: bytes of base + incr files now and after the last rewrite. */
  private currentSize = 0;
  private baseSize = 0;
  private rewriteScheduled = false;
  /** True while `appendonly yes` is in force (AOF_ON, or AOF_WAIT_REWRITE until the first base exists). */
  enabled = false;

  constructor(private readonly host: AofHost) {}

  private dir(): string {
    const c = this.host.config;
    return join(c.getString('dir'), c.getString('appenddirname'));
  }
  private fileName(): string {
    return this.host.config.getString('appendfilename');
  }
  private manifestPath(): string {
    return join(this.dir(), `${this.fileName()}.manifest`);
  }

  /** True when an AOF directory with a manifest exists (then it, not the RDB, is loaded). */
  exists(): boolean {
    return existsSync(this.manifestPath());
  }

  /**
   * Loads base then incr files, in manifest order (loadAppendOnlyFiles), in slices: the server
   * listens meanwhile and answers LOADING. A truncated last file is cut back to its last whole
   * command when aof-load-truncated is yes; anything else wrong rejects with RdbLoadError naming
   * the file and offset, and nothing is written.
   */
  async loadAtStart(): Promise<void> {
    const manifestPath = this.manifestPath();
    if (!existsSync(manifestPath)) return;
    const started = Date.now();
    let manifest: AofManifest;
    try {
      manifest = parseManifest(readFileSync(manifestPath, 'latin1'), manifestPath);
    } catch (err) {
      throw new RdbLoadError(`Fatal error loading the AOF manifest: ${(err as Error).message}`);
    }
    const files = [...(manifest.base === undefined ? [] : [manifest.base]), ...manifest.incr];
    const paths = files.map((f) => {
      const path = join(this.dir(), f.name);
      if (!existsSync(path)) {
        throw new RdbLoadError(`Fatal error: The AOF file ${path} (listed in ${manifestPath}) doesn't exist`);
      }
      return path;
    });
    // loading_total_bytes: every file of the manifest (getBaseAndIncrAppendOnlyFilesSize).
    const loading = this.host.rdb.startLoading(paths.reduce((n, p) => n + statSync(p).size, 0));
    let total = 0;
    try {
      for (let i = 0; i < paths.length; i++) {
        const offset = loading.loadedBytes;
        total += await this.loadFile(paths[i] as string, i === paths.length - 1, loading, offset);
        loading.loadedBytes = offset + statSync(paths[i] as string).size;
      }
    } finally {
      this.host.rdb.stopLoading();
    }
    this.manifest = manifest;
    const secs = ((Date.now() - started) / 1000).toFixed(3);
    this.host.log(
      `DB loaded from append only file: ${secs} seconds (${total} commands, ${files.length} files)`,
    );
  }

  /** Loads one file, its bytes counted from `offset` in `loading`; returns the commands applied. */
  private async loadFile(
    path: string,
    last: boolean,
    loading: LoadingState,
    offset: number,
  ): Promise<number> {
    const bytes = await readFile(path);
    if (bytes.length === 0) return 0;
    if (bytes.subarray(0, 5).equals(REDIS_MAGIC)) {
      await this.host.rdb.loadRdbFile(path, loading, offset);
      return 0;
    }
    let scan;
    try {
      const scanner = new AofScanner(bytes, this.host.replayer());
      for (;;) {
        scan = scanner.scanSome(LOADING_SLICE_BYTES);
        loading.loadedBytes = offset + scanner.position;
        if (scan !== undefined) break;
        await yieldToEventLoop();
      }
    } catch (err) {
      if (err instanceof AofFormatError) {
        throw new RdbLoadError(
          `Bad file format reading the append only file ${path} at offset ${err.offset}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`,
        );
      }
      throw err;
    }
    if (!scan.truncated) return scan.commands;
    if (!last || !this.host.config.getBool('aof-load-truncated')) {
      throw new RdbLoadError(
        `Unexpected end of file reading the append only file ${path} at offset ${scan.validUpTo} (of ${bytes.length} bytes). You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`,
      );
    }
    this.host.log(
      `!!! Warning: short read while loading the AOF file ${path}!!! AOF loaded anyway because aof-load-truncated is enabled; truncated to offset ${scan.validUpTo} (was ${bytes.length} bytes)`,
    );
    const fd = openSync(path, 'r+');
    try {
      ftruncateSync(fd, scan.validUpTo);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return scan.commands;
  }

  /**
   * appendonly yes at start (after loading): opens the last incr file for appending, or, with no
   * AOF yet, writes a base of the dataset now plus an empty incr file and the manifest.
   */
  openAtStart(): void {
    this.enabled = true;
    mkdirSync(this.dir(), { recursive: true });
    if (this.manifest === undefined) {
      const preamble = this.host.config.getBool('aof-use-rdb-preamble');
      const base: AofFileInfo = {
        name: `${this.fileName()}.1.base.${preamble ? 'rdb' : 'aof'}`,
        seq: 1,
        type: 'b',
      };
      const incr: AofFileInfo = { name: `${this.fileName()}.1.incr.aof`, seq: 1, type: 'i' };
      const rdb = this.host.rdb;
      writeFileAtomically(
        join(this.dir(), base.name),
        preamble ? rdb.serializeNow({ ...rdb.writeOptions(), aofBase: true }) : this.commandsNow(),
      );
      this.openIncr(incr);
      this.manifest = { base, incr: [incr], history: [] };
      this.persistManifest();
    } else {
      let lastIncr = this.manifest.incr[this.manifest.incr.length - 1];
      if (lastIncr === undefined) {
        lastIncr = { name: `${this.fileName()}.1.incr.aof`, seq: 1, type: 'i' };
        this.manifest.incr.push(lastIncr);
        this.openIncr(lastIncr);
        this.persistManifest();
      } else this.openIncr(lastIncr);
    }
    this.baseSize = this.currentSize = this.sizeOfFiles();
    this.startEverysec();
  }

  /** The dataset as commands now (a first base without the RDB preamble). */
  private commandsNow(): Buffer {
    let s = '';
    for (const db of this.host.keyspace.databases) {
      if (db.size === 0) continue;
      s += encodeCommand(['SELECT', String(db.index)]);
      for (const [key, value, expireMs] of db.entriesWithExpiry()) s += keyCommands(key, value, expireMs);
    }
    return Buffer.from(s, 'latin1');
  }

  private sizeOfFiles(): number {
    const m = this.manifest;
    if (m === undefined) return 0;
    let n = 0;
    for (const f of [...(m.base === undefined ? [] : [m.base]), ...m.incr]) {
      try {
        n += statSync(join(this.dir(), f.name)).size;
      } catch {
        // removed
      }
    }
    return n;
  }

  private manifestOnDisk(): AofManifest | undefined {
    try {
      return parseManifest(readFileSync(this.manifestPath(), 'latin1'), this.manifestPath());
    } catch {
      return undefined;
    }
  }

  private openIncr(info: AofFileInfo, truncate = false): void {
    if (this.fd !== undefined) this.closeIncr();
    this.fd = openSync(join(this.dir(), info.name), truncate ? 'w' : 'a', 0o644);
    this.selectedDb = -1;
  }

  private closeIncr(): void {
    if (this.fd === undefined) return;
    this.writePending();
    try {
      fsyncSync(this.fd);
    } catch {
      // reported by the next write
    }
    closeSync(this.fd);
    this.fd = undefined;
  }

  private persistManifest(): void {
    if (this.manifest === undefined) return;
    writeFileAtomically(this.manifestPath(), Buffer.from(formatManifest(this.manifest), 'latin1'));
  }

  /** The propagation hook: one change, buffered until beforeReplies. */
  readonly propagator = (dbIndex: number, argv: readonly string[]): void => {
    if (!this.enabled) return;
    if (this.host.config.getBool('aof-timestamp-enabled')) {
      const now = Math.floor(Date.now() / 1000);
      if (now !== this.lastTimestampSec) {
        this.lastTimestampSec = now;
        this.push(`#TS:${now}\r\n`);
      }
    }
    if (dbIndex !== this.selectedDb) {
      this.push(encodeCommand(['SELECT', String(dbIndex)]));
      this.selectedDb = dbIndex;
    }
    this.push(encodeCommand(argv));
  };

  private push(s: string): void {
    this.pending.push(s);
    this.pendingBytes += s.length;
  }

  /**
   * flushAppendOnlyFile: called before replies leave. Writes what the loop turn propagated; under
   * appendfsync always it is on disk before any client sees its acknowledgement.
   */
  beforeReplies(): void {
    if (this.pendingBytes === 0 || this.fd === undefined) return;
    this.writePending();
    const policy = this.host.config.getString('appendfsync');
    if (policy === 'always') {
      try {
        fsyncSync(this.fd);
      } catch (err) {
        // Redis exits here: an acknowledged write that is not on disk must never be claimed.
        this.host.log(
          `Can't persist AOF for fsync error when the AOF fsync policy is 'always': ${(err as Error).message}. Exiting...`,
        );
        process.exit(1);
      }
    } else this.unsyncedWrites = true;
  }

  private writePending(): void {
    if (this.pendingBytes === 0 || this.fd === undefined) return;
    const bytes = Buffer.from(
      this.pending.length === 1 ? (this.pending[0] as string) : this.pending.join(''),
      'latin1',
    );
    this.pending = [];
    this.pendingBytes = 0;
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written);
      this.currentSize += bytes.length;
      this.lastWriteOk = true;
    } catch (err) {
      this.lastWriteOk = false;
      this.host.log(`Error writing to the AOF file: ${(err as Error).message}. Exiting...`);
      process.exit(1);
    }
  }

  private startEverysec(): void {
    if (this.everysecTimer !== undefined) return;
    this.everysecTimer = setInterval(() => {
      if (this.host.config.getString('appendfsync') !== 'everysec') return;
      if (this.fsyncInFlight || !this.unsyncedWrites || this.fd === undefined) return;
      this.unsyncedWrites = false;
      this.fsyncInFlight = true;
      fsync(this.fd, (err) => {
        this.fsyncInFlight = false;
        if (err !== null) {
          this.lastWriteOk = false;
          this.host.log(`Error syncing the AOF: ${err.message}`);
        }
      });
    }, 1000);
    this.everysecTimer.unref();
  }

  /** BGREWRITEAOF: status text, or the error reply text. */
  bgrewrite(): { readonly status: string } | { readonly error: string } {
    if (this.rewriteJob !== undefined) return { error: ERR_AOF_REWRITE_IN_PROGRESS };
    if (this.host.rdb.bgsaveInProgress()) {
      this.rewriteScheduled = true;
      return { status: 'Background append only file rewriting scheduled' };
    }
    this.startRewrite();
    return { status: 'Background append only file rewriting started' };
  }

  /** The snapshot and the switch to a new incr file happen at the same instant. */
  private startRewrite(): void {
    this.rewriteScheduled = false;
    mkdirSync(this.dir(), { recursive: true });
    const m = this.manifest;
    const baseSeq = (m?.base?.seq ?? 0) + 1;
    const incrSeq = (m?.incr[m.incr.length - 1]?.seq ?? 0) + 1;
    const preamble = this.host.config.getBool('aof-use-rdb-preamble');
    const base: AofFileInfo = {
      name: `${this.fileName()}.${baseSeq}.base.${preamble ? 'rdb' : 'aof'}`,
      seq: baseSeq,
      type: 'b',
    };
    const snapshot = new KeyspaceSnapshot(this.host.keyspace);
    const keepFrom = incrSeq;
    if (this.enabled) {
      // Changes from now on go to a new incr file; listed at once so a crash mid-rewrite loses nothing.
      this.writePending();
      const incr: AofFileInfo = { name: `${this.fileName()}.${incrSeq}.incr.aof`, seq: incrSeq, type: 'i' };
      // Waiting for the first base (AOF_WAIT_REWRITE): the incr file is new, or emptied when a failed
      // attempt is retried (the new snapshot holds what it had), and listed only once the base exists.
      this.openIncr(incr, this.waiting);
      if (this.waiting || m === undefined) this.pendingFirstIncr = incr;
      else {
        m.incr.push(incr);
        this.persistManifest();
      }
    }
    this.rewriteStartedMs = Date.now();
    const job = new BackgroundSave(
      snapshot,
      {
        ...this.host.rdb.writeOptions(),
        aofBase: true,
        aofCommands: preamble ? undefined : keyCommands,
        path: join(this.dir(), base.name),
        sliceMs: SLICE_MS,
        inputWaiting: this.host.rdb.inputWaiting,
      },
      (error) => this.rewriteDone(job, base, keepFrom, error),
    );
    this.rewriteJob = job;
    job.start();
    this.host.log('Background append only file rewriting started');
  }

  /** The incr file opened by CONFIG SET appendonly yes before the first base exists. */
  private pendingFirstIncr: AofFileInfo | undefined;
  /** appendonly yes turned on at run time and no base written yet (Redis AOF_WAIT_REWRITE). */
  private waiting = false;

  private rewriteDone(
    job: BackgroundSave,
    base: AofFileInfo,
    keepFrom: number,
    error: string | undefined,
  ): void {
    if (this.rewriteJob !== job) return;
    this.rewriteJob = undefined;
    this.lastRewriteSec = Math.round((Date.now() - this.rewriteStartedMs) / 1000);
    if (error !== undefined) {
      this.lastRewriteOk = false;
      this.consecutiveFailures++;
      this.host.log(`Background AOF rewrite error: ${error}`);
      // appendonly yes waits for a base: retried by the cron, as Redis does in AOF_WAIT_REWRITE.
      if (this.waiting) this.rewriteScheduled = true;
      return;
    }
    const old = this.manifest;
    const incr = this.waiting ? [] : (old?.incr.filter((f) => f.seq >= keepFrom) ?? []);
    if (this.pendingFirstIncr !== undefined) incr.push(this.pendingFirstIncr);
    this.pendingFirstIncr = undefined;
    this.manifest = { base, incr, history: [] };
    try {
      this.persistManifest();
    } catch (err) {
      this.lastRewriteOk = false;
      this.consecutiveFailures++;
      this.host.log(`Background AOF rewrite error writing the manifest: ${(err as Error).message}`);
      this.manifest = old;
      return;
    }
    // Redis marks the replaced files history and deletes them (aofDelHistoryFiles).
    const stale =
      old === undefined ? [] : [...(old.base === undefined ? [] : [old.base]), ...old.history, ...old.incr];
    for (const f of stale) {
      if (f.name === base.name || incr.some((i) => i.name === f.name)) continue;
      try {
        unlinkSync(join(this.dir(), f.name));
      } catch {
        // already gone
      }
    }
    this.waiting = false;
    this.lastRewriteOk = true;
    this.consecutiveFailures = 0;
    this.rewrites++;
    this.baseSize = this.currentSize = this.sizeOfFiles();
    this.host.log('Background AOF rewrite finished successfully');
    this.host.log(`Background AOF rewrite held the event loop in ${job.sliceStats.describe()}`);
  }

  /** CONFIG SET appendonly yes on a running server: rewrite first (startAppendOnly), writes go on meanwhile. */
  turnOn(): void {
    if (this.enabled) return;
    this.enabled = true;
    this.waiting = true;
    // The files of an earlier appendonly period: only their numbering is kept (they are replaced).
    this.manifest = this.manifestOnDisk();
    if (this.rewriteJob !== undefined) {
      this.rewriteJob.cancel();
      this.rewriteJob = undefined;
    }
    this.startRewrite();
    this.startEverysec();
  }

  /** After a replica's full sync: the old files describe another dataset; a new base replaces them. */
  restart(): void {
    if (!this.enabled) return;
    this.turnOff();
    this.turnOn();
  }

  /** CONFIG SET appendonly no: flush, fsync and close; a rewrite in progress is dropped. */
  turnOff(): void {
    if (!this.enabled) return;
    this.enabled = false;
    if (this.rewriteJob !== undefined) {
      this.rewriteJob.cancel();
      this.rewriteJob = undefined;
    }
    this.pendingFirstIncr = undefined;
    this.waiting = false;
    this.closeIncr();
    clearInterval(this.everysecTimer);
    this.everysecTimer = undefined;
  }

  /** serverCron: a scheduled rewrite, or auto-aof-rewrite-percentage / -min-size. */
  cron(): void {
    if (!this.enabled || this.rewriteJob !== undefined) return;
    if (this.host.rdb.bgsaveInProgress()) return;
    if (this.rewriteScheduled) {
      this.startRewrite();
      return;
    }
    const c = this.host.config;
    const pct = c.getNumber('auto-aof-rewrite-percentage');
    if (pct === 0 || this.currentSize < c.getNumber('auto-aof-rewrite-min-size')) return;
    const base = this.baseSize > 0 ? this.baseSize : 1;
    const growth = ((this.currentSize - base) * 100) / base;
    if (growth >= pct) {
      this.host.log(`Starting automatic rewriting of AOF on ${Math.floor(growth)}% growth`);
      this.startRewrite();
    }
  }

  /** Shutdown: what is buffered is written and fsynced (Redis flushAppendOnlyFile(1) + fsync). */
  dispose(): void {
    if (this.rewriteJob !== undefined) {
      this.rewriteJob.cancel();
      this.rewriteJob = undefined;
    }
    this.closeIncr();
    clearInterval(this.everysecTimer);
    this.everysecTimer = undefined;
  }

  rewriteInProgress(): boolean {
    return this.rewriteJob !== undefined;
  }

  /** The INFO persistence aof_* fields (and the aof-only ones when enabled). */
  info(): [string, number | string][] {
    const current =
      this.rewriteJob === undefined ? -1 : Math.floor((Date.now() - this.rewriteStartedMs) / 1000);
    const fields: [string, number | string][] = [
      ['aof_enabled', this.enabled ? 1 : 0],
      ['aof_rewrite_in_progress', this.rewriteJob === undefined ? 0 : 1],
      ['aof_rewrite_scheduled', this.rewriteScheduled ? 1 : 0],
      ['aof_last_rewrite_time_sec', this.lastRewriteSec],
      ['aof_current_rewrite_time_sec', current],
      ['aof_last_bgrewrite_status', this.lastRewriteOk ? 'ok' : 'err'],
      ['aof_rewrites', this.rewrites],
      ['aof_rewrites_consecutive_failures', this.consecutiveFailures],
      ['aof_last_write_status', this.lastWriteOk ? 'ok' : 'err'],
      ['aof_last_cow_size', 0],
    ];
    return fields;
  }

  /** The fields INFO adds after module_fork_* when the AOF is on. */
  enabledInfo(): [string, number | string][] {
    if (!this.enabled) return [];
    return [
      ['aof_current_size', this.currentSize],
      ['aof_base_size', this.baseSize],
      ['aof_pending_rewrite', this.rewriteScheduled ? 1 : 0],
      ['aof_buffer_length', this.pendingBytes],
      ['aof_pending_bio_fsync', this.fsyncInFlight ? 1 : 0],
      ['aof_delayed_fsync', 0],
    ];
  }

  /** For tests and INFO: the manifest in force. */
  currentManifest(): AofManifest | undefined {
    return this.manifest;
  }

  /** The incr file's size on disk (tests). */
  incrSize(): number {
    return this.fd === undefined ? 0 : fstatSync(this.fd).size;
  }
}
