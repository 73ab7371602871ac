/**
 * GEORADIUS key longitude latitude radius M|KM|FT|MI [WITHCOORD] [WITHDIST] [WITHHASH]
 *           [COUNT count [ANY]] [ASC|DESC] [STORE key] [STOREDIST key]
 * GEORADIUSBYMEMBER key member radius M|KM|FT|MI … (the same options)
 * GEORADIUS_RO / GEORADIUSBYMEMBER_RO  the same without STORE / STOREDIST
 * GEOSEARCH key FROMMEMBER member | FROMLONLAT longitude latitude
 *           BYRADIUS radius unit | BYBOX width height unit
 *           [ASC|DESC] [COUNT count [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]
 * GEOSEARCHSTORE destination source … (GEOSEARCH's area and order) [STOREDIST]
 *
 * Members within a circle or a box around a point or a member (geo.c georadiusGeneric): the nine
 * geohash boxes covering the shape are scanned as score ranges of the sorted set, each candidate is
 * kept when its decoded position is inside the shape, then the matches are sorted by distance
 * (COUNT without ANY sorts ascending; with COUNT n < matches Redis partially sorts with pqsort).
 * The STORE forms write a sorted set of the matches scored by geohash, or by distance in the
 * query's unit (STOREDIST), and reply its size; they propagate themselves.
 */
import {
  ERR_GEO_ANY_NEEDS_COUNT,
  ERR_GEO_BY,
  ERR_GEO_COUNT,
  ERR_GEO_FROM,
  ERR_GEO_MEMBER,
  ERR_GEO_STORE_WITH,
  ERR_SYNTAX,
  EMPTY_ARRAY,
  ZERO,
  array,
  bulk,
  integer,
  type Reply,
} from '../../resp/index.js';
import type { SortedSet } from '../../store/index.js';
import type { ArgCursor } from '../cursor.js';
import { defineCommand } from '../define.js';
import { fail, readTyped } from '../typed.js';
import type { CommandContext } from '../types.js';
import { newZSet, storeResult } from '../zsets/common.js';
import {
  coordinatesReply,
  distanceReply,
  memberPosition,
  parseBox,
  parseLonLat,
  parseRadius,
} from './common.js';
import {
  align52Bits,
  areasByShape,
  decodeScore,
  distanceIfWithin,
  isZeroHash,
  type GeoShape,
} from './geohash.js';
import { pqsort } from './pqsort.js';

/** Which command of the family runs (georadiusGeneric's flags). */
interface Variant {
  /** Where the center comes from when it is not an option (GEOSEARCH takes it from options). */
  readonly center: 'coords' | 'member' | 'options';
  /** The _RO forms: STORE/STOREDIST are syntax errors. */
  readonly noStore: boolean;
  /** GEOSEARCHSTORE: argv[1] is the destination, argv[2] the source. */
  readonly searchStore: boolean;
}

const RADIUS_COORDS: Variant = { center: 'coords', noStore: false, searchStore: false };
const RADIUS_MEMBER: Variant = { center: 'member', noStore: false, searchStore: false };
const RADIUS_COORDS_RO: Variant = { center: 'coords', noStore: true, searchStore: false };
const RADIUS_MEMBER_RO: Variant = { center: 'member', noStore: true, searchStore: false };
const GEOSEARCH: Variant = { center: 'options', noStore: false, searchStore: false };
const GEOSEARCHSTORE: Variant = { center: 'options', noStore: false, searchStore: true };

interface GeoPoint {
  readonly longitude: number;
  readonly latitude: number;
  dist: number;
  readonly member: string;
  readonly score: number;
}

/** The partial shape being parsed: the center and the area may come in any order. */
interface ShapeDraft {
  xy: [number, number];
  conversion: number;
  area: { type: 'circle'; radius: number } | { type: 'box'; width: number; height: number } | undefined;
}

