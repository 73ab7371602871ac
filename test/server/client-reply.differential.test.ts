/**
 * CLIENT REPLY against a real redis-server 7.0: what a client receives after OFF / SKIP / ON, and
 * whether pub/sub confirmations and messages still reach a client that turned its replies off
 * (RESP2 and RESP3). Each sequence ends with CLIENT REPLY ON and an ECHO, and everything the client
 * received up to that ECHO is compared byte for byte.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawConnection, showBytes } from '../helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

type Line = readonly string[];

/** `['#publish', channel, message]` publishes from a second connection. */
const SEQUENCES: readonly (readonly Line[])[] = [
  [['CLIENT', 'REPLY', 'SKIP'], ['CLIENT', 'REPLY', 'ON'], ['PING']],
  [['CLIENT', 'REPLY', 'SKIP'], ['PING'], ['PING']],
  [['CLIENT', 'REPLY', 'OFF'], ['PING'], ['CLIENT', 'REPLY', 'SKIP'], ['PING']],
  [['CLIENT', 'REPLY', 'SKIP'], ['CLIENT', 'REPLY', 'OFF'], ['PING']],
  [
    ['CLIENT', 'REPLY', 'OFF'],
    ['SUBSCRIBE', 'ch'],
    ['#publish', 'ch', 'hello'],
    ['UNSUBSCRIBE', 'ch'],
  ],
  [['CLIENT', 'REPLY', 'OFF'], ['PSUBSCRIBE', 'c*'], ['#publish', 'ch', 'hi'], ['PUNSUBSCRIBE']],
  [['CLIENT', 'REPLY', 'SKIP'], ['SUBSCRIBE', 'ch'], ['#publish', 'ch', 'x'], ['UNSUBSCRIBE']],
  [
    ['HELLO', '3'],
    ['CLIENT', 'REPLY', 'OFF'],
    ['SUBSCRIBE', 'ch'],
    ['#publish', 'ch', 'push'],
    ['GET', 'k'],
  ],
  [
    ['HELLO', '3'],
    ['CLIENT', 'REPLY', 'SKIP'],
    ['SUBSCRIBE', 'ch'],
    ['#publish', 'ch', 'push'],
    ['UNSUBSCRIBE'],
  ],
];

const END = 'client-reply-test-end';

async function received(server: RunningServer, lines: readonly Line[]): Promise<string[]> {
  const c = await RawConnection.open(server.port, 2000);
  const publisher = await RawConnection.open(server.port, 2000);
  try {
    for (const line of lines) {
      if (line[0] === '#publish') {
        // The PING round trip after the SUBSCRIBE line already ordered this after the subscription.
        await publisher.call(['PUBLISH', line[1] as string, line[2] as string]);
        continue;
      }
      c.send(line);
      // A round trip on the other connection lets the server run this line before the next one.
      await publisher.call(['PING']);
    }
    c.send(['CLIENT', 'REPLY', 'ON']);
    c.send(['ECHO', END]);
    const out: string[] = [];
    for (;;) {
      const r = await c.read(3000);
      if (r.kind !== 'reply') throw new Error(`${server.name}: ${r.kind} after ${JSON.stringify(lines)}`);
      // HELLO's map carries the connection's id, which differs between the servers.
      const text = showBytes(r.bytes, 2000).replace(/(id\\r\\n:)\d+/, '$1<id>');
      out.push(text);
      if (text.includes(END)) return out;
    }
  } finally {
    c.close();
    publisher.close();
  }
}

test('CLIENT REPLY OFF/SKIP/ON and pub/sub deliveries behave as in redis-server 7.0', async () => {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    [redis, redmesh] = await Promise.all([startRedis(0), startRedmesh(0)]);
    for (const lines of SEQUENCES) {
      const real = await received(redis, lines);
      const ours = await received(redmesh, lines);
      assert.deepEqual(ours, real, JSON.stringify(lines));
    }
  } finally {
    await stopAll(redis, redmesh);
  }
});
