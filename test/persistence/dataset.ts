/**
 * A dataset that touches every type at every encoding boundary Redis 7.0 has (listpack/intset limits,
 * quicklist node sizes, LZF-compressible values, binary keys, integers at the int8/16/32/64 edges,
 * expiries, several databases), and a canonical snapshot of a server's whole keyspace (read over the
 * wire) or of an in-process Keyspace, so two can be compared key by key.
 */
import { scoreText } from '../../src/persistence/index.js';
import { stringText, type Keyspace } from '../../src/store/index.js';
import { parseReply, type ReplyNode as RespNode } from '../../src/resp/index.js';
import { RawConnection } from '../helpers/raw-resp.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const bin = (...bytes: number[]): string => Buffer.from(bytes).toString('latin1');

export const INT_EDGES = [
  '0',
  '1',
  '-1',
  '127',
  '128',
  '-128',
  '-129',
  '255',
  '32767',
  '32768',
  '-32768',
  '-32769',
  '4095',
  '4096',
  '-4096',
  '-4097',
  '8388607',
  '8388608',
  '-8388608',
  '-8388609',
  '2147483647',
  '2147483648',
  '-2147483648',
  '-2147483649',
  '9223372036854775807',
  '-9223372036854775808',
  '9223372036854775808',
  '007',
  '+5',
  '-0',
  ' 1',
  '1e3',
  '12345678901',
];

/** Far enough in the future never to expire during a test (absolute, so both sides agree). */
const FUTURE_MS = 4102444800000;

export function datasetCommands(): string[][] {
  const c: string[][] = [];
  // Strings: integer edges, empty, binary, LZF-compressible and incompressible big values.
  INT_EDGES.forEach((v, i) => c.push(['SET', `str:int:${i}`, v]));
  c.push(['SET', 'str:empty', '']);
  c.push(['SET', 'str:bytes', bin(...range(256))]);
  c.push(['SET', 'str:lzf', 'abc'.repeat(20_000)]);
  c.push(['SET', 'str:21', 'a'.repeat(21)]);
  c.push(['SET', 'str:noise', Buffer.from(range(3000).map((i) => (i * 7919 + 13) % 251)).toString('latin1')]);
  c.push(['SET', bin(0, 255, 13, 10, 0x80), 'binary key']);
  c.push(['SET', 'str:appended', 'x']);
  c.push(['APPEND', 'str:appended', 'yz']);
  // Lists: single, small with int edges, big across many 8 KB nodes, big elements.
  c.push(['RPUSH', 'list:one', 'only']);
  c.push(['RPUSH', 'list:ints', ...INT_EDGES]);
  c.push(['RPUSH', 'list:big', ...range(5000).map((i) => `item-${i}`)]);
  c.push(['RPUSH', 'list:huge-elems', ...range(6).map((i) => String(i).repeat(9000))]);
  c.push(['RPUSH', 'list:lzf', ...range(300).map((i) => `compressible-${i % 3}-${'z'.repeat(40)}`)]);
  // Hashes at hash-max-listpack-entries (512) and -value (64).
  for (const n of [1, 512, 513, 1000]) {
    c.push(['HSET', `hash:${n}`, ...range(n).flatMap((i) => [`f${i}`, String(i * i)])]);
  }
  c.push(['HSET', 'hash:v64', 'f', 'v'.repeat(64)]);
  c.push(['HSET', 'hash:v65', 'f', 'v'.repeat(65)]);
  c.push(['HSET', 'hash:k65', 'k'.repeat(65), 'v']);
  c.push(['HSET', 'hash:ints', ...INT_EDGES.flatMap((v, i) => [String(i), v])]);
  c.push(['HSET', 'hash:bin', bin(0, 1, 2), bin(255, 254)]);
  // Sets at set-max-intset-entries (512), intset widths, strings.
  c.push(['SADD', 'set:int16', '1', '-5', '32767']);
  c.push(['SADD', 'set:int32', '1', '32768', '-2147483648']);
  c.push(['SADD', 'set:int64', '1', '9223372036854775807', '-9223372036854775808']);
  c.push(['SADD', 'set:512', ...range(512).map(String)]);
  c.push(['SADD', 'set:513', ...range(513).map(String)]);
  c.push(['SADD', 'set:mixed', '1', '2', 'three']);
  c.push(['SADD', 'set:noncanon', '007', '1']);
  c.push(['SADD', 'set:strings', ...range(200).map((i) => `member-${i}`)]);
  // Sorted sets at zset-max-listpack-entries (128) and -value (64), odd scores.
  for (const n of [1, 128, 129, 600]) {
    c.push(['ZADD', `zset:${n}`, ...range(n).flatMap((i) => [String(i / 3), `m${i}`])]);
  }
  c.push(['ZADD', 'zset:v64', '1', 'm'.repeat(64)]);
  c.push(['ZADD', 'zset:v65', '1', 'm'.repeat(65)]);
  c.push([
    'ZADD',
    'zset:odd',
    '-inf',
    'ninf',
    'inf',
    'pinf',
    '1e-300',
    'tiny',
    '1e300',
    'huge',
    '0.1',
    'tenth',
    '-0',
    'mzero',
    '4503599627370496',
    'two52',
    '123456789012345678',
    'big',
    '-2.5',
    'neg',
  ]);
  // Expiries.
  c.push(['SET', 'exp:str', 'v', 'PXAT', String(FUTURE_MS + 123)]);
  c.push(['RPUSH', 'exp:list', 'a', 'b']);
  c.push(['PEXPIREAT', 'exp:list', String(FUTURE_MS + 456)]);
  c.push(['HSET', 'exp:hash', 'f', 'v']);
  c.push(['PEXPIREAT', 'exp:hash', String(FUTURE_MS + 789)]);
  c.push(['ZADD', 'exp:zset', '1', 'm']);
  c.push(['PEXPIREAT', 'exp:zset', String(FUTURE_MS)]);
  c.push(['SADD', 'exp:set', '1']);
  c.push(['PEXPIREAT', 'exp:set', String(FUTURE_MS + 1)]);
  // Other databases.
  c.push(['SELECT', '1']);
  c.push(['SET', 'db1:key', 'in db 1']);
  c.push(['SET', 'db1:exp', 'e', 'PXAT', String(FUTURE_MS + 42)]);
  c.push(['SELECT', '15']);
  c.push(['HSET', 'db15:hash', 'a', '1']);
  c.push(['SELECT', '0']);
  return c;
}

