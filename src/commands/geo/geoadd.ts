/**
 * GEOADD key [NX|XX] [CH] longitude latitude member [longitude latitude member ...]
 *
 * Adds or moves members of the sorted set at key, each scored with its 52-bit geohash. Redis runs
 * it as ZADD (the command is rewritten to `zadd key [options] score member …`, which is also what
 * replicas and the AOF receive), so replies, flags and WRONGTYPE are ZADD's.
 */
import { ERR_SYNTAX, integer, type Reply } from '../../resp/index.js';
import type { ArgCursor } from '../cursor.js';
import { defineCommand } from '../define.js';
import { fail, writeTyped } from '../typed.js';
import type { CommandContext } from '../types.js';
import { newZSet } from '../zsets/common.js';
import { parseLonLat } from './common.js';
import { encodeScore } from './geohash.js';

interface GeoaddArgs {
  readonly key: string;
  /** The option words as the client sent them (they go into the ZADD that is propagated). */
  readonly options: readonly string[];
  readonly nx: boolean;
  readonly xx: boolean;
  readonly ch: boolean;
  readonly points: readonly { readonly score: bigint; readonly member: string }[];
}

const OPTIONS = ['NX', 'XX', 'CH'] as const;

/** geoaddCommand's parse: options, the triple count and NX+XX, then every pair in order. */
function parse(args: ArgCursor): GeoaddArgs {
  const key = args.key();
  const options: string[] = [];
  const seen = new Set<string>();
  for (;;) {
    const word = args.peek();
    const option = OPTIONS.find((o) => args.option(o));
    if (option === undefined || word === undefined) break;
    options.push(word);
    seen.add(option);
  }
  const nx = seen.has('NX');
  const xx = seen.has('XX');
  if (args.remaining % 3 !== 0 || (xx && nx)) fail(ERR_SYNTAX);
  const points: { score: bigint; member: string }[] = [];
  while (!args.done) {
    const [lon, lat] = parseLonLat(args);
    points.push({ score: encodeScore(lon, lat) ?? 0n, member: args.string() });
  }
  // ZADD of no pair at all (GEOADD key CH CH CH) is ZADD's syntax error.
  if (points.length === 0) fail(ERR_SYNTAX);
  return { key, options, nx, xx, ch: seen.has('CH'), points };
}

function apply(ctx: CommandContext, args: GeoaddArgs): Reply {
  const found = writeTyped(ctx, args.key, 'zset');
  let zset = found?.zset;
  if (zset === undefined && !args.xx) {
    zset = newZSet(ctx);
    ctx.db.add(args.key, { type: 'zset', zset });
  }
  let added = 0;
  let changed = 0;
  if (zset !== undefined) {
    for (const { score, member } of args.points) {
      const value = Number(score);
      const current = zset.score(member);
      if (current === undefined) {
        if (args.xx) continue;
        zset.set(member, value);
        added++;
      } else if (!args.nx && current !== value) {
        zset.set(member, value);
        changed++;
      }
    }
    if (zset.size === 0) ctx.db.delete(args.key);
  }
  if (added + changed > 0) {
    ctx.keyModified(args.key);
    ctx.notify('z', 'zadd', args.key); // GEOADD runs as ZADD in Redis (geoaddCommand → zaddCommand)
    const pairs = args.points.flatMap((p) => [p.score.toString(), p.member]);
    ctx.propagateAs([['zadd', args.key, ...args.options, ...pairs]]);
  }
  return integer(args.ch ? added + changed : added);
}

export const geoadd = defineCommand({ name: 'geoadd', parse, apply });
