/** Sorted sets: ZADD flags, score formatting (%.17g in 7.0), ranges by rank/score/lex, set algebra, pops, blocking pops, ZSCAN. */
import { floatArg, intArg, randomCheck, member, retype, simple, weighted } from '../gen.js';
import type { Family, Gen, UnitGen } from '../gen.js';
import type { Argv, Unit } from '../sequence.js';

const KEYS = ['z1', 'z2', 'z3', '\x00z\r\n'] as const;

function score(g: Gen): string {
  return g.r.chance(0.6) ? String(g.r.range(-5, 5)) : floatArg(g.r);
}

function scoreBound(g: Gen): string {
  const r = g.r;
  return r.pick([
    String(r.range(-6, 6)),
    `(${r.range(-6, 6)}`,
    '-inf',
    '+inf',
    'inf',
    '(1.5',
    '2.5',
    'x',
    '(',
  ]);
}

/**
 * Lex ranges are defined by Redis only when every member has the same score; on a skiplist with mixed
 * scores the answer depends on Redis's random node levels (it differs between runs of Redis itself).
 * So lex commands go to a key that only ever gets score 0 (or to a missing key).
 */
const LEX_KEY = 'zlex';

function lexKey(g: Gen): string {
  return g.r.chance(0.9) ? LEX_KEY : 'z:absent';
}

function lexBound(g: Gen): string {
  const r = g.r;
  return r.pick(['-', '+', `[${member(r)}`, `(${member(r)}`, '[a', '(b', 'c', '[']);
}

function zaddArgs(g: Gen): Argv {
  const r = g.r;
  const argv = ['ZADD', g.key()];
  if (r.chance(0.3)) argv.push(r.pick(['NX', 'XX']));
  if (r.chance(0.2)) argv.push(r.pick(['GT', 'LT']));
  if (r.chance(0.2)) argv.push('CH');
  const incr = r.chance(0.15);
  if (incr) argv.push('INCR');
  const n = incr && r.chance(0.8) ? 1 : r.range(1, 4);
  for (let i = 0; i < n; i++) argv.push(score(g), member(r));
  if (r.chance(0.05)) argv.push(score(g));
  return argv;
}

function zrangeArgs(g: Gen): Argv {
  const r = g.r;
  const mode = r.int(3);
  const argv = ['ZRANGE', mode === 2 ? lexKey(g) : g.key()];
  if (mode === 0) argv.push(intArg(r, -5, 5), intArg(r, -5, 5));
  else if (mode === 1) argv.push(scoreBound(g), scoreBound(g), 'BYSCORE');
  else argv.push(lexBound(g), lexBound(g), 'BYLEX');
  if (r.chance(0.3)) argv.push('REV');
  if (r.chance(0.3)) argv.push('LIMIT', intArg(r, -1, 3), intArg(r, -1, 3));
  if (r.chance(0.4) && mode !== 2) argv.push('WITHSCORES');
  return argv;
}

function combineArgs(g: Gen): Argv {
  const r = g.r;
  const op = r.pick(['ZUNION', 'ZINTER', 'ZDIFF', 'ZUNIONSTORE', 'ZINTERSTORE', 'ZDIFFSTORE']);
  const ks = r.some(KEYS, r.range(1, 3));
  const argv = op.endsWith('STORE') ? [op, g.key()] : [op];
  argv.push(r.chance(0.95) ? String(ks.length) : r.pick(['0', '-1']), ...ks);
  if (op !== 'ZDIFF' && op !== 'ZDIFFSTORE') {
    if (r.chance(0.3)) argv.push('WEIGHTS', ...ks.map(() => r.pick(['1', '2', '-1', '0.5', 'inf', '0'])));
    if (r.chance(0.3)) argv.push('AGGREGATE', r.pick(['SUM', 'MIN', 'MAX', 'max', 'AVG']));
  }
  if (!op.endsWith('STORE') && r.chance(0.4)) argv.push('WITHSCORES');
  return argv;
}

/** BZPOPMIN/BZPOPMAX/BZMPOP served by another connection's ZADD. */
function blockServed(g: Gen): Unit {
  const r = g.r;
  const k = g.key();
  const block = r.pick<Argv>([
    ['BZPOPMIN', k, '5'],
    ['BZPOPMAX', 'z:none', k, '5'],
    ['BZMPOP', '5', '1', k, r.pick(['MIN', 'MAX']), ...(r.chance(0.5) ? ['COUNT', '2'] : [])],
  ]);
  return [
    { op: 'call', conn: 0, argv: ['DEL', k], check: 'exact' },
    { op: 'send', conn: 1, argv: block },
    { op: 'waitBlocked', count: 1 },
    {
      op: 'call',
      conn: 0,
      argv: ['ZADD', k, String(r.range(-5, 5)), member(r), String(r.range(-5, 5)), member(r)],
      check: 'exact',
    },
    { op: 'read', conn: 1, check: 'exact' },
  ];
}

