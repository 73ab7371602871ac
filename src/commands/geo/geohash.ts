/**
 * Redis 7.0's geohash arithmetic (geohash.c, geohash_helper.c), so GEO scores, positions, distances
 * and search areas are the same numbers Redis computes.
 *
 * A position is stored as a sorted-set score: longitude and latitude are each scaled to a 26-bit
 * cell index over [-180, 180] and [-85.05112878, 85.05112878] (the Web Mercator limits) and
 * interleaved, latitude in the even bits, longitude in the odd ones: a 52-bit integer that a double
 * holds exactly. A point at the very top of a range (longitude 180, latitude 85.05112878) indexes
 * cell 2^26, one past the last, and so sets bit 52 or 53 — Redis does the same and clamps on decode.
 *
 * Hashes of fewer steps (search areas) are bigints: their neighbour arithmetic needs 64-bit masks.
 *
 * Trigonometry goes through glibc's libm (platform/libm.ts), as in redis-server: V8's Math.sin/cos/asin
 * differ from it in the last bit often enough to show in STOREDIST scores.
 */
import { libm } from '../../platform/index.js';

export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
/** Steps (bits per coordinate) of a stored position. */
export const GEO_STEP_MAX = 26;

const D_R = Math.PI / 180.0;
/** Earth's quadratic mean radius for WGS-84, Redis's EARTH_RADIUS_IN_METERS. */
export const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;

const degRad = (ang: number): number => ang * D_R;
const radDeg = (ang: number): number => ang / D_R;

export interface GeoHashBits {
  readonly bits: bigint;
  readonly step: number;
}

export interface GeoHashArea {
  readonly hash: GeoHashBits;
  readonly longitude: { readonly min: number; readonly max: number };
  readonly latitude: { readonly min: number; readonly max: number };
}

interface Range {
  readonly min: number;
  readonly max: number;
}
const LONG_RANGE: Range = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
const LAT_RANGE: Range = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };
/** GEOHASH re-encodes with the standard geohash latitude range. */
const STANDARD_LAT_RANGE: Range = { min: -90, max: 90 };

// --- bit interleaving on 32-bit halves --------------------------------------------------------

/** The 16 low bits of x spread to the even bit positions of a 32-bit word. */
function spread16(x: number): number {
  x &= 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  x = (x | (x << 1)) & 0x55555555;
  return x >>> 0;
}

/** The even bits of a 32-bit word, packed into 16 bits. */
function compact16(x: number): number {
  x &= 0x55555555;
  x = (x | (x >>> 1)) & 0x33333333;
  x = (x | (x >>> 2)) & 0x0f0f0f0f;
  x = (x | (x >>> 4)) & 0x00ff00ff;
  x = (x | (x >>> 8)) & 0x0000ffff;
  return x;
}

