/**
 * Client buffers as redis-server 7.0 handles them (issue 16, point 7), each step run against a real
 * Redis and redmesh: client-output-buffer-limit checked when a reply is queued (one huge reply, a
 * flood to a subscriber, the soft limit held for its seconds), CLIENT LIST's query buffer fields for
 * the running command, omem and INFO's client_recent_max_output_buffer for a client that does not read.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawConnection } from '../helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

async function withBoth(body: (server: RunningServer) => Promise<void>): Promise<void> {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    [redis, redmesh] = await Promise.all([startRedis(0), startRedmesh(0)]);
    for (const server of [redis, redmesh]) await body(server);
  } finally {
    await stopAll(redis, redmesh);
  }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function field(line: string, name: string): number {
  return Number(new RegExp(`\\b${name}=(\\d+)`).exec(line)?.[1]);
}

/** Sends `argv` and counts the reply bytes that arrive within the wait; tells whether it was closed. */
async function bytesBeforeClose(
  server: RunningServer,
  argv: readonly string[],
): Promise<{ bytes: number; closed: boolean }> {
  const c = await RawConnection.open(server.port, 2000);
  try {
    c.send(argv);
    let bytes = 0;
    // Read until closed, or until a whole reply came and a PING after it answered.
    for (;;) {
      const r = await c.read(5000);
      if (r.kind === 'closed') return { bytes, closed: true };
      if (r.kind === 'timeout') return { bytes, closed: false };
      bytes += r.bytes.length;
      c.send(['PING']);
      const pong = await c.read(5000);
      return { bytes, closed: pong.kind === 'closed' };
    }
  } finally {
    c.close();
  }
}

test('a reply bigger than the hard limit closes the client before any of it is sent (redis-server 7.0)', async () => {
  await withBoth(async (server) => {
    const admin = await RawConnection.open(server.port, 2000);
    try {
      await admin.call(['CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1mb 0 0']);
      await admin.call(['SET', 'big', 'x'.repeat(5_000_000)], 10_000);
      const items = Array.from({ length: 2000 }, (_, i) => `element-${i}-${'y'.repeat(40)}`);
      for (let i = 0; i < 20; i++) await admin.call(['RPUSH', 'list', ...items]);
      // One GET of 5 MB, one LRANGE of 1.1 MB: nothing arrives, the connection is closed.
      for (const argv of [
        ['GET', 'big'],
        ['LRANGE', 'list', '0', '-1'],
      ]) {
        assert.deepEqual(
          await bytesBeforeClose(server, argv),
          { bytes: 0, closed: true },
          `${server.name} ${argv[0]}`,
        );
      }
      // Under the limit: the reply arrives and the client stays.
      const small = await bytesBeforeClose(server, ['GETRANGE', 'big', '0', '899999']);
      assert.deepEqual(small, { bytes: 900_011, closed: false }, server.name);
      // The limit is a setting: lifted, the same GET is served.
      await admin.call(['CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0']);
      assert.deepEqual(await bytesBeforeClose(server, ['GET', 'big']), { bytes: 5_000_012, closed: false });
    } finally {
      admin.close();
    }
  });
});

test('a subscriber that does not read is closed at the pubsub hard limit (redis-server 7.0)', async () => {
  await withBoth(async (server) => {
    const admin = await RawConnection.open(server.port, 2000);
    const subscriber = await RawConnection.open(server.port, 2000);
    try {
      await admin.call(['CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1mb 0 0']);
      await subscriber.call(['SUBSCRIBE', 'ch']);
      subscriber.pauseReading();
      const message = 'm'.repeat(100_000);
      let receivers = 1;
      for (let i = 0; i < 200 && receivers === 1; i++) {
        receivers = Number(
          /:(\d+)/.exec((await admin.call(['PUBLISH', 'ch', message])).toString('latin1'))?.[1],
        );
      }
      assert.equal(receivers, 0, `${server.name}: the subscriber was never dropped`);
      const numsub = (await admin.call(['PUBSUB', 'NUMSUB', 'ch'])).toString('latin1');
      assert.match(numsub, /:0\r\n$/, server.name);
    } finally {
      admin.close();
      subscriber.close();
    }
  });
});

