/**
 * Disk-based full sync and repl-diskless-load against a real Redis 7.0 master (and a real replica of
 * a redmesh master), with a payload cut in the middle by a proxy that holds the first transfer
 * part-way. While it is held the payload is already being decoded (the load streams), and the replica
 * answers as 7.0 does: a transfer to disk serves the old data (or MASTERDOWN with
 * replica-serve-stale-data no) with a temp file growing in its dir; a diskless load is a load
 * (-LOADING, INFO loading:1 with loading_loaded_bytes growing), except swapdb in the history the
 * replica already has (async loading: the old data is served). After the cut the old data is intact
 * and the temp file gone; the retry loads the master's dataset.
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';
import type { RawConnection } from '../helpers/raw-resp.js';
import { assertSameDataset, connectTo, info, text, waitFor, waitInSync } from './helpers.js';

/**
 * A TCP proxy to `target`. The first connection is forwarded until `holdAfter` bytes came from the
 * target, then the target side is paused (the transfer stalls) until `cut()` drops both sockets.
 * Later connections wait for `release()`, then pass through untouched.
 */
class CuttingProxy {
  readonly server: Server;
  /** The connection that is held and cut (1: the first); the ones before it pass through. */
  holdConnection = 1;
  connections = 0;
  forwarded = 0;
  held = false;
  private first: Socket[] = [];
  private passed: [client: Socket, upstream: Socket][] = [];
  private released = false;
  private waiting: (() => void)[] = [];

  constructor(
    target: number,
    private readonly holdAfter: number,
  ) {
    this.server = createServer((client) => {
      const n = ++this.connections;
      const upstream = connect({ host: '127.0.0.1', port: target });
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      if (n < this.holdConnection) {
        this.passed.push([client, upstream]);
        client.pipe(upstream);
        upstream.pipe(client);
        return;
      }
      if (n === this.holdConnection) {
        this.first = [client, upstream];
        client.pipe(upstream);
        upstream.on('data', (bytes: Buffer) => {
          client.write(bytes);
          this.forwarded += bytes.length;
          if (this.forwarded >= this.holdAfter && !this.held) {
            this.held = true;
            upstream.pause();
          }
        });
        return;
      }
      client.pause();
      const go = (): void => {
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      };
      if (this.released) go();
      else this.waiting.push(go);
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('no proxy port');
    return address.port;
  }

  cut(): void {
    for (const s of this.first) s.destroy();
  }

  /** The connections before the held one stop passing what the target sends. */
  stallPassed(): void {
    for (const [client, upstream] of this.passed) {
      upstream.unpipe(client);
      upstream.pause();
    }
  }

  dropPassed(): void {
    for (const pair of this.passed) for (const s of pair) s.destroy();
  }

  release(): void {
    this.released = true;
    for (const go of this.waiting.splice(0)) go();
  }

  close(): void {
    this.cut();
    this.server.close();
  }
}

function tempFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => /^temp-.*\.rdb$/.test(f));
}

async function configGet(c: RawConnection, name: string): Promise<string> {
  const reply = await text(c, ['CONFIG', 'GET', name]);
  return reply.split('\r\n')[4] ?? '';
}

/**
 * Keys × 1000-byte values, uncompressed: a payload of several MB, cut after its first MB (few keys,
 * so the key-by-key comparison stays quick).
 */
const KEYS = '5000';
const HOLD_AFTER = 1 << 20;

/** INFO persistence's field, from a replica that may be loading (INFO is served while loading). */
async function persistenceField(c: RawConnection, name: string): Promise<string> {
  const body = await text(c, ['INFO', 'persistence']);
  return new RegExp(`^${name}:(.*)$`, 'm').exec(body)?.[1]?.trim() ?? '';
}

