import {
  ERR_INVALID_EXPIRE,
  ERR_NOT_INTEGER,
  ERR_SYNTAX,
  wrongArity,
  NULL,
  OK,
  ONE,
  ZERO,
  bulkOrNull,
  error,
  type Reply,
} from '../../resp/index.js';
import { isOption, parseInt64 } from '../args.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { readString } from './common.js';

const INT64_MAX = 2n ** 63n - 1n;

/** How an expire argument is meant (Redis OBJ_EX / OBJ_PX / OBJ_EXAT / OBJ_PXAT). */
export type ExpireUnit = 'EX' | 'PX' | 'EXAT' | 'PXAT';

/** The options of SET (and of GETEX, which only takes the expiry ones and PERSIST). */
export interface StringSetOptions {
  nx: boolean;
  xx: boolean;
  get: boolean;
  keepTtl: boolean;
  persist: boolean;
  expireUnit: ExpireUnit | undefined;
  expireArg: string | undefined;
}

/**
 * Redis parseExtendedStringArgumentsOrReply: options from argv[start], with its exact conflict rules
 * (an option repeated is fine, a conflicting one is a syntax error). `forGetex` selects GETEX's set.
 */
export function parseStringSetOptions(
  argv: readonly string[],
  start: number,
  forGetex: boolean,
): StringSetOptions | undefined {
  const o: StringSetOptions = {
    nx: false,
    xx: false,
    get: false,
    keepTtl: false,
    persist: false,
    expireUnit: undefined,
    expireArg: undefined,
  };
  for (let j = start; j < argv.length; j++) {
    const opt = argv[j] as string;
    const next = argv[j + 1];
    const noExpire = o.expireUnit === undefined;
    if (!forGetex && isOption(opt, 'NX') && !o.xx) o.nx = true;
    else if (!forGetex && isOption(opt, 'XX') && !o.nx) o.xx = true;
    else if (!forGetex && isOption(opt, 'GET')) o.get = true;
    else if (!forGetex && isOption(opt, 'KEEPTTL') && !o.persist && noExpire) o.keepTtl = true;
    else if (forGetex && isOption(opt, 'PERSIST') && noExpire && !o.keepTtl) o.persist = true;
    else if (isExpireOption(opt) !== undefined && next !== undefined) {
      const unit = isExpireOption(opt) as ExpireUnit;
      if (o.keepTtl || o.persist || (o.expireUnit !== undefined && o.expireUnit !== unit)) return undefined;
      o.expireUnit = unit;
      o.expireArg = next;
      j++;
    } else return undefined;
  }
  return o;
}

function isExpireOption(opt: string): ExpireUnit | undefined {
  for (const unit of ['EX', 'PX', 'EXAT', 'PXAT'] as const) if (isOption(opt, unit)) return unit;
  return undefined;
}

/**
 * Redis getExpireMillisecondsOrReply: the absolute unix ms of an expire argument, or the error
 * reply (`invalid expire time in '<command>' command` for ≤ 0 and overflow).
 */
export function expireAtMs(
  ctx: CommandContext,
  unit: ExpireUnit,
  arg: string,
  commandName: string,
): number | Reply {
  const parsed = parseInt64(arg);
  if (parsed === undefined) return error(ERR_NOT_INTEGER);
  let when = BigInt(parsed);
  const seconds = unit === 'EX' || unit === 'EXAT';
  if (when <= 0n || (seconds && when > INT64_MAX / 1000n)) return error(ERR_INVALID_EXPIRE(commandName));
  if (seconds) when *= 1000n;
  if (unit === 'EX' || unit === 'PX') when += BigInt(ctx.now);
  if (when > INT64_MAX) return error(ERR_INVALID_EXPIRE(commandName));
  return Number(when);
}

/**
 * Redis setGenericCommand: the shared body of SET, SETNX, SETEX and PSETEX. `okReply`/`abortReply`
 * are what SETNX answers instead of OK/nil.
 */
function setGeneric(
  ctx: CommandContext,
  argv: readonly string[],
  key: string,
  value: string,
  options: StringSetOptions,
  commandName: string,
  okReply: Reply = OK,
  abortReply: Reply = NULL,
): Reply {
  let when: number | undefined;
  if (options.expireUnit !== undefined && options.expireArg !== undefined) {
    const parsed = expireAtMs(ctx, options.expireUnit, options.expireArg, commandName);
    if (typeof parsed !== 'number') return parsed;
    when = parsed;
  }
  let old: string | undefined;
  if (options.get) {
    const current = readString(ctx, key);
    if (typeof current === 'object') return current;
    old = current;
  }
  const found = ctx.db.lookupWrite(key, ctx.now) !== undefined;
  if ((options.nx && found) || (options.xx && !found)) {
    return options.get ? bulkOrNull(old) : abortReply;
  }
  ctx.db.setValue(key, value, options.keepTtl);
  if (when !== undefined) ctx.db.setExpire(key, when);
  ctx.keyModified(key);
  if (when !== undefined) ctx.propagateAs([['SET', key, value, 'PXAT', String(when)]]);
  else if (options.get) ctx.propagateAs([argv.filter((a, i) => i < 3 || !isOption(a, 'GET'))]);
  return options.get ? bulkOrNull(old) : okReply;
}

