import {
  INT64_MAX,
  ERR_INVALID_EXPIRE,
  ERR_NOT_INTEGER,
  ERR_SYNTAX,
  wrongArity,
  NULL,
  OK,
  ONE,
  ZERO,
  bulkOrNull,
  type Reply,
} from '../../resp/index.js';
import { isOption, parseInt64 } from '../args.js';
import type { ArgCursor } from '../cursor.js';
import { defineCommand } from '../define.js';
import { fail } from '../typed.js';
import type { CommandContext } from '../types.js';
import { readString } from './common.js';

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

const EXPIRE_UNITS = ['EX', 'PX', 'EXAT', 'PXAT'] as const;

/**
 * Redis parseExtendedStringArgumentsOrReply: the options left on the cursor, with its exact conflict
 * rules (an option repeated is fine, a conflicting one is a syntax error). `forGetex` selects GETEX's set.
 */
export function parseStringSetOptions(args: ArgCursor, forGetex: boolean): Readonly<StringSetOptions> {
  // A plain SET (most of them, and every one a replica applies) shares one options object.
  if (args.done) return NO_OPTIONS;
  const o = plainOptions({});
  while (!args.done) {
    const noExpire = o.expireUnit === undefined;
    if (!forGetex && !o.xx && args.option('NX')) o.nx = true;
    else if (!forGetex && !o.nx && args.option('XX')) o.xx = true;
    else if (!forGetex && args.option('GET')) o.get = true;
    else if (!forGetex && !o.persist && noExpire && args.option('KEEPTTL')) o.keepTtl = true;
    else if (forGetex && noExpire && !o.keepTtl && args.option('PERSIST')) o.persist = true;
    else {
      const unit = EXPIRE_UNITS.find((u) => isOption(args.peek(), u));
      if (unit === undefined || args.remaining < 2) return fail(ERR_SYNTAX);
      if (o.keepTtl || o.persist || (o.expireUnit !== undefined && o.expireUnit !== unit))
        return fail(ERR_SYNTAX);
      args.string();
      o.expireUnit = unit;
      o.expireArg = args.string();
    }
  }
  return o;
}

/**
 * Redis getExpireMillisecondsOrReply: the absolute unix ms of an expire argument; fails with
 * `invalid expire time in '<command>' command` for ≤ 0 and overflow.
 */
export function expireAtMs(ctx: CommandContext, unit: ExpireUnit, arg: string, commandName: string): number {
  const parsed = parseInt64(arg);
  if (parsed === undefined) return fail(ERR_NOT_INTEGER);
  let when = BigInt(parsed);
  const seconds = unit === 'EX' || unit === 'EXAT';
  if (when <= 0n || (seconds && when > INT64_MAX / 1000n)) return fail(ERR_INVALID_EXPIRE(commandName));
  if (seconds) when *= 1000n;
  if (unit === 'EX' || unit === 'PX') when += BigInt(ctx.now);
  if (when > INT64_MAX) return fail(ERR_INVALID_EXPIRE(commandName));
  return Number(when);
}

interface SetArgs {
  readonly key: string;
  readonly value: string;
  readonly options: Readonly<StringSetOptions>;
  /** The command line, for propagation (SET … GET propagates without the GET). */
  readonly argv: readonly string[];
}

/**
 * Redis setGenericCommand: the shared body of SET, SETNX, SETEX and PSETEX. `okReply`/`abortReply`
 * are what SETNX answers instead of OK/nil; `commandName` is the real name errors show (not a renamed one).
 */
