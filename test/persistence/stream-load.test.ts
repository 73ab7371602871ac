/**
 * RdbStreamLoad: an RDB written by real Redis 7.0 loaded from parts of every size (one byte, odd
 * sizes, socket-sized reads, a record longer than what the reader holds) gives exactly what loadRdb
 * gives from the whole file; a payload cut short, or with a wrong checksum, fails as loadRdb does.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  DEFAULT_ENCODING_LIMITS,
  RdbError,
  RdbStreamLoad,
  loadRdb,
  type LoadOptions,
  type LoadResult,
} from '../../src/persistence/index.js';
import { Keyspace } from '../../src/store/index.js';
import { RawConnection } from '../helpers/raw-resp.js';
import { startRedis, stopAll, type RunningServer } from '../helpers/servers.js';
import { snapshotKeyspace } from './dataset.js';

const options: LoadOptions = { limits: DEFAULT_ENCODING_LIMITS, nowMs: Date.now(), dropExpired: false };

/** A dump.rdb from real Redis: many small keys, every type, TTLs, two databases, a 1 MB string. */
async function realRdb(): Promise<Buffer> {
  let redis: RunningServer | undefined;
  try {
    redis = await startRedis(0, ['--enable-debug-command', 'yes']);
    const c = await RawConnection.open(redis.port, 3000);
    const run = async (argv: readonly (string | Buffer)[]): Promise<string> =>
      (await c.call(argv, 10_000)).toString('latin1');
    await run(['DEBUG', 'POPULATE', '3000', 'key', '40']);
    // 1 MB that LZF cannot shrink: one record longer than what the stream reader holds at a time.
    let seed = 1;
    const noise = Buffer.alloc(1 << 20);
    for (let i = 0; i < noise.length; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      noise[i] = seed >> 16;
    }
    await run(['SET', 'big', noise]);
    await run(['RPUSH', 'list', ...Array.from({ length: 300 }, (_, i) => `item-${i}`)]);
    await run(['HSET', 'hash', 'a', '1', 'b', '2']);
    await run(['SADD', 'set', '1', '2', '3', 'member']);
    await run(['ZADD', 'zset', '1.5', 'a', '2', 'b']);
    await run(['XADD', 'stream', '1-1', 'f', 'v']);
    await run(['SET', 'ttl', 'v', 'PX', '600000']);
    await run(['SELECT', '3']);
    await run(['SET', 'in-db-3', 'v']);
    await run(['SAVE']);
    const dir = (await run(['CONFIG', 'GET', 'dir'])).split('\r\n')[4] as string;
    c.close();
    return readFileSync(join(dir, 'dump.rdb'));
  } finally {
    await stopAll(redis);
  }
}

/** Feeds `file` in parts of the sizes `sizes` gives, stepping as a replica does; the load's result. */
function streamLoad(file: Buffer, sizes: () => number, keyspace: Keyspace): LoadResult {
  const load = new RdbStreamLoad(keyspace, options);
  for (let at = 0; at < file.length;) {
    const n = Math.min(file.length - at, sizes());
    load.feed(Buffer.from(file.subarray(at, at + n)));
    at += n;
    for (let step = load.step(4096); step !== 'more'; step = load.step(4096)) {
      if (step === undefined) continue;
      assert.equal(at, file.length, 'loaded only once every byte is fed');
      return step;
    }
  }
  load.end();
  for (;;) {
    const step = load.step(4096);
    assert.notEqual(step, 'more', 'no more bytes come after end()');
    if (step !== undefined && step !== 'more') return step;
  }
}

test('a payload fed in parts of any size loads exactly as the whole file does', async () => {
  const file = await realRdb();
  const whole = new Keyspace(16);
  const expected = loadRdb(file, whole, options);
  let seed = 7;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return 1 + (seed % 20000);
  };
  for (const [label, sizes] of [
    ['1 byte', () => 1],
    ['13 bytes', () => 13],
    ['64 KB', () => 65536],
    ['random', random],
  ] as const) {
    const keyspace = new Keyspace(16);
    const result = streamLoad(file, sizes, keyspace);
    assert.equal(result.keysLoaded, expected.keysLoaded, label);
    assert.equal(result.summary.size, file.length, label);
    assert.equal(result.summary.checksum, 'verified', label);
    assert.deepEqual(result.aux, expected.aux, label);
    assert.deepStrictEqual(snapshotKeyspace(keyspace), snapshotKeyspace(whole), label);
  }
});

test('a payload cut short or with a wrong checksum fails as loadRdb does, once end() is called', async () => {
  const file = await realRdb();
  const cut = new RdbStreamLoad(new Keyspace(16), options);
  cut.feed(file.subarray(0, file.length - 100));
  while (cut.step(1 << 20) === undefined);
  assert.equal(cut.step(1 << 20), 'more', 'a cut record waits for the rest');
  cut.end();
  assert.throws(() => {
    while (cut.step(1 << 20) === undefined);
  }, /unexpected end of data|past the end of the data/);

  const bad = Buffer.from(file);
  bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 0xff;
  const corrupt = new RdbStreamLoad(new Keyspace(16), options);
  corrupt.feed(bad);
  corrupt.end();
  assert.throws(
    () => {
      while (corrupt.step(1 << 20) === undefined);
    },
    (err: unknown) => err instanceof RdbError && /wrong RDB checksum/.test(err.message),
  );

  const notRdb = new RdbStreamLoad(new Keyspace(16), options);
  notRdb.feed(Buffer.from('HELLO'));
  assert.equal(notRdb.step(1024), 'more', 'the header waits for its 9 bytes');
  notRdb.feed(Buffer.from('WORLD'));
  assert.throws(() => notRdb.step(1024), /wrong signature/);
});
