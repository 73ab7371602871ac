import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Evictor, Keyspace, type EvictionSettings } from '../../../src/store/index.js';
import { replyOf, withRedmesh } from './peers.js';

const VALUE = 'x'.repeat(1000);

function settings(policy: EvictionSettings['policy'], maxmemory: number): EvictionSettings {
  return { maxmemory, policy, samples: 5, lfuLogFactor: 10, lfuDecayTime: 1 };
}

test('noeviction: writes over maxmemory get -OOM, reads still work', async () => {
  await withRedmesh('maxmemory 1mb\nmaxmemory-policy noeviction\n', async ({ client }) => {
    let oom = '';
    for (let i = 0; i < 3000 && oom === ''; i++) {
      const r = await replyOf(client, 'SET', `k${i}`, VALUE);
      if (r !== 'OK') oom = String(r);
    }
    assert.equal(oom, "error: OOM command not allowed when used memory > 'maxmemory'.");
    assert.equal(await client.call('GET', 'k0'), VALUE);
    assert.equal(await client.call('DEL', 'k0'), 1);
    assert.match(String(await client.call('INFO', 'stats')), /\r\nevicted_keys:0\r\n/);
  });
});

test('allkeys-lru keeps the memory bound and the recently used keys', async () => {
  await withRedmesh(
    'maxmemory 2mb\nmaxmemory-policy allkeys-lru\nmaxmemory-samples 10\n',
    async ({ client }) => {
      // Old keys: far more than 2 MiB of them, so most are evicted.
      for (let i = 0; i < 3000; i++) await client.call('SET', `k${i}`, VALUE);
      const kept = Number(await client.call('DBSIZE'));
      // 2 MiB minus the baseline, at ~1.1 kB per key: about 1000 keys, never all 3000.
      assert.ok(kept > 500 && kept < 2000, `dbsize ${kept}`);
      // The LRU clock counts 100 ms ticks (Redis's: 1 s): keys used within one tick look equally
      // recent. Two ticks pass, so every key above is strictly older than what comes next.
      const tick = Date.now() + 250;
      while (Date.now() < tick) await new Promise((r) => setTimeout(r, tick - Date.now()));
      await client.call('SET', 'hot', VALUE);
      // Fewer new keys than old ones left: every eviction has older keys to choose from.
      for (let i = 3000; i < 3200; i++) {
        await client.call('SET', `k${i}`, VALUE);
        if (i % 20 === 0) await client.call('GET', 'hot');
      }
      const keys = Number(await client.call('DBSIZE'));
      assert.ok(keys > 500 && keys < 2000, `dbsize ${keys}`);
      assert.equal(await client.call('GET', 'hot'), VALUE, 'the recently used key survived');
      let newKept = 0;
      for (let i = 3000; i < 3200; i++) newKept += Number(await client.call('EXISTS', `k${i}`));
      assert.equal(newKept, 200, 'the newest keys survived: older ones were evicted instead');
      const evicted = Number(
        /\r\nevicted_keys:(\d+)\r\n/.exec(String(await client.call('INFO', 'stats')))?.[1],
      );
      assert.equal(evicted, 3201 - keys);
    },
  );
});

test('volatile policies evict only keys with a TTL, and -OOM when none is left', async () => {
  await withRedmesh('maxmemory 1mb\nmaxmemory-policy volatile-ttl\n', async ({ client }) => {
    for (let i = 0; i < 300; i++) await client.call('SET', `v${i}`, VALUE, 'EX', String(1000 + i));
    let oom = '';
    for (let i = 0; i < 3000 && oom === ''; i++) {
      const r = await replyOf(client, 'SET', `p${i}`, VALUE);
      if (r !== 'OK') oom = String(r);
    }
    assert.equal(oom, "error: OOM command not allowed when used memory > 'maxmemory'.");
    assert.equal(await client.call('EXISTS', 'p0'), 1, 'persistent keys are never evicted');
    assert.equal(await client.call('EXISTS', 'v0'), 0, 'the shortest TTL went first');
  });
});

test('Evictor: random and LFU policies pick victims from sampled keys', () => {
  const ks = new Keyspace(2, {});
  for (let i = 0; i < 2000; i++) ks.db(i % 2).add(`k${i}`, VALUE);
  const ev = new Evictor(ks);
  const now = Date.now();
  const lfu = settings('allkeys-lfu', 1024 * 1024);
  for (let i = 0; i < 200; i++) ev.touch(lfu, 0, 'k0', now);
  const evicted = ev.performEvictions(lfu, now);
  assert.ok(evicted !== undefined && evicted.length > 500);
  assert.ok(ks.db(0).contains('k0'), 'the frequently used key stays');
  // The estimate is re-sampled after evicting: it may land a little above the limit, not far.
  assert.ok(ev.usedMemory(now + 1000) <= 1.1 * 1024 * 1024, `used ${ev.usedMemory(now + 1000)}`);
  const random = ev.performEvictions(settings('allkeys-random', 900 * 1024 + 50 * 1100), now);
  assert.ok(random !== undefined && random.length > 0);
  assert.deepEqual(ev.performEvictions(settings('noeviction', 1), now), undefined);
  assert.deepEqual(ev.performEvictions(settings('volatile-lru', 1), now), undefined);
});

