/**
 * HyperLogLog against a real redis-server 7.0: every reply and every HLL's bytes (GET) must be the
 * same, so HLLs travel between redmesh and Redis as plain strings.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bulkPayload, seeded, withTwin } from '../twin.js';

/** A HLL header: "HYLL", encoding, 3 unused bytes, 8 bytes of cached cardinality. */
function header(encoding: number, card: Buffer = Buffer.alloc(8)): Buffer {
  return Buffer.concat([Buffer.from('HYLL', 'latin1'), Buffer.from([encoding, 0, 0, 0]), card]);
}
const XZERO_ALL = Buffer.from([0x40 | ((16384 - 1) >> 8), (16384 - 1) & 0xff]);

function members(n: number, prefix: string, rnd: () => number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const len = Math.floor(rnd() * 20);
    let s = `${prefix}${i}:`;
    for (let j = 0; j < len; j++) s += String.fromCharCode(Math.floor(rnd() * 256));
    out.push(s);
  }
  return out;
}

test('PFADD builds the same bytes as Redis, through sparse→dense promotion, and PFCOUNT caches the same way', async () => {
  await withTwin(async (t) => {
    const rnd = seeded(16);
    await t.same(['PFADD', 'h']);
    await t.same(['GET', 'h']);
    await t.same(['PFADD', 'h']);
    await t.same(['PFADD', 'h', '', 'a', '\x00\r\n', 'x'.repeat(1000)]);
    // 4000 elements in batches: the HLL goes past hll-sparse-max-bytes (3000) and becomes dense.
    for (let batch = 0; batch < 80; batch++) {
      await t.same(['PFADD', 'h', ...members(50, `b${batch}:`, rnd)]);
      await t.same(['GET', 'h']);
      if (batch % 7 === 0) {
        await t.same(['PFCOUNT', 'h']);
        await t.same(['GET', 'h']); // the cached cardinality is now in the header
        await t.same(['PFCOUNT', 'h']); // served from the cache
      }
    }
    assert.equal((await t.same(['PFDEBUG', 'ENCODING', 'h'])).toString(), '+dense\r\n');
    await t.same(['PFADD', 'h', 'a', 'b']); // no register changes: 0
    await t.same(['OBJECT', 'ENCODING', 'h']);
    await t.same(['STRLEN', 'h']);
  });
});

test('PFCOUNT of 100k random members equals Redis exactly; the HLL bytes are identical', async () => {
  await withTwin(async (t) => {
    const rnd = seeded(100_000);
    const commands: string[][] = [];
    for (let i = 0; i < 100; i++) {
      commands.push(['PFADD', 'big', ...members(1000, `${i}.`, rnd)]);
      if (i % 10 === 9) commands.push(['PFCOUNT', 'big']);
      if (i % 25 === 0) commands.push(['PFADD', `small${i}`, ...members(20 + i, 's', rnd)]);
    }
    await t.sameAll(commands, 30_000);
    const count = await t.same(['PFCOUNT', 'big']);
    const n = Number(count.toString().slice(1));
    assert.ok(Math.abs(n - 100_000) < 3000, `estimate ${n} for ~100k distinct`);
    await t.same(['GET', 'big']);
    await t.same(['PFCOUNT', 'big', 'small0', 'small25', 'small50', 'small75', 'missing']);
    await t.same(['PFMERGE', 'all', 'big', 'small0', 'small75']);
    await t.same(['GET', 'all']);
    await t.same(['PFCOUNT', 'all']);
  });
});