/** Sends `commands` pipelined and fails on any error reply. */
export async function runCommands(
  conn: RawConnection,
  commands: readonly (readonly string[])[],
): Promise<void> {
  for (let i = 0; i < commands.length; i += 50) {
    const batch = commands.slice(i, i + 50);
    for (const argv of batch) conn.send(argv.map((a) => Buffer.from(a, 'latin1')));
    for (const argv of batch) {
      const r = await conn.read(10_000);
      if (r.kind !== 'reply') throw new Error(`no reply to ${argv[0]}: ${r.kind}`);
      if (r.bytes[0] === 0x2d)
        throw new Error(`${argv.slice(0, 2).join(' ')}: ${r.bytes.toString('latin1')}`);
    }
  }
}

export interface KeySnapshot {
  readonly type: string;
  readonly value: unknown;
  readonly expireMs: number | undefined;
  readonly encoding?: string;
}
/** db → hex key → snapshot. */
export type Snapshot = Record<string, Record<string, KeySnapshot>>;

const hex = (s: string): string => Buffer.from(s, 'latin1').toString('hex');

function node(buf: Buffer): RespNode {
  const r = parseReply(buf);
  if (r === undefined) throw new Error('incomplete reply');
  return r.node;
}
function bulkText(n: RespNode): string {
  if ('bulk' in n && n.bulk !== null) return n.bulk.toString('latin1');
  if ('line' in n) return n.line.toString('latin1');
  throw new Error(`not a string reply: ${JSON.stringify(n)}`);
}
function items(n: RespNode): string[] {
  if (!('items' in n) || n.items === null) throw new Error('not an array reply');
  return n.items.map(bulkText);
}
const call = async (c: RawConnection, argv: readonly string[]): Promise<RespNode> =>
  node(
    await c.call(
      argv.map((a) => Buffer.from(a, 'latin1')),
      10_000,
    ),
  );

