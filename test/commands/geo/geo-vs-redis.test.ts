/**
 * GEO against a real redis-server 7.0: every reply must be the same bytes, in RESP2 and RESP3 —
 * scores, decoded positions, distances, search results and their order, stored sets, errors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seeded, withTwin, type Twin } from '../twin.js';

const LAT_MAX = '85.05112878';

function coordinate(rnd: () => number, max: number): string {
  return ((rnd() * 2 - 1) * max).toFixed(Math.floor(rnd() * 8));
}

/** ~300 points: spread over the globe, clustered around two places, some sharing one position. */
async function seedPoints(t: Twin, key: string, rnd: () => number): Promise<string[]> {
  const names: string[] = [];
  const commands: string[][] = [];
  for (let i = 0; i < 30; i++) {
    const argv = ['GEOADD', key];
    for (let j = 0; j < 10; j++) {
      const name = `p${i}-${j}`;
      names.push(name);
      const kind = (i + j) % 4;
      if (kind === 0) argv.push(coordinate(rnd, 180), coordinate(rnd, 85), name);
      else if (kind === 1) argv.push(String(13 + rnd() * 2), String(37 + rnd() * 2), name);
      else if (kind === 2) argv.push(String(-0.5 + rnd()), String(51 + rnd()), name);
      else argv.push('2.3522', '48.8566', name); // the same point: equal distances
    }
    commands.push(argv);
  }
  commands.push(['GEOADD', key, '180', LAT_MAX, 'ne', '-180', `-${LAT_MAX}`, 'sw', '0', '0', 'origin']);
  names.push('ne', 'sw', 'origin');
  await t.sameAll(commands);
  return names;
}

function pick<T>(rnd: () => number, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)] as T;
}

/** A random search command of the family, options in random order. */
function searchCommand(rnd: () => number, names: readonly string[]): string[] {
  const unit = pick(rnd, ['m', 'km', 'mi', 'ft', 'KM']);
  const radius = pick(rnd, ['0', '1', '50', '200', '1000', '5000', '20000', '0.5']);
  const distance = unit.toLowerCase() === 'm' || unit === 'ft' ? String(Number(radius) * 1000) : radius;
  const options: string[][] = [];
  if (rnd() < 0.4) options.push(['WITHDIST']);
  if (rnd() < 0.3) options.push(['WITHHASH']);
  if (rnd() < 0.3) options.push(['WITHCOORD']);
  if (rnd() < 0.4)
    options.push(['COUNT', String(1 + Math.floor(rnd() * 12)), ...(rnd() < 0.3 ? ['ANY'] : [])]);
  if (rnd() < 0.5) options.push([pick(rnd, ['ASC', 'DESC', 'asc'])]);
  options.sort(() => rnd() - 0.5);
  const tail = options.flat();
  const member = pick(rnd, names);
  switch (Math.floor(rnd() * 5)) {
    case 0:
      return ['GEORADIUS', 'g', coordinate(rnd, 180), coordinate(rnd, 85), distance, unit, ...tail];
    case 1:
      return ['GEORADIUSBYMEMBER_RO', 'g', member, distance, unit, ...tail];
    case 2:
      return ['GEORADIUS_RO', 'g', '14', '38', distance, unit, ...tail];
    default: {
      const from =
        rnd() < 0.5 ? ['FROMMEMBER', member] : ['FROMLONLAT', coordinate(rnd, 180), coordinate(rnd, 85)];
      const by =
        rnd() < 0.5
          ? ['BYRADIUS', distance, unit]
          : ['BYBOX', distance, pick(rnd, ['1', distance, '300']), unit];
      return ['GEOSEARCH', 'g', ...(rnd() < 0.5 ? [...from, ...by] : [...by, ...from]), ...tail];
    }
  }
}