test('HLL bytes made by Redis, SET into redmesh, count the same; and the other way round', async () => {
  await withTwin(async (t) => {
    const rnd = seeded(7);
    for (const [key, n] of [
      ['sparse', 300],
      ['dense', 5000],
    ] as const) {
      const elements = members(n, key, rnd);
      t.redis.send(['PFADD', key, ...elements]);
      await t.redis.read(10_000);
      const fromRedis = bulkPayload(await t.redis.call(['GET', key]));
      await t.redmesh.call(['SET', `${key}:copy`, fromRedis]);
      t.redmesh.send(['PFADD', `${key}:own`, ...elements]);
      await t.redmesh.read(10_000);
      const fromRedmesh = bulkPayload(await t.redmesh.call(['GET', `${key}:own`]));
      assert.ok(fromRedmesh.equals(fromRedis), `${key}: the same PFADDs give the same bytes`);
      await t.redis.call(['SET', `${key}:copy`, fromRedmesh]);
      await t.same(['PFCOUNT', `${key}:copy`]);
      await t.same(['PFDEBUG', 'ENCODING', `${key}:copy`]);
      await t.same(['PFADD', `${key}:copy`, 'one more', 'and another']);
      await t.same(['GET', `${key}:copy`]);
    }
    await t.same(['PFCOUNT', 'sparse:copy', 'dense:copy']);
  });
});

test('corrupted or foreign strings get Redis errors: WRONGTYPE not a valid HLL, INVALIDOBJ', async () => {
  await withTwin(async (t) => {
    const cases: [string, Buffer][] = [
      ['short', Buffer.from('HYLL\x01\x00\x00')],
      ['magic', Buffer.concat([Buffer.from('HYLX\x01\x00\x00\x00'), Buffer.alloc(8), XZERO_ALL])],
      ['encoding', Buffer.concat([header(2), XZERO_ALL])],
      ['dense-length', Buffer.concat([header(0), Buffer.alloc(100)])],
      [
        'sparse-short-run',
        Buffer.concat([header(1, Buffer.from([0, 0, 0, 0, 0, 0, 0, 0x80])), Buffer.from([0x40, 99])]),
      ],
      [
        'sparse-overflow',
        Buffer.concat([header(1, Buffer.from([0, 0, 0, 0, 0, 0, 0, 0x80])), XZERO_ALL, Buffer.from([0x8f])]),
      ],
      ['sparse-empty', header(1, Buffer.from([0, 0, 0, 0, 0, 0, 0, 0x80]))],
      ['sparse-val-overflow', Buffer.concat([header(1), Buffer.from([0x7f, 0xfe, 0x8f, 0x8f])])],
      ['cached', Buffer.concat([header(1, Buffer.from([0x39, 0x30, 0, 0, 0, 0, 0, 0])), XZERO_ALL])],
      ['plain', Buffer.from('hello')],
    ];
    for (const [key, bytes] of cases) {
      await t.same(['SET', key, bytes]);
      await t.same(['PFCOUNT', key]);
      await t.same(['GET', key]);
      await t.same(['PFCOUNT', key, 'cached']);
      await t.same(['PFADD', key, 'a', 'b', 'c']);
      await t.same(['GET', key]);
      await t.same(['PFMERGE', `${key}:m`, key]);
      await t.same(['PFDEBUG', 'GETREG', key]);
      await t.same(['PFDEBUG', 'DECODE', key]);
      await t.same(['PFDEBUG', 'TODENSE', key]);
    }
    await t.same(['LPUSH', 'list', 'a']);
    for (const argv of [
      ['PFADD', 'list', 'a'],
      ['PFCOUNT', 'list'],
      ['PFCOUNT', 'cached', 'list'],
      ['PFMERGE', 'list', 'cached'],
      ['PFMERGE', 'dst', 'cached', 'list'],
      ['PFDEBUG', 'ENCODING', 'list'],
    ])
      await t.same(argv);
  });
});

