/**
 * GEO: GEOADD options and coordinate edges, positions, geohashes, distances in every unit, and the
 * search family (GEORADIUS[BYMEMBER][_RO], GEOSEARCH, GEOSEARCHSTORE) with random option sets,
 * including the invalid ones. Positions come from a small pool so members share cells and distances
 * tie (the order of equal distances is Redis's sort's, and must match).
 */
import { floatArg, intArg, member, retype, simple, weighted } from '../gen.js';
import type { Family, Gen, UnitGen } from '../gen.js';
import type { Argv } from '../sequence.js';

const KEYS = ['g1', 'g2', '\x00g\r\n'] as const;
const LAT_MAX = '85.05112878';

/** A longitude or latitude: from a pool of places, the limits, random, or invalid. */
function lon(g: Gen): string {
  const r = g.r;
  switch (r.int(6)) {
    case 0:
      return r.pick(['180', '-180', '0', '-0', '179.9999999', '180.0000001', '-181']);
    case 1:
      return floatArg(r);
    case 2:
      return (r.next() * 360 - 180).toFixed(r.int(8));
    default:
      return r.pick(['13.361389', '15.087269', '2.3522', '-0.1276', '13.4', '14.5']);
  }
}

function lat(g: Gen): string {
  const r = g.r;
  switch (r.int(6)) {
    case 0:
      return r.pick([LAT_MAX, `-${LAT_MAX}`, '0', '85.05112879', '-86', '90']);
    case 1:
      return floatArg(r);
    case 2:
      return (r.next() * 170 - 85).toFixed(r.int(8));
    default:
      return r.pick(['38.115556', '37.502669', '48.8566', '51.5072', '38', '37.9']);
  }
}

function unit(g: Gen): string {
  return g.r.chance(0.95) ? g.r.pick(['m', 'km', 'mi', 'ft', 'KM', 'Mi']) : g.r.pick(['parsec', '']);
}

function size(g: Gen): string {
  return g.r.chance(0.9)
    ? g.r.pick(['0', '1', '10', '100', '200', '500', '1000', '5000', '20000', '2.5'])
    : g.r.pick(['-1', 'x', 'inf', '']);
}

function geoaddArgs(g: Gen): Argv {
  const r = g.r;
  const argv = ['GEOADD', g.key()];
  if (r.chance(0.25)) argv.push(r.pick(['NX', 'XX', 'nx']));
  if (r.chance(0.2)) argv.push('CH');
  if (r.chance(0.03)) argv.push(r.pick(['GT', 'NX']));
  const n = r.range(1, 4);
  for (let i = 0; i < n; i++) argv.push(lon(g), lat(g), member(r));
  if (r.chance(0.04)) argv.push(lon(g));
  return argv;
}

/** The options every search form takes, in random order. */
function searchOptions(g: Gen, store: 'none' | 'radius' | 'searchstore'): string[] {
  const r = g.r;
  const parts: string[][] = [];
  if (store !== 'searchstore' || r.chance(0.05)) {
    if (r.chance(0.35)) parts.push(['WITHDIST']);
    if (r.chance(0.25)) parts.push(['WITHHASH']);
    if (r.chance(0.25)) parts.push(['WITHCOORD']);
  }
  if (r.chance(0.4)) parts.push(['COUNT', intArg(r, 0, 6), ...(r.chance(0.3) ? ['ANY'] : [])]);
  if (r.chance(0.04)) parts.push(['ANY']);
  if (r.chance(0.4)) parts.push([r.pick(['ASC', 'DESC', 'desc'])]);
  if (store === 'radius' && r.chance(0.3)) parts.push([r.pick(['STORE', 'STOREDIST']), g.key()]);
  if (store === 'searchstore' && r.chance(0.4)) parts.push(['STOREDIST']);
  for (let i = parts.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [parts[i], parts[j]] = [parts[j] as string[], parts[i] as string[]];
  }
  return parts.flat();
}

function searchArgs(g: Gen): Argv {
  const r = g.r;
  const m = member(r);
  switch (r.int(6)) {
    case 0:
      return ['GEORADIUS', g.key(), lon(g), lat(g), size(g), unit(g), ...searchOptions(g, 'radius')];
    case 1:
      return ['GEORADIUSBYMEMBER', g.key(), m, size(g), unit(g), ...searchOptions(g, 'radius')];
    case 2:
      return [
        r.pick(['GEORADIUS_RO', 'georadius_ro']),
        g.key(),
        lon(g),
        lat(g),
        size(g),
        unit(g),
        ...searchOptions(g, 'none'),
      ];
    case 3:
      return ['GEORADIUSBYMEMBER_RO', g.key(), m, size(g), unit(g), ...searchOptions(g, 'none')];
    default: {
      const store = r.chance(0.3);
      const from = r.chance(0.5) ? ['FROMMEMBER', m] : ['FROMLONLAT', lon(g), lat(g)];
      const by = r.chance(0.5) ? ['BYRADIUS', size(g), unit(g)] : ['BYBOX', size(g), size(g), unit(g)];
      const area = r.chance(0.05)
        ? from
        : r.chance(0.05)
          ? by
          : r.chance(0.5)
            ? [...from, ...by]
            : [...by, ...from];
      return store
        ? ['GEOSEARCHSTORE', g.key(), g.key(), ...area, ...searchOptions(g, 'searchstore')]
        : ['GEOSEARCH', g.key(), ...area, ...searchOptions(g, 'none')];
    }
  }
}

const gens: readonly (readonly [number, UnitGen])[] = [
  [10, simple(geoaddArgs)],
  [3, simple((g) => ['GEOPOS', g.key(), member(g.r), member(g.r)])],
  [3, simple((g) => ['GEOHASH', g.key(), member(g.r), member(g.r)])],
  [4, simple((g) => ['GEODIST', g.key(), member(g.r), member(g.r), ...(g.r.chance(0.7) ? [unit(g)] : [])])],
  [12, simple(searchArgs)],
  [3, simple((g) => ['ZRANGE', g.key(), '0', '-1', 'WITHSCORES'])],
  [1, simple((g) => ['ZREM', g.key(), member(g.r)])],
  [1, simple((g) => ['DEL', g.key()])],
  [1, retype],
];

export const geo: Family = {
  name: 'geo',
  owner: 'geohll',
  keys: KEYS,
  build: (g, n) => weighted(g, gens, n),
};