function plainOptions(overrides: Partial<StringSetOptions>): StringSetOptions {
  return {
    nx: false,
    xx: false,
    get: false,
    keepTtl: false,
    persist: false,
    expireUnit: undefined,
    expireArg: undefined,
    ...overrides,
  };
}

/**
 * SET key value [NX | XX] [GET] [EX seconds | PX ms | EXAT unix-s | PXAT unix-ms | KEEPTTL]
 * — sets the string; with an expiry it propagates as `SET key value PXAT <abs-ms>`, with GET it
 * replies the old value (WRONGTYPE if it was not a string, then nothing is set).
 */
export const set: CommandSpec = {
  name: 'set',
  arity: -3,
  flags: ['write', 'denyoom'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['write', 'string', 'slow'],
  run(ctx, argv): Reply {
    const options = parseStringSetOptions(argv, 3, false);
    if (options === undefined) return error(ERR_SYNTAX);
    return setGeneric(ctx, argv, argv[1] as string, argv[2] as string, options, 'set');
  },
};

/** SETNX key value — SET NX replying 1 when set, 0 when the key existed. */
export const setnx: CommandSpec = {
  name: 'setnx',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['write', 'string', 'fast'],
  run(ctx, argv): Reply {
    const options = plainOptions({ nx: true });
    return setGeneric(ctx, argv, argv[1] as string, argv[2] as string, options, 'setnx', ONE, ZERO);
  },
};

/** SETEX key seconds value — SET with EX; propagates as SET … PXAT. */
export const setex: CommandSpec = {
  name: 'setex',
  arity: 4,
  flags: ['write', 'denyoom'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['write', 'string', 'slow'],
  run(ctx, argv): Reply {
    const options = plainOptions({ expireUnit: 'EX', expireArg: argv[2] });
    return setGeneric(ctx, argv, argv[1] as string, argv[3] as string, options, 'setex');
  },
};

/** PSETEX key milliseconds value — SET with PX; propagates as SET … PXAT. */
export const psetex: CommandSpec = {
  name: 'psetex',
  arity: 4,
  flags: ['write', 'denyoom'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['write', 'string', 'slow'],
  run(ctx, argv): Reply {
    const options = plainOptions({ expireUnit: 'PX', expireArg: argv[2] });
    return setGeneric(ctx, argv, argv[1] as string, argv[3] as string, options, 'psetex');
  },
};

/** GETSET key value — sets and replies the old value (nil when absent); propagates as SET. */
export const getset: CommandSpec = {
  name: 'getset',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['write', 'string', 'fast'],
  run(ctx, argv): Reply {
    const key = argv[1] as string;
    const old = readString(ctx, key);
    if (typeof old === 'object') return old;
    ctx.db.setValue(key, argv[2] as string, false);
    ctx.keyModified(key);
    ctx.propagateAs([['SET', key, argv[2] as string]]);
    return bulkOrNull(old);
  },
};

/** MSET key value [key value …] — sets every pair (dropping TTLs); always OK. */
export const mset: CommandSpec = {
  name: 'mset',
  arity: -3,
  flags: ['write', 'denyoom'],
  firstKey: 1,
  lastKey: -1,
  step: 2,
  categories: ['write', 'string', 'slow'],
  run(ctx, argv): Reply {
    if (argv.length % 2 === 0) return error(wrongArity('mset'));
    for (let j = 1; j < argv.length; j += 2) {
      const key = argv[j] as string;
      ctx.db.setValue(key, argv[j + 1] as string, false);
      ctx.keyModified(key);
    }
    return OK;
  },
};

/** MSETNX key value [key value …] — sets them all only if none exists: 1, else 0. */
export const msetnx: CommandSpec = {
  name: 'msetnx',
  arity: -3,
  flags: ['write', 'denyoom'],
  firstKey: 1,
  lastKey: -1,
  step: 2,
  categories: ['write', 'string', 'slow'],
  run(ctx, argv): Reply {
    if (argv.length % 2 === 0) return error(wrongArity('msetnx'));
    for (let j = 1; j < argv.length; j += 2) {
      if (ctx.db.lookupWrite(argv[j] as string, ctx.now) !== undefined) return ZERO;
    }
    for (let j = 1; j < argv.length; j += 2) {
      const key = argv[j] as string;
      ctx.db.setValue(key, argv[j + 1] as string, false);
      ctx.keyModified(key);
    }
    return ONE;
  },
};
