/** Sets (int-only and mixed): membership, unordered dumps, algebra with STORE, random pops checked by shape then re-synchronised. */
import { intArg, randomCheck, member, retype, simple, weighted } from '../gen.js';
import type { Family, Gen, UnitGen } from '../gen.js';
import type { Unit } from '../sequence.js';

const KEYS = ['t1', 't2', 't3', '\x00t\r\n'] as const;

function members(g: Gen, max = 4): string[] {
  const ints = g.r.chance(0.3);
  return Array.from({ length: g.r.range(1, max) }, () => (ints ? String(g.r.range(-5, 20)) : member(g.r)));
}

/** SPOP's choice differs between servers, so its reply is compared by shape and the key is dropped on both. */
function spop(g: Gen): Unit {
  const k = g.key();
  const count = g.r.pick([[], ['1'], ['2'], ['0'], ['-1'], ['1000']]);
  if (count[0] === '1000') return [g.call(['SPOP', k, '1000'], 'unordered')];
  return [g.call(['SPOP', k, ...count], count.length > 0 ? 'sample' : 'shape'), g.call(['DEL', k])];
}

const algebra = ['SINTER', 'SUNION', 'SDIFF'] as const;

const gens: readonly (readonly [number, UnitGen])[] = [
  [8, simple((g) => ['SADD', g.key(), ...members(g)])],
  [3, simple((g) => ['SREM', g.key(), ...members(g, 2)])],
  [3, simple((g) => ['SCARD', g.key()])],
  [3, simple((g) => ['SISMEMBER', g.key(), member(g.r)])],
  [2, simple((g) => ['SMISMEMBER', g.key(), ...members(g, 3)])],
  [4, simple((g) => ['SMEMBERS', g.key()], 'unordered')],
  [2, spop],
  [
    2,
    (g) => {
      const count = g.r.pick([[], ['2'], ['-4'], ['0'], ['50'], ['x']]);
      return [g.call(['SRANDMEMBER', g.key(), ...count], randomCheck(count))];
    },
  ],
  [2, simple((g) => ['SMOVE', g.key(), g.key(), member(g.r)])],
  [4, simple((g) => [g.r.pick(algebra), ...g.r.some(KEYS, g.r.range(1, 3))], 'unordered')],
  [3, simple((g) => [`${g.r.pick(algebra)}STORE`, g.key(), ...g.r.some(KEYS, g.r.range(1, 3))])],
  [
    2,
    simple((g) => {
      const ks = g.r.some(KEYS, g.r.range(1, 3));
      const limit = g.r.chance(0.4) ? ['LIMIT', intArg(g.r, -1, 3)] : [];
      return ['SINTERCARD', g.r.chance(0.9) ? String(ks.length) : '0', ...ks, ...limit];
    }),
  ],
  [
    2,
    (g) => {
      const argv = ['SSCAN', g.key(), '{cursor}'];
      if (g.r.chance(0.4)) argv.push('MATCH', g.r.pick(['*', '1*', '?', '[a-c]']));
      if (g.r.chance(0.4)) argv.push('COUNT', g.r.pick(['1', '3', '100']));
      return [{ op: 'scanAll', conn: g.conn(), argv, pairs: false }];
    },
  ],
  [1, retype],
];

export const sets: Family = {
  name: 'sets',
  owner: 'lhs',
  keys: KEYS,
  build: (g, n) => weighted(g, gens, n),
};