test('the soft limit closes a client held over it for longer than its seconds, not before (redis-server 7.0)', async () => {
  await withBoth(async (server) => {
    const admin = await RawConnection.open(server.port, 2000);
    const slow = await RawConnection.open(server.port, 2000);
    try {
      await admin.call(['CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 512kb 2']);
      await admin.call(['SET', 'v', 'z'.repeat(200_000)]);
      await slow.call(['PING']);
      slow.pauseReading();
      const started = Date.now();
      let closedAfter = -1;
      // Keep output queued for the slow client; its id disappears from CLIENT LIST when dropped.
      const id = /^:(\d+)/.exec((await admin.call(['CLIENT', 'ID'])).toString('latin1'))?.[1];
      assert.ok(id !== undefined);
      await until(
        `${server.name} to drop the slow client`,
        async () => {
          slow.send(['GET', 'v']);
          const list = (await admin.call(['CLIENT', 'LIST'])).toString('latin1');
          const lines = list.split('\n').filter((l) => l.includes('cmd=get') || l.includes('cmd=ping'));
          if (lines.length === 0) closedAfter = Date.now() - started;
          return closedAfter >= 0;
        },
        20_000,
      );
      // Over the soft limit for more than 2 whole seconds: closed after 2 s, within a few more.
      assert.ok(
        closedAfter >= 2000 && closedAfter < 10_000,
        `${server.name}: closed after ${closedAfter} ms`,
      );
    } finally {
      admin.close();
      slow.close();
    }
  });
});

test('CLIENT LIST shows the running command in qbuf, qbuf-free and argv-mem, and output in obl/omem (redis-server 7.0)', async () => {
  await withBoth(async (server) => {
    const c = await RawConnection.open(server.port, 2000);
    const blocked = await RawConnection.open(server.port, 2000);
    const reader = await RawConnection.open(server.port, 2000);
    try {
      blocked.send(['BLPOP', 'nolist', '30']);
      await until('BLPOP to block', async () =>
        (await c.call(['CLIENT', 'LIST'])).toString('latin1').includes('cmd=blpop'),
      );
      const list = (await c.call(['CLIENT', 'LIST'])).toString('latin1').split('\n');
      const own = list.find((l) => l.includes('cmd=client|list')) ?? '';
      const block = list.find((l) => l.includes('cmd=blpop')) ?? '';
      // *2 $6 CLIENT $4 LIST: 26 bytes, in a 20474-byte query buffer; argv CLIENT+LIST = 10 bytes.
      assert.deepEqual(
        [field(own, 'qbuf'), field(own, 'qbuf-free'), field(own, 'argv-mem')],
        [26, 20448, 10],
        `${server.name}: ${own}`,
      );
      // A blocked client keeps its arguments (BLPOP nolist 30: 13 bytes) and an empty query buffer.
      assert.deepEqual([field(block, 'qbuf'), field(block, 'argv-mem')], [0, 13], `${server.name}: ${block}`);
      // Pipelined: both commands are in the query buffer while they run; the second sees the first's reply.
      c.write('*2\r\n$6\r\nCLIENT\r\n$4\r\nINFO\r\n'.repeat(2));
      const first = await c.read();
      const second = await c.read();
      assert.ok(first.kind === 'reply' && second.kind === 'reply');
      const a = first.bytes.toString('latin1');
      const b = second.bytes.toString('latin1');
      assert.deepEqual([field(a, 'qbuf'), field(b, 'qbuf')], [52, 52], server.name);
      assert.equal(field(b, 'obl'), first.bytes.length, `${server.name}: ${b}`);
      // A client that does not read: its output waits (omem) and INFO remembers the peak.
      await c.call(['SET', 'big', 'q'.repeat(4_000_000)], 10_000);
      await reader.call(['PING']);
      reader.pauseReading();
      // More than the kernel's socket buffers can take (tcp_rmem's maximum is 32 MB on recent kernels,
      // plus the sender's tcp_wmem), so some of it must wait in the server's output buffer.
      for (let i = 0; i < 16; i++) reader.send(['GET', 'big']);
      await until(`${server.name}: omem of the slow reader`, async () => {
        const line = (await c.call(['CLIENT', 'LIST']))
          .toString('latin1')
          .split('\n')
          .find((l) => l.includes('cmd=get'));
        // obl depends on how much of the static buffer the kernel took already (0 or 16384 on Redis).
        return line !== undefined && field(line, 'omem') > 1_000_000;
      });
      await until(
        `${server.name}: client_recent_max_output_buffer`,
        async () => {
          const info = (await c.call(['INFO', 'clients'])).toString('latin1');
          return Number(/client_recent_max_output_buffer:(\d+)/.exec(info)?.[1]) > 1_000_000;
        },
        5000,
      );
    } finally {
      c.close();
      blocked.close();
      reader.close();
    }
  });
});
