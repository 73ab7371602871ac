/**
 * node-redis (`redis` v5+/6) with RESP3 against redmesh: HELLO 3 with AUTH at connect, RESP3 maps,
 * sets and doubles, binary values through a Buffer type mapping, MULTI, pub/sub and blocking pops.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RESP_TYPES, createClient } from 'redis';
import { startUnderTest, stopAll } from '../helpers/servers.js';
import type { RunningServer } from '../helpers/servers.js';

const PASSWORD = 'nr-secret';

let server: RunningServer | undefined;
/** A free port, known once `before` started the server. */
let port = 0;
type Client = ReturnType<typeof makeClient>;
const clients: Client[] = [];

function makeClient(password = PASSWORD) {
  const c = createClient({
    socket: { host: '127.0.0.1', port, reconnectStrategy: false, connectTimeout: 3000 },
    password,
    RESP: 3,
  });
  c.on('error', () => undefined);
  return c;
}

async function connected(): Promise<Client> {
  const c = makeClient();
  clients.push(c);
  await c.connect();
  return c;
}

before(async () => {
  server = await startUnderTest(0, ['--requirepass', PASSWORD]);
  port = server.port;
});

after(async () => {
  for (const c of clients) c.destroy();
  await stopAll(server);
});

test('the connection speaks RESP3 after HELLO 3 with AUTH', async () => {
  const c = await connected();
  const hello = await c.sendCommand<Record<string, unknown>>(['HELLO']);
  assert.equal(hello.proto, 3);
  assert.equal(hello.server, 'redis');
  assert.equal(await c.ping(), 'PONG');
});

test('RESP3 maps, sets and doubles arrive as typed values', async () => {
  const c = await connected();
  await c.hSet('h', { f1: 'v1', f2: '' });
  assert.deepEqual({ ...(await c.hGetAll('h')) }, { f1: 'v1', f2: '' });
  await c.sAdd('s', ['a', 'b', 'c']);
  assert.deepEqual([...(await c.sMembers('s'))].sort(), ['a', 'b', 'c']);
  await c.zAdd('z', [
    { score: 1.5, value: 'x' },
    { score: -2, value: 'y' },
  ]);
  assert.equal(await c.zScore('z', 'x'), 1.5);
  assert.deepEqual(await c.zRangeWithScores('z', 0, -1), [
    { value: 'y', score: -2 },
    { value: 'x', score: 1.5 },
  ]);
  const raw = await c.sendCommand(['ZSCORE', 'z', 'x']);
  assert.equal(raw, 1.5, 'ZSCORE is a RESP3 double');
  assert.equal(await c.get('nothing'), null);
  assert.equal(await c.exists(['h', 's', 'nothing']), 2);
});

test('binary values survive with a Buffer type mapping', async () => {
  const c = await connected();
  const value = Buffer.from([0, 13, 10, 255, 128, 36]);
  await c.set('bin', value);
  const back = await c.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }).get('bin');
  assert.deepEqual(back, value);
  assert.equal(await c.strLen('bin'), 6);
});

test('MULTI/EXEC returns the queued replies; errors are ErrorReply', async () => {
  const c = await connected();
  const res = await c.multi().set('m', '5').incrBy('m', 10).get('m').exec();
  assert.deepEqual(res, ['OK', 15, '15']);
  await assert.rejects(c.lPush('m', 'x'), /WRONGTYPE/);
});

test('pub/sub over RESP3 pushes: channels and patterns', async () => {
  const pub = await connected();
  const sub = await connected();
  const got: string[] = [];
  let resolveAll: () => void = () => undefined;
  const all = new Promise<void>((r) => (resolveAll = r));
  const record = (line: string): void => {
    got.push(line);
    if (got.length === 2) resolveAll();
  };
  await sub.subscribe('ch1', (message, channel) => record(`${channel}:${message}`));
  await sub.pSubscribe('ch*', (message, channel) => record(`p ${channel}:${message}`));
  assert.equal(await pub.publish('ch1', 'hello'), 2);
  await Promise.race([
    all,
    new Promise((_, rej) => setTimeout(() => rej(new Error(`got only ${got.join(',')}`)), 3000)),
  ]);
  assert.deepEqual(got.sort(), ['ch1:hello', 'p ch1:hello']);
  await sub.unsubscribe('ch1');
  await sub.pUnsubscribe('ch*');
  assert.equal(await pub.publish('ch1', 'again'), 0);
});

test('BLPOP waits for another client; a short timeout yields null', async () => {
  const a = await connected();
  const b = await connected();
  await b.del('q');
  assert.equal(await a.blPop('q-none', 0.05), null);
  const pending = a.blPop('q', 5);
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline && !/blocked_clients:1/.test(await b.info('clients'))) {
    await new Promise((r) => setTimeout(r, 10));
  }
  await b.rPush('q', 'job');
  assert.deepEqual({ ...(await pending) }, { key: 'q', element: 'job' });
});

test('a wrong password fails the connect with WRONGPASS', async () => {
  const bad = makeClient('wrong');
  try {
    await assert.rejects(bad.connect(), /WRONGPASS/);
  } finally {
    bad.destroy();
  }
});
