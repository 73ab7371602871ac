/**
 * The RDB codec's pieces on their own: CRC64 check value, LZF round trips and refusals, listpack and
 * intset encodings at every integer width, and the encodings only files from before 7.0 hold (ziplist,
 * zipmap, quicklist of ziplists, text-double zsets, linked lists, EXPIRETIME in seconds), built by hand
 * from the formats' descriptions. Refusals name the key and the type.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_ENCODING_LIMITS,
  RdbError,
  buildIntset,
  buildListpack,
  crc64,
  crc64LE,
  describeRdb,
  intsetMembers,
  listpackEntries,
  loadRdb,
  lzfCompress,
  lzfDecompress,
  ziplistEntries,
} from '../../src/persistence/index.js';
import { Keyspace } from '../../src/store/index.js';
import { INT_EDGES } from './dataset.js';

test('CRC64 Jones: the check value of "123456789"', () => {
  assert.equal(crc64(Buffer.from('123456789')), 0xe9c6d914c4b8d9can);
  assert.equal(crc64LE(Buffer.from('123456789')).toString('hex'), 'cad9b8c414d9c6e9');
});

test('LZF round-trips repetitive and random data, refuses what does not shrink, rejects corrupt input', () => {
  let seed = 7;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0xff;
  const inputs = [
    Buffer.from('a'.repeat(1000)),
    Buffer.from('The quick brown fox jumps over the lazy dog. '.repeat(50)),
    Buffer.from(Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? rand() : i % 13))),
  ];
  for (const input of inputs) {
    const c = lzfCompress(input, input.length - 4);
    assert.ok(c !== undefined && c.length < input.length - 4);
    assert.ok(lzfDecompress(c, input.length).equals(input));
  }
  const noise = Buffer.from(Array.from({ length: 300 }, rand));
  assert.equal(lzfCompress(noise, noise.length - 4), undefined);
  assert.throws(() => lzfDecompress(Buffer.from([0x20, 0x05]), 3), /before the start/);
  assert.throws(
    () => lzfDecompress(Buffer.from([0x02, 0x61, 0x62, 0x63]), 5),
    /expands to 3 bytes, 5 stated/,
  );
});

/** An LZF back-reference of `length` bytes (3..264) starting `distance` bytes (1..8192) behind. */
function lzfBackReference(distance: number, length: number): number[] {
  const off = distance - 1;
  const l = length - 2;
  return l < 7 ? [(l << 5) | (off >> 8), off & 0xff] : [(7 << 5) | (off >> 8), l - 7, off & 0xff];
}

/** LZF decoded one byte at a time, as lzf_d.c reads it: the reference the decoder must equal. */
function lzfReference(input: readonly number[]): Buffer {
  const out: number[] = [];
  for (let ip = 0; ip < input.length;) {
    const ctrl = input[ip++] as number;
    if (ctrl < 32) {
      for (let i = 0; i <= ctrl; i++) out.push(input[ip++] as number);
      continue;
    }
    let len = ctrl >> 5;
    if (len === 7) len += input[ip++] as number;
    const ref = out.length - ((ctrl & 0x1f) << 8) - 1 - (input[ip++] as number);
    for (let i = 0; i < len + 2; i++) out.push(out[ref + i] as number);
  }
  return Buffer.from(out);
}

test('LZF back-references of every shape decode as byte-by-byte copies (short, long, runs, overlaps)', () => {
  const literal = Array.from('abcdefghijklmnopqrstuvwxyz012345', (c) => c.charCodeAt(0));
  const stream = [
    literal.length - 1,
    ...literal,
    ...lzfBackReference(32, 5), // short: copied byte by byte
    ...lzfBackReference(30, 25), // long, not overlapping: one copyWithin
    ...lzfBackReference(62, 62), // as long as its distance: still not overlapping
    ...lzfBackReference(1, 264), // a run of one byte: fill
    ...lzfBackReference(3, 100), // overlapping with a period of 3 bytes
    ...lzfBackReference(17, 40), // overlapping, period longer than the native-copy threshold
    ...lzfBackReference(400, 264),
    2,
    0x00,
    0xff,
    0x80,
  ];
  const expected = lzfReference(stream);
  assert.equal(expected.length, 32 + 5 + 25 + 62 + 264 + 100 + 40 + 264 + 3);
  assert.ok(lzfDecompress(Buffer.from(stream), expected.length).equals(expected));
  // Into a reused scratch buffer holding older bytes, from the middle of a larger input.
  const scratch = Buffer.alloc(expected.length + 50, 0x55);
  const framed = Buffer.from([9, 9, ...stream, 9]);
  const out = lzfDecompress(framed, expected.length, scratch, 2, 2 + stream.length);
  assert.ok(out.equals(expected));
  assert.throws(
    () => lzfDecompress(Buffer.from([0, 0x61, ...lzfBackReference(1, 20)]), 20),
    /past its stated/,
  );
});

