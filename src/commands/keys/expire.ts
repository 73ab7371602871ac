import {
  INT64_MAX,
  INT64_MIN,
  ERR_EXPIRE_FLAGS_GT_LT,
  ERR_EXPIRE_FLAGS_NX,
  ERR_INVALID_EXPIRE,
  ERR_NOT_INTEGER,
  ERR_UNSUPPORTED_OPTION,
  ONE,
  ZERO,
  type Reply,
} from '../../resp/index.js';
import { parseInt64 } from '../args.js';
import type { ArgCursor } from '../cursor.js';
import { defineCommand } from '../define.js';
import { fail } from '../typed.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { alreadyExpired } from './common.js';

interface ExpireFlags {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
}

/** Redis parseExtendedExpireArgumentsOrReply: the flags left on the cursor. */
function parseFlags(args: ArgCursor): ExpireFlags {
  const f: ExpireFlags = { nx: false, xx: false, gt: false, lt: false };
  while (!args.done) {
    if (args.option('NX')) f.nx = true;
    else if (args.option('XX')) f.xx = true;
    else if (args.option('GT')) f.gt = true;
    else if (args.option('LT')) f.lt = true;
    else return fail(ERR_UNSUPPORTED_OPTION(args.string()));
  }
  if (f.nx && (f.xx || f.gt || f.lt)) return fail(ERR_EXPIRE_FLAGS_NX);
  if (f.gt && f.lt) return fail(ERR_EXPIRE_FLAGS_GT_LT);
  return f;
}

/** Whether NX/XX/GT/LT let the new time replace `current` (undefined = no TTL, an infinite one). */
function flagsAllow(f: ExpireFlags, current: number | undefined, when: bigint): boolean {
  if (f.nx && current !== undefined) return false;
  if (f.xx && current === undefined) return false;
  if (f.gt && (current === undefined || when <= BigInt(current))) return false;
  if (f.lt && current !== undefined && when >= BigInt(current)) return false;
  return true;
}

interface ExpireArgs {
  readonly key: string;
  readonly flags: ExpireFlags;
  /** The absolute expiry in unix ms. */
  readonly when: bigint;
}

/**
 * Redis expireGenericCommand's parse, in its order: the flags, then the time (an integer; in range
 * once made absolute). `base` is added to the argument (now for relative forms, 0 for the AT forms).
 */
function parseExpire(args: ArgCursor, base: number, seconds: boolean, commandName: string): ExpireArgs {
  const key = args.key();
  const whenArg = args.string();
  const flags = parseFlags(args);
  const parsed = parseInt64(whenArg);
  if (parsed === undefined) return fail(ERR_NOT_INTEGER);
  let when = BigInt(parsed);
  if (seconds) {
    if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) return fail(ERR_INVALID_EXPIRE(commandName));
    when *= 1000n;
  }
  if (when > INT64_MAX - BigInt(base)) return fail(ERR_INVALID_EXPIRE(commandName));
  return { key, flags, when: when + BigInt(base) };
}

/**
 * A time already past deletes the key and propagates DEL; otherwise the TTL is set and propagated as
 * PEXPIREAT with the absolute time (PEXPIREAT itself propagates as sent).
 */
function expireGeneric(ctx: CommandContext, { key, flags, when }: ExpireArgs, commandName: string): Reply {
  if (ctx.db.lookupWrite(key, ctx.now) === undefined) return ZERO;
  if (!flagsAllow(flags, ctx.db.getExpire(key), when)) return ZERO;
  const whenMs = Number(when);
  if (alreadyExpired(ctx, ctx.db, whenMs)) {
    ctx.db.delete(key);
    ctx.keyModified(key);
    ctx.notify('g', 'del', key);
    ctx.propagateAs([['DEL', key]]);
    return ONE;
  }
  ctx.db.setExpire(key, whenMs);
  ctx.keyModified(key);
  ctx.notify('g', 'expire', key);
  if (commandName !== 'pexpireat') ctx.propagateAs([['PEXPIREAT', key, when.toString()]]);
  return ONE;
}

function expireCommand(name: string, relative: boolean, seconds: boolean): CommandSpec {
  return defineCommand({
    name,
    parse: (args, ctx) => parseExpire(args, relative ? ctx.now : 0, seconds, name),
    apply: (ctx, parsed) => expireGeneric(ctx, parsed, name),
  });
}

/** EXPIRE key seconds [NX | XX | GT | LT] — a TTL in seconds; 1 if set, 0 if the key is absent or a flag refused. */
export const expire = expireCommand('expire', true, true);
/** PEXPIRE key milliseconds [NX | XX | GT | LT] — a TTL in milliseconds. */
export const pexpire = expireCommand('pexpire', true, false);
/** EXPIREAT key unix-time-seconds [NX | XX | GT | LT] — an absolute expiry in seconds. */
export const expireat = expireCommand('expireat', false, true);
/** PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT] — an absolute expiry in milliseconds. */
export const pexpireat = expireCommand('pexpireat', false, false);
