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
import type { ArgCursor } from '../cursor.js';
import { defineCommand } from '../define.js';
import { fail, readTyped } from '../typed.js';
import type { CommandContext } from '../types.js';
import { coordinatesReply, distanceReply, memberPosition, parseUnit } from './common.js';
import { distance, standardGeohash } from './geohash.js';

interface MembersArgs {
  readonly key: string;
  readonly members: readonly string[];
}

const parseMembers = (args: ArgCursor): MembersArgs => ({ key: args.key(), members: args.rest() });

function geopos(ctx: CommandContext, { key, members }: MembersArgs): Reply {
  const zset = readTyped(ctx, key, 'zset')?.zset;
  return array(
    members.map((member) => {
      const xy = zset === undefined ? undefined : memberPosition(zset, member);
      return xy === undefined ? NULL_ARRAY : coordinatesReply(ctx, xy);
    }),
  );
}

function geohash(ctx: CommandContext, { key, members }: MembersArgs): Reply {
  const zset = readTyped(ctx, key, 'zset')?.zset;
  return array(
    members.map((member) => {
      const xy = zset === undefined ? undefined : memberPosition(zset, member);
      return xy === undefined ? NULL : bulk(standardGeohash(xy[0], xy[1]));
    }),
  );
}

interface GeodistArgs {
  readonly key: string;
  readonly member1: string;
  readonly member2: string;
  readonly toMeters: number;
}

/** More than a unit is a syntax error, then the unit is checked: both before the key is looked up. */
function parseGeodist(args: ArgCursor): GeodistArgs {
  const [key, member1, member2] = [args.key(), args.string(), args.string()];
  if (args.remaining > 1) fail(ERR_SYNTAX);
  const toMeters = args.done ? 1 : parseUnit(args.string());
  return { key, member1, member2, toMeters };
}

function geodist(ctx: CommandContext, { key, member1, member2, toMeters }: GeodistArgs): Reply {
  const zset = readTyped(ctx, key, 'zset')?.zset;
  if (zset === undefined) return NULL;
  const a = memberPosition(zset, member1);
  const b = memberPosition(zset, member2);
  if (a === undefined || b === undefined) return NULL;
  return distanceReply(distance(a[0], a[1], b[0], b[1]) / toMeters);
}

export const geoposCommand = defineCommand({ name: 'geopos', parse: parseMembers, apply: geopos });
export const geohashCommand = defineCommand({ name: 'geohash', parse: parseMembers, apply: geohash });
export const geodistCommand = defineCommand({ name: 'geodist', parse: parseGeodist, apply: geodist });