/** interleave64: x (latitude) in the even bits, y (longitude) in the odd bits. */
function interleave64(xlo: number, ylo: number): bigint {
  const lo = (spread16(xlo) | (spread16(ylo) << 1)) >>> 0;
  const hi = (spread16(xlo >>> 16) | (spread16(ylo >>> 16) << 1)) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** deinterleave64 of the word hi:lo: [even bits (latitude), odd bits (longitude)] as uint32s. */
function deinterleave(hi: number, lo: number): [number, number] {
  const lat = (compact16(lo) | (compact16(hi) << 16)) >>> 0;
  const lon = (compact16(lo >>> 1) | (compact16(hi >>> 1) << 16)) >>> 0;
  return [lat, lon];
}

const TWO_32 = 4294967296;
const TWO_63 = 2 ** 63;
const MASK_64 = (1n << 64n) - 1n;

/**
 * The C conversion (uint64_t)score as gcc compiles it on x86-64: truncation for 0 ≤ d < 2^64,
 * two's complement of the truncation for -2^63 < d < 0, 2^63 below that, 0 from 2^64 up.
 */
function scoreToWords(d: number): [number, number] {
  if (d >= 0 && d < 2 ** 53) {
    const t = Math.trunc(d);
    return [Math.floor(t / TWO_32), t % TWO_32];
  }
  let v: bigint;
  if (d >= TWO_63) v = d >= 2 ** 64 ? 0n : BigInt(Math.trunc(d));
  else if (d > -TWO_63) v = BigInt(Math.trunc(d)) & MASK_64;
  else v = 1n << 63n;
  return [Number(v >> 32n), Number(v & 0xffffffffn)];
}

// --- encode / decode ---------------------------------------------------------------------------

/** geohashEncode; undefined when the point is outside the supported limits or the range. */
function encode(
  longRange: Range,
  latRange: Range,
  longitude: number,
  latitude: number,
  step: number,
): GeoHashBits | undefined {
  if (step > 32 || step === 0) return undefined;
  if (longitude > 180 || longitude < -180 || latitude > 85.05112878 || latitude < -85.05112878)
    return undefined;
  if (
    latitude < latRange.min ||
    latitude > latRange.max ||
    longitude < longRange.min ||
    longitude > longRange.max
  ) {
    return undefined;
  }
  let latOffset = (latitude - latRange.min) / (latRange.max - latRange.min);
  let longOffset = (longitude - longRange.min) / (longRange.max - longRange.min);
  latOffset *= 2 ** step;
  longOffset *= 2 ** step;
  return { bits: interleave64(Math.trunc(latOffset) >>> 0, Math.trunc(longOffset) >>> 0), step };
}

/** geohashEncodeWGS84 at full precision, aligned to 52 bits: the score GEOADD stores. */
export function encodeScore(longitude: number, latitude: number): bigint | undefined {
  const hash = encode(LONG_RANGE, LAT_RANGE, longitude, latitude, GEO_STEP_MAX);
  return hash === undefined ? undefined : align52Bits(hash);
}

/** geohashAlign52Bits. */
export function align52Bits(hash: GeoHashBits): bigint {
  return (hash.bits << BigInt(52 - hash.step * 2)) & MASK_64;
}

function decodeWords(latRange: Range, hi: number, lo: number, step: number): GeoHashArea['latitude'][] {
  const [ilato, ilono] = deinterleave(hi, lo);
  const latScale = latRange.max - latRange.min;
  const longScale = LONG_RANGE.max - LONG_RANGE.min;
  const cells = 2 ** step;
  return [
    {
      min: latRange.min + (ilato / cells) * latScale,
      max: latRange.min + (((ilato + 1) >>> 0) / cells) * latScale,
    },
    {
      min: LONG_RANGE.min + (ilono / cells) * longScale,
      max: LONG_RANGE.min + (((ilono + 1) >>> 0) / cells) * longScale,
    },
  ];
}

/** geohashDecode over the WGS84 ranges. */
export function decodeArea(hash: GeoHashBits): GeoHashArea {
  const hi = Number((hash.bits >> 32n) & 0xffffffffn);
  const lo = Number(hash.bits & 0xffffffffn);
  const [latitude, longitude] = decodeWords(LAT_RANGE, hi, lo, hash.step) as [Range, Range];
  return { hash, latitude, longitude };
}

/**
 * decodeGeohash: a member's score back to [longitude, latitude], the centre of its cell clamped to
 * the limits (geohashDecodeAreaToLongLat).
 */
export function decodeScore(score: number): [number, number] {
  let hi: number;
  let lo: number;
  if (score >= 0 && score < 2 ** 53) {
    // The common case (every score GEOADD writes), without the allocations of the general path.
    const t = Math.trunc(score);
    hi = Math.floor(t / TWO_32);
    lo = t % TWO_32;
  } else {
    [hi, lo] = scoreToWords(score);
  }
  const ilato = (compact16(lo) | (compact16(hi) << 16)) >>> 0;
  const ilono = (compact16(lo >>> 1) | (compact16(hi >>> 1) << 16)) >>> 0;
  const cells = 2 ** GEO_STEP_MAX;
  const latScale = GEO_LAT_MAX - GEO_LAT_MIN;
  const longScale = GEO_LONG_MAX - GEO_LONG_MIN;
  const latMin = GEO_LAT_MIN + (ilato / cells) * latScale;
  const latMax = GEO_LAT_MIN + (((ilato + 1) >>> 0) / cells) * latScale;
  const lonMin = GEO_LONG_MIN + (ilono / cells) * longScale;
  const lonMax = GEO_LONG_MIN + (((ilono + 1) >>> 0) / cells) * longScale;
  let x = (lonMin + lonMax) / 2;
  if (x > GEO_LONG_MAX) x = GEO_LONG_MAX;
  if (x < GEO_LONG_MIN) x = GEO_LONG_MIN;
  let y = (latMin + latMax) / 2;
  if (y > GEO_LAT_MAX) y = GEO_LAT_MAX;
  if (y < GEO_LAT_MIN) y = GEO_LAT_MIN;
  return [x, y];
}

const GEO_ALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/** GEOHASH's 11-character standard geohash of a decoded position (latitude range ±90). */
export function standardGeohash(longitude: number, latitude: number): string {
  const hash = encode(LONG_RANGE, STANDARD_LAT_RANGE, longitude, latitude, GEO_STEP_MAX);
  const bits = hash?.bits ?? 0n;
  let out = '';
  for (let i = 0; i < 11; i++) {
    const idx = i === 10 ? 0 : Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn);
    out += GEO_ALPHABET[idx] as string;
  }
  return out;
}

