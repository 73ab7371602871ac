import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { withRealRedis } from './real-redis.js';
import { Wire, command, eventually, withServer } from './wire.js';

type Script = (sub: Wire, pub: Wire) => [Wire, string][];

/** The same subscriber/publisher script on one server; returns every byte each client received. */
async function scenario(
  port: number,
  resp3: boolean,
  script: Script = basics,
): Promise<{ sub: string; pub: string }> {
  const sub = await Wire.open(port);
  const pub = await Wire.open(port);
  try {
    if (resp3) {
      sub.send(command('HELLO', '3'));
      await sub.until(() => false, 100);
      sub.take(); // the HELLO map carries a server-specific id
    }
    const steps = script(sub, pub);
    for (const [who, bytes] of steps) {
      who.send(bytes);
      await who.until(() => false, 40);
    }
    await sub.until(() => false, 100);
    return { sub: sub.take(), pub: pub.take() };
  } finally {
    sub.close();
    pub.close();
  }
}

/**
 * Redis 7.0's stringmatchlen never matches an empty string against a non-empty pattern, so `*` does not
 * match the empty channel (PSUBSCRIBE, PUBSUB CHANNELS) nor `**` the empty key, while KEYS `*` and
 * SCAN MATCH `*` short-cut the lone star and do return it.
 */
function emptyNames(sub: Wire, pub: Wire): [Wire, string][] {
  return [
    [sub, command('SUBSCRIBE', '')],
    [sub, command('PSUBSCRIBE', '*')],
    [pub, command('PUBLISH', '', 'to the empty channel')],
    [pub, command('PUBLISH', 'c1', 'to c1')],
    [pub, command('PUBSUB', 'CHANNELS', '*')],
    [pub, command('PUBSUB', 'CHANNELS')],
    [pub, command('SET', '', 'v')],
    [pub, command('KEYS', '*')],
    [pub, command('KEYS', '**')],
    [pub, command('SCAN', '0', 'MATCH', '*')],
    [pub, command('SCAN', '0', 'MATCH', '**')],
    [pub, command('SADD', 's', '', 'a')],
    [pub, command('SSCAN', 's', '0', 'MATCH', '**')],
    [pub, command('DEL', '', 's')],
  ];
}

function basics(sub: Wire, pub: Wire): [Wire, string][] {
  return [
    [sub, command('SUBSCRIBE', 'news', 'sport')],
    [sub, command('PSUBSCRIBE', 'n*', 'h[ae]llo')],
    [sub, command('PING')],
    [sub, command('PING', 'x')],
    [sub, command('ECHO', 'not allowed in RESP2')],
    [pub, command('PUBLISH', 'news', 'hello \x00 world')],
    [pub, command('PUBLISH', 'hallo', 'p')],
    [pub, command('PUBLISH', 'nobody', 'n')],
    [pub, command('PUBSUB', 'NUMSUB', 'news', 'none')],
    [pub, command('PUBSUB', 'NUMPAT')],
    [pub, command('PUBSUB', 'CHANNELS', 's*')],
    [sub, command('UNSUBSCRIBE', 'sport')],
    [sub, command('PUNSUBSCRIBE')],
    [sub, command('UNSUBSCRIBE')],
    [sub, command('UNSUBSCRIBE')],
    [sub, command('SSUBSCRIBE', 'shard')],
    [pub, command('SPUBLISH', 'shard', 'sm')],
    [sub, command('SUNSUBSCRIBE')],
    [sub, command('PING')],
  ];
}

test('pub/sub replies and messages match real Redis in RESP2 and RESP3', async () => {
  await withRealRedis(0, [], async (realPort) => {
    await withServer({}, async (srv) => {
      for (const resp3 of [false, true]) {
        const real = await scenario(realPort, resp3);
        const ours = await scenario(srv.port, resp3);
        assert.equal(ours.sub, real.sub, `subscriber, resp3=${resp3}`);
        assert.equal(ours.pub, real.pub, `publisher, resp3=${resp3}`);
      }
    });
  });
});

test('the empty channel and key are matched like Redis 7.0 (not by `*` in PSUBSCRIBE/CHANNELS)', async () => {
  await withRealRedis(0, [], async (realPort) => {
    await withServer({}, async (srv) => {
      const real = await scenario(realPort, false, emptyNames);
      const ours = await scenario(srv.port, false, emptyNames);
      assert.match(real.pub, /^:1\r\n:1\r\n\*0\r\n/); // "" reaches its SUBSCRIBE only; CHANNELS * is empty
      assert.equal(ours.sub, real.sub, 'subscriber');
      assert.equal(ours.pub, real.pub, 'publisher');
    });
  });
});