test('listpack: integers take the smallest width, strings every length class, all read back', () => {
  const long = ['', 'x'.repeat(63), 'y'.repeat(64), 'z'.repeat(4095), 'w'.repeat(4096), 'v'.repeat(70_000)];
  const elements = [...INT_EDGES, ...long];
  assert.deepStrictEqual(listpackEntries(buildListpack(elements)), elements);
  const size = (e: string): number => buildListpack([e]).length - 7;
  assert.equal(size('127'), 2); // 7-bit uint + backlen
  assert.equal(size('-4096'), 3); // 13-bit int
  assert.equal(size('32767'), 4); // int16
  assert.equal(size('8388607'), 5); // int24
  assert.equal(size('2147483647'), 6); // int32
  assert.equal(size('9223372036854775807'), 10); // int64
  assert.equal(size('007'), 5); // not canonical: a 3-byte string
  assert.throws(() => listpackEntries(Buffer.from([7, 0, 0, 0, 1, 0, 0xff])), /0xff|element/);
});

test('intset: widths 2, 4 and 8, sorted', () => {
  for (const [members, width] of [
    [['3', '-5', '1'], 2],
    [['1', '70000', '-70000'], 4],
    [['1', '-9223372036854775808', '9223372036854775807'], 8],
  ] as const) {
    const blob = buildIntset(members);
    const read = intsetMembers(blob);
    assert.equal(read.width, width);
    assert.deepStrictEqual(
      read.members,
      [...members].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)),
    );
  }
});

/** A ziplist integer entry's encoding and data (ziplist.c zipStoreEntryEncoding / zipSaveInteger). */
function intEntry(v: bigint): Buffer {
  if (v >= 0n && v <= 12n) return Buffer.from([0xf1 + Number(v)]);
  if (v >= -128n && v <= 127n) return Buffer.from([0xfe, Number(v) & 0xff]);
  const widths: [bigint, number, number][] = [
    [32767n, 0xc0, 2],
    [8388607n, 0xf0, 3],
    [2147483647n, 0xd0, 4],
  ];
  for (const [max, tag, width] of widths) {
    if (v >= -max - 1n && v <= max) {
      const b = Buffer.alloc(1 + width);
      b[0] = tag;
      b.writeIntLE(Number(v), 1, width);
      return b;
    }
  }
  const b = Buffer.alloc(9);
  b[0] = 0xe0;
  b.writeBigInt64LE(v, 1);
  return b;
}

/** A ziplist as Redis ≤ 6.2 writes one (ziplist.c): prevlen, encoding, data; 0xff. */
function ziplist(entries: readonly (string | number | bigint)[]): Buffer {
  const parts: Buffer[] = [];
  let prev = 0;
  for (const e of entries) {
    let body: Buffer;
    if (typeof e === 'string') {
      const data = Buffer.from(e, 'latin1');
      if (data.length < 64) body = Buffer.concat([Buffer.from([data.length]), data]);
      else if (data.length < 16384)
        body = Buffer.concat([Buffer.from([0x40 | (data.length >> 8), data.length & 0xff]), data]);
      else {
        const h = Buffer.alloc(5);
        h[0] = 0x80;
        h.writeUInt32BE(data.length, 1);
        body = Buffer.concat([h, data]);
      }
    } else {
      const v = BigInt(e);
      body = intEntry(v);
    }
    const prevlen =
      prev < 254
        ? Buffer.from([prev])
        : Buffer.concat([Buffer.from([0xfe]), Buffer.from(new Uint32Array([prev]).buffer)]);
    const entry = Buffer.concat([prevlen, body]);
    parts.push(entry);
    prev = entry.length;
  }
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(10);
  header.writeUInt32LE(10 + body.length + 1, 0);
  header.writeUInt32LE(10 + body.length - prev, 4);
  header.writeUInt16LE(entries.length, 8);
  return Buffer.concat([header, body, Buffer.from([0xff])]);
}

