/**
 * What every sorted-set command shares: typed key lookup (WRONGTYPE thrown), the store-or-delete rule of the *STORE
 * commands, encoding limits from the config, and the WITHSCORES reply shapes of RESP2 and RESP3.
 */
import { array, bulk, double, type Reply } from '../../resp/index.js';
import { SortedSet, type ZEntry, type ZSetEncoding, type ZSetLimits } from '../../store/index.js';
import { readTyped, wrongType, writeTyped } from '../typed.js';
import type { CommandContext } from '../types.js';

/** lookupKeyRead + checkType(OBJ_ZSET): the set, undefined when absent; WRONGTYPE thrown. */
export function readZSet(ctx: CommandContext, key: string): SortedSet | undefined {
  return readTyped(ctx, key, 'zset')?.zset;
}

/** lookupKeyWrite + checkType(OBJ_ZSET): the caller is about to change the set in place. */
export function writeZSet(ctx: CommandContext, key: string): SortedSet | undefined {
  return writeTyped(ctx, key, 'zset')?.zset;
}

/** An input of ZUNION/ZINTER/ZDIFF: a zset, or a plain set whose members all score 1. */
export type ZInput =
  | { readonly kind: 'zset'; readonly zset: SortedSet }
  | { readonly kind: 'set'; readonly members: ReadonlySet<string> }
  | { readonly kind: 'missing' };

/** An input key of ZUNION/ZINTER/ZDIFF; WRONGTYPE thrown for anything but a zset or a set. */
export function readZInput(ctx: CommandContext, key: string): ZInput {
  const value = ctx.db.lookupRead(key, ctx.now);
  if (value === undefined) return { kind: 'missing' };
  if (typeof value === 'string') return wrongType();
  if (value.type === 'zset') return { kind: 'zset', zset: value.zset };
  if (value.type === 'set') return { kind: 'set', members: value.members };
  return wrongType();
}

/** zset-max-listpack-entries / -value (or their ziplist aliases) from the live config. */
export function zsetLimits(ctx: CommandContext): ZSetLimits {
  const config = ctx.server.config;
  return {
    maxListpackEntries: config.getNumber('zset-max-listpack-entries'),
    maxListpackValue: config.getNumber('zset-max-listpack-value'),
  };
}

/** A new, empty set that follows the server's encoding limits (a listpack at first, like ZADD's). */
export function newZSet(ctx: CommandContext, encoding: ZSetEncoding = 'listpack'): SortedSet {
  return new SortedSet(zsetLimits(ctx), encoding);
}

/** Removes the key once its set became empty (Redis never keeps an empty zset). */
export function deleteIfEmpty(ctx: CommandContext, key: string, zset: SortedSet): void {
  if (zset.size === 0) {
    ctx.db.delete(key);
    ctx.notify('g', 'del', key);
  }
}

/**
 * The end of every *STORE command: a non-empty result replaces dst (dropping its TTL), an empty one
 * deletes dst. Either way a change is counted only when something happened, like Redis.
 */
export function storeResult(ctx: CommandContext, dst: string, result: SortedSet, event: string): number {
  if (result.size > 0) {
    result.convertToListpackIfSmall();
    ctx.db.setValue(dst, { type: 'zset', zset: result }, false);
    ctx.keyModified(dst);
    ctx.notify('z', event, dst);
    return result.size;
  }
  if (ctx.db.delete(dst)) {
    ctx.keyModified(dst);
    ctx.notify('g', 'del', dst);
  }
  return 0;
}

/**
 * Members with scores: RESP2 gets a flat array member, score, member, score…; RESP3 an array of
 * [member, double] pairs (Redis 7.0's zrangeResultEmit* and genericZpopCommand), except where Redis
 * keeps it flat (`nestInResp3` false: ZPOPMIN/ZPOPMAX without a count).
 */
export function entriesReply(
  ctx: CommandContext,
  entries: readonly ZEntry[],
  withScores: boolean,
  nestInResp3 = true,
): Reply {
  if (!withScores) return array(entries.map((e) => bulk(e.member)));
  if (ctx.client.protocol === 3 && nestInResp3) {
    return array(entries.map((e) => array([bulk(e.member), double(e.score)])));
  }
  const items: Reply[] = [];
  for (const e of entries) items.push(bulk(e.member), double(e.score));
  return array(items);
}
