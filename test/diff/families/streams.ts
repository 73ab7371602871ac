/**
 * Streams: XADD with explicit, partial (`ms-*`) and invalid IDs, NOMKSTREAM and trims (MAXLEN/MINID,
 * `=`/`~`, LIMIT); XRANGE/XREVRANGE with exclusive bounds and COUNT; XDEL, XTRIM, XLEN, XSETID;
 * consumer groups (XGROUP *, XREADGROUP `>`/history/NOACK, XACK, XPENDING, XCLAIM, XAUTOCLAIM);
 * XINFO; XREAD and XREADGROUP blocked and then served by XADD; COPY; WRONGTYPE.
 *
 * IDs are explicit (an auto ID is the server's clock), so replies compare byte for byte; what shows
 * a clock (idle times, delivery times, seen-time) is compared by shape only.
 */
import { member, retype, simple, value, weighted } from '../gen.js';
import type { Family, Gen, UnitGen } from '../gen.js';
import type { Argv, Unit } from '../sequence.js';

const KEYS = ['x1', 'x2', 'x3', '\x00x\r\n'] as const;
const GROUPS = ['g1', 'g2'] as const;
const CONSUMERS = ['alice', 'bob', 'c\x00'] as const;

/** A per-sequence clock for IDs, so most XADDs go forward (some deliberately do not). */
const clocks = new WeakMap<Gen, number>();

function nextId(g: Gen): string {
  const r = g.r;
  let t = clocks.get(g) ?? 1;
  t += r.int(3);
  clocks.set(g, t);
  switch (r.int(10)) {
    case 0:
      return `${t}-*`;
    case 1:
      return `${r.int(t + 1)}-${r.int(3)}`; // often not greater than the top item
    case 2:
      return r.pick(['0-0', '0-*', 'bad', '1-x', '-1', '18446744073709551615-18446744073709551615']);
    default:
      return `${t}-${r.int(3)}`;
  }
}

/** An ID somewhere in the range the sequence used, or a special form. */
function someId(g: Gen): string {
  const r = g.r;
  const t = clocks.get(g) ?? 1;
  if (r.chance(0.1))
    return r.pick(['-', '+', '0', '0-0', 'x', '(0-0', '(18446744073709551615-18446744073709551615']);
  const id = r.chance(0.5) ? String(r.int(t + 2)) : `${r.int(t + 2)}-${r.int(3)}`;
  return r.chance(0.2) ? `(${id}` : id;
}

function strictSomeId(g: Gen): string {
  const t = clocks.get(g) ?? 1;
  return g.r.chance(0.05) ? 'x' : `${g.r.int(t + 2)}-${g.r.int(3)}`;
}

function fields(g: Gen): string[] {
  const r = g.r;
  if (r.chance(0.5)) return ['f', value(r)];
  const n = r.range(1, 3);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(r.chance(0.5) ? `f${i}` : member(r), value(r));
  return out;
}

function trim(g: Gen): string[] {
  const r = g.r;
  const strategy = r.pick(['MAXLEN', 'MINID', 'maxlen']);
  const approx = r.pick(['', '~', '=']);
  const threshold = strategy === 'MINID' ? strictSomeId(g) : String(r.range(-1, 120));
  const out = [strategy, ...(approx === '' ? [] : [approx]), threshold];
  if (r.chance(0.3)) out.push('LIMIT', String(r.range(-1, 150)));
  return out;
}

function xadd(g: Gen): Argv {
  const r = g.r;
  const opts: string[] = [];
  if (r.chance(0.1)) opts.push('NOMKSTREAM');
  if (r.chance(0.2)) opts.push(...trim(g));
  return ['XADD', g.key(), ...opts, nextId(g), ...fields(g)];
}

