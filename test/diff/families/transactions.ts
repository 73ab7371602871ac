/** MULTI/EXEC/DISCARD/WATCH/UNWATCH: queued replies, EXECABORT after queue-time errors, runtime errors inside EXEC, WATCH broken by other connections. */
import { member, value } from '../gen.js';
import type { Family, Gen } from '../gen.js';
import type { Argv, Step, Unit } from '../sequence.js';

const KEYS = ['m1', 'm2', 'm3'] as const;

/** A command whose reply order is deterministic (so EXEC's array can be compared byte for byte). */
function queued(g: Gen): Argv {
  const r = g.r;
  const k = g.key();
  const candidates: Argv[] = [
    ['SET', k, value(r)],
    ['GET', k],
    ['INCR', k],
    ['INCRBYFLOAT', k, '0.1'],
    ['RPUSH', k, member(r)],
    ['LPOP', k],
    ['LRANGE', k, '0', '-1'],
    ['HSET', k, member(r), value(r)],
    ['SADD', k, member(r)],
    ['SCARD', k],
    ['ZADD', k, '1.5', member(r)],
    ['ZRANGE', k, '0', '-1', 'WITHSCORES'],
    ['DEL', k],
    ['EXISTS', k],
    ['SELECT', r.pick(['0', '1', '99'])],
    ['BLPOP', k, '1'],
    ['PING'],
    ['ECHO', value(r)],
    ['EXPIRE', k, '1000'],
    ['TYPE', k],
  ];
  return r.pick(candidates.filter((a) => g.allows(a)));
}

/** A command that fails while queueing (arity / unknown command), which aborts the EXEC. */
function queueError(g: Gen): Argv {
  return g.r.pick<Argv>([
    ['GET'],
    ['SET', 'x'],
    ['NOSUCHCMD', 'a'],
    ['INCRBY', 'x'],
    ['WATCH', 'x'],
    ['MULTI'],
  ]);
}

function transaction(g: Gen): Unit {
  const r = g.r;
  const c = r.chance(0.3) && g.resp3 ? 2 : 0;
  const at = (argv: Argv): Step => ({ op: 'call', conn: c, argv, check: 'exact' });
  const steps: Step[] = [];
  const watched = r.chance(0.4) ? r.some(KEYS, r.range(1, 2)) : [];
  if (watched.length > 0) steps.push(at(['WATCH', ...watched]));
  if (watched.length > 0 && r.chance(0.5)) {
    // Another connection (or this one) touches a key, maybe a watched one.
    const who = r.chance(0.7) ? 1 : c;
    const k = r.pick([...watched, 'm3', 'other']);
    const argv = r.pick<Argv>([
      ['SET', k, 'v'],
      ['DEL', k],
      ['EXPIRE', k, '1000'],
      ['INCR', k],
      ['FLUSHDB'],
      ['SWAPDB', '0', '1'],
      ['GET', k],
    ]);
    steps.push({ op: 'call', conn: who, argv, check: 'exact' });
  }
  if (r.chance(0.1)) steps.push(at(['UNWATCH']));
  steps.push(at(['MULTI']));
  const n = r.range(0, 4);
  for (let i = 0; i < n; i++) steps.push(at(r.chance(0.1) ? queueError(g) : queued(g)));
  steps.push(at(r.chance(0.85) ? ['EXEC'] : ['DISCARD']));
  return steps;
}

function build(g: Gen, n: number): Unit[] {
  const r = g.r;
  const units: Unit[] = [...g.prelude()];
  for (let i = 0; i < n; i++) {
    const pick = r.int(10);
    if (pick < 6) units.push(transaction(g));
    else if (pick === 6)
      units.push([g.call(r.pick<Argv>([['EXEC'], ['DISCARD'], ['UNWATCH'], ['WATCH'], ['MULTI', 'x']]))]);
    else {
      // Outside MULTI a BLPOP would really block; elsewhere the same commands run directly.
      const argv = queued(g);
      units.push([g.call(argv[0] === 'BLPOP' ? ['LPOP', argv[1] as string] : argv)]);
    }
  }
  return units;
}

export const transactions: Family = { name: 'transactions', owner: 'srvcore', keys: KEYS, build };
