/**
 * Reading a whole RDB file (rdbLoadRioWithLoadingCtx): the "REDIS" header and version, AUX fields,
 * SELECTDB, RESIZEDB, the per-key EXPIRETIME(_MS)/IDLE/FREQ prefixes, every key with its value, EOF
 * and the CRC64 trailer (all zeros = saved with rdbchecksum no). FUNCTION payloads and module AUX data
 * are refused: this server has neither functions nor modules.
 */
import {
  RDB_OPCODE_AUX,
  RDB_OPCODE_EOF,
  RDB_OPCODE_EXPIRETIME,
  RDB_OPCODE_EXPIRETIME_MS,
  RDB_OPCODE_FREQ,
  RDB_OPCODE_FUNCTION,
  RDB_OPCODE_FUNCTION2,
  RDB_OPCODE_IDLE,
  RDB_OPCODE_MODULE_AUX,
  RDB_OPCODE_RESIZEDB,
  RDB_OPCODE_SELECTDB,
  RDB_TYPE_STRING,
  RDB_VERSION,
  RdbError,
} from './constants.js';
import { Crc64 } from './crc64.js';
import { RdbInput, RdbShortRead } from './input.js';
import { RdbUnsupportedType, TYPE_NAMES, isObjectType, readValue, type RdbValue } from './values.js';

export interface RdbKey {
  readonly db: number;
  /** latin1 bytes of the key. */
  readonly key: string;
  readonly typeByte: number;
  readonly value: RdbValue;
  /** Absolute unix ms, when the key has a TTL. */
  readonly expireMs?: number;
  /** LRU idle seconds (RDB_OPCODE_IDLE), saved under an LRU maxmemory-policy. */
  readonly idleSeconds?: number;
  /** LFU counter (RDB_OPCODE_FREQ), saved under an LFU maxmemory-policy. */
  readonly freq?: number;
}

export interface RdbVisitor {
  aux?(key: string, value: string): void;
  selectDb?(db: number): void;
  resizeDb?(dbSize: number, expiresSize: number): void;
  /** A FUNCTION library (RDB_OPCODE_FUNCTION2): its code, `#!lua name=…` line included. */
  function?(code: string): void;
  key(entry: RdbKey): void;
  /**
   * When given, a string key comes here instead of to key(), without the RdbKey and RdbValue objects
   * (a load of millions of strings otherwise makes as many of each, all garbage at once).
   */
  stringKey?(
    db: number,
    key: string,
    value: string,
    expireMs: number | undefined,
    idleSeconds: number | undefined,
    freq: number | undefined,
  ): void;
}

export interface RdbSummary {
  readonly version: number;
  /** 'verified', or 'disabled' when the file was saved with rdbchecksum no (or is older than v5). */
  readonly checksum: 'verified' | 'disabled';
  /** Bytes consumed (the whole file for a well-formed one). */
  readonly size: number;
}

/**
 * Walks the file, calling the visitor for each record, and verifies the checksum at the end. Throws
 * RdbError with what is wrong and at which offset. The visitor may throw to stop (e.g. a key of a type
 * it refuses).
 */
export function readRdb(file: Buffer, visitor: RdbVisitor): RdbSummary {
  const reader = new RdbReader(file, visitor);
  for (;;) {
    const summary = reader.readSome(Infinity);
    if (summary !== undefined) return summary;
  }
}

/**
 * The same walk, resumable: each readSome call reads whole records until about `maxBytes` more of
 * the file are consumed, so a load can hand the event loop back between calls (Redis's
 * processEventsWhileBlocked every loading-process-events-interval-bytes).
 */
export class RdbReader {
  private input: RdbInput;
  readonly version: number;
  private db = 0;
  private expireMs: number | undefined;
  private idleSeconds: number | undefined;
  private freq: number | undefined;
  /** The CRC64 follows the bytes read, slice by slice (no whole-file pass at the end). */
  private readonly crc = new Crc64();
  private crcUpTo = 0;
  /**
   * Streaming (see append): more bytes may follow `file`, so a record cut by its end is read again
   * from its start once they are there. `base` is the payload offset of file[0].
   */
  private streaming = false;
  private base = 0;
  private recordStart = 0;

  /** Checks the header at once: a file that is not an RDB fails here. */
  constructor(
    private file: Buffer,
    private readonly visitor: RdbVisitor,
  ) {
    if (file.length < 9 || file.toString('latin1', 0, 5) !== 'REDIS') {
      throw new RdbError('wrong signature: not an RDB file (no "REDIS" header)');
    }
    const versionText = file.toString('latin1', 5, 9);
    if (!/^\d{4}$/.test(versionText)) throw new RdbError(`bad RDB version field "${versionText}"`);
    const version = Number(versionText);
    if (version < 1 || version > RDB_VERSION) {
      throw new RdbError(`can't handle RDB format version ${version}`);
    }
    this.version = version;
    this.input = new RdbInput(file, 9);
  }

  /** Bytes of the file consumed so far. */
  get position(): number {
    return this.base + this.input.pos;
  }

  /** Bytes given and not consumed yet (streaming: what the reader can go on with before append). */
  get buffered(): number {
    return this.file.length - this.input.pos;
  }

  /**
   * A payload read as it arrives (a replica's full sync): from now on, bytes may follow those given,
   * handed over with append. Until then a record cut by the end of the bytes is not an error: readSome
   * stops before it and reads it again once the rest is appended.
   */
  expectMore(): void {
    this.streaming = true;
  }