test('GEOADD scores, GEOPOS, GEOHASH at the limits and across the globe are the same as Redis', async () => {
  await withTwin(async (t) => {
    const rnd = seeded(1);
    const names = await seedPoints(t, 'g', rnd);
    await t.same(['ZRANGE', 'g', '0', '-1', 'WITHSCORES']);
    await t.same(['OBJECT', 'ENCODING', 'g']);
    await t.same(['GEOPOS', 'g', ...names, 'missing']);
    await t.same(['GEOHASH', 'g', ...names, 'missing']);
    await t.sameAll([
      [
        'GEOADD',
        'lim',
        '180',
        LAT_MAX,
        'a',
        '-180',
        LAT_MAX,
        'b',
        '180',
        `-${LAT_MAX}`,
        'c',
        '-180',
        `-${LAT_MAX}`,
        'd',
      ],
      ['GEOADD', 'lim', '0', '0', 'zero', '-0', '-0', 'negzero', '179.9999999', '85.0511287', 'e'],
      ['ZRANGE', 'lim', '0', '-1', 'WITHSCORES'],
      ['GEOPOS', 'lim', 'a', 'b', 'c', 'd', 'zero', 'negzero', 'e'],
      ['GEOHASH', 'lim', 'a', 'b', 'c', 'd', 'zero', 'negzero', 'e'],
      ['GEODIST', 'lim', 'a', 'd'],
      ['GEODIST', 'lim', 'zero', 'negzero'],
      // Out of range, not numbers, arity, options.
      ['GEOADD', 'lim', '180.0000001', '0', 'x'],
      ['GEOADD', 'lim', '0', '85.05112879', 'x'],
      ['GEOADD', 'lim', '-181', '-86', 'x'],
      ['GEOADD', 'lim', 'inf', '0', 'x'],
      ['GEOADD', 'lim', '1e300', '0', 'x'],
      ['GEOADD', 'lim', 'nan', '0', 'x'],
      ['GEOADD', 'lim', 'abc', '0', 'x'],
      ['GEOADD', 'lim', '0', '', 'x'],
      ['GEOADD', 'lim', '1', '2', 'x', '3'],
      ['GEOADD', 'lim', '1', '2'],
      ['GEOADD', 'lim', 'NX', 'XX', '1', '2', 'x'],
      ['GEOADD', 'lim', 'GT', '1', '2', 'x'],
      ['GEOADD', 'lim', 'CH', 'CH', 'CH'],
      ['GEOADD', 'lim', 'NX', '5', '5', 'a', '6', '6', 'new'],
      ['GEOADD', 'lim', 'XX', '5', '5', 'a', '6', '6', 'new2'],
      ['GEOADD', 'lim', 'XX', 'CH', '5', '5', 'a', '7', '7', 'b'],
      ['GEOADD', 'lim', 'ch', '5', '5', 'a', '7', '7', 'b', '8', '8', 'c2'],
      ['GEOADD', 'absent', 'XX', '1', '1', 'a'],
      ['EXISTS', 'absent'],
      ['ZRANGE', 'lim', '0', '-1', 'WITHSCORES'],
      ['SET', 'str', 'x'],
      ['GEOADD', 'str', '1', '1', 'a'],
      ['GEOADD', 'str', '500', '1', 'a'],
      ['GEOPOS', 'str', 'a'],
      ['GEOHASH', 'str', 'a'],
      ['GEODIST', 'str', 'a', 'b'],
      ['GEOPOS', 'missing', 'a', 'b'],
      ['GEOHASH', 'missing', 'a'],
      ['GEOPOS', 'g'],
      ['GEOHASH', 'g'],
      // A sorted set whose scores are not geohashes still decodes (as Redis does).
      ['ZADD', 'odd', '-1', 'neg', '1.5', 'frac', '1e300', 'huge', '9007199254740993', 'big', 'inf', 'inf'],
      ['GEOPOS', 'odd', 'neg', 'frac', 'huge', 'big', 'inf'],
      ['GEOHASH', 'odd', 'neg', 'frac', 'huge', 'big', 'inf'],
    ]);
    for (const c of [t.redis, t.redmesh]) await c.call(['HELLO', '3']);
    await t.same(['GEOPOS', 'g', ...names.slice(0, 20), 'missing']);
    await t.same(['GEOHASH', 'g', 'missing', names[0] as string]);
    await t.same(['GEODIST', 'missing', 'a', 'b']);
    await t.same(['GEODIST', 'g', 'missing', names[0] as string]);
  });
});

test('GEODIST in every unit, and its errors, are the same as Redis', async () => {
  await withTwin(async (t) => {
    const rnd = seeded(2);
    const names = await seedPoints(t, 'g', rnd);
    const commands: string[][] = [];
    for (let i = 0; i < 200; i++) {
      const unit = pick(rnd, [[], ['m'], ['km'], ['mi'], ['ft'], ['KM'], ['Mi'], ['FT'], ['M']]);
      commands.push(['GEODIST', 'g', pick(rnd, names), pick(rnd, names), ...unit]);
    }
    commands.push(['GEODIST', 'g', 'p0-0', 'p0-1', 'yards']);
    commands.push(['GEODIST', 'g', 'p0-0', 'p0-1', 'km', 'extra']);
    commands.push(['GEODIST', 'g', 'p0-0', 'p0-1', 'bad', 'extra']); // the syntax error comes first
    commands.push(['GEODIST', 'g', 'p0-0']);
    commands.push(['GEODIST', 'missing', 'a', 'b', 'bad']);
    await t.sameAll(commands);
  });
});

