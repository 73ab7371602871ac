/**
 * The server's RDB persistence (rdb.c's rdbSave/rdbLoad plus the bits of server.c around them): the
 * file at `dir`/`dbfilename`, loaded once before the server listens; SAVE, SHUTDOWN/SIGTERM and
 * FLUSHALL saves; save points checked by the server cron; DEBUG RELOAD; DUMP/RESTORE with the same
 * encodings; the INFO persistence numbers.
 *
 * Saves are synchronous (like SAVE): the fork-less background snapshot is not built yet, so a save
 * point blocks clients for the time of the save, as SAVE does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RedisConfig } from '../config/index.js';
import type { Keyspace, Value } from '../store/index.js';
import { dumpPayload, dumpPayloadIsValid, restorePayload, type RestoreOutcome } from './dump.js';
import { writeFileAtomically } from './files.js';
import { loadRdb, type LoadResult } from './load.js';
import { RdbError } from './rdb/constants.js';
import { serializeRdb } from './rdb/writer.js';
import type { EncodingLimits } from './rdb/write-values.js';

/** What the server lends persistence. */
export interface PersistenceHost {
  readonly keyspace: Keyspace;
  readonly config: RedisConfig;
  /** Redis server.dirty: changes since the last save (reset by a successful save). */
  readonly stats: { dirty: number };
  log(line: string): void;
}

/** A file that could not be loaded: names it and says what is wrong. */
export class RdbLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RdbLoadError';
  }
}

export class RdbPersistence {
  private lastSaveSec: number;
  private lastSaveOk = true;
  private saves = 0;
  private lastLoad: LoadResult | undefined;
  /** AUX fields of the file loaded at start (repl-id, repl-offset, aof-base…). */
  loadedAux: ReadonlyMap<string, string> = new Map();

  constructor(private readonly host: PersistenceHost) {
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
   * Loads the RDB file into the (empty) keyspace, if there is one. Throws RdbLoadError naming the file
   * and the problem; the caller must then stop without saving anything over it.
   */
  loadAtStart(): void {
    const path = this.filePath();
    if (!existsSync(path)) return;
    const started = Date.now();
    this.lastLoad = this.loadFile(path);
    this.loadedAux = this.lastLoad.aux;
    const secs = ((Date.now() - started) / 1000).toFixed(3);
    this.host.log(`DB loaded from disk: ${secs} seconds (${this.lastLoad.keysLoaded} keys from ${path})`);
  }

  private loadFile(path: string): LoadResult {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (err) {
      throw new RdbLoadError(`Fatal error loading the DB file ${path}: ${(err as Error).message}. Exiting.`);
    }
    try {
      return loadRdb(bytes, this.host.keyspace, {
        limits: this.limits(),
        nowMs: Date.now(),
        dropExpired: true,
      });
    } catch (err) {
      if (err instanceof RdbError) {
        throw new RdbLoadError(`Short read or OOM loading DB file ${path}: ${err.message}. Unrecoverable error, aborting now.`);
      }
      throw err;
    }
  }

  /** SAVE: writes the file; returns undefined, or the error that stopped it (the old file is intact). */
  save(): string | undefined {
    const c = this.host.config;
    const path = this.filePath();
    try {
      const bytes = serializeRdb(this.host.keyspace.databases, {
        compression: c.getBool('rdbcompression'),
        checksum: c.getBool('rdbchecksum'),
        limits: this.limits(),
        ctime: Math.floor(Date.now() / 1000),
        usedMem: process.memoryUsage().rss,
      });
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

  /** SAVE (and a save point's save): like save(), counted in rdb_saves as Redis counts them. */
  saveCommand(): string | undefined {
    this.saves++;
    return this.save();
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
    const dirty = this.host.stats.dirty;
    if (dirty === 0) return;
    const nowSec = Math.floor(nowMs / 1000);
    const elapsed = nowSec - this.lastSaveSec;
    for (const p of this.host.config.saveParams()) {
      if (dirty >= p.changes && elapsed > p.seconds && (this.lastSaveOk || elapsed > 5)) {
        this.host.log(`${p.changes} changes in ${p.seconds} seconds. Saving...`);
        const failed = this.saveCommand() !== undefined;
        this.lastSaveOk = !failed;
        if (failed) this.lastSaveSec = nowSec; // retry delay counts from the failure
        return;
      }
    }
  }

  /** DEBUG RELOAD: save, empty every database, load the file again. */
  reload(): string | undefined {
    const problem = this.save();
    if (problem !== undefined) return problem;
    for (const db of this.host.keyspace.databases) db.clear();
    try {
      this.lastLoad = this.loadFile(this.filePath());
    } catch (err) {
      return (err as Error).message;
    }
    return undefined;
  }

  dump(value: Value): Buffer {
    return dumpPayload(value, this.limits(), this.host.config.getBool('rdbcompression'));
  }

  /** RESTORE's payload checks and decoding; undefined when the version or checksum is wrong. */
  restore(payload: Buffer): RestoreOutcome | undefined {
    if (!dumpPayloadIsValid(payload)) return undefined;
    return restorePayload(payload, this.limits());
  }

  /** SHUTDOWN SAVE and FLUSHALL (not counted in rdb_saves, as in Redis). */
  saveNow(): string | undefined {
    return this.save();
  }

  lastSaveTime(): number {
    return this.lastSaveSec;
  }
  rdbSaves(): number {
    return this.saves;
  }
  bgsaveInProgress(): boolean {
    return false;
  }
  lastBgsaveStatus(): 'ok' | 'err' {
    return this.lastSaveOk ? 'ok' : 'err';
  }
  lastLoadKeys(): { loaded: number; expired: number } {
    return { loaded: this.lastLoad?.keysLoaded ?? 0, expired: this.lastLoad?.keysExpired ?? 0 };
  }
}