function setGeneric(
  ctx: CommandContext,
  { key, value, options, argv }: SetArgs,
  commandName: string,
  okReply: Reply = OK,
  abortReply: Reply = NULL,
): Reply {
  const when =
    options.expireUnit !== undefined && options.expireArg !== undefined
      ? expireAtMs(ctx, options.expireUnit, options.expireArg, commandName)
      : undefined;
  const old = options.get ? readString(ctx, key) : undefined;
  const found = ctx.db.lookupWrite(key, ctx.now) !== undefined;
  if ((options.nx && found) || (options.xx && !found)) {
    return options.get ? bulkOrNull(old) : abortReply;
  }
  ctx.db.setValue(key, value, options.keepTtl);
  if (when !== undefined) ctx.db.setExpire(key, when);
  ctx.keyModified(key);
  ctx.notify('$', 'set', key);
  if (when !== undefined) ctx.notify('g', 'expire', key);
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

const NO_OPTIONS: Readonly<StringSetOptions> = Object.freeze(plainOptions({}));

/**
 * SET key value [NX | XX] [GET] [EX seconds | PX ms | EXAT unix-s | PXAT unix-ms | KEEPTTL]
 * — sets the string; with an expiry it propagates as `SET key value PXAT <abs-ms>`, with GET it
 * replies the old value (WRONGTYPE if it was not a string, then nothing is set).
 */
export const set = defineCommand({
  name: 'set',
  parse: (args): SetArgs => ({
    key: args.key(),
    value: args.string(),
    options: parseStringSetOptions(args, false),
    argv: args.argv,
  }),
  apply: (ctx, parsed) => setGeneric(ctx, parsed, 'set'),
});

/** SETNX key value — SET NX replying 1 when set, 0 when the key existed. */
export const setnx = defineCommand({
  name: 'setnx',
  parse: (args): SetArgs => ({
    key: args.key(),
    value: args.string(),
    options: plainOptions({ nx: true }),
    argv: args.argv,
  }),
  apply: (ctx, parsed) => setGeneric(ctx, parsed, 'setnx', ONE, ZERO),
});

/** SETEX key seconds value — SET with EX; propagates as SET … PXAT. */
export const setex = defineCommand({
  name: 'setex',
  parse: (args): SetArgs => {
    const key = args.key();
    const options = plainOptions({ expireUnit: 'EX', expireArg: args.string() });
    return { key, value: args.string(), options, argv: args.argv };
  },
  apply: (ctx, parsed) => setGeneric(ctx, parsed, 'setex'),
});

/** PSETEX key milliseconds value — SET with PX; propagates as SET … PXAT. */
export const psetex = defineCommand({
  name: 'psetex',
  parse: (args): SetArgs => {
    const key = args.key();
    const options = plainOptions({ expireUnit: 'PX', expireArg: args.string() });
    return { key, value: args.string(), options, argv: args.argv };
  },
  apply: (ctx, parsed) => setGeneric(ctx, parsed, 'psetex'),
});

/** GETSET key value — sets and replies the old value (nil when absent); propagates as SET. */
export const getset = defineCommand({
  name: 'getset',
  parse: (args) => ({ key: args.key(), value: args.string() }),
  apply(ctx, { key, value }) {
    const old = readString(ctx, key);
    ctx.db.setValue(key, value, false);
    ctx.keyModified(key);
    ctx.notify('$', 'set', key);
    ctx.propagateAs([['SET', key, value]]);
    return bulkOrNull(old);
  },
});

/** The key value pairs of MSET/MSETNX; an odd count is Redis's arity error for the command. */
function parsePairs(args: ArgCursor, name: string): [string, string][] {
  if (args.remaining % 2 !== 0) return fail(wrongArity(name));
  const pairs: [string, string][] = [];
  while (!args.done) pairs.push([args.key(), args.string()]);
  return pairs;
}

/** MSET key value [key value …] — sets every pair (dropping TTLs); always OK. */
export const mset = defineCommand({
  name: 'mset',
  parse: (args) => parsePairs(args, 'mset'),
  apply(ctx, pairs) {
    for (const [key, value] of pairs) {
      ctx.db.setValue(key, value, false);
      ctx.keyModified(key);
      ctx.notify('$', 'set', key);
    }
    return OK;
  },
});

/** MSETNX key value [key value …] — sets them all only if none exists: 1, else 0. */
export const msetnx = defineCommand({
  name: 'msetnx',
  parse: (args) => parsePairs(args, 'msetnx'),
  apply(ctx, pairs) {
    for (const [key] of pairs) {
      if (ctx.db.lookupWrite(key, ctx.now) !== undefined) return ZERO;
    }
    for (const [key, value] of pairs) {
      ctx.db.setValue(key, value, false);
      ctx.keyModified(key);
      ctx.notify('$', 'set', key);
    }
    return ONE;
  },
});
