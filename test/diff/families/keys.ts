/** Generic key commands across types and databases: DEL, EXISTS, TYPE, RENAME, COPY, MOVE, SELECT, SWAPDB, KEYS, SCAN, SORT, DUMP. */
import { member, retype, setter, simple, weighted } from '../gen.js';
import type { Family, Gen, UnitGen } from '../gen.js';
import type { Argv, Unit } from '../sequence.js';

const KEYS = ['k1', 'k2', 'k3', 'kx:1', '\x00\r\n\xff', ''] as const;

/** Fills a key with a value of a random type (so TYPE, COPY, RENAME, SORT see every type). */
function fill(g: Gen): Unit {
  const r = g.r;
  const k = g.key();
  const n = r.range(1, 4);
  // Numeric members half the time, so SORT without ALPHA has something to sort.
  const numeric = r.chance(0.5);
  const ms = Array.from({ length: n }, () => (numeric ? String(r.range(-20, 20)) : member(r)));
  return [g.call(setter(g, k, ms))];
}

const PATTERNS = [
  '*',
  'k*',
  'k?',
  'k[12]',
  'k[^1]',
  '*:*',
  '\\*',
  '[a-z]*',
  '',
  '\x00*',
  'k[',
  'k\\',
] as const;

function scanArgs(g: Gen): Argv {
  const r = g.r;
  const argv = ['SCAN', '{cursor}'];
  if (r.chance(0.5)) argv.push('MATCH', r.pick(PATTERNS));
  if (r.chance(0.5)) argv.push('COUNT', r.pick(['1', '2', '10', '1000']));
  if (r.chance(0.3)) argv.push('TYPE', r.pick(['string', 'list', 'set', 'zset', 'hash', 'none', 'bogus']));
  return argv;
}

function sortArgs(g: Gen): Argv {
  const r = g.r;
  const argv = ['SORT', g.key()];
  if (r.chance(0.2)) argv.push('BY', r.pick(['k*', 'nosort', 'w_*']));
  if (r.chance(0.3)) argv.push('LIMIT', String(r.range(-1, 3)), String(r.range(-1, 4)));
  if (r.chance(0.2)) argv.push('GET', r.pick(['#', 'k*', 'h*->f']));
  if (r.chance(0.3)) argv.push(r.pick(['ASC', 'DESC']));
  if (r.chance(0.5)) argv.push('ALPHA');
  if (r.chance(0.2)) argv.push('STORE', g.key());
  return argv;
}

/** Removes `option` and the `n` arguments after it. */
function without(argv: Argv, option: string, n: number): Argv {
  const i = argv.indexOf(option);
  return i < 0 ? argv : [...argv.slice(0, i), ...argv.slice(i + 1 + n)];
}

/**
 * SORT BY nosort over a set returns the set's own (unspecified) order. BY <pattern> ALPHA leaves
 * elements whose BY values are equal or missing (the usual case here) in the order qsort/pqsort
 * happens to give over the container's order, unspecified for sets and sorted sets (hash-table
 * order), so there only the returned multiset is compared, without LIMIT/STORE (which would pick an
 * unspecified subset). Numeric BY breaks ties by the element itself, so it stays exact.
 */
function sortUnit(g: Gen): Unit {
  const argv = sortArgs(g);
  if (argv.includes('nosort')) return [g.call(['SORT', argv[1] as string, 'ALPHA'])];
  if (argv.includes('BY') && argv.includes('ALPHA')) {
    return [g.call(without(without(argv, 'LIMIT', 2), 'STORE', 1), 'unordered')];
  }
  return [g.call(argv)];
}

const gens: readonly (readonly [number, UnitGen])[] = [
  [8, fill],
  [3, simple((g) => [g.r.pick(['DEL', 'UNLINK']), ...g.r.some(KEYS, g.r.range(1, 3))])],
  [4, simple((g) => ['EXISTS', ...Array.from({ length: g.r.range(1, 3) }, () => g.key())])],
  [4, simple((g) => ['TYPE', g.key()])],
  [3, simple((g) => [g.r.pick(['RENAME', 'RENAMENX']), g.key(), g.key()])],
  [
    3,
    simple((g) => {
      const opts = g.r.pick([
        [],
        ['REPLACE'],
        ['DB', String(g.r.range(0, 2))],
        ['DB', '1', 'REPLACE'],
        ['DB', '16'],
        ['BOGUS'],
      ]);
      return ['COPY', g.key(), g.key(), ...opts];
    }),
  ],
  [2, simple((g) => ['MOVE', g.key(), g.r.pick(['0', '1', '2', '16', '-1', 'x'])])],
  [3, simple((g) => ['SELECT', g.r.pick(['0', '0', '1', '2', '15', '16', '-1', 'x'])])],
  [1, simple((g) => ['SWAPDB', g.r.pick(['0', '1']), g.r.pick(['1', '2', '0', '16'])])],
  [2, simple(() => ['DBSIZE'])],
  [2, simple((g) => ['TOUCH', ...g.r.some(KEYS, 2)])],
  [3, simple((g) => ['KEYS', g.r.pick(PATTERNS)], 'unordered')],
  [3, (g) => [{ op: 'scanAll', conn: g.conn(), argv: scanArgs(g), pairs: false }]],
  [1, simple(() => ['RANDOMKEY'], 'shape')],
  [2, sortUnit],
  [1, simple((g) => ['SET', g.r.pick(['w_a', 'w_b', 'w_1']), String(g.r.range(-5, 5))])],
  [2, simple((g) => ['DUMP', g.key()], 'dump')],
  [1, simple((g) => ['PERSIST', g.key()])],
  [1, retype],
];

export const keys: Family = {
  name: 'keys',
  owner: 'strkeys',
  keys: KEYS,
  build: (g, n) => weighted(g, gens, n),
};
