/**
 * Faults: a corrupt or truncated payload, a wrong masterauth, an unreachable master, and a replica
 * that stops reading. Each must give Redis's log lines and states, retry, and leave the data as it
 * was (the replica) or the master serving (the reader that stopped).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { RequestParser } from '../../src/resp/index.js';
import { freePort, startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';
import { connectTo, info, text, waitFor } from './helpers.js';

type PayloadMode = 'corrupt' | 'truncated' | 'valid-eof';

/** A master that answers the handshake and sends the payload the test chose. */
function fakeMaster(rdb: Buffer): { server: Server; mode: PayloadMode; syncs: number } {
  const state = { server: createServer(), mode: 'corrupt' as PayloadMode, syncs: 0 };
  state.server.on('connection', (socket: Socket) => {
    socket.on('error', () => undefined);
    const parser = new RequestParser({ maxBulkLen: () => 1 << 20, authRequired: () => false });
    socket.on('data', (bytes: Buffer) => {
      parser.feed(Buffer.from(bytes));
      for (let argv = parser.next(); argv !== undefined; argv = parser.next()) {
        if (!Array.isArray(argv)) return;
        const name = (argv[0] ?? '').toLowerCase();
        if (name === 'ping') socket.write('+PONG\r\n');
        else if (name === 'replconf' && (argv[1] ?? '').toLowerCase() !== 'ack') socket.write('+OK\r\n');
        else if (name === 'psync') {
          state.syncs++;
          socket.write(`+FULLRESYNC ${'ab'.repeat(20)} 0\r\n`);
          if (state.mode === 'corrupt') {
            const bad = Buffer.from(rdb);
            const at = Math.floor(bad.length / 2);
            bad[at] = (bad[at] ?? 0) ^ 0xff;
            socket.write(`$${bad.length}\r\n`);
            socket.write(bad);
          } else if (state.mode === 'truncated') {
            socket.write(`$${rdb.length}\r\n`);
            socket.end(rdb.subarray(0, Math.floor(rdb.length / 2)));
          } else {
            const mark = 'cd'.repeat(20);
            socket.write(`$EOF:${mark}\r\n`);
            socket.write(Buffer.concat([rdb, Buffer.from(mark)]));
          }
        }
      }
    });
  });
  return state;
}

/** An RDB written by real Redis 7.0 (SAVE), with a few keys. */
async function realRdb(): Promise<Buffer> {
  const redis = await startRedis(0);
  try {
    const c = await connectTo(redis);
    await text(c, ['SET', 'from-master', 'yes']);
    await text(c, ['RPUSH', 'list', 'a', 'b']);
    const dir = (await c.call(['CONFIG', 'GET', 'dir'])).toString('latin1').split('\r\n')[4] as string;
    assert.equal(await text(c, ['SAVE']), '+OK');
    c.close();
    return readFileSync(join(dir, 'dump.rdb'));
  } finally {
    await redis.stop();
  }
}

test('a corrupt or truncated payload leaves the replica data untouched and is retried; a valid one then loads', async () => {
  const rdb = await realRdb();
  const fake = fakeMaster(rdb);
  let replica: RunningServer | undefined;
  try {
    const fakePort = await new Promise<number>((resolve) =>
      fake.server.listen(0, '127.0.0.1', () => resolve((fake.server.address() as { port: number }).port)),
    );
    replica = await startRedmesh(0);
    const r = await connectTo(replica);
    await text(r, ['SET', 'keep', 'mine']);
    const out = (): string => replica?.output() ?? '';
    assert.equal(await text(r, ['REPLICAOF', '127.0.0.1', String(fakePort)]), '+OK');
    await waitFor(
      'the corrupt payload to be refused',
      () => /Failed trying to load the MASTER synchronization DB/.test(out()),
      10_000,
      out,
    );
    assert.equal(await text(r, ['GET', 'keep']), 'mine');
    assert.equal(await text(r, ['DBSIZE']), ':1');
    assert.equal(await info(r, 'master_link_status'), 'down');
    const refusedSyncs = fake.syncs;
    await waitFor('a retry', () => fake.syncs > refusedSyncs, 5000, out);

    fake.mode = 'truncated';
    await waitFor(
      'the truncated payload to fail',
      () => /I\/O error trying to sync with MASTER: connection lost/.test(out()),
      10_000,
      out,
    );
    assert.equal(await text(r, ['GET', 'keep']), 'mine');
    assert.equal(await text(r, ['DBSIZE']), ':1');

    fake.mode = 'valid-eof';
    await waitFor(
      'the valid payload to load',
      async () => (await text(r, ['GET', 'from-master'])) === 'yes',
      10_000,
      out,
    );
    assert.equal(await text(r, ['DBSIZE']), ':2');
    assert.equal(await text(r, ['EXISTS', 'keep']), ':0');
    assert.match(out(), /MASTER <-> REPLICA sync: Finished with success/);
    r.close();
  } finally {
    fake.server.close();
    await stopAll(replica);
  }
});

