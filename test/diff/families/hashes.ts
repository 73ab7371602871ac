/** Hashes: field writes and reads, counters with overflow, float increments, unordered dumps, random fields, HSCAN. */
import { floatArg, randomCheck, intArg, member, retype, simple, value, weighted } from '../gen.js';
import type { Family, Gen, UnitGen } from '../gen.js';

const KEYS = ['h1', 'h2', '\x00h\r\n'] as const;

function pairs(g: Gen, max = 3): string[] {
  return Array.from({ length: g.r.range(1, max) }, () => [member(g.r), value(g.r)]).flat();
}

const gens: readonly (readonly [number, UnitGen])[] = [
  [8, simple((g) => ['HSET', g.key(), ...pairs(g)])],
  [1, simple((g) => ['HSET', g.key(), member(g.r)])],
  [2, simple((g) => ['HMSET', g.key(), ...pairs(g)])],
  [2, simple((g) => ['HSETNX', g.key(), member(g.r), value(g.r)])],
  [6, simple((g) => ['HGET', g.key(), member(g.r)])],
  [3, simple((g) => ['HMGET', g.key(), member(g.r), member(g.r)])],
  [3, simple((g) => ['HDEL', g.key(), member(g.r), ...(g.r.chance(0.3) ? [member(g.r)] : [])])],
  [3, simple((g) => ['HLEN', g.key()])],
  [2, simple((g) => ['HSTRLEN', g.key(), member(g.r)])],
  [2, simple((g) => ['HEXISTS', g.key(), member(g.r)])],
  [3, simple((g) => [g.r.pick(['HKEYS', 'HVALS']), g.key()], 'unordered')],
  [3, simple((g) => ['HGETALL', g.key()], 'pairs')],
  [4, simple((g) => ['HINCRBY', g.key(), member(g.r), intArg(g.r, -100, 100)])],
  [4, simple((g) => ['HINCRBYFLOAT', g.key(), member(g.r), floatArg(g.r)])],
  [
    2,
    (g) => {
      const count = g.r.pick([
        [],
        ['0'],
        ['3'],
        ['-3'],
        ['100'],
        ['-5', 'WITHVALUES'],
        ['2', 'WITHVALUES'],
        ['x'],
      ]);
      return [g.call(['HRANDFIELD', g.key(), ...count], randomCheck(count))];
    },
  ],
  [
    2,
    (g) => {
      const r = g.r;
      const argv = ['HSCAN', g.key(), '{cursor}'];
      if (r.chance(0.4)) argv.push('MATCH', r.pick(['*', 'a*', '?', '[0-9]*']));
      if (r.chance(0.4)) argv.push('COUNT', r.pick(['1', '5', '100']));
      return [{ op: 'scanAll', conn: g.conn(), argv, pairs: true }];
    },
  ],
  [1, retype],
];

export const hashes: Family = {
  name: 'hashes',
  owner: 'lhs',
  keys: KEYS,
  build: (g, n) => weighted(g, gens, n),
};
