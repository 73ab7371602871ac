/**
 * ioredis (RESP2) against redmesh: password auth, binary values, pipelines, MULTI/EXEC and WATCH,
 * pub/sub with patterns, blocking pops served by another connection, error replies, SCAN streams.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { startUnderTest, stopAll } from '../helpers/servers.js';
import type { RunningServer } from '../helpers/servers.js';

const PASSWORD = 'io-secret';

let server: RunningServer | undefined;
/** A free port, known once `before` started the server. */
let port = 0;
const clients: Redis[] = [];

function client(): Redis {
  const c = new Redis({
    host: '127.0.0.1',
    port,
    password: PASSWORD,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    lazyConnect: false,
  });
  c.on('error', () => undefined);
  clients.push(c);
  return c;
}

before(async () => {
  server = await startUnderTest(0, ['--requirepass', PASSWORD]);
  port = server.port;
});

after(async () => {
  for (const c of clients) c.disconnect();
  await stopAll(server);
});

test('strings round-trip binary values and counters', async () => {
  const r = client();
  const value = Buffer.from([0, 1, 2, 13, 10, 255, 254, 0x80]);
  assert.equal(await r.set(Buffer.from([0xff, 0x00, 0x0d, 0x0a]), value), 'OK');
  assert.deepEqual(await r.getBuffer(Buffer.from([0xff, 0x00, 0x0d, 0x0a])), value);
  assert.equal(await r.set('empty', ''), 'OK');
  assert.equal(await r.get('empty'), '');
  assert.equal(await r.get('missing'), null);
  assert.equal(await r.incrby('n', 9007199254740993), 9007199254740993);
  assert.equal(await r.incrbyfloat('f', '0.1'), '0.1');
  assert.equal(await r.incrbyfloat('f', '0.2'), '0.3');
  await assert.rejects(r.incr('empty'), /ERR value is not an integer or out of range/);
  await assert.rejects(r.lpush('empty', 'x'), /^ReplyError: WRONGTYPE Operation against a key/);
});

test('a pipeline of 1000 commands returns every reply in order', async () => {
  const r = client();
  const p = r.pipeline();
  for (let i = 0; i < 500; i++) p.rpush('pl', String(i));
  for (let i = 0; i < 500; i++) p.lindex('pl', i);
  const results = await p.exec();
  assert.ok(results);
  assert.equal(results.length, 1000);
  results.slice(0, 500).forEach(([err, v], i) => {
    assert.equal(err, null);
    assert.equal(v, i + 1);
  });
  results.slice(500).forEach(([, v], i) => assert.equal(v, String(i)));
});

test('MULTI/EXEC runs atomically; WATCH aborts on a change from another client', async () => {
  const r = client();
  const other = client();
  const res = await r.multi().set('tx', '1').incr('tx').lrange('tx', 0, -1).get('tx').exec();
  assert.ok(res);
  assert.equal(res[0]?.[1], 'OK');
  assert.equal(res[1]?.[1], 2);
  assert.match(String(res[2]?.[0]), /WRONGTYPE/);
  assert.equal(res[3]?.[1], '2');

  await r.watch('tx');
  await other.set('tx', 'changed');
  const aborted = await r.multi().set('tx', 'mine').exec();
  assert.equal(aborted, null);
  assert.equal(await r.get('tx'), 'changed');
});

test('pub/sub: channel and pattern subscribers get messages, binary payloads intact', async () => {
  const sub = client();
  const pub = client();
  await sub.subscribe('news');
  await sub.psubscribe('ne*');
  const got: string[] = [];
  const done = new Promise<void>((resolve) => {
    const check = (): void => {
      if (got.length === 2) resolve();
    };
    sub.on('messageBuffer', (ch: Buffer, msg: Buffer) => {
      got.push(`message ${ch.toString()} ${msg.toString('hex')}`);
      check();
    });
    sub.on('pmessageBuffer', (pat: Buffer, ch: Buffer, msg: Buffer) => {
      got.push(`pmessage ${pat.toString()} ${ch.toString()} ${msg.toString('hex')}`);
      check();
    });
  });
  assert.equal(await pub.publish('news', Buffer.from([0, 13, 10, 255])), 2);
  await Promise.race([
    done,
    new Promise((_, rej) => setTimeout(() => rej(new Error('messages not received')), 3000)),
  ]);
  assert.deepEqual(got.sort(), ['message news 000d0aff', 'pmessage ne* news 000d0aff']);
  assert.deepEqual(await pub.pubsub('NUMSUB', 'news'), ['news', 1]);
  await sub.unsubscribe('news');
  await sub.punsubscribe('ne*');
  assert.equal(await pub.publish('news', 'x'), 0);
});

test('BLPOP blocks until another client pushes; a short timeout returns null', async () => {
  const blocker = client();
  const pusher = client();
  await pusher.del('bq');
  assert.equal(await blocker.blpop('bq-empty', 0.05), null);
  const pending = blocker.blpop('bq', 5);
  // Wait until the server has the client blocked before pushing (bounded).
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline) {
    const info = await pusher.info('clients');
    if (/blocked_clients:1/.test(info)) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  await pusher.rpush('bq', 'hello');
  assert.deepEqual(await pending, ['bq', 'hello']);
});

test('hashes, sets and sorted sets map to the expected JS values', async () => {
  const r = client();
  await r.hset('hh', { a: '1', b: '' });
  assert.deepEqual(await r.hgetall('hh'), { a: '1', b: '' });
  await r.sadd('ss', 'x', 'y');
  assert.deepEqual((await r.smembers('ss')).sort(), ['x', 'y']);
  await r.zadd('zz', 1.5, 'one', 2, 'two');
  assert.deepEqual(await r.zrange('zz', '0', '-1', 'WITHSCORES'), ['one', '1.5', 'two', '2']);
  assert.equal(await r.zscore('zz', 'one'), '1.5');
});

test('scanStream visits every key', async () => {
  const r = client();
  const p = r.pipeline();
  for (let i = 0; i < 250; i++) p.set(`scan:${i}`, 'v');
  await p.exec();
  const seen = new Set<string>();
  const stream = r.scanStream({ match: 'scan:*', count: 20 });
  stream.on('data', (keys: string[]) => keys.forEach((k) => seen.add(k)));
  await once(stream, 'end');
  assert.equal(seen.size, 250);
});

test('a wrong password is rejected with WRONGPASS', async () => {
  const bad = new Redis({
    host: '127.0.0.1',
    port,
    password: 'nope',
    retryStrategy: () => null,
    lazyConnect: true,
  });
  const errors: string[] = [];
  bad.on('error', (e: Error) => errors.push(e.message));
  try {
    await assert.rejects(bad.connect());
    assert.ok(
      errors.some((e) => e.startsWith('WRONGPASS invalid username-password pair')),
      errors.join('\n'),
    );
  } finally {
    bad.disconnect();
  }
});
