/**
 * What the string commands share: reading a key as a string (WRONGTYPE otherwise), the
 * proto-max-bulk-len size check, and byte-level conversions of latin1 strings.
 */
import { constants } from 'node:buffer';
import { ERR_STRING_TOO_LONG, ERR_WRONGTYPE, error, type Reply } from '../../resp/index.js';
import { ByteString } from '../../store/index.js';
import type { CommandContext } from '../types.js';

const MAX_STRING_LENGTH = constants.MAX_STRING_LENGTH;

export const WRONGTYPE: Reply = Object.freeze(error(ERR_WRONGTYPE));

/**
 * The string at `key`: the string, undefined when the key is absent, or the WRONGTYPE reply when it
 * holds another type. Callers tell the cases apart with `typeof result === 'object'`.
 */
export function readString(ctx: CommandContext, key: string): string | undefined | Reply {
  const value = ctx.db.lookupRead(key, ctx.now);
  if (value === undefined || typeof value === 'string') return value;
  return value.type === 'string' ? value.text() : WRONGTYPE;
}

/** Like readString, for a value the caller is about to replace or modify. */
export function readStringForWrite(ctx: CommandContext, key: string): string | undefined | Reply {
  const value = ctx.db.lookupWrite(key, ctx.now);
  if (value === undefined || typeof value === 'string') return value;
  return value.type === 'string' ? value.text() : WRONGTYPE;
}

/**
 * The string at `key` as a ByteString to change in place (SETRANGE, SETBIT, BITFIELD), created
 * empty or converted from a bare string once and stored back, TTL kept; or WRONGTYPE. `existed`
 * tells whether the key was there.
 */
export function byteStringForWrite(
  ctx: CommandContext,
  key: string,
): { readonly value: ByteString; readonly existed: boolean } | Reply {
  const current = ctx.db.lookupWrite(key, ctx.now);
  if (current === undefined) return { value: ByteString.from(''), existed: false };
  if (typeof current === 'string') {
    const value = ByteString.from(current);
    ctx.db.setValue(key, value, true);
    return { value, existed: true };
  }
  return current.type === 'string' ? { value: current, existed: true } : WRONGTYPE;
}

/**
 * Redis checkStringLength: a string may not grow past proto-max-bulk-len. V8 strings also stop just
 * short of 512 MB (buffer.constants.MAX_STRING_LENGTH, 2^29 - 24 chars), so a value that Redis could
 * still hold at the very top of the default limit gets the same error here instead of a crash.
 */
export function checkStringLength(ctx: CommandContext, size: number, append: number): Reply | undefined {
  const total = size + append;
  const tooLong = total > ctx.server.config.protoMaxBulkLen || total > MAX_STRING_LENGTH;
  return tooLong ? error(ERR_STRING_TOO_LONG) : undefined;
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