function toShape(draft: ShapeDraft): GeoShape {
  const area = draft.area ?? { type: 'circle', radius: 0 };
  return area.type === 'circle'
    ? { type: 'circle', xy: draft.xy, conversion: draft.conversion, radius: area.radius }
    : { type: 'box', xy: draft.xy, conversion: draft.conversion, width: area.width, height: area.height };
}

interface SearchArgs {
  readonly shape: GeoShape;
  readonly storeKey: string | undefined;
  readonly storeDist: boolean;
  readonly withDist: boolean;
  readonly withHash: boolean;
  readonly withCoords: boolean;
  readonly sort: 'none' | 'asc' | 'desc';
  readonly any: boolean;
  /** 0 = no limit. */
  readonly count: number;
}

/** georadiusGeneric's argument handling, error for error in its order. */
function parseOptions(args: ArgCursor, zset: SortedSet | undefined, variant: Variant): SearchArgs {
  const draft: ShapeDraft = { xy: [0, 0], conversion: 1, area: undefined };
  let storeKey = variant.searchStore ? args.argv[1] : undefined;
  if (variant.center === 'coords') {
    draft.xy = parseLonLat(args);
    const [radius, conversion] = parseRadius(args);
    draft.area = { type: 'circle', radius };
    draft.conversion = conversion;
  } else if (variant.center === 'member') {
    const member = args.string();
    if (zset !== undefined) {
      draft.xy = memberPosition(zset, member) ?? fail(ERR_GEO_MEMBER);
      const [radius, conversion] = parseRadius(args);
      draft.area = { type: 'circle', radius };
      draft.conversion = conversion;
    } else {
      // No source key: the radius is not even read; the options are still parsed.
      args.string();
      args.string();
    }
  }

  const search = variant.center === 'options';
  let withDist = false;
  let withHash = false;
  let withCoords = false;
  let fromMember = false;
  let fromLoc = false;
  let byRadius = false;
  let byBox = false;
  let sort: SearchArgs['sort'] = 'none';
  let any = false;
  let count = 0;
  let storeDist = false;
  while (!args.done) {
    const arg = args.string().toLowerCase();
    const left = args.remaining;
    if (arg === 'withdist') withDist = true;
    else if (arg === 'withhash') withHash = true;
    else if (arg === 'withcoord') withCoords = true;
    else if (arg === 'any') any = true;
    else if (arg === 'asc') sort = 'asc';
    else if (arg === 'desc') sort = 'desc';
    else if (arg === 'count' && left >= 1) {
      const n = args.int64();
      if (n <= 0) fail(ERR_GEO_COUNT);
      count = Number(n);
    } else if ((arg === 'store' || arg === 'storedist') && left >= 1 && !variant.noStore && !search) {
      storeKey = args.key();
      storeDist = arg === 'storedist';
    } else if (arg === 'storedist' && search && variant.searchStore) {
      storeDist = true;
    } else if (arg === 'frommember' && left >= 1 && search && !fromLoc) {
      // Without a source key the member cannot be looked up: parsing goes on, the reply is empty.
      const member = args.string();
      if (zset !== undefined) draft.xy = memberPosition(zset, member) ?? fail(ERR_GEO_MEMBER);
      fromMember = true;
    } else if (arg === 'fromlonlat' && left >= 2 && search && !fromMember) {
      draft.xy = parseLonLat(args);
      fromLoc = true;
    } else if (arg === 'byradius' && left >= 2 && search && !byBox) {
      const [radius, conversion] = parseRadius(args);
      draft.area = { type: 'circle', radius };
      draft.conversion = conversion;
      byRadius = true;
    } else if (arg === 'bybox' && left >= 3 && search && !byRadius) {
      const [width, height, conversion] = parseBox(args);
      draft.area = { type: 'box', width, height };
      draft.conversion = conversion;
      byBox = true;
    } else {
      fail(ERR_SYNTAX);
    }
  }

  if (storeKey !== undefined && (withDist || withHash || withCoords)) {
    fail(ERR_GEO_STORE_WITH(variant.searchStore ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS'));
  }
  if (search && !(fromMember || fromLoc)) fail(ERR_GEO_FROM(args.argv[0] as string));
  if (search && !(byRadius || byBox)) fail(ERR_GEO_BY(args.argv[0] as string));
  if (any && count === 0) fail(ERR_GEO_ANY_NEEDS_COUNT);
  return { shape: toShape(draft), storeKey, storeDist, withDist, withHash, withCoords, sort, any, count };
}

/**
 * membersOfAllNeighbors: the matches in the nine boxes, in box order then score order; stops once
 * `limit` matches are found (COUNT … ANY), 0 meaning no limit.
 */
function membersInShape(zset: SortedSet, shape: GeoShape, limit: number): GeoPoint[] {
  const radius = areasByShape(shape);
  const boxes = [radius.hash, ...radius.neighbors];
  const found: GeoPoint[] = [];
  let lastProcessed = 0;
  for (let i = 0; i < boxes.length; i++) {
    const box = boxes[i] as (typeof boxes)[number];
    if (isZeroHash(box)) continue;
    // With a huge radius adjacent boxes can be the same one: skip a repeat of the last box scanned.
    const last = boxes[lastProcessed] as (typeof boxes)[number];
    if (lastProcessed !== 0 && box.bits === last.bits && box.step === last.step) continue;
    if (found.length > 0 && limit > 0 && found.length >= limit) break;
    const min = Number(align52Bits(box));
    const max = Number(align52Bits({ bits: box.bits + 1n, step: box.step }));
    const range = { min, max, minExclusive: false, maxExclusive: true };
    for (const entry of zset.rangeByScore(range)) {
      const [longitude, latitude] = decodeScore(entry.score);
      const dist = distanceIfWithin(shape, longitude, latitude);
      if (dist !== undefined)
        found.push({ longitude, latitude, dist, member: entry.member, score: entry.score });
      if (found.length > 0 && limit > 0 && found.length >= limit) break;
    }
    lastProcessed = i;
  }
  return found;
}

/** sort_gp_asc: by distance; equal distances compare equal (their order is the sort's business). */
function ascending(a: GeoPoint, b: GeoPoint): number {
  if (a.dist > b.dist) return 1;
  if (a.dist === b.dist) return 0;
  return -1;
}
const descending = (a: GeoPoint, b: GeoPoint): number => -ascending(a, b);

/**
 * What is read before the source key is looked up: the key (and GEOSEARCHSTORE's destination). The
 * rest is read in apply, as georadiusGeneric does: the key's type is checked first, and FROMMEMBER
 * and GEORADIUSBYMEMBER need the set to place their center.
 */
interface SearchLine {
  readonly sourceKey: string;
  readonly rest: ArgCursor;
}

function parseKeys(args: ArgCursor, variant: Variant): SearchLine {
  if (variant.searchStore) args.key();
  return { sourceKey: args.key(), rest: args };
}

function apply(ctx: CommandContext, { sourceKey, rest }: SearchLine, variant: Variant): Reply {
  const zset = readTyped(ctx, sourceKey, 'zset')?.zset;
  const args = parseOptions(rest, zset, variant);
  if (zset === undefined) {
    if (args.storeKey === undefined) return EMPTY_ARRAY;
    if (ctx.db.delete(args.storeKey)) {
      ctx.keyModified(args.storeKey);
      ctx.notify('g', 'del', args.storeKey);
    }
    return ZERO;
  }
  let sort = args.sort;
  if (args.count !== 0 && sort === 'none' && !args.any) sort = 'asc';
  const points = membersInShape(zset, args.shape, args.any ? args.count : 0);
  if (points.length === 0 && args.storeKey === undefined) return EMPTY_ARRAY;
  const returned = args.count === 0 || points.length < args.count ? points.length : args.count;
  if (sort !== 'none') {
    const compare = sort === 'asc' ? ascending : descending;
    // glibc's qsort is a (stable) merge sort here; a partial sort is Redis's own pqsort.
    if (returned === points.length) points.sort(compare);
    else pqsort(points, compare, 0, returned - 1);
  }
  const results = points.slice(0, returned);
  for (const p of results) p.dist /= args.shape.conversion;
  if (args.storeKey === undefined) return resultsReply(ctx, args, results);
  const stored = newZSet(ctx, 'skiplist');
  for (const p of results) stored.set(p.member, args.storeDist ? p.dist : p.score);
  // geo.c: the event names the command family (GEOSEARCHSTORE or GEORADIUS… STORE).
  const event = variant.searchStore ? 'geosearchstore' : 'georadiusstore';
  return integer(storeResult(ctx, args.storeKey, stored, event));
}

/** addReplyLongLong(score): the C conversion of the score to a long long. */
function hashReply(score: number): Reply {
  const t = Math.trunc(score);
  if (Number.isSafeInteger(t)) return integer(t);
  return integer(t >= 2 ** 63 || t < -(2 ** 63) || Number.isNaN(t) ? -(2n ** 63n) : BigInt(t));
}

/** Members alone, or [member, dist?, hash?, [lon, lat]?] per match. */
function resultsReply(ctx: CommandContext, args: SearchArgs, results: readonly GeoPoint[]): Reply {
  const withOptions = args.withDist || args.withHash || args.withCoords;
  return array(
    results.map((p) => {
      if (!withOptions) return bulk(p.member);
      const items: Reply[] = [bulk(p.member)];
      if (args.withDist) items.push(distanceReply(p.dist));
      if (args.withHash) items.push(hashReply(p.score));
      if (args.withCoords) items.push(coordinatesReply(ctx, [p.longitude, p.latitude]));
      return array(items);
    }),
  );
}

/**
 * COMMAND GETKEYS of GEORADIUS[BYMEMBER], from its key specs as Redis 7.0 reads them: the source,
 * then the key after the first STORE, then the key after the first STOREDIST, each keyword searched
 * from `startFrom` (the argument after the unit) up to the one before last.
 */
function radiusKeys(startFrom: number): (argv: readonly string[]) => readonly string[] {
  return (argv) => {
    const keys = [argv[1] as string];
    for (const keyword of ['store', 'storedist']) {
      for (let i = startFrom; i < argv.length - 1; i++) {
        if ((argv[i] as string).toLowerCase() === keyword) {
          keys.push(argv[i + 1] as string);
          break;
        }
      }
    }
    return keys;
  };
}

export const georadius = defineCommand({
  name: 'georadius',
  parse: (args) => parseKeys(args, RADIUS_COORDS),
  apply: (ctx, line) => apply(ctx, line, RADIUS_COORDS),
  keys: radiusKeys(6),
});

export const georadiusRo = defineCommand({
  name: 'georadius_ro',
  parse: (args) => parseKeys(args, RADIUS_COORDS_RO),
  apply: (ctx, line) => apply(ctx, line, RADIUS_COORDS_RO),
});

export const georadiusbymember = defineCommand({
  name: 'georadiusbymember',
  parse: (args) => parseKeys(args, RADIUS_MEMBER),
  apply: (ctx, line) => apply(ctx, line, RADIUS_MEMBER),
  keys: radiusKeys(5),
});

export const georadiusbymemberRo = defineCommand({
  name: 'georadiusbymember_ro',
  parse: (args) => parseKeys(args, RADIUS_MEMBER_RO),
  apply: (ctx, line) => apply(ctx, line, RADIUS_MEMBER_RO),
});

export const geosearch = defineCommand({
  name: 'geosearch',
  parse: (args) => parseKeys(args, GEOSEARCH),
  apply: (ctx, line) => apply(ctx, line, GEOSEARCH),
});

export const geosearchstore = defineCommand({
  name: 'geosearchstore',
  parse: (args) => parseKeys(args, GEOSEARCHSTORE),
  apply: (ctx, line) => apply(ctx, line, GEOSEARCHSTORE),
});