test('GEORADIUS, GEORADIUSBYMEMBER, their _RO forms and GEOSEARCH return what Redis returns, in its order', async () => {
  await withTwin(async (t) => {
    const rnd = seeded(3);
    const names = await seedPoints(t, 'g', rnd);
    const commands: string[][] = [];
    for (let i = 0; i < 400; i++) commands.push(searchCommand(rnd, names));
    await t.sameAll(commands, 30_000);
    for (const c of [t.redis, t.redmesh]) await c.call(['HELLO', '3']);
    const resp3: string[][] = [];
    for (let i = 0; i < 100; i++) resp3.push(searchCommand(rnd, names));
    await t.sameAll(resp3, 30_000);
  });
});

test('STORE, STOREDIST and GEOSEARCHSTORE write the same sorted sets as Redis', async () => {
  await withTwin(async (t) => {
    const rnd = seeded(4);
    const names = await seedPoints(t, 'g', rnd);
    const commands: string[][] = [];
    for (let i = 0; i < 60; i++) {
      const dest = pick(rnd, ['d1', 'd2']);
      const kind = Math.floor(rnd() * 3);
      const count = rnd() < 0.4 ? ['COUNT', String(1 + Math.floor(rnd() * 5))] : [];
      const order = rnd() < 0.4 ? [pick(rnd, ['ASC', 'DESC'])] : [];
      const radius = pick(rnd, ['0', '10', '300', '2000', '9000']);
      if (kind === 0) {
        commands.push([
          'GEORADIUS',
          'g',
          '14',
          '38',
          radius,
          'km',
          pick(rnd, ['STORE', 'STOREDIST']),
          dest,
          ...count,
        ]);
      } else if (kind === 1) {
        commands.push([
          'GEORADIUSBYMEMBER',
          'g',
          pick(rnd, names),
          radius,
          'mi',
          ...order,
          'STOREDIST',
          dest,
        ]);
      } else {
        const dist = rnd() < 0.5 ? ['STOREDIST'] : [];
        commands.push([
          'GEOSEARCHSTORE',
          dest,
          'g',
          'FROMMEMBER',
          pick(rnd, names),
          'BYBOX',
          radius,
          radius,
          'km',
          ...count,
          ...order,
          ...dist,
        ]);
      }
      commands.push(['ZRANGE', dest, '0', '-1', 'WITHSCORES'], ['OBJECT', 'ENCODING', dest], ['TTL', dest]);
      if (rnd() < 0.2) commands.push(['EXPIRE', dest, '100']);
    }
    // A missing source deletes the destination and replies 0; a WRONGTYPE source is an error.
    commands.push(
      ['GEORADIUS', 'missing', '0', '0', '10', 'km', 'STORE', 'd1'],
      ['EXISTS', 'd1'],
      ['GEOSEARCHSTORE', 'd2', 'missing', 'FROMMEMBER', 'x', 'BYRADIUS', '1', 'km'],
      ['EXISTS', 'd2'],
      ['SET', 'str', 'x'],
      ['GEOSEARCHSTORE', 'd2', 'str', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCHSTORE', 'str', 'g', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'],
      ['GET', 'str'],
      ['GEOSEARCHSTORE', 'str', 'g', 'FROMLONLAT', '14', '38', 'BYRADIUS', '100', 'km'],
      ['TYPE', 'str'],
    );
    await t.sameAll(commands, 30_000);
  });
});