/** Many entries at once (a MULTI of XADDs), so streams span several listpack nodes. */
function bulkAdd(g: Gen): Unit {
  const k = g.key();
  const n = g.r.pick([30, 120, 250]);
  let t = clocks.get(g) ?? 1;
  const steps: Unit[number][] = [];
  for (let i = 0; i < n; i++) {
    t += g.r.int(2);
    steps.push(g.call(['XADD', k, `${t}-*`, 'f', String(i)]));
  }
  clocks.set(g, t);
  return steps;
}

function group(g: Gen): string {
  return g.r.chance(0.05) ? 'nogroup' : g.r.pick(GROUPS);
}

function consumer(g: Gen): string {
  return g.r.pick(CONSUMERS);
}

function xgroup(g: Gen): Argv {
  const r = g.r;
  const k = g.key();
  switch (r.int(6)) {
    case 0:
    case 1: {
      const opts: string[] = [];
      if (r.chance(0.3)) opts.push('MKSTREAM');
      if (r.chance(0.2)) opts.push('ENTRIESREAD', String(r.range(-2, 10)));
      return ['XGROUP', 'CREATE', k, group(g), r.chance(0.3) ? '$' : someId(g), ...opts];
    }
    case 2:
      return [
        'XGROUP',
        'SETID',
        k,
        group(g),
        r.chance(0.3) ? '$' : someId(g),
        ...(r.chance(0.3) ? ['ENTRIESREAD', String(r.range(-1, 10))] : []),
      ];
    case 3:
      return ['XGROUP', 'DESTROY', k, group(g)];
    case 4:
      return ['XGROUP', 'CREATECONSUMER', k, group(g), consumer(g)];
    default:
      return ['XGROUP', 'DELCONSUMER', k, group(g), consumer(g)];
  }
}

function xreadgroup(g: Gen): Argv {
  const r = g.r;
  const opts: string[] = [];
  if (r.chance(0.5)) opts.push('COUNT', String(r.range(0, 5)));
  if (r.chance(0.3)) opts.push('NOACK');
  const keys = r.chance(0.8) ? [g.key()] : [g.key(), g.key()];
  const ids = keys.map(() => (r.chance(0.7) ? '>' : r.pick(['0', '0-0', someId(g), '$'])));
  return ['XREADGROUP', 'GROUP', group(g), consumer(g), ...opts, 'STREAMS', ...keys, ...ids];
}

function xread(g: Gen): Argv {
  const r = g.r;
  const opts = r.chance(0.5) ? ['COUNT', String(r.range(0, 5))] : [];
  const keys = r.chance(0.8) ? [g.key()] : [g.key(), g.key()];
  const ids = keys.map(() => (r.chance(0.2) ? '$' : strictSomeId(g)));
  return ['XREAD', ...opts, 'STREAMS', ...keys, ...ids];
}

function xclaim(g: Gen): Argv {
  const r = g.r;
  const ids = Array.from({ length: r.range(1, 3) }, () => strictSomeId(g));
  const opts: string[] = [];
  if (r.chance(0.3)) opts.push('JUSTID');
  if (r.chance(0.2)) opts.push('FORCE');
  if (r.chance(0.2)) opts.push('RETRYCOUNT', String(r.range(0, 5)));
  if (r.chance(0.2)) opts.push('LASTID', strictSomeId(g));
  if (r.chance(0.2)) opts.push('TIME', '1700000000000');
  if (r.chance(0.05)) opts.push('BOGUS');
  return ['XCLAIM', g.key(), group(g), consumer(g), r.pick(['0', '0', '100000000', 'x']), ...ids, ...opts];
}

function xautoclaim(g: Gen): Argv {
  const r = g.r;
  const opts: string[] = [];
  if (r.chance(0.5)) opts.push('COUNT', String(r.range(0, 4)));
  if (r.chance(0.3)) opts.push('JUSTID');
  return ['XAUTOCLAIM', g.key(), group(g), consumer(g), r.pick(['0', '100000000']), someId(g), ...opts];
}

