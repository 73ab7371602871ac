/**
 * What the GEO commands share (geo.c's argument helpers and reply helpers): a longitude,latitude
 * pair, a unit, a radius or a box, a member's position, and coordinates / distances as Redis prints
 * them. Parsers throw the command's error (typed.ts `fail`), in Redis's order.
 */
import {
  ERR_GEO_BOX_NEGATIVE,
  ERR_GEO_HEIGHT_NOT_NUMBER,
  ERR_GEO_INVALID_PAIR,
  ERR_GEO_RADIUS_NEGATIVE,
  ERR_GEO_RADIUS_NOT_NUMBER,
  ERR_GEO_UNIT,
  ERR_GEO_WIDTH_NOT_NUMBER,
  ERR_NOT_FLOAT,
  array,
  bulk,
  type Reply,
} from '../../resp/index.js';
import type { SortedSet } from '../../store/index.js';
import type { ArgCursor } from '../cursor.js';
import { fail } from '../typed.js';
import type { CommandContext } from '../types.js';
import { parseScore } from '../zsets/parse.js';
import { formatFixed, formatHumanLongDouble } from './format.js';
import { GEO_LAT_MAX, GEO_LAT_MIN, GEO_LONG_MAX, GEO_LONG_MIN, decodeScore } from './geohash.js';

/** getDoubleFromObjectOrReply: string2d, with `message` (default "value is not a valid float"). */
export function parseDoubleArg(arg: string, message = ERR_NOT_FLOAT): number {
  const value = parseScore(arg);
  if (value === undefined) fail(message);
  return value;
}

/** extractLongLatOrReply: a longitude and a latitude, within the Web Mercator limits. */
export function parseLonLat(args: ArgCursor): [number, number] {
  const lon = parseDoubleArg(args.string());
  const lat = parseDoubleArg(args.string());
  if (lon < GEO_LONG_MIN || lon > GEO_LONG_MAX || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX) {
    fail(ERR_GEO_INVALID_PAIR(formatFixed(lon, 6), formatFixed(lat, 6)));
  }
  return [lon, lat];
}

/** extractUnitOrReply: meters per unit (m, km, ft, mi; any case). */
export function parseUnit(arg: string): number {
  switch (arg.toLowerCase()) {
    case 'm':
      return 1;
    case 'km':
      return 1000;
    case 'ft':
      return 0.3048;
    case 'mi':
      return 1609.34;
    default:
      return fail(ERR_GEO_UNIT);
  }
}

/** extractDistanceOrReply: `radius unit` → [radius, meters per unit]. */
export function parseRadius(args: ArgCursor): [number, number] {
  const radius = parseDoubleArg(args.string(), ERR_GEO_RADIUS_NOT_NUMBER);
  if (radius < 0) fail(ERR_GEO_RADIUS_NEGATIVE);
  return [radius, parseUnit(args.string())];
}

/** extractBoxOrReply: `width height unit` → [width, height, meters per unit]. */
export function parseBox(args: ArgCursor): [number, number, number] {
  const width = parseDoubleArg(args.string(), ERR_GEO_WIDTH_NOT_NUMBER);
  const height = parseDoubleArg(args.string(), ERR_GEO_HEIGHT_NOT_NUMBER);
  if (height < 0 || width < 0) fail(ERR_GEO_BOX_NEGATIVE);
  return [width, height, parseUnit(args.string())];
}

/** longLatFromMember: a member's decoded position, undefined when it is not in the set. */
export function memberPosition(zset: SortedSet, member: string): [number, number] | undefined {
  const score = zset.score(member);
  return score === undefined ? undefined : decodeScore(score);
}

/** addReplyDoubleDistance: "%.4f" as a bulk string. */
export function distanceReply(meters: number): Reply {
  return bulk(formatFixed(meters, 4));
}

/** addReplyHumanLongDouble of each coordinate: a bulk string in RESP2, a double in RESP3. */
export function coordinatesReply(ctx: CommandContext, xy: readonly [number, number]): Reply {
  const one = (v: number): Reply => {
    const text = formatHumanLongDouble(v);
    return ctx.client.protocol === 3 ? { kind: 'raw', bytes: `,${text}\r\n` } : bulk(text);
  };
  return array([one(xy[0]), one(xy[1])]);
}