test('ziplist: every entry encoding reads back', () => {
  const entries = [
    'ab',
    0,
    12,
    13,
    -5,
    1000,
    100_000,
    -2_000_000_000,
    1n << 40n,
    'x'.repeat(300),
    'y'.repeat(20_000),
  ];
  assert.deepStrictEqual(ziplistEntries(ziplist(entries)), entries.map(String));
});

/** RDB bytes by hand: length-prefixed strings (no special encodings) and lengths. */
class Bytes {
  private readonly parts: Buffer[] = [];
  raw(...bytes: number[]): this {
    this.parts.push(Buffer.from(bytes));
    return this;
  }
  len(n: number): this {
    if (n < 64) return this.raw(n);
    if (n < 16384) return this.raw(0x40 | (n >> 8), n & 0xff);
    const b = Buffer.alloc(5);
    b[0] = 0x80;
    b.writeUInt32BE(n, 1);
    this.parts.push(b);
    return this;
  }
  str(s: string | Buffer): this {
    const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
    this.len(b.length);
    this.parts.push(b);
    return this;
  }
  file(version: string): Buffer {
    const body = Buffer.concat([Buffer.from(`REDIS${version}`), ...this.parts, Buffer.from([0xff])]);
    return Buffer.concat([body, crc64LE(body)]);
  }
}

test('a hand-built version 6 file with pre-7.0 encodings decodes and loads', () => {
  const zipmap = Buffer.concat([
    Buffer.from([2, 1]),
    Buffer.from('f'),
    Buffer.from([2, 0]),
    Buffer.from('v1'),
    Buffer.from([1]),
    Buffer.from('g'),
    Buffer.from([2, 1]),
    Buffer.from('v2_'),
    Buffer.from([0xff]),
  ]);
  const file = new Bytes()
    .raw(0xfe, 0) // SELECTDB 0
    .raw(1)
    .str('linked')
    .len(2)
    .str('a')
    .str('b') // RDB_TYPE_LIST
    .raw(0xfd, 0x00, 0x00, 0x00, 0x7a) // EXPIRETIME (s): 0x7a000000 = 2046820352
    .raw(3)
    .str('textz')
    .len(3)
    .str('m1')
    .raw(3)
    .raw(...Buffer.from('1.5'))
    .str('ninf')
    .raw(255)
    .str('pinf')
    .raw(254)
    .raw(0xf8, 10) // IDLE
    .raw(9)
    .str('zipmap')
    .str(zipmap)
    .raw(0xf9, 5) // FREQ
    .raw(10)
    .str('zl-list')
    .str(ziplist(['x', 7, 'y']))
    .raw(12)
    .str('zl-zset')
    .str(ziplist(['a', 1, 'b', '2.5']))
    .raw(13)
    .str('zl-hash')
    .str(ziplist(['f', 'v', 'n', 300]))
    .raw(14)
    .str('ql')
    .len(2)
    .str(ziplist(['p', 'q']))
    .str(ziplist([1, 2, 3]))
    .file('0006');
  const d = describeRdb(file) as {
    version: number;
    dbs: Record<string, Record<string, Record<string, unknown>>>;
  };
  assert.equal(d.version, 6);
  const db = d.dbs['0'] as Record<string, Record<string, unknown>>;
  assert.deepStrictEqual(db.linked, { type: 'list', type_byte: 1, value: ['a', 'b'] });
  assert.deepStrictEqual(db.textz, {
    type: 'zset',
    type_byte: 3,
    value: [
      ['ninf', '-inf'],
      ['m1', '1.5'],
      ['pinf', 'inf'],
    ],
    expire_ms: 2046820352000,
  });
  assert.deepStrictEqual(db.zipmap, { type: 'hash_zipmap', type_byte: 9, value: { f: 'v1', g: 'v2' } });
  assert.deepStrictEqual(db['zl-list'], { type: 'list_ziplist', type_byte: 10, value: ['x', '7', 'y'] });
  assert.deepStrictEqual(db['zl-zset'], {
    type: 'zset_ziplist',
    type_byte: 12,
    value: [
      ['a', '1'],
      ['b', '2.5'],
    ],
  });
  assert.deepStrictEqual(db['zl-hash'], { type: 'hash_ziplist', type_byte: 13, value: { f: 'v', n: '300' } });
  assert.deepStrictEqual(db.ql, {
    type: 'list_quicklist',
    type_byte: 14,
    value: ['p', 'q', '1', '2', '3'],
    layout: [2, 3],
  });

  const keyspace = new Keyspace(16, {});
  const r = loadRdb(file, keyspace, {
    limits: DEFAULT_ENCODING_LIMITS,
    nowMs: Date.now(),
    dropExpired: true,
  });
  assert.equal(r.keysLoaded, 7);
  assert.equal(keyspace.db(0).getExpire('textz'), 2046820352000);
});