test('PFMERGE keeps sparse when every input is sparse, goes dense with a dense input, counts the destination', async () => {
  await withTwin(async (t) => {
    const rnd = seeded(3);
    await t.same(['PFADD', 'a', ...members(100, 'a', rnd)]);
    await t.same(['PFADD', 'b', ...members(150, 'b', rnd)]);
    await t.same(['PFADD', 'd', ...members(3000, 'd', rnd)]);
    await t.same(['PFMERGE', 'ab', 'a', 'b']);
    await t.same(['GET', 'ab']);
    await t.same(['PFDEBUG', 'DECODE', 'ab']);
    await t.same(['PFMERGE', 'ab', 'missing']); // the destination is an input too
    await t.same(['GET', 'ab']);
    await t.same(['PFMERGE', 'abd', 'a', 'b', 'd']);
    await t.same(['GET', 'abd']);
    await t.same(['PFMERGE', 'a', 'd']); // a sparse destination converted to dense
    await t.same(['GET', 'a']);
    await t.same(['PFMERGE', 'empty']);
    await t.same(['GET', 'empty']);
    await t.same(['PFCOUNT', 'ab', 'abd', 'a']);
    await t.same(['PFMERGE']);
    // A short HLL SET by a client is an embstr; any HLL command makes it raw (dbUnshareStringValue).
    const empty = bulkPayload(await t.redis.call(['GET', 'empty']));
    for (const argv of [
      ['PFADD', 'k'],
      ['PFCOUNT', 'k'],
      ['PFDEBUG', 'ENCODING', 'k'],
      ['PFCOUNT', 'k', 'x'],
    ]) {
      await t.same(['SET', 'k', empty]);
      await t.same(['OBJECT', 'ENCODING', 'k']);
      await t.same(argv);
      await t.same(['OBJECT', 'ENCODING', 'k']);
    }
  });
});

test('PFDEBUG subcommands, hll-sparse-max-bytes, arity and PFSELFTEST behave as in Redis', async () => {
  await withTwin(async (t) => {
    const rnd = seeded(9);
    await t.same(['PFADD', 'h', ...members(40, 'h', rnd)]);
    for (const sub of [
      'DECODE',
      'decode',
      'ENCODING',
      'GETREG',
      'ENCODING',
      'DECODE',
      'TODENSE',
      'TODENSE',
      'nosuch',
    ])
      await t.same(['PFDEBUG', sub, 'h']);
    await t.same(['PFDEBUG', 'GETREG', 'missing']);
    await t.same(['PFDEBUG', 'GETREG']);
    await t.same(['PFDEBUG', 'GETREG', 'h', 'extra']);
    await t.same(['PFADD']);
    await t.same(['PFCOUNT']);
    await t.same(['PFSELFTEST', 'x']);
    // A small sparse limit promotes early; 0 makes every change that grows the HLL promote it.
    for (const limit of ['200', '0', '30']) {
      await t.same(['CONFIG', 'SET', 'hll-sparse-max-bytes', limit]);
      await t.same(['DEL', 's']);
      for (let i = 0; i < 10; i++) {
        await t.same(['PFADD', 's', ...members(10, `${limit}:${i}`, rnd)]);
        await t.same(['GET', 's']);
      }
    }
    await t.same(['PFSELFTEST'], 60_000); // fails in both with a limit of 30: the sparse check
    await t.same(['CONFIG', 'SET', 'hll-sparse-max-bytes', '3000']);
    assert.equal((await t.same(['PFSELFTEST'], 60_000)).toString(), '+OK\r\n');
  });
});

test('HLLs and GEO sets travel through DUMP/RESTORE between Redis and redmesh', async () => {
  await withTwin(async (t) => {
    const rnd = seeded(11);
    await t.same(['PFADD', 'sparse', ...members(200, 's', rnd)]);
    await t.same(['PFADD', 'dense', ...members(4000, 'd', rnd)]);
    await t.same(['GEOADD', 'geo', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania']);
    for (const key of ['sparse', 'dense', 'geo']) {
      const fromRedis = bulkPayload(await t.same(['DUMP', key])); // the same payload bytes
      const fromRedmesh = bulkPayload(await t.redmesh.call(['DUMP', key]));
      await t.redmesh.call(['RESTORE', `${key}:r`, '0', fromRedis]);
      await t.redis.call(['RESTORE', `${key}:r`, '0', fromRedmesh]);
      const readBack = key === 'geo' ? ['ZRANGE', `${key}:r`, '0', '-1', 'WITHSCORES'] : ['GET', `${key}:r`];
      await t.same(readBack);
    }
    await t.same(['PFCOUNT', 'sparse:r']);
    await t.same(['PFCOUNT', 'dense:r', 'sparse:r']);
    await t.same(['GEOPOS', 'geo:r', 'Palermo', 'Catania']);
    await t.same(['GEODIST', 'geo:r', 'Palermo', 'Catania', 'km']);
  });
});
