/**
 * Writing a whole RDB file (rdbSaveRio): "REDIS0010", the AUX fields Redis 7.0 writes, then for each
 * non-empty database SELECTDB, RESIZEDB and every key (EXPIRETIME_MS first when it has a TTL), EOF,
 * and the CRC64 of everything before it (eight zero bytes with rdbchecksum no).
 */
import type { Database } from '../../store/index.js';
import {
  RDB_OPCODE_AUX,
  RDB_OPCODE_EOF,
  RDB_OPCODE_EXPIRETIME_MS,
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
  readonly limits: EncodingLimits;
  /** Unix seconds for the ctime aux field. */
  readonly ctime: number;
  /** Bytes for the used-mem aux field. */
  readonly usedMem: number;
  /** Further aux fields after the standard ones (repl-stream-db, repl-id, repl-offset). */
  readonly extraAux?: readonly (readonly [string, string])[];
}

function aux(out: RdbOutput, key: string, value: string): void {
  out.u8(RDB_OPCODE_AUX);
  out.string(key);
  out.string(value);
}

/** Serializes every database into one RDB image. */
export function serializeRdb(databases: readonly Database[], options: RdbWriteOptions): Buffer {
  const out = new RdbOutput(options.compression);
  out.latin1(`REDIS${String(RDB_VERSION).padStart(4, '0')}`);
  aux(out, 'redis-ver', REDIS_VERSION);
  aux(out, 'redis-bits', '64');
  aux(out, 'ctime', String(options.ctime));
  aux(out, 'used-mem', String(options.usedMem));
  for (const [k, v] of options.extraAux ?? []) aux(out, k, v);
  aux(out, 'aof-base', '0');
  for (const db of databases) {
    if (db.size === 0) continue;
    out.u8(RDB_OPCODE_SELECTDB);
    out.len(db.index);
    out.u8(RDB_OPCODE_RESIZEDB);
    out.len(db.size);
    out.len(db.expiresCount);
    for (const [key, value, expireMs] of db.entriesWithExpiry()) {
      if (expireMs !== undefined) {
        out.u8(RDB_OPCODE_EXPIRETIME_MS);
        out.millis(expireMs);
      }
      const type = valueType(value, options.limits);
      out.u8(type);
      out.string(key);
      writeValue(out, value, type, options.limits);
    }
  }
  out.u8(RDB_OPCODE_EOF);
  const body = out.view();
  const trailer = options.checksum ? crc64LE(body) : Buffer.alloc(8);
  return Buffer.concat([body, trailer]);
}