/** SUBSCRIBE on one connection; on another, CLIENT KILL ID of it pipelined with PUBLISH and NUMSUB. */
async function killSubscriber(port: number): Promise<string> {
  const sub = await Wire.open(port);
  const pub = await Wire.open(port);
  try {
    sub.send(command('CLIENT', 'ID'));
    let line = '';
    while (!line.endsWith('\r\n') && line.length < 30 && !sub.closed) line += await sub.read(1, 2000);
    const id = /^:(\d+)/.exec(line)?.[1] ?? 'none';
    const subscribed = '*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n';
    assert.equal(await sub.roundTrip(command('SUBSCRIBE', 'ch'), subscribed), subscribed);
    const want = ':1\r\n:0\r\n*2\r\n$2\r\nch\r\n:0\r\n';
    const kill = command('CLIENT', 'KILL', 'ID', id);
    return await pub.roundTrip(
      kill + command('PUBLISH', 'ch', 'm') + command('PUBSUB', 'NUMSUB', 'ch'),
      want,
    );
  } finally {
    sub.close();
    pub.close();
  }
}

test('a killed or quitting subscriber no longer counts for the next PUBLISH (Redis frees it at once)', async () => {
  // Found by the differential harness (pubsub, seed 777001 #42): a PUBLISH right after another
  // client's QUIT counted the quitting subscriber until its socket's close event.
  await withRealRedis(0, [], async (realPort) => {
    await withServer({}, async (srv) => {
      const real = await killSubscriber(realPort);
      assert.equal(real, ':1\r\n:0\r\n*2\r\n$2\r\nch\r\n:0\r\n');
      assert.equal(await killSubscriber(srv.port), real);
      const pub = await Wire.open(srv.port);
      try {
        for (let i = 0; i < 20; i++) {
          const sub = await Wire.open(srv.port);
          try {
            const subscribed = '*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n';
            assert.equal(await sub.roundTrip(command('SUBSCRIBE', 'ch'), subscribed), subscribed);
            assert.equal(await sub.roundTrip(command('QUIT'), '+OK\r\n'), '+OK\r\n');
            assert.equal(await pub.roundTrip(command('PUBLISH', 'ch', 'm'), ':0\r\n'), ':0\r\n');
          } finally {
            sub.close();
          }
        }
      } finally {
        pub.close();
      }
    });
  });
});

test('ioredis subscriber receives messages and pattern messages', async () => {
  await withServer({}, async (srv) => {
    const sub = new Redis({ port: srv.port, host: '127.0.0.1', enableReadyCheck: false, lazyConnect: true });
    const pub = new Redis({ port: srv.port, host: '127.0.0.1', enableReadyCheck: false, lazyConnect: true });
    try {
      await sub.connect();
      await pub.connect();
      const got: string[] = [];
      sub.on('message', (ch: string, msg: string) => got.push(`${ch}:${msg}`));
      sub.on('pmessage', (p: string, ch: string, msg: string) => got.push(`${p}|${ch}:${msg}`));
      await sub.subscribe('a');
      await sub.psubscribe('a*');
      assert.equal(await pub.publish('a', '1'), 2);
      assert.equal(await pub.publish('ab', '2'), 1);
      assert.equal(await eventually(() => got.length === 3), true);
      assert.deepEqual(got.sort(), ['a*|a:1', 'a*|ab:2', 'a:1']);
    } finally {
      sub.disconnect();
      pub.disconnect();
    }
  });
});

test('a subscriber that never reads is disconnected at the pubsub output limit; memory stays bounded', async () => {
  await withServer(
    {
      clientOutputBufferLimit: {
        normal: { hard: 0, soft: 0, softSeconds: 0 },
        replica: { hard: 0, soft: 0, softSeconds: 0 },
        pubsub: { hard: 1024 * 1024, soft: 0, softSeconds: 0 },
      },
    },
    async (srv) => {
      const lazy = await Wire.open(srv.port);
      const pub = await Wire.open(srv.port);
      try {
        lazy.send(command('SUBSCRIBE', 'flood'));
        assert.equal(await eventually(() => srv.state.pubsub.channelCount() === 1), true);
        lazy.socket.pause(); // never read again
        const payload = 'x'.repeat(64 * 1024);
        let published = 0;
        while (srv.state.pubsub.channelCount() === 1 && published < 2000) {
          pub.send(command('PUBLISH', 'flood', payload));
          published++;
          if (published % 16 === 0) await pub.until(() => false, 5);
        }
        assert.equal(
          await eventually(() => srv.state.pubsub.channelCount() === 0, 5000),
          true,
          'subscriber dropped',
        );
        assert.ok(published < 2000, `dropped after ${published} messages`);
        assert.equal(srv.state.stats.clientOutputBufferLimitDisconnections, 1);
      } finally {
        lazy.close();
        pub.close();
      }
    },
  );
});
