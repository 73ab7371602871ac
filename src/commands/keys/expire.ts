import {
  ERR_EXPIRE_FLAGS_GT_LT,
  ERR_EXPIRE_FLAGS_NX,
  ERR_INVALID_EXPIRE,
  ERR_NOT_INTEGER,
  ERR_UNSUPPORTED_OPTION,
  ONE,
  ZERO,
  error,
  type Reply,
} from '../../resp/index.js';
import { isOption, parseInt64 } from '../args.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { alreadyExpired } from './common.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

interface ExpireFlags {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
}

/** Redis parseExtendedExpireArgumentsOrReply. */
function parseFlags(argv: readonly string[]): ExpireFlags | Reply {
  const f: ExpireFlags = { nx: false, xx: false, gt: false, lt: false };
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j] as string;
    if (isOption(opt, 'NX')) f.nx = true;
    else if (isOption(opt, 'XX')) f.xx = true;
    else if (isOption(opt, 'GT')) f.gt = true;
    else if (isOption(opt, 'LT')) f.lt = true;
    else return error(ERR_UNSUPPORTED_OPTION(opt));
  }
  if (f.nx && (f.xx || f.gt || f.lt)) return error(ERR_EXPIRE_FLAGS_NX);
  if (f.gt && f.lt) return error(ERR_EXPIRE_FLAGS_GT_LT);
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

/**
 * Redis expireGenericCommand. `base` is added to the argument (now for relative forms, 0 for the AT
 * forms). A time already past deletes the key and propagates DEL; otherwise the TTL is set and
 * propagated as PEXPIREAT with the absolute time (PEXPIREAT itself propagates as sent).
 */
function expireGeneric(
  ctx: CommandContext,
  argv: readonly string[],
  base: number,
  seconds: boolean,
  commandName: string,
): Reply {
  const key = argv[1] as string;
  const flags = parseFlags(argv);
  if ('kind' in flags) return flags;
  const parsed = parseInt64(argv[2] as string);
  if (parsed === undefined) return error(ERR_NOT_INTEGER);
  let when = BigInt(parsed);
  if (seconds) {
    if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) return error(ERR_INVALID_EXPIRE(commandName));
    when *= 1000n;
  }
  if (when > INT64_MAX - BigInt(base)) return error(ERR_INVALID_EXPIRE(commandName));
  when += BigInt(base);
  if (ctx.db.lookupWrite(key, ctx.now) === undefined) return ZERO;
  if (!flagsAllow(flags, ctx.db.getExpire(key), when)) return ZERO;
  const whenMs = Number(when);
  if (alreadyExpired(ctx, ctx.db, whenMs)) {
    ctx.db.delete(key);
    ctx.keyModified(key);
    ctx.propagateAs([['DEL', key]]);
    return ONE;
  }
  ctx.db.setExpire(key, whenMs);
  ctx.keyModified(key);
  if (commandName !== 'pexpireat') ctx.propagateAs([['PEXPIREAT', key, when.toString()]]);
  return ONE;
}

function expireSpec(name: string, relative: boolean, seconds: boolean): CommandSpec {
  return {
    name,
    arity: -3,
    flags: ['write', 'fast'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    categories: ['keyspace', 'write', 'fast'],
    run: (ctx, argv) => expireGeneric(ctx, argv, relative ? ctx.now : 0, seconds, name),
  };
}

/** EXPIRE key seconds [NX | XX | GT | LT] — a TTL in seconds; 1 if set, 0 if the key is absent or a flag refused. */
export const expire = expireSpec('expire', true, true);
/** PEXPIRE key milliseconds [NX | XX | GT | LT] — a TTL in milliseconds. */
export const pexpire = expireSpec('pexpire', true, false);
/** EXPIREAT key unix-time-seconds [NX | XX | GT | LT] — an absolute expiry in seconds. */
export const expireat = expireSpec('expireat', false, true);
/** PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT] — an absolute expiry in milliseconds. */
export const pexpireat = expireSpec('pexpireat', false, false);