  /**
   * The bytes that follow those given so far; `last`: no more will come (a cut record is then an
   * error). Only the bytes not consumed yet are kept.
   */
  append(bytes: Buffer, last: boolean): void {
    const pos = this.input.pos;
    this.crc.update(this.file, this.crcUpTo, pos);
    const rest = this.file.subarray(pos);
    this.base += pos;
    this.file = rest.length === 0 ? bytes : Buffer.concat([rest, bytes]);
    this.input = new RdbInput(this.file, 0);
    this.crcUpTo = 0;
    this.recordStart = 0;
    if (last) this.streaming = false;
  }

  /** Reads records until `maxBytes` more are consumed; the summary once EOF and checksum are read. */
  readSome(maxBytes: number): RdbSummary | undefined {
    if (!this.streaming) return this.readRecords(maxBytes);
    try {
      return this.readRecords(maxBytes);
    } catch (err) {
      if (!(err instanceof RdbShortRead)) throw err;
      // The record goes on in bytes not here yet: it is read again once they are appended.
      this.input.pos = this.recordStart;
      this.crc.update(this.file, this.crcUpTo, this.recordStart);
      this.crcUpTo = this.recordStart;
      return undefined;
    }
  }

  private readRecords(maxBytes: number): RdbSummary | undefined {
    const input = this.input;
    const visitor = this.visitor;
    const stopAt = input.pos + maxBytes;
    while (input.pos < stopAt) {
      const at = input.pos;
      this.recordStart = at;
      const type = input.u8('a record type');
      // Most records of a dataset are string keys: they skip the opcode tests below.
      if (type === RDB_TYPE_STRING) {
        this.readKey(type);
        continue;
      }
      if (type === RDB_OPCODE_EXPIRETIME_MS) {
        this.expireMs = input.millis('an expire time');
        continue;
      }
      if (type === RDB_OPCODE_EXPIRETIME) {
        this.expireMs = input.seconds() * 1000;
        continue;
      }
      if (type === RDB_OPCODE_IDLE) {
        this.idleSeconds = input.len('an idle time');
        continue;
      }
      if (type === RDB_OPCODE_FREQ) {
        this.freq = input.u8('an LFU counter');
        continue;
      }
      if (type === RDB_OPCODE_EOF) return this.finish();
      if (type === RDB_OPCODE_SELECTDB) {
        this.db = input.len('a database number');
        visitor.selectDb?.(this.db);
        continue;
      }
      if (type === RDB_OPCODE_RESIZEDB) {
        const dbSize = input.len('a RESIZEDB size');
        const expiresSize = input.len('a RESIZEDB size');
        visitor.resizeDb?.(dbSize, expiresSize);
        continue;
      }
      if (type === RDB_OPCODE_AUX) {
        const key = input.text('an AUX field name');
        const value = input.text('an AUX field value');
        visitor.aux?.(key, value);
        continue;
      }
      if (type === RDB_OPCODE_MODULE_AUX) {
        throw new RdbError(`module AUX data at offset ${at}: modules are not supported by this server`);
      }
      if (type === RDB_OPCODE_FUNCTION2) {
        visitor.function?.(input.text('a FUNCTION library'));
        continue;
      }
      if (type === RDB_OPCODE_FUNCTION) {
        throw new RdbError(
          `FUNCTION library payload at offset ${at}: the pre-7.0-GA format (RDB_OPCODE_FUNCTION) is not supported`,
        );
      }
      if (!isObjectType(type)) throw new RdbError(`unknown record type ${type} at offset ${at}`);
      this.readKey(type);
    }
    this.crc.update(this.file, this.crcUpTo, input.pos);
    this.crcUpTo = input.pos;
    return undefined;
  }

  private readKey(type: number): void {
    const input = this.input;
    const db = this.db;
    const key = input.text('a key');
    let value: RdbValue | string;
    try {
      // A string for stringKey is read as it is, without its RdbValue.
      value =
        type === RDB_TYPE_STRING && this.visitor.stringKey !== undefined
          ? input.text('a string value')
          : readValue(input, type);
    } catch (err) {
      if (err instanceof RdbShortRead && this.streaming) throw err;
      if (err instanceof RdbUnsupportedType) {
        throw new RdbError(
          `key ${JSON.stringify(key)} (db ${db}) holds a value of type ${err.typeName}, which this server does not support`,
        );
      }
      if (err instanceof RdbError) {
        throw new RdbError(`key ${JSON.stringify(key)} (db ${db}, ${TYPE_NAMES.get(type)}): ${err.message}`);
      }
      throw err;
    }
    const { expireMs, idleSeconds, freq } = this;
    this.expireMs = undefined;
    this.idleSeconds = undefined;
    this.freq = undefined;
    if (typeof value === 'string') {
      this.visitor.stringKey?.(db, key, value, expireMs, idleSeconds, freq);
      return;
    }
    const entry: RdbKey = { db, key, typeByte: type, value };
    this.visitor.key(
      expireMs === undefined && idleSeconds === undefined && freq === undefined
        ? entry
        : { ...entry, expireMs, idleSeconds, freq },
    );
    this.expireMs = undefined;
    this.idleSeconds = undefined;
    this.freq = undefined;
  }

  /** After EOF: the CRC64 trailer (version 5 on), checked unless it is all zeros. */
  private finish(): RdbSummary {
    const input = this.input;
    let checksum: 'verified' | 'disabled' = 'disabled';
    if (this.version >= 5) {
      const eofEnd = input.pos;
      const stored = input.raw(8, 'the CRC64 checksum');
      if (!stored.equals(Buffer.alloc(8))) {
        this.crc.update(this.file, this.crcUpTo, eofEnd);
        const computed = this.crc.digestLE();
        if (!computed.equals(stored)) {
          throw new RdbError(
            `wrong RDB checksum: stored ${stored.toString('hex')}, computed ${computed.toString('hex')}`,
          );
        }
        checksum = 'verified';
      }
    }
    return { version: this.version, checksum, size: this.position };
  }
}