for (const { load, framing, staleNo, empty } of [
  { load: 'disabled', framing: 'disk', staleNo: false, empty: false },
  { load: 'disabled', framing: 'diskless', staleNo: true, empty: false },
  { load: 'on-empty-db', framing: 'disk', staleNo: false, empty: false },
  { load: 'on-empty-db', framing: 'diskless', staleNo: false, empty: true },
  { load: 'on-empty-db', framing: 'disk', staleNo: false, empty: true },
  { load: 'swapdb', framing: 'diskless', staleNo: false, empty: false },
  { load: 'swapdb', framing: 'disk', staleNo: true, empty: false },
] as const) {
  test(`repl-diskless-load ${load}, ${framing} master (real Redis)${empty ? ', empty replica' : ''}: cut mid-payload keeps the old data, the retry loads${staleNo ? ', MASTERDOWN while syncing with replica-serve-stale-data no' : ''}`, async () => {
    let master: RunningServer | undefined;
    let replica: RunningServer | undefined;
    let proxy: CuttingProxy | undefined;
    try {
      master = await startRedis(0, [
        ...['--enable-debug-command', 'yes', '--rdbcompression', 'no'],
        ...['--repl-diskless-sync', framing === 'diskless' ? 'yes' : 'no', '--repl-diskless-sync-delay', '0'],
      ]);
      const m = await connectTo(master);
      await text(m, ['DEBUG', 'POPULATE', KEYS, 'key', '1000']);
      await text(m, ['HSET', 'master:hash', 'f', 'v']);
      proxy = new CuttingProxy(master.port, HOLD_AFTER);
      const proxyPort = await proxy.listen();
      replica = await startRedmesh(0, [
        ...['--repl-diskless-load', load, '--replica-serve-stale-data', staleNo ? 'no' : 'yes'],
      ]);
      const r = await connectTo(replica);
      const dir = await configGet(r, 'dir');
      // Old data: the replica is not empty (on-empty-db then goes to disk like disabled).
      if (!empty) await text(r, ['SET', 'old:key', 'old-value']);
      await text(r, ['REPLICAOF', '127.0.0.1', String(proxyPort)]);
      const detail = (): string => `${replica?.output() ?? ''}\n--- master\n${master?.output() ?? ''}`;
      await waitFor('the transfer to stall part-way', () => proxy?.held === true, 30_000, detail);
      await waitFor(
        'master_sync_in_progress:1',
        async () => (await info(r, 'master_sync_in_progress')) === '1',
      );
      assert.equal(await info(r, 'master_link_status'), 'down');
      const toDisk = load === 'disabled' || (load === 'on-empty-db' && !empty);
      const target = toDisk ? 'disk' : 'parser';
      const announced =
        framing === 'disk'
          ? new RegExp(`receiving \\d+ bytes from master to ${target}`)
          : new RegExp(`receiving streamed RDB from master with EOF to ${target}`);
      assert.match(replica.output(), announced);
      if (toDisk) {
        await waitFor('the temp file in dir', () => tempFiles(dir).length === 1);
        const [temp] = tempFiles(dir);
        assert.ok(statSync(join(dir, temp as string)).size > 0, 'the payload is written as it arrives');
      } else {
        assert.deepEqual(tempFiles(dir), []);
      }
      if (staleNo) {
        assert.match(await text(r, ['GET', 'old:key']), /^-MASTERDOWN /);
      } else if (toDisk) {
        assert.equal(await text(r, ['GET', 'old:key']), 'old-value', 'stale data served while syncing');
        assert.equal(await persistenceField(r, 'loading'), '0');
      } else {
        // A diskless load in a new history is a load (startLoading): LOADING, as 7.0 answers once it
        // serves events (a real 7.0 replica blocked on the held socket does not answer at all).
        assert.equal(await text(r, ['GET', 'old:key']), '-LOADING Redis is loading the dataset in memory');
        assert.equal(await persistenceField(r, 'loading'), '1');
        // The load streams: what arrived is decoded while the rest of the payload is held.
        await waitFor(
          'loading_loaded_bytes to grow while the payload is held',
          async () => Number(await persistenceField(r, 'loading_loaded_bytes')) > HOLD_AFTER / 2,
          10_000,
          detail,
        );
      }

      proxy.cut();
      await waitFor('the cut to be seen', () =>
        /I\/O error trying to sync with MASTER/.test(replica?.output() ?? ''),
      );
      await waitFor('the temp file removed', () => tempFiles(dir).length === 0, 5000, detail);
      await waitFor('the load to stop', async () => (await persistenceField(r, 'loading')) === '0');
      await text(r, ['CONFIG', 'SET', 'replica-serve-stale-data', 'yes']);
      if (empty) {
        assert.equal(await text(r, ['DBSIZE']), ':0', 'the empty replica stays empty');
      } else {
        assert.equal(await text(r, ['GET', 'old:key']), 'old-value', 'the old data survives the cut');
        assert.equal(await text(r, ['DBSIZE']), ':1');
      }

      proxy.release();
      await waitInSync(m, r, detail);
      assert.equal(await text(r, ['GET', 'old:key']), '$-1');
      assert.equal(await text(r, ['DBSIZE']), `:${Number(KEYS) + 1}`);
      await assertSameDataset(m, r, `after the retry (${load}, ${framing})`);
      assert.deepEqual(tempFiles(dir), []);
      if (toDisk) {
        assert.ok(statSync(join(dir, 'dump.rdb')).size > 0, 'the payload became dbfilename');
      }
      for (const c of [m, r]) c.close();
    } finally {
      proxy?.close();
      await stopAll(replica, master);
    }
  });
}

