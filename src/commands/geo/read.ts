/**
 * GEOPOS key [member ...]               each member's [longitude, latitude], or a null array
 * GEOHASH key [member ...]              each member's 11-character standard geohash, or null
 * GEODIST key member1 member2 [M|KM|FT|MI]
 *                                       the distance ("%.4f", meters by default), null when a
 *                                       member or the key is missing
 *
 * Positions are decoded from the members' scores, so they are the centres of 26-bit cells (what
 * GEOADD stored), not the exact input.
 */
import { ERR_SYNTAX, NULL, NULL_ARRAY, array, bulk, type Reply } from '../../resp/index.js';
import { fail, guarded, readTyped } from '../typed.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { coordinatesReply, distanceReply, memberPosition, parseUnit } from './common.js';
import { distance, standardGeohash } from './geohash.js';

function geopos(ctx: CommandContext, argv: readonly string[]): Reply {
  const zset = readTyped(ctx, argv[1] as string, 'zset')?.zset;
  return array(
    argv.slice(2).map((member) => {
      const xy = zset === undefined ? undefined : memberPosition(zset, member);
      return xy === undefined ? NULL_ARRAY : coordinatesReply(ctx, xy);
    }),
  );
}

function geohash(ctx: CommandContext, argv: readonly string[]): Reply {
  const zset = readTyped(ctx, argv[1] as string, 'zset')?.zset;
  return array(
    argv.slice(2).map((member) => {
      const xy = zset === undefined ? undefined : memberPosition(zset, member);
      return xy === undefined ? NULL : bulk(standardGeohash(xy[0], xy[1]));
    }),
  );
}

function geodist(ctx: CommandContext, argv: readonly string[]): Reply {
  let toMeters = 1;
  if (argv.length === 5) toMeters = parseUnit(argv[4] as string);
  else if (argv.length > 5) fail(ERR_SYNTAX);
  const zset = readTyped(ctx, argv[1] as string, 'zset')?.zset;
  if (zset === undefined) return NULL;
  const a = memberPosition(zset, argv[2] as string);
  const b = memberPosition(zset, argv[3] as string);
  if (a === undefined || b === undefined) return NULL;
  return distanceReply(distance(a[0], a[1], b[0], b[1]) / toMeters);
}

const readonlyGeo = {
  flags: ['readonly'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['read', 'geo', 'slow'],
} as const;

export const geoposCommand: CommandSpec = { name: 'geopos', arity: -2, ...readonlyGeo, run: guarded(geopos) };
export const geohashCommand: CommandSpec = {
  name: 'geohash',
  arity: -2,
  ...readonlyGeo,
  run: guarded(geohash),
};
export const geodistCommand: CommandSpec = {
  name: 'geodist',
  arity: -4,
  ...readonlyGeo,
  run: guarded(geodist),
};