function canonical(type: string, raw: string[] | string): unknown {
  if (type === 'set') return [...(raw as string[])].map(hex).sort();
  if (type === 'hash') {
    const r = raw as string[];
    const pairs: string[] = [];
    for (let i = 0; i < r.length; i += 2) pairs.push(`${hex(r[i] as string)}=${hex(r[i + 1] as string)}`);
    return pairs.sort();
  }
  if (type === 'zset') {
    const r = raw as string[];
    const out: string[] = [];
    for (let i = 0; i < r.length; i += 2)
      out.push(`${hex(r[i] as string)}@${scoreText(parseScoreReply(r[i + 1] as string))}`);
    return out;
  }
  if (type === 'list') return (raw as string[]).map(hex);
  return hex(raw as string);
}

function parseScoreReply(s: string): number {
  if (s === 'inf') return Infinity;
  if (s === '-inf') return -Infinity;
  return Number(s);
}

/** Every key of every database of a live server, with value, absolute expiry and OBJECT ENCODING. */
export async function snapshotServer(c: RawConnection, databases = 16): Promise<Snapshot> {
  const out: Snapshot = {};
  for (let db = 0; db < databases; db++) {
    await call(c, ['SELECT', String(db)]);
    const keys = items(await call(c, ['KEYS', '*']));
    if (keys.length === 0) continue;
    const dbOut: Record<string, KeySnapshot> = {};
    for (const key of keys) {
      const type = bulkText(await call(c, ['TYPE', key]));
      let raw: string[] | string;
      if (type === 'string') raw = bulkText(await call(c, ['GET', key]));
      else if (type === 'list') raw = items(await call(c, ['LRANGE', key, '0', '-1']));
      else if (type === 'set') raw = items(await call(c, ['SMEMBERS', key]));
      else if (type === 'hash') raw = items(await call(c, ['HGETALL', key]));
      else if (type === 'zset') raw = items(await call(c, ['ZRANGE', key, '0', '-1', 'WITHSCORES']));
      else throw new Error(`unexpected type ${type}`);
      const pexpiretime = Number(bulkText(await call(c, ['PEXPIRETIME', key])));
      const encoding = bulkText(await call(c, ['OBJECT', 'ENCODING', key]));
      dbOut[hex(key)] = {
        type,
        value: canonical(type, raw),
        expireMs: pexpiretime < 0 ? undefined : pexpiretime,
        encoding,
      };
    }
    out[String(db)] = dbOut;
  }
  await call(c, ['SELECT', '0']);
  return out;
}

/** The same snapshot of an in-process keyspace (no encodings: those are seen through a server). */
export function snapshotKeyspace(keyspace: Keyspace): Snapshot {
  const out: Snapshot = {};
  for (const db of keyspace.databases) {
    if (db.size === 0) continue;
    const dbOut: Record<string, KeySnapshot> = {};
    for (const [key, value, expireMs] of db.entriesWithExpiry()) {
      let type: string;
      let raw: string[] | string;
      if (typeof value === 'string' || value.type === 'string') {
        type = 'string';
        raw = stringText(value);
      } else if (value.type === 'list') {
        type = 'list';
        raw = value.items.toArray();
      } else if (value.type === 'set') {
        type = 'set';
        raw = [...value.members];
      } else if (value.type === 'hash') {
        type = 'hash';
        raw = [...value.fields].flat();
      } else if (value.type === 'stream') {
        type = 'stream';
        raw = [
          ...value.stream.range({ ms: 0n, seq: 0n }, { ms: 2n ** 64n - 1n, seq: 2n ** 64n - 1n }),
        ].flatMap(([id, pairs]) => [`${id.ms}-${id.seq}`, ...pairs]);
      } else {
        type = 'zset';
        raw = [...value.zset.entries()].flatMap((e) => [
          e.member,
          Object.is(e.score, -0) ? '-0' : String(e.score),
        ]);
      }
      dbOut[hex(key)] = { type, value: canonical(type, raw), expireMs };
    }
    out[String(db.index)] = dbOut;
  }
  return out;
}

/** A snapshot without the encodings (to compare with snapshotKeyspace). */
export function withoutEncodings(s: Snapshot): Snapshot {
  const out: Snapshot = {};
  for (const [db, keys] of Object.entries(s)) {
    out[db] = {};
    for (const [k, v] of Object.entries(keys))
      out[db][k] = { type: v.type, value: v.value, expireMs: v.expireMs };
  }
  return out;
}