test('refusals name the key and the type: module values, pre-GA FUNCTION payloads, databases, duplicates; an empty stream and FUNCTION2 libraries load', () => {
  const load = (file: Buffer, dbs = 16): void => {
    loadRdb(file, new Keyspace(dbs, {}), {
      limits: DEFAULT_ENCODING_LIMITS,
      nowMs: Date.now(),
      dropExpired: true,
    });
  };
  const moduleFile = new Bytes()
    .raw(0xfe, 0)
    .raw(7)
    .str('mod:key')
    .raw(0x81, 1, 2, 3, 4, 5, 6, 7, 8)
    .file('0010');
  assert.throws(
    () => load(moduleFile),
    (e: Error) => e instanceof RdbError && /"mod:key".*module/.test(e.message),
  );
  const emptyStream = new Bytes()
    .raw(0xfe, 0)
    .raw(19)
    .str('events')
    .len(0)
    .len(0)
    .len(5)
    .len(1)
    .len(0)
    .len(0)
    .len(0)
    .len(0)
    .len(3)
    .len(0)
    .file('0010');
  assert.equal(
    (describeRdb(emptyStream).dbs as Record<string, Record<string, { type: string }>>)['0']?.events?.type,
    'stream_listpacks2',
  );
  // Streams load (an empty one keeps its last ID and entries-added, as Redis keeps them).
  const keyspace = new Keyspace(16, {});
  loadRdb(emptyStream, keyspace, { limits: DEFAULT_ENCODING_LIMITS, nowMs: Date.now(), dropExpired: true });
  const events = keyspace.db(0).peek('events');
  assert.ok(events !== undefined && typeof events !== 'string' && events.type === 'stream');
  assert.equal(events.stream.length, 0);
  assert.deepEqual(events.stream.lastId, { ms: 5n, seq: 1n });
  assert.equal(events.stream.entriesAdded, 3n);
  const fn = new Bytes()
    .raw(0xf5)
    .str('#!lua name=lib\nredis.register_function("f", function() end)')
    .file('0010');
  // RDB_OPCODE_FUNCTION2 libraries load (the server hands them to scripting); the pre-GA opcode is refused.
  const loaded = loadRdb(fn, new Keyspace(16, {}), {
    limits: DEFAULT_ENCODING_LIMITS,
    nowMs: Date.now(),
    dropExpired: true,
  });
  assert.deepEqual(loaded.functions, ['#!lua name=lib\nredis.register_function("f", function() end)']);
  const oldFn = new Bytes().raw(0xf6).str('#!lua name=lib').file('0010');
  assert.throws(() => load(oldFn), /FUNCTION library payload.*RDB_OPCODE_FUNCTION\) is not supported/);
  const db20 = new Bytes().raw(0xfe, 20).raw(0).str('k').str('v').file('0010');
  assert.throws(() => load(db20), /more than 16 databases/);
  const dup = new Bytes().raw(0xfe, 0).raw(0).str('k').str('v').raw(0).str('k').str('w').file('0010');
  assert.throws(() => load(dup), /duplicate key "k"/);
  const future = new Bytes().file('0011');
  assert.throws(() => load(future), /can't handle RDB format version 11/);
});
