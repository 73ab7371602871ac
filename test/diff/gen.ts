/**
 * Seeded randomness and the building blocks every family generator uses: keys (binary and empty
 * included), values (bytes 0-255, CRLF inside, empty, 64-bit edges, float edges), counts and indexes.
 * The same seed always yields the same sequence, so a failing seed is a repro.
 */
import type { Argv, Check, Step, Unit } from './sequence.js';

/** mulberry32: small, fast, good enough for test generation. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from empty list');
    return items[this.int(items.length)] as T;
  }
  /** k distinct items (fewer if the list is shorter). */
  some<T>(items: readonly T[], k: number): T[] {
    const copy = [...items];
    const out: T[] = [];
    while (out.length < k && copy.length > 0) out.push(copy.splice(this.int(copy.length), 1)[0] as T);
    return out;
  }
}

/** Derives a per-sequence seed from the run's base seed, the family and the sequence index. */
export function sequenceSeed(base: number, family: string, index: number): number {
  let h = (base ^ 0x9e3779b9) >>> 0;
  for (const ch of `${family}:${index}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

export const INT_EDGES = [
  '0',
  '1',
  '-1',
  '9223372036854775807',
  '-9223372036854775808',
  '9223372036854775808',
  '-9223372036854775809',
  '4611686018427387904',
  '18446744073709551615',
  '+1',
  ' 1',
  '1 ',
  '01',
  '-0',
  '0x10',
  '1e3',
  '',
  'abc',
  '100',
  '-100',
] as const;

export const FLOAT_EDGES = [
  '0',
  '1.5',
  '-1.5',
  '0.1',
  '3.0000000000000001',
  '1e308',
  '1e309',
  '-1e308',
  '1e-320',
  '5e-324',
  'inf',
  '-inf',
  '+inf',
  'Infinity',
  'nan',
  '1.23e+5',
  '.5',
  '5.',
  '1_0',
  ' 1.5',
  '10.50',
  '-0',
  '-0.0',
  '123456789012345678901234567890',
  '0.30000000000000004',
  '1e15',
  '1e16',
  '1e17',
  '2.5e-7',
] as const;

/** Random bytes 0-255, CRLF likely inside. */
export function binary(r: Rng, maxLen = 12): string {
  const n = r.int(maxLen + 1);
  let s = '';
  for (let i = 0; i < n; i++) s += r.chance(0.15) ? '\r\n' : String.fromCharCode(r.int(256));
  return s;
}

/** A value for a string / member / field: words, numbers, binary, empty, edges, sometimes long. */
export function value(r: Rng): string {
  switch (r.int(10)) {
    case 0:
      return '';
    case 1:
      return String(r.range(-20, 20));
    case 2:
      return binary(r);
    case 3:
      return r.pick(['a\r\nb', '\r\n', '\x00', '\xff\xfe', 'x\ny', '$3\r\nfoo\r\n', '*1\r\n']);
    case 4:
      return r.pick(INT_EDGES);
    case 5:
      return r.pick(FLOAT_EDGES);
    case 6:
      return 'x'.repeat(r.pick([1, 63, 64, 65, 200, 1000]));
    default:
      return r.pick(['a', 'b', 'c', 'foo', 'bar', 'hello', 'A', 'aa', 'ab']);
  }
}

/** A member from a small pool, so members collide and commands interact. */
export function member(r: Rng): string {
  return r.chance(0.8)
    ? r.pick(['a', 'b', 'c', 'd', 'e', '1', '2', '10', '-3', '', '\x00\r\n', '\xff'])
    : value(r);
}

/** An integer argument: small, negative, or a 64-bit edge. */
export function intArg(r: Rng, lo = -5, hi = 10): string {
  return r.chance(0.85) ? String(r.range(lo, hi)) : r.pick(INT_EDGES);
}

/** A float argument: small decimal, integer or an edge. */
export function floatArg(r: Rng): string {
  switch (r.int(4)) {
    case 0:
      return String(r.range(-10, 10));
    case 1:
      return (r.range(-1000, 1000) / r.pick([4, 10, 3, 7])).toString();
    default:
      return r.chance(0.5) ? String(r.range(-3, 3) + 0.5) : r.pick(FLOAT_EDGES);
  }
}

/**
 * Per-sequence generation state: the key pool (keys collide on purpose, one is binary, one empty)
 * and which connection speaks RESP3.
 */
export class Gen {
  /** Connection 2 speaks RESP3 after HELLO 3 when this is set. */
  readonly resp3: boolean;
  constructor(
    readonly r: Rng,
    readonly keys: readonly string[],
    /** Value types other families may create (cross-type commands use only these). */
    readonly types: readonly ValueType[] = ALL_TYPES,
  ) {
    this.resp3 = r.chance(0.3);
  }
  /** False when argv needs a value type this run leaves out. */
  allows(argv: Argv): boolean {
    const t = TYPE_OF_COMMAND[(argv[0] ?? '').toUpperCase()];
    return t === undefined || this.types.includes(t);
  }
  key(): string {
    return this.r.pick(this.keys);
  }
  /** A connection for an ordinary command: mostly 0, sometimes the RESP3 one. */
  conn(): number {
    return this.r.chance(0.25) ? 2 : 0;
  }
  call(argv: Argv, check: Check = 'exact'): Step {
    return { op: 'call', conn: this.conn(), argv, check };
  }
  /** The unit that opens the sequence: HELLO 3 on connection 2 when this sequence uses RESP3. */
  prelude(): Unit[] {
    return this.resp3 ? [[{ op: 'call', conn: 2, argv: ['HELLO', '3'], check: 'hello' }]] : [];
  }
}

/** A generator of one unit for a family. */
export type UnitGen = (g: Gen) => Unit;

/** Wraps argv generators that produce one exact call each. */
export function simple(f: (g: Gen) => Argv, check: Check = 'exact'): UnitGen {
  return (g) => [g.call(f(g), check)];
}

/** Builds a sequence of `n` units from weighted generators. */
export function weighted(g: Gen, gens: readonly (readonly [number, UnitGen])[], n: number): Unit[] {
  const total = gens.reduce((s, [w]) => s + w, 0);
  const units: Unit[] = [...g.prelude()];
  for (let i = 0; i < n; i++) {
    let x = g.r.next() * total;
    for (const [w, gen] of gens) {
      x -= w;
      if (x < 0) {
        units.push(gen(g));
        break;
      }
    }
  }
  return units;
}

export type ValueType = 'string' | 'list' | 'set' | 'hash' | 'zset';
export const ALL_TYPES: readonly ValueType[] = ['string', 'list', 'set', 'hash', 'zset'];

/** The family that owns each value type, so a run can limit cross-type commands to families it runs. */
export const TYPE_OF_FAMILY: Readonly<Record<string, ValueType>> = {
  strings: 'string',
  lists: 'list',
  sets: 'set',
  hashes: 'hash',
  zsets: 'zset',
  geo: 'zset',
  hll: 'string',
};

/** Commands other families' generators borrow, by the value type they need. */
const TYPE_OF_COMMAND: Readonly<Record<string, ValueType>> = {
  SET: 'string',
  GET: 'string',
  INCR: 'string',
  INCRBYFLOAT: 'string',
  APPEND: 'string',
  RPUSH: 'list',
  LPOP: 'list',
  LRANGE: 'list',
  BLPOP: 'list',
  LLEN: 'list',
  SADD: 'set',
  SCARD: 'set',
  HSET: 'hash',
  ZADD: 'zset',
  ZRANGE: 'zset',
};

/** A command that creates `k` as a value of one of the allowed types, with the given members. */
export function setter(g: Gen, k: string, members: readonly string[]): Argv {
  const r = g.r;
  const type = g.types.length === 0 ? 'string' : r.pick(g.types);
  switch (type) {
    case 'string':
      return ['SET', k, value(r)];
    case 'list':
      return ['RPUSH', k, ...members];
    case 'set':
      return ['SADD', k, ...members];
    case 'hash':
      return ['HSET', k, ...members.flatMap((m) => [m, value(r)])];
    case 'zset':
      return ['ZADD', k, ...members.flatMap((m) => [String(r.range(-5, 5)), m])];
  }
}

/** Sets a key to another type so WRONGTYPE paths get exercised. */
export function retype(g: Gen): Unit {
  const k = g.key();
  return [g.call(['DEL', k]), g.call(setter(g, k, [member(g.r)]))];
}

/** A command family the harness can run on its own (DIFF_FAMILIES=name). */
export interface Family {
  readonly name: string;
  /** The helper who owns the family's commands, told about mismatches. */
  readonly owner: string;
  readonly keys: readonly string[];
  /** Builds `n` units after the prelude. */
  readonly build: (g: Gen, n: number) => Unit[];
}

/** SRANDMEMBER-style replies: a positive count promises distinct elements, a negative one allows repeats. */
export function randomCheck(countArgs: readonly string[]): Check {
  const n = Number(countArgs[0] ?? '');
  // With values/scores attached, repeated values are legitimate, so only the shape is compared.
  return Number.isInteger(n) && n > 0 && countArgs.length === 1 ? 'sample' : 'shape';
}
