/**
 * Streams against a real redis-server 7.0: the same commands on both, the same reply bytes. IDs are
 * explicit and no reply with a wall-clock time (idle, delivery time, seen-time) is compared, so
 * every compared byte is deterministic.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawConnection } from '../../helpers/raw-resp.js';
import { seeded, withTwin } from '../twin.js';

test('XADD, XRANGE, XREVRANGE, XDEL, XTRIM, XSETID, XINFO STREAM and their errors reply as Redis does', async () => {
  await withTwin(async (t) => {
    await t.sameAll([
      ['XADD', 's', '1-1', 'a', '1', 'b', '2'],
      ['XADD', 's', '1-*', 'a', '3', 'b', '4'],
      ['XADD', 's', '2', 'c', '5'],
      ['XADD', 's', '0-0', 'a', 'b'],
      ['XADD', 's', '1-1', 'a', 'b'],
      ['XADD', 's', 'MAXLEN', '2', 'LIMIT', '5', '3-1', 'a', 'b'],
      ['XADD', 's', 'NOMKSTREAM', '4-1', 'a'],
      ['XADD', 'nos', 'NOMKSTREAM', '4-1', 'a', 'b'],
      ['XADD', 's', 'MINID', '1', 'MAXLEN', '3', '5-1', 'a', 'b'],
      ['XADD', 's', 'MAXLEN', '-1', '5-1', 'a', 'b'],
      ['XADD', 's', '1-x', 'a', 'b'],
      ['XADD', 's', 'LIMIT', '3', '9-1', 'a', 'b'],
      ['XLEN', 's'],
      ['XRANGE', 's', '-', '+'],
      ['XRANGE', 's', '(1-1', '+', 'COUNT', '1'],
      ['XREVRANGE', 's', '+', '-', 'COUNT', '2'],
      ['XRANGE', 's', '-', '+', 'COUNT', '0'],
      ['XRANGE', 's', '(18446744073709551615-18446744073709551615', '+'],
      ['XRANGE', 's', '-', '(0-0'],
      ['XRANGE', 's', '-', '+', 'FOO'],
      ['XRANGE', 'nokey', '-', '+'],
      ['XDEL', 's', '1-2', '9-9'],
      ['XDEL', 's', 'bad'],
      ['XINFO', 'STREAM', 's'],
      ['XTRIM', 's', 'MAXLEN', '1'],
      ['XTRIM', 's'],
      ['XTRIM', 's', 'MAXLEN', '~', '1', 'LIMIT', '10'],
      ['XTRIM', 's', 'MAXLEN', '1', 'LIMIT', '10'],
      ['XSETID', 's', '1-1'],
      ['XSETID', 's', '99-0', 'ENTRIESADDED', '1'],
      ['XSETID', 's', '99-0', 'ENTRIESADDED', '10', 'MAXDELETEDID', '5-5'],
      ['XSETID', 'nokey', '1-1'],
      ['XINFO', 'STREAM', 's'],
      ['XINFO', 'STREAM', 'nokey'],
      ['XINFO', 'STREAM', 's', 'FULL', 'COUNT'],
      ['SET', 'str', 'x'],
      ['XADD', 'str', '*', 'a', 'b'],
      ['XRANGE', 'str', '-', '+'],
      ['XLEN', 'str'],
      ['TYPE', 's'],
      ['OBJECT', 'ENCODING', 's'],
      ['XADD', 'e', 'MAXLEN', '0', '1-1', 'x', 'y'],
      ['XINFO', 'STREAM', 'e'],
      ['EXISTS', 'e'],
    ]);
  });
});

test('consumer groups: XGROUP, XREADGROUP, XACK, XPENDING summary, XCLAIM, XAUTOCLAIM with deleted IDs, XINFO GROUPS', async () => {
  await withTwin(async (t) => {
    await t.sameAll([
      ['XADD', 's', '100-1', 'f', 'v'],
      ['XADD', 's', '101-1', 'f', 'v'],
      ['XADD', 's', '102-1', 'f', 'v'],
      ['XADD', 's', '103-1', 'f', 'v'],
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XGROUP', 'CREATE', 'nokey', 'g', '0'],
      ['XGROUP', 'CREATE', 'mk', 'g', '$', 'MKSTREAM', 'ENTRIESREAD', '3'],
      ['XGROUP', 'CREATE', 's', 'g2', '$', 'FOO'],
      ['XGROUP', 'SETID', 's', 'nog', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '2', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'bob', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '$'],
      ['XREADGROUP', 'GROUP', 'nog', 'alice', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's'],
      ['XREAD', 'GROUP', 'g', 'a', 'STREAMS', 's', '0'],
      ['XREAD', 'STREAMS', 's', '>'],
      ['XREAD', 'COUNT', '2', 'STREAMS', 's', '0'],
      ['XREAD', 'STREAMS', 's', '$'],
      ['XPENDING', 's', 'g'],
      ['XPENDING', 's', 'g', 'x', '+', '10'],
      ['XPENDING', 's', 'g', '-', '+', '0'],
      ['XPENDING', 's', 'nog'],
      ['XACK', 's', 'g', '100-1', 'bad'],
      ['XACK', 's', 'g', '100-1', '7-7'],
      ['XACK', 's', 'nog', '100-1'],
      ['XINFO', 'GROUPS', 's'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'carol'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'carol'],
      ['XCLAIM', 's', 'g', 'carol', '0', '101-1', 'JUSTID'],
      ['XCLAIM', 's', 'g', 'carol', '0', '102-1', 'FOO'],
      ['XCLAIM', 's', 'g', 'carol', 'x', '102-1'],
      ['XCLAIM', 's', 'g', 'carol', '0', '1-1', 'FORCE', 'RETRYCOUNT', '5'],
      ['XCLAIM', 's', 'g', 'carol', '0', '102-1', 'RETRYCOUNT', '7', 'LASTID', '200-0', 'JUSTID'],
      ['XAUTOCLAIM', 's', 'g', 'dave', '0', '0', 'COUNT', '1'],
      ['XAUTOCLAIM', 's', 'g', 'dave', '0', '0', 'COUNT', '0'],
      ['XDEL', 's', '102-1'],
      ['XAUTOCLAIM', 's', 'g', 'erin', '0', '0', 'JUSTID'],
      ['XPENDING', 's', 'g'],
      ['XINFO', 'GROUPS', 's'],
      ['XGROUP', 'DELCONSUMER', 's', 'g', 'erin'],
      ['XGROUP', 'SETID', 's', 'g', '0', 'ENTRIESREAD', '0'],
      ['XINFO', 'GROUPS', 's'],
      ['XGROUP', 'DESTROY', 's', 'g'],
      ['XGROUP', 'DESTROY', 's', 'g'],
      ['XGROUP', 'HELP'],
      ['XINFO', 'HELP'],
    ]);
  });
});

test('seeded random XADD/XDEL/XTRIM (= and ~, LIMIT, MINID) sequences leave the same streams as Redis', async () => {
  await withTwin(async (t) => {
    for (const seed of [1, 2, 3]) {
      const rnd = seeded(seed);
      const commands: string[][] = [];
      let ms = 1;
      const key = `s${seed}`;
      for (let i = 0; i < 1500; i++) {
        const r = rnd();
        if (r < 0.7) {
          ms += Math.floor(rnd() * 3);
          const fields =
            rnd() < 0.5
              ? ['a', String(i)]
              : ['a', String(i), `f${i % 5}`, 'x'.repeat(Math.floor(rnd() * 300))];
          const trim: string[] = [];
          if (rnd() < 0.1) trim.push('MAXLEN', rnd() < 0.5 ? '~' : '=', String(Math.floor(rnd() * 400)));
          commands.push(['XADD', key, ...trim, `${ms}-*`, ...fields]);
        } else if (r < 0.85) {
          commands.push(['XDEL', key, `${Math.floor(rnd() * ms)}-${Math.floor(rnd() * 3)}`]);
        } else if (r < 0.9) {
          const approx = rnd() < 0.5;
          const limit = approx && rnd() < 0.5 ? ['LIMIT', String(Math.floor(rnd() * 300))] : [];
          commands.push([
            'XTRIM',
            key,
            'MAXLEN',
            approx ? '~' : '=',
            String(Math.floor(rnd() * 600)),
            ...limit,
          ]);
        } else if (r < 0.93) {
          commands.push(['XTRIM', key, 'MINID', rnd() < 0.5 ? '~' : '=', String(Math.floor(rnd() * ms))]);
        } else if (r < 0.97) {
          const a = Math.floor(rnd() * ms);
          commands.push(['XRANGE', key, String(a), `(${a + 50}`, 'COUNT', String(Math.floor(rnd() * 20))]);
        } else {
          commands.push(['XINFO', 'STREAM', key]);
        }
      }
      commands.push(['XLEN', key], ['XINFO', 'STREAM', key, 'FULL', 'COUNT', '0']);
      await t.sameAll(commands, 30_000);
    }
  });
});

test('DUMP payloads of streams with groups and PEL restore on the other server with the same XINFO STREAM FULL', async () => {
  await withTwin(async (t) => {
    const setup: string[][] = [];
    for (let i = 1; i <= 250; i++) setup.push(['XADD', 's', `${i}-1`, `f${i % 3}`, `v${i}`]);
    setup.push(
      ['XDEL', 's', '5-1', '120-1'],
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XCLAIM', 's', 'g', 'alice', '0', '7-1', '8-1', 'FORCE', 'TIME', '1700000000000', 'JUSTID'],
      ['XCLAIM', 's', 'g', 'bob', '0', '9-1', 'FORCE', 'TIME', '1700000000001', 'RETRYCOUNT', '3', 'JUSTID'],
      ['XGROUP', 'CREATE', 's', 'g2', '100-1', 'ENTRIESREAD', '7'],
    );
    await t.sameAll(setup);
    const fromRedis = await dumpOf(t.redis, 's');
    const fromRedmesh = await dumpOf(t.redmesh, 's');
    // Each restores the other's payload; the consumers' seen-time differs, so compare without it.
    await t.redis.call(['RESTORE', 'm', '0', fromRedmesh]);
    await t.redmesh.call(['RESTORE', 'r', '0', fromRedis]);
    const full = (c: RawConnection, k: string): Promise<string> =>
      c.call(['XINFO', 'STREAM', k, 'FULL', 'COUNT', '0']).then((b) => withoutSeenTime(b.toString('latin1')));
    assert.equal(await full(t.redis, 'm'), await full(t.redis, 's'));
    assert.equal(await full(t.redmesh, 'r'), await full(t.redis, 's'));
    assert.equal(await full(t.redmesh, 's'), await full(t.redis, 's'));
    // Redis's payload comes back byte for byte: its nodes, deleted entries and PEL kept as saved.
    assert.ok((await dumpOf(t.redmesh, 'r')).equals(fromRedis));
    // Without groups (whose consumers carry the clock) both servers write the same bytes.
    const plain: string[][] = [];
    for (let i = 1; i <= 300; i++)
      plain.push(['XADD', 'p', `${i}-${i % 3}`, i % 7 === 0 ? 'other' : 'f', `v${i}`]);
    plain.push(['XDEL', 'p', '3-0', '150-0', '299-2'], ['XTRIM', 'p', 'MAXLEN', '250']);
    await t.sameAll(plain);
    assert.ok((await dumpOf(t.redmesh, 'p')).equals(await dumpOf(t.redis, 'p')));
  });
});

async function dumpOf(c: RawConnection, key: string): Promise<Buffer> {
  const reply = await c.call(['DUMP', key]);
  const header = reply.indexOf('\r\n');
  const len = Number(reply.subarray(1, header).toString('latin1'));
  return reply.subarray(header + 2, header + 2 + len);
}

/** XINFO STREAM FULL's consumer seen-time is the server's clock: blank it out. */
function withoutSeenTime(reply: string): string {
  return reply.replace(/seen-time\r\n:\d+/g, 'seen-time\r\n:?');
}

