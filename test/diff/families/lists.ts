/** Lists: pushes and pops with counts, negative indexes, LPOS options, moves, and blocking pops that time out or are served by another connection. */
import { intArg, member, retype, simple, weighted } from '../gen.js';
import type { Family, Gen, UnitGen } from '../gen.js';
import type { Argv, Unit } from '../sequence.js';

const KEYS = ['l1', 'l2', 'l3', '\x00l\r\n'] as const;
const EMPTY = 'l:empty';

function members(g: Gen, max = 4): string[] {
  return Array.from({ length: g.r.range(1, max) }, () => member(g.r));
}

const side = (g: Gen): string => g.r.pick(['LEFT', 'RIGHT', 'left']);

/** A blocking pop on an empty key with a tiny timeout: the reply is the timeout's null. */
function blockTimeout(g: Gen): Unit {
  const r = g.r;
  const t = r.pick(['0.01', '0.02', '-1', 'x', '0.001']);
  const argv = r.pick<Argv>([
    ['BLPOP', EMPTY, t],
    ['BRPOP', EMPTY, 'l:empty2', t],
    ['BLMOVE', EMPTY, 'l2', side(g), side(g), t],
    ['BRPOPLPUSH', EMPTY, 'l2', t],
    ['BLMPOP', t, '1', EMPTY, side(g)],
  ]);
  return [{ op: 'call', conn: 1, argv, check: 'exact' }];
}

/**
 * Connection 1 blocks on an emptied key; once Redis-side INFO shows it blocked, connection 0 pushes;
 * connection 1's reply is then read. Sometimes a second client blocks too, to check FIFO service.
 */
function blockServed(g: Gen): Unit {
  const r = g.r;
  const k = g.key();
  const other = r.pick(KEYS.filter((x) => x !== k));
  const block = r.pick<Argv>([
    ['BLPOP', k, '5'],
    ['BRPOP', 'l:none', k, '5'],
    ['BLMOVE', k, other, side(g), side(g), '5'],
    ['BRPOPLPUSH', k, other, '5'],
    ['BLMPOP', '5', '2', 'l:none', k, side(g), ...(r.chance(0.5) ? ['COUNT', String(r.range(1, 3))] : [])],
  ]);
  const two = r.chance(0.3);
  const steps: Unit = [
    { op: 'call', conn: 0, argv: ['DEL', k], check: 'exact' },
    { op: 'send', conn: 1, argv: block },
    { op: 'waitBlocked', count: 1 },
    ...(two
      ? ([
          { op: 'send', conn: 3, argv: ['BLPOP', k, '5'] },
          { op: 'waitBlocked', count: 2 },
        ] as const)
      : []),
    {
      op: 'call',
      conn: 0,
      argv: [r.pick(['RPUSH', 'LPUSH']), k, ...members(g, two ? 3 : 2)],
      check: 'exact',
    },
    { op: 'read', conn: 1, check: 'exact' },
  ];
  if (!two) return steps;
  return [
    ...steps,
    { op: 'call', conn: 0, argv: ['RPUSH', k, 'late'], check: 'exact' },
    { op: 'read', conn: 3, check: 'exact' },
    { op: 'call', conn: 0, argv: ['LRANGE', k, '0', '-1'], check: 'exact' },
  ];
}

const gens: readonly (readonly [number, UnitGen])[] = [
  [8, simple((g) => [g.r.pick(['LPUSH', 'RPUSH']), g.key(), ...members(g)])],
  [2, simple((g) => [g.r.pick(['LPUSHX', 'RPUSHX']), g.key(), ...members(g, 2)])],
  [5, simple((g) => [g.r.pick(['LPOP', 'RPOP']), g.key(), ...(g.r.chance(0.4) ? [intArg(g.r, -1, 5)] : [])])],
  [4, simple((g) => ['LLEN', g.key()])],
  [6, simple((g) => ['LRANGE', g.key(), intArg(g.r, -6, 6), intArg(g.r, -6, 6)])],
  [3, simple((g) => ['LINDEX', g.key(), intArg(g.r, -6, 6)])],
  [3, simple((g) => ['LSET', g.key(), intArg(g.r, -5, 5), member(g.r)])],
  [
    3,
    simple((g) => [
      'LINSERT',
      g.key(),
      g.r.pick(['BEFORE', 'AFTER', 'after', 'MIDDLE']),
      member(g.r),
      member(g.r),
    ]),
  ],
  [3, simple((g) => ['LREM', g.key(), intArg(g.r, -3, 3), member(g.r)])],
  [2, simple((g) => ['LTRIM', g.key(), intArg(g.r, -6, 6), intArg(g.r, -6, 6)])],
  [
    3,
    simple((g) => {
      const r = g.r;
      const argv = ['LPOS', g.key(), member(r)];
      if (r.chance(0.4)) argv.push('RANK', r.pick(['1', '-1', '2', '-2', '0', '-9223372036854775808']));
      if (r.chance(0.4)) argv.push('COUNT', r.pick(['0', '1', '2', '-1']));
      if (r.chance(0.3)) argv.push('MAXLEN', r.pick(['0', '1', '3', '-1']));
      return argv;
    }),
  ],
  [3, simple((g) => ['LMOVE', g.key(), g.key(), side(g), side(g)])],
  [1, simple((g) => ['RPOPLPUSH', g.key(), g.key()])],
  [
    2,
    simple((g) => {
      const ks = g.r.some(KEYS, g.r.range(1, 3));
      const numkeys = g.r.chance(0.9) ? String(ks.length) : g.r.pick(['0', '-1', '9']);
      return ['LMPOP', numkeys, ...ks, side(g), ...(g.r.chance(0.4) ? ['COUNT', intArg(g.r, 0, 4)] : [])];
    }),
  ],
  [2, blockTimeout],
  [3, blockServed],
  [1, retype],
];

export const lists: Family = {
  name: 'lists',
  owner: 'lhs',
  keys: KEYS,
  build: (g, n) => weighted(g, gens, n),
};
