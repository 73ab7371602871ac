/**
 * Replication against Debian's real redis-server 7.0, both ways. Every scenario ends with the
 * datasets compared key by key (type, value, absolute expiry, encoding).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';
import type { RawConnection } from '../helpers/raw-resp.js';
import { datasetCommands, runCommands } from '../persistence/dataset.js';
import { assertSameDataset, connectTo, info, infoFields, text, waitFor, waitInSync } from './helpers.js';

/** Writes of every propagation shape: SELECT, relative TTLs, MULTI/EXEC, rewrites, deletions. */
const STREAM: readonly (readonly string[])[] = [
  ['SET', 'stream:plain', 'v1'],
  ['SET', 'stream:ex', 'v2', 'EX', '100000'],
  ['EXPIRE', 'stream:plain', '50000'],
  ['INCR', 'stream:counter'],
  ['INCRBYFLOAT', 'stream:float', '1.5'],
  ['SELECT', '3'],
  ['LPUSH', 'stream:list', 'a', 'b', 'c'],
  ['MULTI'],
  ['SET', 'stream:t1', 'x'],
  ['INCRBY', 'stream:t2', '5'],
  ['EXEC'],
  ['SADD', 'stream:set', 'a', 'b', 'c', 'd'],
  ['SPOP', 'stream:set', '2'],
  ['HSET', 'stream:hash', 'f', '1'],
  ['HINCRBYFLOAT', 'stream:hash', 'f', '0.25'],
  ['SELECT', '0'],
  ['DEL', 'str:empty'],
  ['SET', 'stream:past', 'x', 'PXAT', '1000'],
  ['GETDEL', 'str:21'],
];

async function stream(c: RawConnection, commands: readonly (readonly string[])[] = STREAM): Promise<void> {
  for (const argv of commands) {
    const reply = await text(c, argv);
    assert.ok(!reply.startsWith('-'), `${argv.join(' ')}: ${reply}`);
  }
  await text(c, ['SELECT', '0']);
}

function logs(...servers: (RunningServer | undefined)[]): () => string {
  return () =>
    servers.map((s) => (s === undefined ? '' : `--- ${s.name} ${s.port}\n${s.output()}`)).join('\n');
}

test('real master with requirepass → redmesh replica (slaveof + masterauth) → real replica: load, stream, READONLY, INFO, partial resync after a cut', async () => {
  let master: RunningServer | undefined;
  let mid: RunningServer | undefined;
  let leaf: RunningServer | undefined;
  try {
    master = await startRedis(0, ['--requirepass', 'pw', '--repl-diskless-sync-delay', '0']);
    const m = await connectTo(master, 'pw');
    await runCommands(m, datasetCommands());
    mid = await startRedmesh(0, ['--slaveof', '127.0.0.1', String(master.port), '--masterauth', 'pw']);
    const r = await connectTo(mid);
    const detail = logs(master, mid, leaf);
    await waitInSync(m, r, detail);
    await assertSameDataset(m, r, 'redmesh replica after the full sync');

    // A real replica of the redmesh replica gets the same data (full sync from redmesh, diskless).
    leaf = await startRedis(0, ['--replicaof', '127.0.0.1', String(mid.port)]);
    const l = await connectTo(leaf);
    await waitInSync(r, l, logs(master, mid, leaf));

    await stream(m);
    await waitInSync(m, r, detail);
    await waitInSync(r, l, detail);
    await assertSameDataset(m, r, 'redmesh replica after the stream');
    await assertSameDataset(m, l, 'real sub-replica after the proxied stream');
    await assertSameDataset(l, r, 'redmesh replica and real sub-replica, encodings included', true);

    // Writes are refused on a read-only replica with Redis's error.
    assert.equal(await text(r, ['SET', 'x', '1']), "-READONLY You can't write against a read only replica.");

    // INFO replication: the same fields in the same order as a real replica (the real one right here;
    // only ours has a replica attached, so its slave0 line is left out of the comparison).
    const names = async (c: RawConnection): Promise<string[]> =>
      (await infoFields(c, 'replication')).map(([k]) => k).filter((k) => !/^slave\d+$/.test(k));
    assert.deepEqual(await names(r), await names(l));
    assert.match(
      (await infoFields(r, 'replication')).map(([k, v]) => `${k}:${v}`).join('\n'),
      new RegExp(`^slave0:ip=127\\.0\\.0\\.1,port=${leaf.port},state=online,offset=\\d+,lag=\\d+$`, 'm'),
    );
    const role = await text(r, ['ROLE']);
    assert.match(
      role,
      new RegExp(
        `^\\*5\\r\\n\\$5\\r\\nslave\\r\\n\\$9\\r\\n127\\.0\\.0\\.1\\r\\n:${master.port}\\r\\n\\$9\\r\\nconnected\\r\\n:\\d+$`,
      ),
    );
    assert.equal(await info(r, 'master_replid'), await info(m, 'master_replid'));

    // The link is cut and restored: the master accepts a partial resync.
    const partialBefore = Number(await info(m, 'sync_partial_ok'));
    assert.equal(await text(r, ['CLIENT', 'KILL', 'TYPE', 'master']), ':1');
    await text(m, ['SET', 'while-cut', '1']);
    await text(m, ['SELECT', '5']);
    await text(m, ['RPUSH', 'while-cut-list', 'x']);
    await text(m, ['SELECT', '0']);
    await waitFor(
      'a partial resync',
      async () => Number(await info(m, 'sync_partial_ok')) === partialBefore + 1,
      20_000,
      detail,
    );
    await waitInSync(m, r, detail);
    await waitInSync(r, l, detail);
    await assertSameDataset(m, r, 'redmesh replica after the partial resync');
    await assertSameDataset(m, l, 'real sub-replica after the partial resync');
    assert.match(mid.output(), /Successful partial resynchronization with master\./);
    for (const c of [m, r, l]) c.close();
  } finally {
    await stopAll(leaf, mid, master);
  }
});