test('GEO search errors: COUNT, ANY, units, negative or non-numeric sizes, FROM/BY, STORE combinations', async () => {
  await withTwin(async (t) => {
    await t.same(['GEOADD', 'g', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania']);
    await t.same(['SET', 'str', 'x']);
    const errors: string[][] = [
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT', '0'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT', '-1'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT', 'x'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'ANY'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT', '1', 'ANY'],
      ['GEORADIUS', 'g', '15', '37', '-1', 'km'],
      ['GEORADIUS', 'g', '15', '37', 'x', 'km'],
      ['GEORADIUS', 'g', '15', '37', '1', 'parsecs'],
      ['GEORADIUS', 'g', '190', '37', '1', 'km'],
      ['GEORADIUS', 'g', '15', '37', '1', 'km', 'WITHDIST', 'STORE', 'd'],
      ['GEORADIUS', 'g', '15', '37', '1', 'km', 'STORE'],
      ['GEORADIUS', 'g', '15', '37', '1', 'km', 'BYBOX', '1', '1', 'km'],
      ['GEORADIUS_RO', 'g', '15', '37', '1', 'km', 'STORE', 'd'],
      ['GEORADIUS_RO', 'g', '15', '37', '1', 'km', 'STOREDIST', 'd'],
      ['GEORADIUSBYMEMBER', 'g', 'nosuch', '1', 'km'],
      ['GEORADIUSBYMEMBER', 'missing', 'nosuch', '-1', 'km'],
      ['GEORADIUSBYMEMBER', 'missing', 'nosuch', '1', 'km', 'STORE', 'd'],
      ['GEORADIUSBYMEMBER', 'g', 'Palermo', '1', 'km', 'WITHHASH', 'STOREDIST', 'd'],
      ['GEORADIUSBYMEMBER_RO', 'g', 'Palermo', '1', 'km', 'STORE', 'd'],
      ['GEORADIUS', 'str', '190', '37', '1', 'km'],
      ['GEORADIUSBYMEMBER', 'str', 'x', '1', 'km'],
      ['GEOSEARCH', 'str', 'FROMMEMBER', 'x', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'nosuch', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'missing', 'FROMMEMBER', 'nosuch', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'FROMLONLAT', '1', '1', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '1', '1', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km', 'BYBOX', '1', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYBOX', '1', '1', 'km', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'g', 'BYRADIUS', '1', 'km', 'WITHDIST'],
      ['geosearch', 'g', 'FROMMEMBER', 'Palermo', 'WITHDIST', 'ASC'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYBOX', '-1', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYBOX', '1', '-1', 'km'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYBOX', 'x', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYBOX', '1', 'x', 'km'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYBOX', '1', '1', 'xx'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYBOX', '0', '0', 'km'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km', 'STORE', 'd'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km', 'STOREDIST'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km', 'COUNT', '0', 'ANY'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '200', '1', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '1', 'y', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYBOX', '1', '1'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo'],
      ['GEOSEARCHSTORE', 'd', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km', 'WITHCOORD'],
      ['GEOSEARCHSTORE', 'd', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km', 'STORE', 'x'],
      ['GEOSEARCHSTORE', 'd', 'g', 'BYRADIUS', '1', 'km', 'ASC'],
      [
        'GEOSEARCHSTORE',
        'd',
        'g',
        'FROMLONLAT',
        '15',
        '37',
        'BYRADIUS',
        '200',
        'km',
        'COUNT',
        '1',
        'ANY',
        'STOREDIST',
      ],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT', '1', 'ANY', 'DESC', 'WITHDIST'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT', '9223372036854775807'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE', 'a', 'STOREDIST', 'b'],
      ['EXISTS', 'a', 'b'],
      ['GEORADIUS', 'g', '15', '37'],
      ['GEORADIUSBYMEMBER', 'g', 'Palermo', '1'],
    ];
    await t.sameAll(errors);
  });
});

test('COMMAND GETKEYS finds the STORE key of GEORADIUS like Redis', async () => {
  await withTwin(async (t) => {
    for (const argv of [
      ['COMMAND', 'GETKEYS', 'GEORADIUS', 'src', '1', '2', '3', 'km', 'STORE', 'dst'],
      ['COMMAND', 'GETKEYS', 'GEORADIUS', 'src', '1', '2', '3', 'km', 'STOREDIST', 'dst', 'STORE', 'dst2'],
      ['COMMAND', 'GETKEYS', 'GEORADIUSBYMEMBER', 'src', 'm', '3', 'km', 'STORE', 'dst'],
      ['COMMAND', 'GETKEYS', 'GEORADIUS', 'src', '1', '2', '3', 'km'],
      ['COMMAND', 'GETKEYS', 'GEORADIUS', 'src', '1', '2', '3', 'km', 'store', 'a', 'STORE', 'b', 'STORE'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'GEORADIUS', 'src', '1', '2', '3', 'km', 'STOREDIST', 'd', 'STORE', 'e'],
      [
        'COMMAND',
        'GETKEYSANDFLAGS',
        'GEOSEARCHSTORE',
        'dst',
        'src',
        'FROMMEMBER',
        'm',
        'BYRADIUS',
        '1',
        'km',
      ],
      ['COMMAND', 'GETKEYS', 'GEOSEARCHSTORE', 'dst', 'src', 'FROMMEMBER', 'm', 'BYRADIUS', '1', 'km'],
      ['COMMAND', 'GETKEYS', 'PFCOUNT', 'a', 'b', 'c'],
      ['COMMAND', 'GETKEYS', 'PFMERGE', 'a', 'b', 'c'],
      ['COMMAND', 'GETKEYS', 'PFDEBUG', 'GETREG', 'k'],
      ['COMMAND', 'INFO', 'geoadd', 'georadius', 'geosearchstore', 'pfcount', 'pfdebug', 'pfselftest'],
    ])
      assert.ok((await t.same(argv)).length > 0);
  });
});
