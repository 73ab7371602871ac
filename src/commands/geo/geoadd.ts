/**
 * GEOADD key [NX|XX] [CH] longitude latitude member [longitude latitude member ...]
 *
 * Adds or moves members of the sorted set at key, each scored with its 52-bit geohash. Redis runs
 * it as ZADD (the command is rewritten to `zadd key [options] score member …`, which is also what
 * replicas and the AOF receive), so replies, flags and WRONGTYPE are ZADD's.
 */
import { ERR_SYNTAX, integer, type Reply } from '../../resp/index.js';
import { fail, guarded, writeTyped } from '../typed.js';
import type { CommandContext, CommandSpec } from '../types.js';
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

function parse(argv: readonly string[]): GeoaddArgs {
  let nx = false;
  let xx = false;
  let ch = false;
  let i = 2;
  for (; i < argv.length; i++) {
    const opt = (argv[i] as string).toLowerCase();
    if (opt === 'nx') nx = true;
    else if (opt === 'xx') xx = true;
    else if (opt === 'ch') ch = true;
    else break;
  }
  if ((argv.length - i) % 3 !== 0 || (xx && nx)) fail(ERR_SYNTAX);
  const options = argv.slice(2, i);
  const points: { score: bigint; member: string }[] = [];
  for (; i < argv.length; i += 3) {
    const [lon, lat] = parseLonLat(argv, i);
    points.push({ score: encodeScore(lon, lat) ?? 0n, member: argv[i + 2] as string });
  }
  // ZADD of no pair at all (GEOADD key CH CH CH) is ZADD's syntax error.
  if (points.length === 0) fail(ERR_SYNTAX);
  return { key: argv[1] as string, options, nx, xx, ch, points };
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
    const pairs = args.points.flatMap((p) => [p.score.toString(), p.member]);
    ctx.propagateAs([['zadd', args.key, ...args.options, ...pairs]]);
  }
  return integer(args.ch ? added + changed : added);
}

export const geoadd: CommandSpec = {
  name: 'geoadd',
  arity: -5,
  flags: ['write', 'denyoom'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['write', 'geo', 'slow'],
  run: guarded((ctx, argv) => apply(ctx, parse(argv))),
};
