/**
 * Client-side caching with a real client: node-redis 6 (RESP3, BasicClientSideCache) caches a GET,
 * answers the next GET from its cache, and drops the entry when the server's invalidation push
 * arrives after another client changed the key — against real redis-server 7.0 and redmesh alike.
 * (RESP2 redirection to a __redis__:invalidate subscriber is compared byte for byte in
 * test/server/tracking.differential.test.ts: ioredis does not surface array pub/sub messages.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BasicClientSideCache, createClient } from 'redis';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

/** Polls `check` every 10 ms until it holds, failing after `timeoutMs`. */
async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function nodeRedis(port: number, cache?: BasicClientSideCache) {
  const c = createClient({
    socket: { host: '127.0.0.1', port, reconnectStrategy: false, connectTimeout: 3000 },
    RESP: 3,
    ...(cache === undefined ? {} : { clientSideCache: cache }),
  });
  c.on('error', () => undefined);
  return c;
}

async function cachedGetIsInvalidated(server: RunningServer): Promise<void> {
  const cache = new BasicClientSideCache({ ttl: 0, maxEntries: 0 });
  const reader = nodeRedis(server.port, cache);
  const writer = nodeRedis(server.port);
  try {
    await reader.connect();
    await writer.connect();
    await writer.set('csc:key', 'v1');
    assert.equal(await reader.get('csc:key'), 'v1');
    assert.equal(cache.stats().missCount, 1);
    // Served from the local cache: no round trip, counted as a hit.
    assert.equal(await reader.get('csc:key'), 'v1');
    assert.equal(cache.stats().hitCount, 1);
    assert.equal(cache.size(), 1);

    await writer.set('csc:key', 'v2');
    await waitFor(`${server.name}: the invalidation emptied the cache`, () => cache.size() === 0);
    assert.equal(await reader.get('csc:key'), 'v2');
    assert.equal(cache.stats().missCount, 2);

    // Expiry invalidates too: the writer's read of the expired key deletes it (lazy expiry).
    await writer.set('csc:ttl', 'x', { PX: 50 });
    assert.equal(await reader.get('csc:ttl'), 'x');
    assert.equal(cache.size(), 2);
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(await writer.get('csc:ttl'), null);
    await waitFor(`${server.name}: expiry invalidated the cached key`, () => cache.size() === 1);

    // FLUSHALL invalidates everything at once (a null invalidation).
    await writer.flushAll();
    await waitFor(`${server.name}: FLUSHALL emptied the cache`, () => cache.size() === 0);
    assert.equal(await reader.get('csc:key'), null);
  } finally {
    await Promise.allSettled([reader.close(), writer.close()]);
  }
}

test('node-redis client-side cache is invalidated by writes, expiry and FLUSHALL (real Redis and redmesh)', async () => {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    [redis, redmesh] = await Promise.all([startRedis(0), startRedmesh(0)]);
    await cachedGetIsInvalidated(redis);
    await cachedGetIsInvalidated(redmesh);
  } finally {
    await stopAll(redis, redmesh);
  }
});