/** A reader blocks (XREAD or XREADGROUP), an XADD serves it, its reply is read. */
function blockServed(g: Gen): Unit {
  const r = g.r;
  const k = g.key();
  const t = (clocks.get(g) ?? 1) + 1000;
  clocks.set(g, t);
  const block: Argv = r.chance(0.5)
    ? ['XREAD', 'BLOCK', '5000', 'STREAMS', k, '$']
    : ['XREADGROUP', 'GROUP', 'gb', 'bob', 'BLOCK', '5000', 'STREAMS', k, '>'];
  return [
    { op: 'call', conn: 0, argv: ['DEL', k], check: 'exact' },
    { op: 'call', conn: 0, argv: ['XGROUP', 'CREATE', k, 'gb', '$', 'MKSTREAM'], check: 'exact' },
    { op: 'send', conn: 1, argv: block },
    { op: 'waitBlocked', count: 1 },
    { op: 'call', conn: 0, argv: ['XADD', k, `${t}-1`, 'f', 'v'], check: 'exact' },
    { op: 'read', conn: 1, check: 'exact' },
    { op: 'call', conn: 0, argv: ['XPENDING', k, 'gb'], check: 'exact' },
  ];
}

const gens: readonly (readonly [number, UnitGen])[] = [
  [14, simple(xadd)],
  [2, bulkAdd],
  [4, simple((g) => ['XDEL', g.key(), ...Array.from({ length: g.r.range(1, 3) }, () => strictSomeId(g))])],
  [3, simple((g) => ['XTRIM', g.key(), ...(g.r.chance(0.05) ? [] : trim(g))])],
  [
    6,
    simple((g) => [
      g.r.pick(['XRANGE', 'XREVRANGE']),
      g.key(),
      someId(g),
      someId(g),
      ...(g.r.chance(0.4) ? ['COUNT', String(g.r.range(-1, 5))] : []),
    ]),
  ],
  [3, simple((g) => ['XLEN', g.key()])],
  [
    2,
    simple((g) => [
      'XSETID',
      g.key(),
      strictSomeId(g),
      ...(g.r.chance(0.3) ? ['ENTRIESADDED', String(g.r.range(-1, 300))] : []),
      ...(g.r.chance(0.3) ? ['MAXDELETEDID', strictSomeId(g)] : []),
    ]),
  ],
  [6, simple(xgroup)],
  [7, simple(xreadgroup)],
  [3, simple(xread)],
  [
    3,
    simple((g) => [
      'XACK',
      g.key(),
      group(g),
      ...Array.from({ length: g.r.range(1, 3) }, () => strictSomeId(g)),
    ]),
  ],
  [3, simple((g) => ['XPENDING', g.key(), group(g)])],
  [
    2,
    simple(
      (g) => [
        'XPENDING',
        g.key(),
        group(g),
        ...(g.r.chance(0.2) ? ['IDLE', '0'] : []),
        someId(g),
        someId(g),
        String(g.r.range(-1, 5)),
        ...(g.r.chance(0.4) ? [consumer(g)] : []),
      ],
      'shape',
    ),
  ],
  [4, simple(xclaim)],
  [3, simple(xautoclaim)],
  [3, simple((g) => ['XINFO', 'STREAM', g.key()])],
  [2, simple((g) => ['XINFO', 'GROUPS', g.key()])],
  [1, simple((g) => ['XINFO', 'CONSUMERS', g.key(), group(g)], 'shape')],
  [1, simple((g) => ['XINFO', 'STREAM', g.key(), 'FULL', 'COUNT', String(g.r.range(0, 3))], 'shape')],
  [1, simple((g) => ['COPY', g.key(), g.key()])],
  [1, simple((g) => (g.r.chance(0.5) ? ['TYPE', g.key()] : ['OBJECT', 'ENCODING', g.key()]))],
  [2, blockServed],
  [1, simple((g) => ['DEL', g.key()])],
  [1, retype],
];

export const streams: Family = {
  name: 'streams',
  owner: 'streams',
  keys: KEYS,
  build: (g, n) => weighted(g, gens, n),
};
