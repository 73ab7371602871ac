import { ONE, ZERO, integer, type Reply } from '../../resp/index.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { defineCommand } from '../define.js';

/**
 * Redis ttlGenericCommand: -2 when the key is absent, -1 without a TTL, else the remaining time
 * (or the absolute time) in ms or seconds (rounded to nearest), never below 0.
 */
function ttlGeneric(ctx: CommandContext, key: string, ms: boolean, absolute: boolean): Reply {
  if (ctx.db.lookupRead(key, ctx.now) === undefined) return integer(-2);
  const expire = ctx.db.getExpire(key);
  if (expire === undefined) return integer(-1);
  const ttl = Math.max(0, absolute ? expire : expire - ctx.now);
  return integer(ms ? ttl : Math.floor((ttl + 500) / 1000));
}

function ttlCommand(name: string, ms: boolean, absolute: boolean): CommandSpec {
  return defineCommand({
    name,
    parse: (args) => args.key(),
    apply: (ctx, key) => ttlGeneric(ctx, key, ms, absolute),
  });
}

/** TTL key — seconds left. */
export const ttl = ttlCommand('ttl', false, false);
/** PTTL key — milliseconds left. */
export const pttl = ttlCommand('pttl', true, false);
/** EXPIRETIME key — the absolute expiry, unix seconds. */
export const expiretime = ttlCommand('expiretime', false, true);
/** PEXPIRETIME key — the absolute expiry, unix milliseconds. */
export const pexpiretime = ttlCommand('pexpiretime', true, true);

/** PERSIST key — removes the TTL: 1 if there was one, 0 otherwise. */
export const persist = defineCommand({
  name: 'persist',
  parse: (args) => args.key(),
  apply(ctx, key) {
    if (ctx.db.lookupWrite(key, ctx.now) === undefined) return ZERO;
    if (!ctx.db.removeExpire(key)) return ZERO;
    ctx.keyModified(key);
    ctx.notify('g', 'persist', key);
    return ONE;
  },
});
