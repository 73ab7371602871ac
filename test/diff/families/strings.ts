/** Strings and bit operations: SET options, counters with 64-bit overflow, float formatting, ranges, bits, BITFIELD. */
import { floatArg, intArg, retype, simple, value, weighted } from '../gen.js';
import type { Family, Gen, UnitGen } from '../gen.js';
import type { Argv } from '../sequence.js';

const KEYS = ['s1', 's2', 's3', '\x00k\r\n\xff', ''] as const;

function ttlOptions(g: Gen): string[] {
  const r = g.r;
  const farSec = Math.floor(Date.now() / 1000) + 100_000;
  const opts: string[][] = [
    ['EX', String(r.range(100, 100_000))],
    ['PX', String(r.range(100_000, 10_000_000))],
    ['EXAT', String(farSec)],
    ['PXAT', String(farSec * 1000 + 123)],
    ['EX', r.pick(['0', '-1', 'abc', '9223372036854775807', '1.5'])],
    ['PX', r.pick(['0', '-5', '9223372036854775807'])],
    ['KEEPTTL'],
  ];
  return r.pick(opts);
}

function setArgs(g: Gen): Argv {
  const r = g.r;
  const argv = ['SET', g.key(), value(r)];
  if (r.chance(0.4)) argv.push(...ttlOptions(g));
  if (r.chance(0.25)) argv.push(r.pick(['NX', 'XX']));
  if (r.chance(0.2)) argv.push('GET');
  if (r.chance(0.05)) argv.push(r.pick(['NX', 'XX', 'EX', 'BOGUS', 'KEEPTTL']));
  return argv;
}

function bitType(g: Gen): string {
  const r = g.r;
  if (r.chance(0.05)) return r.pick(['u64', 'i65', 'x8', 'u0', 'i0']);
  return r.chance(0.5) ? `i${r.range(1, 64)}` : `u${r.range(1, 63)}`;
}

function bitOffset(g: Gen): string {
  const r = g.r;
  if (r.chance(0.05)) return r.pick(['-1', 'abc', '4294967296', '#-1']);
  return r.chance(0.3) ? `#${r.range(0, 8)}` : String(r.range(0, 200));
}

function bitfieldArgs(g: Gen, readOnly: boolean): Argv {
  const r = g.r;
  const argv = [readOnly ? 'BITFIELD_RO' : 'BITFIELD', g.key()];
  const n = r.range(0, 4);
  for (let i = 0; i < n; i++) {
    const op = readOnly ? 0 : r.int(5);
    if (op === 0) argv.push('GET', bitType(g), bitOffset(g));
    else if (op === 1) argv.push('SET', bitType(g), bitOffset(g), intArg(r, -300, 300));
    else if (op === 2) argv.push('INCRBY', bitType(g), bitOffset(g), intArg(r, -300, 300));
    else if (op === 3) argv.push('OVERFLOW', r.pick(['WRAP', 'SAT', 'FAIL', 'wrap', 'BAD']));
    else argv.push(r.pick(['GET', 'SET', 'INCRBY']), bitType(g));
  }
  return argv;
}

function rangeEnds(g: Gen): [string, string] {
  return [intArg(g.r, -12, 12), intArg(g.r, -12, 12)];
}

const gens: readonly (readonly [number, UnitGen])[] = [
  [10, simple(setArgs)],
  [8, simple((g) => ['GET', g.key()])],
  [2, simple((g) => ['GETSET', g.key(), value(g.r)])],
  [2, simple((g) => ['GETDEL', g.key()])],
  [
    2,
    simple((g) => {
      const opts = [[], ['PERSIST'], ['EX', '1000'], ['PX', '500000'], ['EX', '-1'], ['PERSIST', 'EX', '5']];
      return ['GETEX', g.key(), ...g.r.pick(opts)];
    }),
  ],
  [2, simple((g) => ['SETNX', g.key(), value(g.r)])],
  [1, simple((g) => ['SETEX', g.key(), g.r.pick(['100', '0', '-3', 'x', '1000']), value(g.r)])],
  [1, simple((g) => ['PSETEX', g.key(), g.r.pick(['100000', '0', '-3']), value(g.r)])],
  [3, simple((g) => ['MSET', ...g.r.some(KEYS, g.r.range(1, 3)).flatMap((k) => [k, value(g.r)])])],
  [2, simple((g) => ['MSETNX', ...g.r.some(KEYS, g.r.range(1, 3)).flatMap((k) => [k, value(g.r)])])],
  [1, simple((g) => ['MSET', g.key()])],
  [3, simple((g) => ['MGET', ...g.r.some(KEYS, g.r.range(1, 4))])],
  [4, simple((g) => ['APPEND', g.key(), value(g.r)])],
  [3, simple((g) => ['STRLEN', g.key()])],
  [4, simple((g) => ['GETRANGE', g.key(), ...rangeEnds(g)])],
  [1, simple((g) => ['SUBSTR', g.key(), ...rangeEnds(g)])],
  [3, simple((g) => ['SETRANGE', g.key(), g.r.pick(['0', '1', '5', '20', '-1', '536870912']), value(g.r)])],
  [5, simple((g) => [g.r.pick(['INCR', 'DECR']), g.key()])],
  [5, simple((g) => [g.r.pick(['INCRBY', 'DECRBY']), g.key(), intArg(g.r, -1000, 1000)])],
  [5, simple((g) => ['INCRBYFLOAT', g.key(), floatArg(g.r)])],
  [
    2,
    simple((g) => ['SET', g.key(), g.r.pick(['9223372036854775806', '-9223372036854775807', '1.5', '10'])]),
  ],
  [
    2,
    simple((g) => [
      'LCS',
      g.key(),
      g.key(),
      ...g.r.pick([[], ['LEN'], ['IDX'], ['IDX', 'MINMATCHLEN', '2', 'WITHMATCHLEN']]),
    ]),
  ],
  [
    4,
    simple((g) => [
      'SETBIT',
      g.key(),
      g.r.pick([String(g.r.range(0, 100)), '4294967296', '-1']),
      g.r.pick(['0', '1', '1', '2']),
    ]),
  ],
  [3, simple((g) => ['GETBIT', g.key(), g.r.pick([String(g.r.range(0, 100)), '-1', '9999999'])])],
  [
    3,
    simple((g) => {
      const r = g.r;
      const extra = r.pick([[], [...rangeEnds(g)], [...rangeEnds(g), r.pick(['BYTE', 'BIT', 'bit'])], ['0']]);
      return ['BITCOUNT', g.key(), ...extra];
    }),
  ],
  [
    3,
    simple((g) => {
      const r = g.r;
      const extra = r.pick([
        [],
        [intArg(r, -5, 5)],
        [...rangeEnds(g)],
        [...rangeEnds(g), r.pick(['BYTE', 'BIT'])],
      ]);
      return ['BITPOS', g.key(), r.pick(['0', '1', '2']), ...extra];
    }),
  ],
  [
    3,
    simple((g) => {
      const op = g.r.pick(['AND', 'OR', 'XOR', 'NOT', 'and', 'NAND']);
      const srcs = op === 'NOT' && g.r.chance(0.8) ? [g.key()] : g.r.some(KEYS, g.r.range(1, 3));
      return ['BITOP', op, g.key(), ...srcs];
    }),
  ],
  [5, simple((g) => bitfieldArgs(g, false))],
  [1, simple((g) => bitfieldArgs(g, true))],
  [1, retype],
];

export const strings: Family = {
  name: 'strings',
  owner: 'strkeys',
  keys: KEYS,
  build: (g, n) => weighted(g, gens, n),
};