const gens: readonly (readonly [number, UnitGen])[] = [
  [10, simple(zaddArgs)],
  [4, simple((g) => ['ZINCRBY', g.key(), score(g), member(g.r)])],
  [4, simple((g) => ['ZSCORE', g.key(), member(g.r)])],
  [2, simple((g) => ['ZMSCORE', g.key(), member(g.r), member(g.r)])],
  [3, simple((g) => ['ZCARD', g.key()])],
  [2, simple((g) => ['ZCOUNT', g.key(), scoreBound(g), scoreBound(g)])],
  [2, simple((g) => ['ZLEXCOUNT', lexKey(g), lexBound(g), lexBound(g)])],
  [8, simple(zrangeArgs)],
  [
    3,
    simple((g) => {
      const r = g.r;
      const cmd = r.pick(['ZRANGEBYSCORE', 'ZREVRANGEBYSCORE']);
      const extra = [
        ...(r.chance(0.4) ? ['WITHSCORES'] : []),
        ...(r.chance(0.3) ? ['LIMIT', '0', intArg(r, -1, 3)] : []),
      ];
      return [cmd, g.key(), scoreBound(g), scoreBound(g), ...extra];
    }),
  ],
  [2, simple((g) => [g.r.pick(['ZRANGEBYLEX', 'ZREVRANGEBYLEX']), lexKey(g), lexBound(g), lexBound(g)])],
  [
    2,
    simple((g) => [
      'ZREVRANGE',
      g.key(),
      intArg(g.r, -4, 4),
      intArg(g.r, -4, 4),
      ...(g.r.chance(0.5) ? ['WITHSCORES'] : []),
    ]),
  ],
  [3, simple((g) => [g.r.pick(['ZRANK', 'ZREVRANK']), g.key(), member(g.r)])],
  [3, simple((g) => ['ZREM', g.key(), member(g.r), ...(g.r.chance(0.3) ? [member(g.r)] : [])])],
  [1, simple((g) => ['ZREMRANGEBYRANK', g.key(), intArg(g.r, -4, 4), intArg(g.r, -4, 4)])],
  [1, simple((g) => ['ZREMRANGEBYSCORE', g.key(), scoreBound(g), scoreBound(g)])],
  [1, simple((g) => ['ZREMRANGEBYLEX', lexKey(g), lexBound(g), lexBound(g)])],
  [
    4,
    simple((g) => ['ZADD', LEX_KEY, ...(g.r.chance(0.2) ? ['NX'] : []), '0', member(g.r), '0', member(g.r)]),
  ],
  [
    3,
    simple((g) => [
      g.r.pick(['ZPOPMIN', 'ZPOPMAX']),
      g.key(),
      ...(g.r.chance(0.4) ? [intArg(g.r, -1, 3)] : []),
    ]),
  ],
  [
    2,
    simple((g) => {
      const ks = g.r.some(KEYS, g.r.range(1, 2));
      return [
        'ZMPOP',
        String(ks.length),
        ...ks,
        g.r.pick(['MIN', 'MAX', 'BAD']),
        ...(g.r.chance(0.4) ? ['COUNT', intArg(g.r, 0, 3)] : []),
      ];
    }),
  ],
  [4, simple(combineArgs)],
  [
    1,
    simple((g) => ['ZINTERCARD', '2', 'z1', 'z2', ...(g.r.chance(0.5) ? ['LIMIT', intArg(g.r, 0, 3)] : [])]),
  ],
  [1, simple((g) => ['ZRANGESTORE', g.key(), g.key(), intArg(g.r, -3, 3), intArg(g.r, -3, 3)])],
  [
    2,
    (g) => {
      const count = g.r.pick([[], ['2'], ['-3'], ['3', 'WITHSCORES'], ['0']]);
      return [g.call(['ZRANDMEMBER', g.key(), ...count], randomCheck(count))];
    },
  ],
  [
    1,
    (g) => [
      { op: 'call', conn: 1, argv: [g.r.pick(['BZPOPMIN', 'BZPOPMAX']), 'z:empty', '0.01'], check: 'exact' },
    ],
  ],
  [2, blockServed],
  [
    2,
    (g) => {
      const argv = ['ZSCAN', g.key(), '{cursor}'];
      if (g.r.chance(0.4)) argv.push('MATCH', g.r.pick(['*', 'a*', '?']));
      if (g.r.chance(0.4)) argv.push('COUNT', g.r.pick(['1', '100']));
      return [{ op: 'scanAll', conn: g.conn(), argv, pairs: true }];
    },
  ],
  [1, retype],
];

export const zsets: Family = {
  name: 'zsets',
  owner: 'zsets',
  keys: KEYS,
  build: (g, n) => weighted(g, gens, n),
};
