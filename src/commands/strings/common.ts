/**
 * What the string commands share: reading a key as a string (WRONGTYPE otherwise, thrown like every
 * command's), the proto-max-bulk-len size check, and byte-level conversions of latin1 strings.
 */
import { constants } from 'node:buffer';
import { ERR_STRING_TOO_LONG } from '../../resp/index.js';
import { ByteString, type Value } from '../../store/index.js';
import { fail, wrongType } from '../typed.js';
import type { CommandContext } from '../types.js';

const MAX_STRING_LENGTH = constants.MAX_STRING_LENGTH;

/** A stored value as a string-typed one (bare or changed in place); undefined when absent; else WRONGTYPE. */
export function asString(value: Value | undefined): string | ByteString | undefined {
  if (value === undefined || typeof value === 'string') return value;
  return value.type === 'string' ? value : wrongType();
}

/** The string at `key`, undefined when the key is absent; WRONGTYPE when it holds another type. */
export function readString(ctx: CommandContext, key: string): string | undefined {
  const value = asString(ctx.db.lookupRead(key, ctx.now));
  return typeof value === 'object' ? value.text() : value;
}

/** Like readString, for a value the caller is about to replace or modify. */
export function readStringForWrite(ctx: CommandContext, key: string): string | undefined {
  const value = asString(ctx.db.lookupWrite(key, ctx.now));
  return typeof value === 'object' ? value.text() : value;
}

/**
 * The string at `key` as a ByteString to change in place (SETRANGE, SETBIT, BITFIELD), created
 * empty or converted from a bare string once and stored back, TTL kept; WRONGTYPE for another type.
 * `existed` tells whether the key was there.
 */
export function byteStringForWrite(
  ctx: CommandContext,
  key: string,
): { readonly value: ByteString; readonly existed: boolean } {
  const current = asString(ctx.db.lookupWrite(key, ctx.now));
  if (current === undefined) return { value: ByteString.from(''), existed: false };
  if (typeof current === 'object') return { value: current, existed: true };
  const value = ByteString.from(current);
  ctx.db.setValue(key, value, true);
  return { value, existed: true };
}

/**
 * Redis checkStringLength: a string may not grow past proto-max-bulk-len. V8 strings also stop just
 * short of 512 MB (buffer.constants.MAX_STRING_LENGTH, 2^29 - 24 chars), so a value that Redis could
 * still hold at the very top of the default limit gets the same error here instead of a crash.
 */
export function checkStringLength(ctx: CommandContext, size: number, append: number): void {
  const total = size + append;
  if (total > ctx.server.config.protoMaxBulkLen || total > MAX_STRING_LENGTH) fail(ERR_STRING_TOO_LONG);
}

/** The bytes of a latin1 string, in a fresh buffer of at least `minLength` bytes (zero-padded). */
export function toBytes(value: string, minLength = 0): Buffer {
  const bytes = Buffer.alloc(Math.max(minLength, value.length));
  bytes.write(value, 0, 'latin1');
  return bytes;
}

export function fromBytes(bytes: Buffer): string {
  return bytes.toString('latin1');
}

/** A parsed int64 as a number when exact, for index arithmetic (clamping beyond ±2^53 is harmless there). */
export function toIndex(n: number | bigint): number {
  return typeof n === 'number' ? n : Number(n);
}
