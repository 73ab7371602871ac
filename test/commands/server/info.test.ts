import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Redis } from 'ioredis';
import { withRealRedis, withRedmesh } from './peers.js';

/** Section title → field names, in order. */
function parseInfo(text: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of text.split('\r\n')) {
    if (line.startsWith('# ')) {
      current = [];
      sections.set(line.slice(2), current);
    } else if (line !== '') {
      current.push(line.slice(0, line.indexOf(':')));
    }
  }
  return sections;
}

async function infoOf(client: Redis, ...sections: string[]): Promise<string> {
  return String(await client.call('INFO', ...sections));
}

const QUERIES: readonly string[][] = [
  [],
  ['default'],
  ['all'],
  ['everything'],
  ['server', 'KEYSPACE'],
  ['nosuch'],
];

test('INFO has Redis 7.0.15 sections and field names, in the same order', async () => {
  const real: Map<string, string[]>[] = [];
  await withRealRedis(async (client) => {
    await client.call('SET', 'a', 'b');
    await client.call('SET', 'b', 'c', 'EX', '100');
    for (const q of QUERIES) real.push(parseInfo(await infoOf(client, ...q)));
  });
  await withRedmesh('', async ({ client, launched }) => {
    const db = launched.server.core.keyspace.db(0);
    db.add('a', 'b');
    db.add('b', 'c');
    db.setExpire('b', Date.now() + 100_000);
    for (const [i, q] of QUERIES.entries()) {
      const ours = parseInfo(await infoOf(client, ...q));
      const theirs = real[i] as Map<string, string[]>;
      assert.deepEqual([...ours.keys()], [...theirs.keys()], `INFO ${q.join(' ')}: sections`);
      for (const [title, fields] of theirs) {
        // Per-command and per-error lines depend on what ran; latency percentiles are not tracked.
        if (title === 'Commandstats' || title === 'Errorstats' || title === 'Latencystats') continue;
        assert.deepEqual(ours.get(title), fields, `INFO ${q.join(' ')}: fields of ${title}`);
      }
    }
  });
});

test('INFO values come from the live server: keyspace, clients, config, replication role', async () => {
  await withRedmesh(
    'maxmemory 100mb\nmaxmemory-policy allkeys-lru\nhz 20\n',
    async ({ client, launched, port }) => {
      const db = launched.server.core.keyspace.db(3);
      db.add('k1', 'v');
      db.add('k2', 'v');
      db.setExpire('k2', Date.now() + 50_000);
      const text = await infoOf(client, 'everything');
      assert.match(text, /\r\ndb3:keys=2,expires=1,avg_ttl=(4\d{4}|50000)\r\n/);
      assert.match(text, /\r\nconnected_clients:1\r\n/);
      assert.match(text, new RegExp(`\\r\\ntcp_port:${port}\\r\\n`));
      assert.match(
        text,
        /\r\nmaxmemory:104857600\r\nmaxmemory_human:100\.00M\r\nmaxmemory_policy:allkeys-lru\r\n/,
      );
      assert.match(text, /\r\nhz:20\r\nconfigured_hz:20\r\n/);
      assert.match(text, /\r\nrole:master\r\nconnected_slaves:0\r\n/);
      assert.match(text, /\r\nmaster_replid:[0-9a-f]{40}\r\n/);
      assert.match(text, new RegExp(`\\r\\nprocess_id:${process.pid}\\r\\n`));
      // used_memory is the startup baseline plus the keyspace's byte count: two keys of 1-byte
      // names and values (80 bytes each: entry 32, bucket 8, key sds 8, embstr 32) and a TTL (40).
      const field = (name: string): number => Number(new RegExp(`\r\n${name}:(\\d+)\r\n`).exec(text)?.[1]);
      assert.equal(field('used_memory_dataset'), 80 + 80 + 40);
      assert.equal(field('used_memory'), field('used_memory_startup') + 80 + 80 + 40);
      assert.match(text, /\r\nconfig_file:\/.*redis\.conf\r\n/);
    },
  );
});
