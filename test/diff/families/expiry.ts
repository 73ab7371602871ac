/**
 * Expiry: TTLs far from any boundary are compared with a tolerance; short TTLs are waited out (bounded)
 * and then the key's absence is compared, on every type.
 */
import { member, setter, simple, value, weighted } from '../gen.js';
import type { Family, Gen, UnitGen } from '../gen.js';
import type { Argv, Step, Unit } from '../sequence.js';

const KEYS = ['e1', 'e2', 'e3\r\n'] as const;

function anyTypeSetter(g: Gen, k: string): Argv {
  return setter(g, k, [member(g.r), member(g.r)]);
}

function ttlRead(g: Gen, k: string): Step {
  const r = g.r;
  const cmd = r.pick(['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']);
  const tolerance = cmd.startsWith('P') ? 1000 : 1;
  return { op: 'call', conn: g.conn(), argv: [cmd, k], check: 'ttl', tolerance };
}

/** A key gets a short TTL, the harness waits until it is gone, then its absence is observed. */
function shortLived(g: Gen): Unit {
  const r = g.r;
  const k = g.key();
  const expire = r.pick<Argv>([
    ['PEXPIRE', k, String(r.range(5, 40))],
    ['SET', k, value(r), 'PX', String(r.range(5, 40))],
    ['PSETEX', k, String(r.range(5, 40)), value(r)],
    ['PEXPIREAT', k, String(Date.now() + r.range(5, 40))],
  ]);
  return [
    g.call(anyTypeSetter(g, k)),
    g.call(expire),
    { op: 'waitGone', conn: 0, key: k },
    g.call(
      r.pick(
        [
          ['GET', k],
          ['EXISTS', k],
          ['TYPE', k],
          ['TTL', k],
          ['DBSIZE'],
          ['LLEN', k],
          ['APPEND', k, 'x'],
        ].filter((a) => g.allows(a)),
      ),
    ),
  ];
}

function expireArgs(g: Gen): Argv {
  const r = g.r;
  const k = g.key();
  const far = Math.floor(Date.now() / 1000) + 50_000;
  const base = r.pick<Argv>([
    ['EXPIRE', k, String(r.range(100, 10_000))],
    ['PEXPIRE', k, String(r.range(100_000, 10_000_000))],
    ['EXPIREAT', k, String(far + r.range(0, 1000))],
    ['PEXPIREAT', k, String(far * 1000 + r.range(0, 100_000))],
    ['EXPIRE', k, r.pick(['0', '-1', 'x', '9223372036854775807', '-9223372036854775808', '1.5'])],
    ['PEXPIRE', k, r.pick(['-1', '9223372036854775807'])],
    ['EXPIREAT', k, r.pick(['1', '0'])],
  ]);
  const opt = r.chance(0.4) ? [r.pick(['NX', 'XX', 'GT', 'LT', 'nx', 'BAD'])] : [];
  if (r.chance(0.05)) opt.push(r.pick(['NX', 'XX', 'GT']));
  return [...base, ...opt];
}

const gens: readonly (readonly [number, UnitGen])[] = [
  [6, (g: Gen): Unit => [g.call(anyTypeSetter(g, g.key()))]],
  [8, simple(expireArgs)],
  [8, (g: Gen): Unit => [ttlRead(g, g.key())]],
  [3, shortLived],
  [2, simple((g) => ['PERSIST', g.key()])],
  [2, simple((g) => ['SET', g.key(), value(g.r), ...g.r.pick([[], ['KEEPTTL'], ['EX', '5000']])])],
  [1, simple((g) => ['GETEX', g.key(), ...g.r.pick([['PERSIST'], ['EX', '800'], []])])],
  [1, simple((g) => ['RENAME', g.key(), g.key()])],
  [1, simple((g) => ['COPY', g.key(), g.key(), 'REPLACE'])],
  [1, simple((g) => ['INCR', g.key()])],
  [1, simple((g) => ['APPEND', g.key(), 'z'])],
  [2, simple((g) => ['EXISTS', g.key()])],
];

export const expiry: Family = {
  name: 'expiry',
  owner: 'strkeys',
  keys: KEYS,
  build: (g, n) => weighted(g, gens, n),
};
