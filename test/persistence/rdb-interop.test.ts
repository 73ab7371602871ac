/**
 * RDB files written by Debian's real redis-server 7.0 load into redmesh's store with every key, value
 * and expiry intact (every type at every encoding boundary, big LZF values, binary keys, integer edges,
 * several databases), with default limits and with tiny ones, compression and checksum on and off.
 * And the reverse: what redmesh's writer makes of that keyspace loads in real Redis with the same
 * keys, expiries and OBJECT ENCODING, and redis-check-rdb accepts it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  DEFAULT_ENCODING_LIMITS,
  describeRdb,
  loadRdb,
  serializeRdb,
  type EncodingLimits,
} from '../../src/persistence/index.js';
import { Keyspace } from '../../src/store/index.js';
import { runProcess } from '../helpers/process.js';
import { RawConnection } from '../helpers/raw-resp.js';
import { startRedis, stopAll, type RunningServer } from '../helpers/servers.js';
import {
  datasetCommands,
  runCommands,
  snapshotKeyspace,
  snapshotServer,
  withoutEncodings,
} from './dataset.js';

interface Variant {
  readonly name: string;
  readonly args: readonly string[];
  readonly limits: EncodingLimits;
  readonly compression: boolean;
  readonly checksum: boolean;
}

const TINY: EncodingLimits = {
  hashMaxListpackEntries: 4,
  hashMaxListpackValue: 8,
  setMaxIntsetEntries: 4,
  zsetMaxListpackEntries: 4,
  zsetMaxListpackValue: 8,
  listMaxListpackSize: 3,
};

const VARIANTS: readonly Variant[] = [
  { name: 'defaults', args: [], limits: DEFAULT_ENCODING_LIMITS, compression: true, checksum: true },
  {
    name: 'tiny limits, compressed quicklist nodes, no compression, no checksum',
    args: [
      '--hash-max-listpack-entries',
      '4',
      '--hash-max-listpack-value',
      '8',
      '--set-max-intset-entries',
      '4',
      '--zset-max-listpack-entries',
      '4',
      '--zset-max-listpack-value',
      '8',
      '--list-max-listpack-size',
      '3',
      '--list-compress-depth',
      '1',
      '--rdbcompression',
      'no',
      '--rdbchecksum',
      'no',
    ],
    limits: TINY,
    compression: false,
    checksum: false,
  },
];

function limitArgs(l: EncodingLimits): string[] {
  return [
    '--hash-max-listpack-entries',
    String(l.hashMaxListpackEntries),
    '--hash-max-listpack-value',
    String(l.hashMaxListpackValue),
    '--set-max-intset-entries',
    String(l.setMaxIntsetEntries),
    '--zset-max-listpack-entries',
    String(l.zsetMaxListpackEntries),
    '--zset-max-listpack-value',
    String(l.zsetMaxListpackValue),
    '--list-max-listpack-size',
    String(l.listMaxListpackSize),
  ];
}

for (const v of VARIANTS) {
  test(`real Redis RDB (${v.name}) loads key for key, and redmesh's RDB of it loads in real Redis`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redmesh-rdb-'));
    let source: RunningServer | undefined;
    let reloaded: RunningServer | undefined;
    let conn: RawConnection | undefined;
    let conn2: RawConnection | undefined;
    try {
      source = await startRedis(0, [
        '--dir',
        dir,
        '--dbfilename',
        'redis.rdb',
        '--enable-debug-command',
        'yes',
        ...v.args,
      ]);
      conn = await RawConnection.open(source.port);
      await runCommands(conn, datasetCommands());
      assert.equal((await conn.call(['SAVE'])).toString(), '+OK\r\n');
      const file = readFileSync(join(dir, 'redis.rdb'));
      // What Redis itself holds after loading its file (APPEND's raw strings come back embstr…).
      assert.equal((await conn.call(['DEBUG', 'RELOAD'], 20_000)).toString(), '+OK\r\n');
      const expected = await snapshotServer(conn);

      const keyspace = new Keyspace(16, {});
      const loaded = loadRdb(file, keyspace, { limits: v.limits, nowMs: Date.now(), dropExpired: true });
      assert.equal(loaded.summary.checksum, v.checksum ? 'verified' : 'disabled');
      assert.equal(loaded.aux.get('redis-ver'), '7.0.15');
      assert.deepStrictEqual(snapshotKeyspace(keyspace), withoutEncodings(expected));

      // Real Redis wrote what we expected it to (so both encodings paths are exercised).
      const types = new Set(
        Object.values(describeRdb(file).dbs as Record<string, Record<string, { type_byte: number }>>).flatMap(
          (keys) => Object.values(keys).map((k) => k.type_byte),
        ),
      );
      assert.deepStrictEqual(
        [...types].sort((a, b) => a - b),
        [0, 2, 4, 5, 11, 16, 17, 18],
      );

      const ours = serializeRdb(keyspace.databases, {
        compression: v.compression,
        checksum: v.checksum,
        limits: v.limits,
        ctime: Math.floor(Date.now() / 1000),
        usedMem: 1,
      });
      writeFileSync(join(dir, 'ours.rdb'), ours);
      const check = await runProcess('redis-check-rdb', [join(dir, 'ours.rdb')]);
      assert.equal(check.code, 0, check.stdout + check.stderr);
      assert.match(check.stdout, /RDB looks OK!/);

      reloaded = await startRedis(0, ['--dir', dir, '--dbfilename', 'ours.rdb', ...limitArgs(v.limits)]);
      conn2 = await RawConnection.open(reloaded.port);
      assert.deepStrictEqual(await snapshotServer(conn2), expected);
    } finally {
      conn?.close();
      conn2?.close();
      await stopAll(source, reloaded);
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