test('repl-diskless-load swapdb: a full resync in the history the replica already has serves the old data while it loads (async loading)', async () => {
  let master: RunningServer | undefined;
  let replica: RunningServer | undefined;
  let proxy: CuttingProxy | undefined;
  try {
    master = await startRedis(0, [
      ...['--enable-debug-command', 'yes', '--rdbcompression', 'no', '--repl-backlog-size', '16kb'],
      ...['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0'],
    ]);
    const m = await connectTo(master);
    await text(m, ['DEBUG', 'POPULATE', KEYS, 'key', '1000']);
    proxy = new CuttingProxy(master.port, HOLD_AFTER);
    proxy.holdConnection = 2;
    const proxyPort = await proxy.listen();
    replica = await startRedmesh(0, ['--repl-diskless-load', 'swapdb']);
    const r = await connectTo(replica);
    await text(r, ['REPLICAOF', '127.0.0.1', String(proxyPort)]);
    const detail = (): string => `${replica?.output() ?? ''}\n--- master\n${master?.output() ?? ''}`;
    await waitInSync(m, r, detail);
    const before = await text(r, ['GET', 'key:1']);
    // A transaction queued before the load: its EXEC during the load is refused for the BGSAVE in it.
    const queued = await connectTo(replica);
    assert.equal(await text(queued, ['MULTI']), '+OK');
    assert.equal(await text(queued, ['BGSAVE']), '+QUEUED');
    // The stream stops reaching the replica while the master writes more than its backlog holds, so
    // the reconnection's PSYNC gets a full resync with the same replication id.
    proxy.stallPassed();
    for (let i = 0; i < 40; i++) await text(m, ['SET', `big:${i}`, 'b'.repeat(1000)]);
    proxy.dropPassed();
    await waitFor('the second transfer to stall part-way', () => proxy?.held === true, 30_000, detail);
    await waitFor(
      'master_sync_in_progress:1',
      async () => (await info(r, 'master_sync_in_progress')) === '1',
    );
    assert.match(replica.output(), /Full resync from master/);
    assert.equal(await text(r, ['GET', 'key:1']), before, 'the old data is served while it loads');
    // Redis 7.0: INFO shows async_loading:1 (loading:0, with the loading_* progress), and commands
    // flagged no-async-loading (SAVE, BGSAVE, REPLICAOF…) get -LOADING, inside MULTI too.
    assert.equal(await persistenceField(r, 'loading'), '0');
    assert.equal(await persistenceField(r, 'async_loading'), '1');
    assert.match(await persistenceField(r, 'loading_loaded_bytes'), /^\d+$/);
    for (const argv of [['BGSAVE'], ['SAVE'], ['REPLICAOF', '127.0.0.1', String(proxyPort)]]) {
      assert.equal(await text(r, argv), '-LOADING Redis is loading the dataset in memory', argv[0]);
    }
    assert.equal(await text(r, ['MULTI']), '+OK');
    assert.equal(await text(r, ['BGSAVE']), '-LOADING Redis is loading the dataset in memory');
    assert.match(await text(r, ['EXEC']), /^-EXECABORT/);
    assert.equal(
      await text(queued, ['EXEC']),
      '-EXECABORT Transaction discarded because of: LOADING Redis is loading the dataset in memory',
    );
    queued.close();
    proxy.release();
    proxy.cut();
    await waitInSync(m, r, detail);
    assert.equal(await persistenceField(r, 'async_loading'), '0');
    assert.equal(await text(r, ['DBSIZE']), `:${Number(KEYS) + 40}`);
    await assertSameDataset(m, r, 'after the async load');
    for (const c of [m, r]) c.close();
  } finally {
    proxy?.close();
    await stopAll(replica, master);
  }
});

