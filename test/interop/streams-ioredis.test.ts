/**
 * Streams as applications use them, through ioredis against redmesh: a consumer group whose two
 * consumers "crash" (disconnect with entries pending) and a third that recovers their entries
 * with XAUTOCLAIM; a blocked XREADGROUP woken by XADD, and ended by the stream's deletion.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

function client(port: number): Redis {
  return new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
}

type Entries = [string, [string, string[]][]][] | null;

test('two consumers crash with pending entries; a third recovers them all with XAUTOCLAIM', async () => {
  let server: RunningServer | undefined;
  const clients: Redis[] = [];
  try {
    server = await startRedmesh(0);
    const open = async (): Promise<Redis> => {
      const c = client(server!.port);
      clients.push(c);
      await c.connect();
      return c;
    };
    const producer = await open();
    await producer.xgroup('CREATE', 'jobs', 'workers', '$', 'MKSTREAM');
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await producer.xadd('jobs', '*', 'job', String(i))) as string);

    const w1 = await open();
    const w2 = await open();
    const got1 = (await w1.xreadgroup(
      'GROUP',
      'workers',
      'w1',
      'COUNT',
      4,
      'STREAMS',
      'jobs',
      '>',
    )) as Entries;
    const got2 = (await w2.xreadgroup(
      'GROUP',
      'workers',
      'w2',
      'COUNT',
      6,
      'STREAMS',
      'jobs',
      '>',
    )) as Entries;
    assert.equal(got1?.[0]?.[1].length, 4);
    assert.equal(got2?.[0]?.[1].length, 6);
    // w1 finishes one job; then both crash without acknowledging the rest.
    await w1.xack('jobs', 'workers', ids[0] as string);
    w1.disconnect();
    w2.disconnect();

    const rescuer = await open();
    const pending = (await rescuer.xpending('jobs', 'workers')) as [
      number,
      string,
      string,
      [string, string][],
    ];
    assert.equal(pending[0], 9);
    assert.deepEqual(pending[3], [
      ['w1', '3'],
      ['w2', '6'],
    ]);
    // The entries are idle for at least 1 ms after a short wait (bounded), then one sweep of XAUTOCLAIM.
    const deadline = Date.now() + 2000;
    let claimed: string[] = [];
    let cursor = '0-0';
    do {
      const reply = (await rescuer.xautoclaim('jobs', 'workers', 'rescuer', 1, cursor, 'COUNT', 4)) as [
        string,
        [string, string[]][],
        string[],
      ];
      claimed = claimed.concat(reply[1].map(([id]) => id));
      cursor = reply[0];
      assert.deepEqual(reply[2], []);
    } while ((cursor !== '0-0' || claimed.length < 9) && Date.now() < deadline);
    assert.deepEqual(claimed, ids.slice(1));
    const after = (await rescuer.xpending('jobs', 'workers')) as [number, string, string, [string, string][]];
    assert.deepEqual(after[3], [['rescuer', '9']]);
    assert.equal(await rescuer.xack('jobs', 'workers', ...claimed), 9);
  } finally {
    for (const c of clients) c.disconnect();
    await stopAll(server);
  }
});

test('a blocked XREADGROUP is served by XADD, and one blocked on a deleted stream gets UNBLOCKED', async () => {
  let server: RunningServer | undefined;
  const clients: Redis[] = [];
  try {
    server = await startRedmesh(0);
    const open = async (): Promise<Redis> => {
      const c = client(server!.port);
      clients.push(c);
      await c.connect();
      return c;
    };
    const admin = await open();
    await admin.xgroup('CREATE', 's', 'g', '$', 'MKSTREAM');
    const reader = await open();
    const waiting = reader.xreadgroup(
      'GROUP',
      'g',
      'c',
      'BLOCK',
      5000,
      'STREAMS',
      's',
      '>',
    ) as Promise<Entries>;
    await waitFor(async () => Number(/blocked_clients:(\d+)/.exec(await admin.info('clients'))?.[1]) === 1);
    const id = await admin.xadd('s', '*', 'k', 'v');
    const served = await waiting;
    assert.deepEqual(served, [['s', [[id, ['k', 'v']]]]]);

    const plain = reader.xread('BLOCK', 5000, 'STREAMS', 's', '$') as Promise<Entries>;
    await waitFor(async () => Number(/blocked_clients:(\d+)/.exec(await admin.info('clients'))?.[1]) === 1);
    const id2 = await admin.xadd('s', '*', 'k', 'w');
    assert.deepEqual(await plain, [['s', [[id2, ['k', 'w']]]]]);

    await admin.xgroup('SETID', 's', 'g', '$');
    const doomed = reader.xreadgroup('GROUP', 'g', 'c', 'BLOCK', 5000, 'STREAMS', 's', '>').then(
      () => 'served',
      (e: Error) => e.message,
    );
    await waitFor(async () => Number(/blocked_clients:(\d+)/.exec(await admin.info('clients'))?.[1]) === 1);
    await admin.del('s');
    assert.equal(await doomed, 'UNBLOCKED the stream key no longer exists');
  } finally {
    for (const c of clients) c.disconnect();
    await stopAll(server);
  }
});

async function waitFor(cond: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