// --- neighbours ----------------------------------------------------------------------------------

const EVEN_BITS = 0x5555555555555555n;
const ODD_BITS = 0xaaaaaaaaaaaaaaaan;

function moveX(hash: GeoHashBits, d: number): GeoHashBits {
  if (d === 0) return hash;
  let x = hash.bits & ODD_BITS;
  const y = hash.bits & EVEN_BITS;
  const zz = EVEN_BITS >> BigInt(64 - hash.step * 2);
  if (d > 0) x = (x + (zz + 1n)) & MASK_64;
  else {
    x = x | zz;
    x = (x - (zz + 1n)) & MASK_64;
  }
  x &= ODD_BITS >> BigInt(64 - hash.step * 2);
  return { bits: x | y, step: hash.step };
}

function moveY(hash: GeoHashBits, d: number): GeoHashBits {
  if (d === 0) return hash;
  const x = hash.bits & ODD_BITS;
  let y = hash.bits & EVEN_BITS;
  const zz = ODD_BITS >> BigInt(64 - hash.step * 2);
  if (d > 0) y = (y + (zz + 1n)) & MASK_64;
  else {
    y = y | zz;
    y = (y - (zz + 1n)) & MASK_64;
  }
  y &= EVEN_BITS >> BigInt(64 - hash.step * 2);
  return { bits: x | y, step: hash.step };
}

const ZERO_HASH: GeoHashBits = { bits: 0n, step: 0 };

export function isZeroHash(h: GeoHashBits): boolean {
  return h.bits === 0n && h.step === 0;
}

/** The nine boxes of a search, in membersOfAllNeighbors' order; zeroed ones are skipped. */
export interface GeoHashRadius {
  readonly hash: GeoHashBits;
  readonly area: GeoHashArea;
  /** north, south, east, west, north_east, north_west, south_east, south_west. */
  readonly neighbors: readonly GeoHashBits[];
}

// --- search shapes ---------------------------------------------------------------------------

/** GeoShape: a circle (radius) or a box (width, height), in `conversion` units, around xy. */
export type GeoShape =
  | {
      readonly type: 'circle';
      readonly xy: [number, number];
      readonly conversion: number;
      readonly radius: number;
    }
  | {
      readonly type: 'box';
      readonly xy: [number, number];
      readonly conversion: number;
      readonly width: number;
      readonly height: number;
    };

/** geohashEstimateStepsByRadius. */
function estimateStepsByRadius(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** geohashBoundingBox: [min lon, min lat, max lon, max lat] of the shape. */
function boundingBox(shape: GeoShape): [number, number, number, number] {
  const [longitude, latitude] = shape.xy;
  const height = shape.conversion * (shape.type === 'circle' ? shape.radius : shape.height / 2);
  const width = shape.conversion * (shape.type === 'circle' ? shape.radius : shape.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const { cos } = libm();
  const longDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / cos(degRad(latitude + latDelta)));
  const longDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / cos(degRad(latitude - latDelta)));
  const southern = latitude < 0;
  return [
    southern ? longitude - longDeltaBottom : longitude - longDeltaTop,
    latitude - latDelta,
    southern ? longitude + longDeltaBottom : longitude + longDeltaTop,
    latitude + latDelta,
  ];
}