for (const mode of ['disk', 'diskless'] as const) {
  test(`redmesh master with requirepass → real replica (${mode}): full sync, stream, WAIT, ROLE, link cut`, async () => {
    let master: RunningServer | undefined;
    let replica: RunningServer | undefined;
    try {
      master = await startRedmesh(0, [
        '--requirepass',
        'pw',
        '--repl-diskless-sync',
        mode === 'diskless' ? 'yes' : 'no',
        '--repl-diskless-sync-delay',
        '0',
      ]);
      const m = await connectTo(master, 'pw');
      await runCommands(m, datasetCommands());
      replica = await startRedis(0, ['--replicaof', '127.0.0.1', String(master.port), '--masterauth', 'pw']);
      const r = await connectTo(replica);
      const detail = logs(master, replica);
      await waitInSync(m, r, detail);
      assert.match(
        replica.output(),
        mode === 'diskless'
          ? /receiving streamed RDB from master with EOF/
          : /receiving \d+ bytes from master/,
      );
      await assertSameDataset(m, r, 'real replica after the full sync');
      await stream(m);
      await waitInSync(m, r, detail);
      await assertSameDataset(m, r, 'real replica after the stream');

      await text(m, ['SET', 'acked', '1']);
      assert.equal(await text(m, ['WAIT', '1', '5000']), ':1');
      assert.equal(await text(m, ['WAIT', '2', '200']), ':1');
      const offset = await info(m, 'master_repl_offset');
      const role = await text(m, ['ROLE']);
      assert.ok(role.startsWith(`*3\r\n$6\r\nmaster\r\n:`), role);
      assert.match(
        role,
        new RegExp(
          `\\$9\\r\\n127\\.0\\.0\\.1\\r\\n\\$${String(replica.port).length}\\r\\n${replica.port}\\r\\n`,
        ),
      );
      assert.ok(offset !== undefined);

      const partialBefore = Number(await info(m, 'sync_partial_ok'));
      assert.equal(await text(r, ['CLIENT', 'KILL', 'TYPE', 'master']), ':1');
      await text(m, ['SET', 'while-cut', '1']);
      await waitFor(
        'a partial resync',
        async () => Number(await info(m, 'sync_partial_ok')) === partialBefore + 1,
        20_000,
        detail,
      );
      await waitInSync(m, r, detail);
      await assertSameDataset(m, r, 'real replica after the partial resync');
      for (const c of [m, r]) c.close();
    } finally {
      await stopAll(replica, master);
    }
  });
}
