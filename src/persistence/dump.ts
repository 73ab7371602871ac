/**
 * DUMP / RESTORE payloads (cluster.c createDumpPayload / verifyDumpPayload): the value serialized as
 * in an RDB file (type byte + value), then the RDB version as uint16 LE, then the CRC64 of all that
 * as uint64 LE. Interchangeable with real Redis 7.0 in both directions.
 */
import type { Value } from '../store/index.js';
import { RDB_VERSION, RdbError } from './rdb/constants.js';
import { crc64LE } from './rdb/crc64.js';
import { RdbInput } from './rdb/input.js';
import { RdbOutput } from './rdb/output.js';
import { readValue, isObjectType, RdbUnsupportedType } from './rdb/values.js';
import { valueType, writeValue, type EncodingLimits } from './rdb/write-values.js';
import { storeValueOf } from './load.js';

export function dumpPayload(value: Value, limits: EncodingLimits, compression: boolean): Buffer {
  const out = new RdbOutput(compression, 256);
  const type = valueType(value, limits);
  out.u8(type);
  writeValue(out, value, type, limits);
  const version = Buffer.alloc(2);
  version.writeUInt16LE(RDB_VERSION, 0);
  out.bytes(version);
  return Buffer.concat([out.view(), crc64LE(out.view())]);
}

/** verifyDumpPayload: the footer's version is one we read and the checksum matches. */
export function dumpPayloadIsValid(payload: Buffer): boolean {
  if (payload.length < 10) return false;
  const version = payload.readUInt16LE(payload.length - 10);
  if (version > RDB_VERSION) return false;
  return crc64LE(payload, 0, payload.length - 8).equals(payload.subarray(payload.length - 8));
}

export type RestoreOutcome =
  | { readonly kind: 'value'; readonly value: Value }
  /** A payload that passed the checks but cannot be decoded (Redis: "Bad data format"). */
  | { readonly kind: 'bad-format'; readonly detail: string }
  /** A type this server cannot hold (streams, modules). */
  | { readonly kind: 'unsupported'; readonly typeName: string };

/** Decodes a payload already checked with dumpPayloadIsValid. */
export function restorePayload(payload: Buffer, limits: EncodingLimits): RestoreOutcome {
  const input = new RdbInput(payload, 0, payload.length - 10);
  try {
    const type = input.u8('the type');
    if (!isObjectType(type)) return { kind: 'bad-format', detail: `unknown type ${type}` };
    const decoded = readValue(input, type);
    const value = storeValueOf(decoded, limits);
    if (value === undefined) return { kind: 'bad-format', detail: 'empty value' };
    return { kind: 'value', value };
  } catch (err) {
    if (err instanceof RdbUnsupportedType) return { kind: 'unsupported', typeName: err.typeName };
    if (err instanceof RdbError) return { kind: 'bad-format', detail: err.message };
    throw err;
  }
}