test('keyspace notifications of stream commands are the events Redis 7.0 sends, in its order', async () => {
  await withTwin(async (t) => {
    await t.sameAll([['CONFIG', 'SET', 'notify-keyspace-events', 'KEA']]);
    const portOf = async (c: RawConnection): Promise<number> =>
      Number(/(\d+)\r\n$/.exec((await c.call(['CONFIG', 'GET', 'port'])).toString('latin1'))?.[1]);
    const subscribers = await Promise.all([
      RawConnection.open(await portOf(t.redis)),
      RawConnection.open(await portOf(t.redmesh)),
    ]);
    try {
      for (const s of subscribers) {
        await s.call(['PSUBSCRIBE', '__key*@0__:*']);
        await s.call(['PSUBSCRIBE', 'marker']);
      }
      const commands: string[][] = [
        ['XADD', 'n', '1-1', 'a', 'b'],
        ['XADD', 'n', 'MAXLEN', '0', '2-1', 'a', 'b'],
        ['XADD', 'n', '3-1', 'a', 'b'],
        ['XTRIM', 'n', 'MAXLEN', '0'],
        ['XADD', 'n', '4-1', 'a', 'b'],
        ['XDEL', 'n', '4-1', '9-9'],
        ['XGROUP', 'CREATE', 'n', 'g', '$'],
        ['XGROUP', 'CREATECONSUMER', 'n', 'g', 'c'],
        ['XGROUP', 'SETID', 'n', 'g', '0'],
        ['XADD', 'n', '5-1', 'a', 'b'],
        ['XREADGROUP', 'GROUP', 'g', 'c3', 'STREAMS', 'n', '>'],
        ['XCLAIM', 'n', 'g', 'c4', '0', '5-1'],
        ['XAUTOCLAIM', 'n', 'g', 'c5', '0', '0'],
        ['XGROUP', 'DELCONSUMER', 'n', 'g', 'c'],
        ['XGROUP', 'DESTROY', 'n', 'g'],
        ['XSETID', 'n', '9-9'],
        ['XGROUP', 'CREATE', 'n2', 'g', '$', 'MKSTREAM'],
        ['DEL', 'n'],
        ['PUBLISH', 'marker', 'end'],
      ];
      await t.sameAll(commands);
      // Every event up to the marker message published last.
      const events = async (c: RawConnection): Promise<string[]> => {
        const out: string[] = [];
        for (;;) {
          const r = await c.read(5000);
          assert.equal(r.kind, 'reply', 'the marker message did not arrive');
          const text = (r as { bytes: Buffer }).bytes.toString('latin1');
          if (text.includes('marker')) return out;
          out.push(text);
        }
      };
      const [real, ours] = await Promise.all(subscribers.map(events));
      assert.ok((real as string[]).length >= 30, `only ${(real as string[]).length} events from Redis`);
      assert.deepStrictEqual(ours, real);
    } finally {
      for (const s of subscribers) s.close();
    }
  });
});

test('COMMAND GETKEYS, MULTI and XREAD BLOCK inside EXEC answer as Redis does', async () => {
  await withTwin(async (t) => {
    await t.sameAll([
      ['COMMAND', 'GETKEYS', 'XREAD', 'COUNT', '1', 'STREAMS', 'a', 'b', '0', '0'],
      ['COMMAND', 'GETKEYS', 'XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'a', '>'],
      ['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM'],
      ['MULTI'],
      ['XREAD', 'BLOCK', '0', 'STREAMS', 's', '$'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>'],
      ['XADD', 's', '1-1', 'a', 'b'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>'],
      ['EXEC'],
      ['XREAD', 'BLOCK', '-1', 'STREAMS', 's', '$'],
      ['XREAD', 'BLOCK', 'x', 'STREAMS', 's', '$'],
      ['XREAD', 'BLOCK', '10', 'STREAMS', 's', '$'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '10', 'STREAMS', 's', '>'],
    ]);
  });
});
