/**
 * Writing a whole RDB file (rdbSaveRio): "REDIS0010", the AUX fields Redis 7.0 writes, then for each
 * non-empty database SELECTDB, RESIZEDB and every key (EXPIRETIME_MS first when it has a TTL), EOF,
 * and the CRC64 of everything before it (eight zero bytes with rdbchecksum no).
 */
import type { Database, Value } from '../../store/index.js';
import {
  RDB_OPCODE_AUX,
  RDB_OPCODE_EOF,
  RDB_OPCODE_EXPIRETIME_MS,
  RDB_OPCODE_FREQ,
  RDB_OPCODE_FUNCTION2,
  RDB_OPCODE_IDLE,
  RDB_OPCODE_RESIZEDB,
  RDB_OPCODE_SELECTDB,
  RDB_VERSION,
} from './constants.js';
import { crc64LE } from './crc64.js';
import { RdbOutput } from './output.js';
import { valueType, writeValue, type EncodingLimits } from './write-values.js';

/** The version this server reports in redis-ver (clients and tools read it). */
export const REDIS_VERSION = '7.0.15';

export interface RdbWriteOptions {
  readonly compression: boolean;
  readonly checksum: boolean;
  /** An AOF base file (AUX aof-base 1, as rdbSaveInfoAuxFields with RDBFLAGS_AOF_PREAMBLE). */
  readonly aofBase?: boolean;
  readonly limits: EncodingLimits;
  /** Unix seconds for the ctime aux field. */
  readonly ctime: number;
  /** Bytes for the used-mem aux field. */
  readonly usedMem: number;
  /** Further aux fields after the standard ones (repl-stream-db, repl-id, repl-offset). */
  readonly extraAux?: readonly (readonly [string, string])[];
  /** FUNCTION libraries' codes, each saved as an RDB_OPCODE_FUNCTION2 record after the AUX fields. */
  readonly functions?: readonly string[];
  /**
   * Under an LRU / LFU maxmemory-policy, each key's idle seconds / LFU counter, written as IDLE / FREQ
   * records as Redis does (absent for other policies).
   */
  readonly accessOf?: (db: number, key: string) => AccessRecord;
}

/** What an IDLE / FREQ record carries. */
export interface AccessRecord {
  readonly idleSeconds?: number;
  readonly freq?: number;
}

function aux(out: RdbOutput, key: string, value: string): void {
  out.u8(RDB_OPCODE_AUX);
  out.string(key);
  out.string(value);
}

/** "REDIS0010" and the AUX fields (rdbSaveInfoAuxFields). */
export function writeHeader(out: RdbOutput, options: RdbWriteOptions): void {
  out.latin1(`REDIS${String(RDB_VERSION).padStart(4, '0')}`);
  aux(out, 'redis-ver', REDIS_VERSION);
  aux(out, 'redis-bits', '64');
  aux(out, 'ctime', String(options.ctime));
  aux(out, 'used-mem', String(options.usedMem));
  for (const [k, v] of options.extraAux ?? []) aux(out, k, v);
  aux(out, 'aof-base', options.aofBase === true ? '1' : '0');
  // rdbSaveFunctions: the libraries come before any database.
  for (const code of options.functions ?? []) {
    out.u8(RDB_OPCODE_FUNCTION2);
    out.string(code);
  }
}

/** SELECTDB and RESIZEDB before a database's keys. */
export function writeDatabaseStart(out: RdbOutput, index: number, size: number, expires: number): void {
  out.u8(RDB_OPCODE_SELECTDB);
  out.len(index);
  out.u8(RDB_OPCODE_RESIZEDB);
  out.len(size);
  out.len(expires);
}

/** One key (rdbSaveKeyValuePair): EXPIRETIME_MS when it has a TTL, type, key, value. */
export function writeKey(
  out: RdbOutput,
  key: string,
  value: Value,
  expireMs: number | undefined,
  limits: EncodingLimits,
  access?: AccessRecord,
): void {
  if (expireMs !== undefined) {
    out.u8(RDB_OPCODE_EXPIRETIME_MS);
    out.millis(expireMs);
  }
  if (access?.idleSeconds !== undefined) {
    out.u8(RDB_OPCODE_IDLE);
    out.len(access.idleSeconds);
  }
  if (access?.freq !== undefined) {
    out.u8(RDB_OPCODE_FREQ);
    out.u8(access.freq);
  }
  const type = valueType(value, limits);
  out.u8(type);
  out.string(key);
  writeValue(out, value, type, limits);
}

/** Serializes every database into one RDB image (SAVE: the whole file at once). */
export function serializeRdb(databases: readonly Database[], options: RdbWriteOptions): Buffer {
  const out = new RdbOutput(options.compression);
  writeHeader(out, options);
  for (const db of databases) {
    if (db.size === 0) continue;
    writeDatabaseStart(out, db.index, db.size, db.volatileCount);
    const accessOf = options.accessOf;
    for (const [key, value, expireMs] of db.entriesWithExpiry()) {
      writeKey(out, key, value, expireMs, options.limits, accessOf?.(db.index, key));
    }
  }
  out.u8(RDB_OPCODE_EOF);
  const body = out.view();
  const trailer = options.checksum ? crc64LE(body) : Buffer.alloc(8);
  return Buffer.concat([body, trailer]);
}