test('a wrong masterauth: Unable to AUTH to MASTER, link down, data kept, retried until it is right', async () => {
  let master: RunningServer | undefined;
  let replica: RunningServer | undefined;
  try {
    master = await startRedis(0, ['--requirepass', 'right', '--repl-diskless-sync-delay', '0']);
    const m = await connectTo(master, 'right');
    await text(m, ['SET', 'from-master', '1']);
    replica = await startRedmesh(0, ['--masterauth', 'wrong']);
    const r = await connectTo(replica);
    await text(r, ['SET', 'keep', 'mine']);
    const out = (): string => replica?.output() ?? '';
    await text(r, ['REPLICAOF', '127.0.0.1', String(master.port)]);
    await waitFor(
      'two refused AUTHs',
      () => (out().match(/Unable to AUTH to MASTER: -WRONGPASS/g) ?? []).length >= 2,
      10_000,
      out,
    );
    assert.equal(await info(r, 'master_link_status'), 'down');
    assert.equal(await text(r, ['GET', 'keep']), 'mine');
    assert.match(await text(r, ['SET', 'x', '1']), /^-READONLY/);
    assert.equal(await text(r, ['CONFIG', 'SET', 'masterauth', 'right']), '+OK');
    await waitFor(
      'the link to come up',
      async () => (await info(r, 'master_link_status')) === 'up',
      10_000,
      out,
    );
    assert.equal(await text(r, ['GET', 'from-master']), '1');
    assert.equal(await text(r, ['EXISTS', 'keep']), ':0');
    m.close();
    r.close();
  } finally {
    await stopAll(replica, master);
  }
});

test('an unreachable master: Connection refused, retried every second, stale data served (MASTERDOWN when told not to)', async () => {
  let replica: RunningServer | undefined;
  try {
    const closed = await freePort();
    replica = await startRedmesh(0, ['--replicaof', '127.0.0.1', String(closed)]);
    const r = await connectTo(replica);
    const out = (): string => replica?.output() ?? '';
    await waitFor(
      'two refused connects',
      () => (out().match(/Error condition on socket for SYNC: Connection refused/g) ?? []).length >= 2,
      10_000,
      out,
    );
    assert.equal(await info(r, 'master_link_status'), 'down');
    assert.equal(await info(r, 'master_sync_in_progress'), '0');
    assert.equal(await text(r, ['GET', 'nothing']), '$-1');
    assert.equal(await text(r, ['CONFIG', 'SET', 'replica-serve-stale-data', 'no']), '+OK');
    assert.equal(
      await text(r, ['GET', 'nothing']),
      "-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
    );
    assert.match(await text(r, ['INFO', 'replication']), /role:slave/);
    const role = await text(r, ['ROLE']);
    assert.match(role, /\$\d+\r\n(connect|connecting)\r\n:-1$/);
    r.close();
  } finally {
    await stopAll(replica);
  }
});

test('a replica that stops reading is dropped at client-output-buffer-limit replica; the master keeps serving', async () => {
  let master: RunningServer | undefined;
  let stalled: Socket | undefined;
  try {
    master = await startRedmesh(0, [
      '--client-output-buffer-limit',
      'replica 4mb 0 0',
      '--repl-diskless-sync-delay',
      '0',
    ]);
    const m = await connectTo(master);
    const port = master.port;
    stalled = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
      s.once('error', reject);
    });
    stalled.on('error', () => undefined);
    stalled.write(
      '*3\r\n$8\r\nREPLCONF\r\n$4\r\ncapa\r\n$6\r\npsync2\r\n*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n',
    );
    await waitFor(
      'the replica to be online',
      async () => /slave0:.*state=online/.test(await text(m, ['INFO', 'replication'])),
      10_000,
    );
    stalled.pause();
    const closedByMaster = new Promise<void>((resolve) => stalled?.once('close', () => resolve()));
    const value = 'v'.repeat(64 * 1024);
    for (let i = 0; i < 400; i++) await text(m, ['SET', `big:${i % 10}`, value]);
    await waitFor(
      'the stalled replica to be dropped',
      async () => (await info(m, 'connected_slaves')) === '0',
      10_000,
      () => master?.output() ?? '',
    );
    assert.match(master.output(), /scheduled to be closed ASAP for overcoming of output buffer limits/);
    assert.equal(await text(m, ['PING']), '+PONG');
    stalled.resume();
    await closedByMaster;
    m.close();
  } finally {
    stalled?.destroy();
    await stopAll(master);
  }
});
