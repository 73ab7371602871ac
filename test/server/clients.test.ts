/** Real client libraries against the server: node-redis over RESP3 and ioredis pipelines/transactions. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { withServer } from './wire.js';

test('node-redis over RESP3: HELLO handshake, commands, MULTI, pub/sub push messages', async () => {
  await withServer({ requirepass: 'pw' }, async (srv) => {
    const url = `redis://default:pw@127.0.0.1:${srv.port}`;
    const client = createClient({ url, RESP: 3 });
    const sub = createClient({ url, RESP: 3 });
    client.on('error', () => undefined);
    sub.on('error', () => undefined);
    try {
      await client.connect();
      await sub.connect();
      assert.equal(await client.ping(), 'PONG');
      assert.equal(await client.set('k', 'v'), 'OK');
      assert.equal(await client.get('k'), 'v');
      const results = await client.multi().set('a', '1').incr('a').get('a').exec();
      assert.deepEqual(results, ['OK', 2, '2']);
      const got: string[] = [];
      await sub.subscribe('ch', (message) => got.push(message));
      assert.equal(await client.publish('ch', 'hello'), 1);
      const deadline = Date.now() + 2000;
      while (got.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(got, ['hello']);
      // RESP3 clients may run ordinary commands while subscribed.
      assert.equal((await client.clientId()) > 0, true);
    } finally {
      await client.close().catch(() => undefined);
      await sub.close().catch(() => undefined);
    }
  });
});

test('ioredis: a 10k-command pipeline and WATCH/MULTI/EXEC', async () => {
  await withServer({}, async (srv) => {
    const r = new Redis({ port: srv.port, host: '127.0.0.1', lazyConnect: true });
    const other = new Redis({ port: srv.port, host: '127.0.0.1', lazyConnect: true });
    try {
      await r.connect();
      await other.connect();
      const p = r.pipeline();
      for (let i = 0; i < 10000; i++) p.set(`key:${i}`, `value:${i}`);
      for (let i = 0; i < 10000; i++) p.get(`key:${i}`);
      const out = (await p.exec()) ?? [];
      assert.equal(out.length, 20000);
      for (let i = 0; i < 10000; i++) assert.deepEqual(out[10000 + i], [null, `value:${i}`]);

      await r.watch('counter');
      await other.set('counter', '5');
      assert.equal(await r.multi().incr('counter').exec(), null);
      await r.watch('counter');
      assert.deepEqual(await r.multi().incr('counter').exec(), [[null, 6]]);
    } finally {
      r.disconnect();
      other.disconnect();
    }
  });
});