test('Evictor: after a FLUSHALL and a refill past maxmemory, allkeys-lru evicts instead of refusing', () => {
  const ks = new Keyspace(1, {});
  const db = ks.db(0);
  const ev = new Evictor(ks);
  const lru = settings('allkeys-lru', 1024 * 1024);
  const now = Date.now();
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 3000; i++) {
      db.add(`r${round}:k${i}`, VALUE);
      ev.touch(lru, 0, `r${round}:k${i}`, now);
      // Evicting as the dispatcher does before each write: never "nothing to evict" while keys exist.
      assert.notEqual(ev.performEvictions(lru, now), undefined, `round ${round}, key ${i}`);
    }
    assert.ok(ev.usedMemory() <= 1024 * 1024);
    db.clear(); // FLUSHALL: the sampling cursors must not go on over the flushed table
    assert.equal(ev.usedMemory(), ev.usedMemory(now));
  }
});

test('Evictor: LRU data of flushed keys is dropped with them', () => {
  const ks = new Keyspace(1, {});
  const db = ks.db(0);
  const ev = new Evictor(ks);
  const lru = settings('allkeys-lru', 1024 * 1024 * 1024);
  for (let i = 0; i < 100; i++) {
    db.add(`k${i}`, VALUE);
    ev.touch(lru, 0, `k${i}`, Date.now());
  }
  assert.notEqual(ev.lastAccess(0, 'k1'), undefined);
  db.clear();
  assert.equal(ev.lastAccess(0, 'k1'), undefined);
});

test('Evictor: allkeys-lru evicts mostly keys not used lately, wherever they sit in the key tables', () => {
  // Keys written in order fill each table's slots in order; the touched half is the older half of
  // every table. Sampling neighbouring slots (as a cursor over a table does) evicts both halves alike.
  const ks = new Keyspace(1, {});
  const db = ks.db(0);
  const ev = new Evictor(ks);
  const n = 20_000;
  const start = Date.now();
  const lru = settings('allkeys-lru', 0);
  for (let i = 0; i < n; i++) {
    db.add(`k${i}`, VALUE);
    ev.touch({ ...lru, maxmemory: 1 }, 0, `k${i}`, start);
  }
  for (let i = 0; i < n / 2; i++) ev.touch({ ...lru, maxmemory: 1 }, 0, `k${i}`, start + 2000);
  // Room for 3/4 of the keys: a quarter goes, and an ideal LRU takes only untouched ones.
  const limit = ev.usedMemory() - Math.floor((ev.usedMemory() - 900 * 1024) / 4);
  const evicted = ev.performEvictions({ ...lru, maxmemory: limit }, start + 4000);
  assert.ok(evicted !== undefined && evicted.length > n / 5, `evicted ${evicted?.length}`);
  let touchedGone = 0;
  for (let i = 0; i < n / 2; i++) if (!db.contains(`k${i}`)) touchedGone++;
  const share = touchedGone / evicted.length;
  assert.ok(share < 0.1, `${(share * 100).toFixed(1)}% of the evicted keys were recently used`);
});

test('Evictor: candidates pooled under one policy are dropped when the policy changes', () => {
  // Under allkeys-lru `hot` is the oldest key after `old`, so it waits in the pool once `old` is gone.
  // Under volatile-ttl it expires last: its pooled LRU score (idle ticks, ~1000) would beat every
  // TTL score (minus the expiry time) and evict it.
  const ks = new Keyspace(1, {});
  const db = ks.db(0);
  const ev = new Evictor(ks);
  const t0 = Date.now();
  const lru = { ...settings('allkeys-lru', 1), samples: 400 };
  const ttl = { ...settings('volatile-ttl', 1), samples: 400 };
  for (const key of ['old', 'hot', ...Array.from({ length: 20 }, (_, i) => `k${i}`)]) {
    db.add(key, VALUE);
    db.setExpire(key, key === 'hot' ? t0 + 10_000_000 : t0 + 200_000);
    ev.touch(lru, 0, key, key === 'old' ? t0 : key === 'hot' ? t0 + 1000 : t0 + 10_000);
  }
  const now = t0 + 100_000;
  // Over the limit by less than a key: one eviction each.
  assert.deepEqual(ev.performEvictions({ ...lru, maxmemory: ev.usedMemory() - 1 }, now), [
    { db: 0, key: 'old' },
  ]);
  const evicted = ev.performEvictions({ ...ttl, maxmemory: ev.usedMemory() - 1 }, now);
  assert.equal(evicted?.length, 1);
  assert.notEqual(evicted?.[0]?.key, 'hot', 'the key that expires last was evicted on its old LRU score');
  assert.ok(db.contains('hot'));
});
