/**
 * HyperLogLog: PFADD of few and of many elements (sparse, then dense), PFCOUNT of one key (which
 * writes its cache into the value) and of several, PFMERGE, PFDEBUG, the HLL bytes themselves (GET),
 * corrupted HLLs (APPEND, SETRANGE, foreign strings), a lower hll-sparse-max-bytes, WRONGTYPE.
 */
import { member, retype, simple, value, weighted } from '../gen.js';
import type { Family, Gen, UnitGen } from '../gen.js';
import type { Argv, Unit } from '../sequence.js';

const KEYS = ['h1', 'h2', 'h3', '\x00h\r\n'] as const;

function elements(g: Gen, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(g.r.chance(0.5) ? member(g.r) : value(g.r));
  return out;
}

/** Many distinct elements at once, enough to pass the sparse limit. */
function bulkAdd(g: Gen): Argv {
  const n = g.r.pick([50, 300, 1500]);
  const tag = g.r.int(1000);
  return ['PFADD', g.key(), ...Array.from({ length: n }, (_, i) => `e${tag}:${i}`)];
}

/** A few PFADDs under a small sparse limit, then the limit back to Redis's default. */
function smallLimit(g: Gen): Unit {
  const k = g.key();
  return [
    g.call(['CONFIG', 'SET', 'hll-sparse-max-bytes', g.r.pick(['0', '40', '300'])]),
    g.call(['PFADD', k, ...elements(g, 20)]),
    g.call(['GET', k]),
    g.call(['CONFIG', 'SET', 'hll-sparse-max-bytes', '3000']),
  ];
}

/** A HLL made invalid in place: a byte of the header or of the registers changed, or bytes added. */
function corrupt(g: Gen): Argv {
  const r = g.r;
  const k = g.key();
  switch (r.int(4)) {
    case 0:
      return ['APPEND', k, r.pick(['\x00', '\x8f', 'xx', '\x40\x00'])];
    case 1:
      return [
        'SETRANGE',
        k,
        String(r.pick([0, 4, 15, 16, 17, 20])),
        r.pick(['\x00', '\x02', '\xff', 'X', '\x80']),
      ];
    case 2:
      return [
        'SET',
        k,
        r.pick([
          'HYLL',
          'HYLL\x01\x00\x00\x00',
          `HYLL\x01\x00\x00\x00${'\x00'.repeat(7)}\x80\x7f\xff`,
          'plain',
        ]),
      ];
    default:
      return ['SETRANGE', k, '18', '\x01'];
  }
}

const gens: readonly (readonly [number, UnitGen])[] = [
  [10, simple((g) => ['PFADD', g.key(), ...elements(g, g.r.range(0, 5))])],
  [3, simple(bulkAdd)],
  [8, simple((g) => ['PFCOUNT', g.key()])],
  [3, simple((g) => ['PFCOUNT', ...g.r.some(KEYS, g.r.range(2, 3)), ...(g.r.chance(0.2) ? ['h:none'] : [])])],
  [4, simple((g) => ['PFMERGE', g.key(), ...g.r.some(KEYS, g.r.range(0, 2))])],
  [6, simple((g) => ['GET', g.key()])],
  [
    3,
    simple((g) => [
      'PFDEBUG',
      g.r.pick(['ENCODING', 'DECODE', 'TODENSE', 'GETREG', 'encoding', 'nosuch']),
      g.r.chance(0.9) ? g.key() : 'h:none',
    ]),
  ],
  [1, smallLimit],
  [2, simple(corrupt)],
  [1, simple((g) => ['OBJECT', 'ENCODING', g.key()])],
  [1, simple((g) => ['DEL', g.key()])],
  [1, retype],
];

export const hll: Family = {
  name: 'hll',
  owner: 'geohll',
  keys: KEYS,
  build: (g, n) => weighted(g, gens, n),
};