test('repl-diskless-load on-empty-db: an empty replica loads from memory (to parser)', async () => {
  let master: RunningServer | undefined;
  let replica: RunningServer | undefined;
  try {
    master = await startRedis(0, ['--enable-debug-command', 'yes', '--repl-diskless-sync-delay', '0']);
    const m = await connectTo(master);
    await text(m, ['DEBUG', 'POPULATE', '1000']);
    replica = await startRedmesh(0, [
      ...['--repl-diskless-load', 'on-empty-db', '--replicaof', '127.0.0.1', String(master.port)],
    ]);
    const r = await connectTo(replica);
    await waitInSync(m, r);
    assert.match(replica.output(), /receiving streamed RDB from master with EOF to parser/);
    await assertSameDataset(m, r, 'on-empty-db, empty replica');
    for (const c of [m, r]) c.close();
  } finally {
    await stopAll(replica, master);
  }
});

test('a redmesh master with repl-diskless-sync no sends its snapshot file to a real replica (and to a redmesh one), removing it after; a replica cut mid-file gets a new one', async () => {
  let master: RunningServer | undefined;
  let real: RunningServer | undefined;
  let ours: RunningServer | undefined;
  let proxy: CuttingProxy | undefined;
  try {
    master = await startRedmesh(0, ['--repl-diskless-sync', 'no', '--rdbcompression', 'no']);
    const m = await connectTo(master);
    const dir = await configGet(m, 'dir');
    // About 22 MB: more than loopback's socket buffers hold, so the file is still being read when held.
    const value = 'v'.repeat(4400);
    for (let i = 0; i < 5000; i += 100) {
      const argv = ['MSET'];
      for (let j = i; j < i + 100; j++) argv.push(`key:${j}`, value);
      await text(m, argv);
    }
    proxy = new CuttingProxy(master.port, HOLD_AFTER);
    const proxyPort = await proxy.listen();
    real = await startRedis(0, ['--replicaof', '127.0.0.1', String(proxyPort)]);
    const r = await connectTo(real);
    const detail = (): string => `${master?.output() ?? ''}\n--- replica\n${real?.output() ?? ''}`;
    await waitFor('the file transfer to stall part-way', () => proxy?.held === true, 30_000, detail);
    assert.match(master.output(), /Starting BGSAVE for SYNC with target: disk/);
    assert.equal(tempFiles(dir).length, 1, 'the payload is a file in dir while it is sent');
    assert.equal(await text(m, ['SET', 'during', 'the transfer']), '+OK', 'the master keeps serving');
    proxy.cut();
    await waitFor('the file removed after the cut', () => tempFiles(dir).length === 0, 5000, detail);
    proxy.release();
    await waitInSync(m, r, detail);
    await assertSameDataset(m, r, 'real replica of a disk-based redmesh master');
    ours = await startRedmesh(0, ['--replicaof', '127.0.0.1', String(master.port)]);
    const o = await connectTo(ours);
    await waitInSync(m, o, detail);
    assert.match(ours.output(), /receiving \d+ bytes from master to disk/);
    await assertSameDataset(m, o, 'redmesh replica of a disk-based redmesh master');
    assert.deepEqual(tempFiles(dir), []);
    for (const c of [m, r, o]) c.close();
  } finally {
    proxy?.close();
    await stopAll(ours, real, master);
  }
});