/**
 * geohashCalculateAreasByShapeWGS84: the centre box and its eight neighbours at a precision that
 * covers the shape, with the neighbours that cannot hold a match zeroed.
 */
export function areasByShape(shape: GeoShape): GeoHashRadius {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(shape);
  const [longitude, latitude] = shape.xy;
  let radiusMeters =
    shape.type === 'circle'
      ? shape.radius
      : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2));
  radiusMeters *= shape.conversion;
  let steps = estimateStepsByRadius(radiusMeters, latitude);
  const boxesAt = (s: number): { hash: GeoHashBits; neighbors: GeoHashBits[]; area: GeoHashArea } => {
    const hash = encode(LONG_RANGE, LAT_RANGE, longitude, latitude, s) ?? { bits: 0n, step: s };
    const neighbors = [
      moveY(moveX(hash, 0), 1), // north
      moveY(moveX(hash, 0), -1), // south
      moveY(moveX(hash, 1), 0), // east
      moveY(moveX(hash, -1), 0), // west
      moveY(moveX(hash, 1), 1), // north_east
      moveY(moveX(hash, -1), 1), // north_west
      moveY(moveX(hash, 1), -1), // south_east
      moveY(moveX(hash, -1), -1), // south_west
    ];
    return { hash, neighbors, area: decodeArea(hash) };
  };
  let boxes = boxesAt(steps);
  const [north, south, east, west] = [0, 1, 2, 3].map((i) => decodeArea(boxes.neighbors[i] ?? ZERO_HASH));
  const decreaseStep =
    (north?.latitude.max ?? 0) < maxLat ||
    (south?.latitude.min ?? 0) > minLat ||
    (east?.longitude.max ?? 0) < maxLon ||
    (west?.longitude.min ?? 0) > minLon;
  if (steps > 1 && decreaseStep) {
    steps--;
    boxes = boxesAt(steps);
  }
  const { area } = boxes;
  const n = boxes.neighbors;
  if (steps >= 2) {
    if (area.latitude.min < minLat) {
      n[1] = ZERO_HASH; // south
      n[7] = ZERO_HASH; // south_west
      n[6] = ZERO_HASH; // south_east
    }
    if (area.latitude.max > maxLat) {
      n[0] = ZERO_HASH; // north
      n[4] = ZERO_HASH; // north_east
      n[5] = ZERO_HASH; // north_west
    }
    if (area.longitude.min < minLon) {
      n[3] = ZERO_HASH; // west
      n[7] = ZERO_HASH; // south_west
      n[5] = ZERO_HASH; // north_west
    }
    if (area.longitude.max > maxLon) {
      n[2] = ZERO_HASH; // east
      n[6] = ZERO_HASH; // south_east
      n[4] = ZERO_HASH; // north_east
    }
  }
  return { hash: boxes.hash, area, neighbors: n };
}

// --- distances -----------------------------------------------------------------------------------

/** geohashGetDistance: the haversine great-circle distance in meters. */
export function distance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lat1r = degRad(lat1d);
  const lon1r = degRad(lon1d);
  const lat2r = degRad(lat2d);
  const lon2r = degRad(lon2d);
  const { sin, cos, asin } = libm();
  const u = sin((lat2r - lat1r) / 2);
  const v = sin((lon2r - lon1r) / 2);
  return 2.0 * EARTH_RADIUS_IN_METERS * asin(Math.sqrt(u * u + cos(lat1r) * cos(lat2r) * v * v));
}

/**
 * geoAppendIfWithinShape's test: the distance from the shape's centre to (x, y) when the point is
 * inside the circle or the box, else undefined.
 */
export function distanceIfWithin(shape: GeoShape, x: number, y: number): number | undefined {
  const [cx, cy] = shape.xy;
  if (shape.type === 'circle') {
    const d = distance(cx, cy, x, y);
    return d > shape.radius * shape.conversion ? undefined : d;
  }
  const widthM = shape.width * shape.conversion;
  const heightM = shape.height * shape.conversion;
  const lonDistance = distance(x, y, cx, y);
  const latDistance = distance(x, y, x, cy);
  if (lonDistance > widthM / 2 || latDistance > heightM / 2) return undefined;
  return distance(cx, cy, x, y);
}