test('rdb-del-sync-files yes with persistence off: the payload file is removed once loaded, as on a real replica', async () => {
  let master: RunningServer | undefined;
  let real: RunningServer | undefined;
  let ours: RunningServer | undefined;
  try {
    master = await startRedis(0, ['--enable-debug-command', 'yes', '--repl-diskless-sync', 'no']);
    const m = await connectTo(master);
    await text(m, ['DEBUG', 'POPULATE', '1000']);
    const args = [
      ...['--save', '', '--rdb-del-sync-files', 'yes'],
      ...['--replicaof', '127.0.0.1', String(master.port)],
    ];
    [real, ours] = await Promise.all([startRedis(0, args), startRedmesh(0, args)]);
    const r = await connectTo(real);
    const o = await connectTo(ours);
    await waitInSync(m, r);
    await waitInSync(m, o);
    await assertSameDataset(m, o, 'rdb-del-sync-files');
    for (const c of [r, o]) {
      const dir = await configGet(c, 'dir');
      assert.deepEqual(
        readdirSync(dir).filter((f) => f.endsWith('.rdb')),
        [],
        `no RDB file left in ${dir}`,
      );
    }
    assert.match(ours.output(), /Removing the RDB file obtained from the master/);
    for (const c of [m, r, o]) c.close();
  } finally {
    await stopAll(ours, real, master);
  }
});

test('REPLICAOF NO ONE during a transfer to disk drops the temp file at once and keeps the old data', async () => {
  let master: RunningServer | undefined;
  let replica: RunningServer | undefined;
  let proxy: CuttingProxy | undefined;
  try {
    master = await startRedis(0, [
      ...['--enable-debug-command', 'yes', '--rdbcompression', 'no', '--repl-diskless-sync', 'no'],
    ]);
    const m = await connectTo(master);
    await text(m, ['DEBUG', 'POPULATE', KEYS, 'key', '1000']);
    proxy = new CuttingProxy(master.port, HOLD_AFTER);
    const proxyPort = await proxy.listen();
    replica = await startRedmesh(0);
    const r = await connectTo(replica);
    const dir = await configGet(r, 'dir');
    await text(r, ['SET', 'old:key', 'old-value']);
    await text(r, ['REPLICAOF', '127.0.0.1', String(proxyPort)]);
    await waitFor('the transfer to stall part-way', () => proxy?.held === true, 30_000);
    await waitFor('the temp file in dir', () => tempFiles(dir).length === 1);
    assert.equal(await text(r, ['REPLICAOF', 'NO', 'ONE']), '+OK');
    await waitFor('the temp file removed', () => tempFiles(dir).length === 0, 2000);
    assert.equal(await info(r, 'role'), 'master');
    assert.equal(await text(r, ['GET', 'old:key']), 'old-value');
    assert.equal(await text(r, ['DBSIZE']), ':1');
    for (const c of [m, r]) c.close();
  } finally {
    proxy?.close();
    await stopAll(replica, master);
  }
});

test('a `$<len>` master streams writes right after the payload while the replica still decodes it: none is lost', async () => {
  let master: RunningServer | undefined;
  let replica: RunningServer | undefined;
  try {
    master = await startRedis(0, [
      ...['--enable-debug-command', 'yes', '--rdbcompression', 'no', '--repl-diskless-sync', 'no'],
    ]);
    const m = await connectTo(master);
    // Some 20 MB: the decoder is still behind when the last payload byte arrives.
    await text(m, ['DEBUG', 'POPULATE', '200000', 'key', '100']);
    replica = await startRedmesh(0, ['--replicaof', '127.0.0.1', String(master.port)]);
    const r = await connectTo(replica);
    const writer = await connectTo(master);
    let writing = true;
    let writes = 0;
    const writes$ = (async (): Promise<void> => {
      while (writing) {
        await text(writer, ['INCR', 'counter']);
        writes++;
      }
    })();
    const detail = (): string => `${replica?.output() ?? ''}\n--- master\n${master?.output() ?? ''}`;
    await waitFor('the link up', async () => (await info(r, 'master_link_status')) === 'up', 60_000, detail);
    writing = false;
    await writes$;
    assert.match(replica.output(), /receiving \d+ bytes from master to disk/);
    await waitInSync(m, r, detail);
    assert.equal(await text(r, ['GET', 'counter']), String(writes));
    assert.equal(await text(r, ['DBSIZE']), ':200001');
    for (const c of [m, r, writer]) c.close();
  } finally {
    await stopAll(replica, master);
  }
});
