import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { admissionError, defaultConfig, isLoopback } from '../../src/server/index.js';
import { commandsForTests } from './test-commands.js';
import { Wire, command, eventually, withServer } from './wire.js';

test('maxclients: the client over the limit gets the Redis error and is closed', async () => {
  await withServer({ maxclients: 3 }, async (srv) => {
    const kept: Wire[] = [];
    try {
      for (let i = 0; i < 3; i++) kept.push(await Wire.open(srv.port));
      assert.equal(await eventually(() => srv.state.registry.size === 3), true);
      const over = await Wire.open(srv.port);
      assert.equal(await over.read(100), '-ERR max number of clients reached\r\n');
      assert.equal(await over.waitClosed(), true);
      assert.equal(srv.state.stats.rejectedConnections, 1);
      (kept.pop() as Wire).close();
      assert.equal(await eventually(() => srv.state.registry.size === 2), true);
      const again = await Wire.open(srv.port);
      kept.push(again);
      assert.equal(await again.roundTrip(command('PING'), '+PONG\r\n'), '+PONG\r\n');
    } finally {
      for (const w of kept) w.close();
    }
  });
});

test('protected mode refuses non-loopback clients without a password', () => {
  const config = defaultConfig().settings;
  assert.equal(admissionError(config, 0, '127.0.0.1'), undefined);
  assert.equal(admissionError(config, 0, '::1'), undefined);
  assert.equal(admissionError(config, 0, '::ffff:127.0.0.1'), undefined);
  const denied = admissionError(config, 0, '192.0.2.7');
  // A Unix socket client has no address and is local: protected mode does not apply (Redis).
  assert.equal(admissionError(config, 0, undefined, true), undefined);
  assert.equal(admissionError(config, 0, undefined, false), denied);
  assert.ok(
    denied?.startsWith('-DENIED Redis is running in protected mode because protected mode is enabled'),
  );
  assert.ok(denied !== undefined && denied.endsWith('to start accepting connections from the outside.\r\n'));
  // The text is Redis 7.0.15's own (it is compiled into redis-server).
  const binary = execFileSync('strings', ['/usr/bin/redis-server'], {
    maxBuffer: 64 * 1024 * 1024,
  }).toString();
  assert.ok(binary.includes(denied.slice(0, -2)), 'same DENIED text as redis-server');
  assert.equal(admissionError({ ...config, requirepass: 'x' }, 0, '192.0.2.7'), undefined);
  assert.equal(admissionError({ ...config, protectedMode: false }, 0, '192.0.2.7'), undefined);
  // A default user given a password by an ACL rule (`user default on >pw`), not requirepass, counts too.
  assert.equal(admissionError(config, 0, '192.0.2.7', false, false), undefined);
  assert.equal(isLoopback('10.0.0.1'), false);
});

test('idle timeout closes an idle client but not a subscribed one', async () => {
  await withServer({ timeout: 1 }, async (srv) => {
    const idle = await Wire.open(srv.port);
    const sub = await Wire.open(srv.port);
    try {
      const confirm = '*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n';
      assert.equal(await sub.roundTrip(command('SUBSCRIBE', 'c'), confirm), confirm);
      assert.equal(await idle.roundTrip(command('PING'), '+PONG\r\n'), '+PONG\r\n');
      assert.equal(await idle.waitClosed(4000), true, 'idle client closed');
      assert.equal(sub.closed, false, 'subscriber kept');
    } finally {
      idle.close();
      sub.close();
    }
  });
});

test('a client that pipelines without reading is paused, and server memory stays bounded', async () => {
  await withServer(
    {},
    async (srv) => {
      const w = await Wire.open(srv.port);
      const other = await Wire.open(srv.port);
      try {
        const value = 'v'.repeat(1024 * 1024);
        assert.equal(await other.roundTrip(command('TSET', 'big', value), '+OK\r\n'), '+OK\r\n');
        w.socket.pause();
        const batch = command('TGET', 'big').repeat(64);
        const before = process.memoryUsage().rss;
        // 64 MB of requests asking for 64 GB of replies if nothing pushed back.
        for (let i = 0; i < 1000 && !w.closed; i++) {
          if (!w.socket.write(batch)) break;
        }
        await other.until(() => false, 500);
        const grown = process.memoryUsage().rss - before;
        assert.ok(grown < 512 * 1024 * 1024, `rss grew ${Math.round(grown / 1e6)} MB`);
        // The server still answers others meanwhile.
        assert.equal(await other.roundTrip(command('PING'), '+PONG\r\n'), '+PONG\r\n');
      } finally {
        w.close();
        other.close();
      }
    },
    commandsForTests,
  );
});

test('thousands of connections come and go; AUTH brute force neither crashes nor lets in', async () => {
  await withServer({ requirepass: 'right' }, async (srv) => {
    const waves = 5;
    const perWave = 200;
    for (let wave = 0; wave < waves; wave++) {
      const clients = await Promise.all(Array.from({ length: perWave }, () => Wire.open(srv.port)));
      const wrong = '-WRONGPASS invalid username-password pair or user is disabled.\r\n';
      const replies = await Promise.all(
        clients.map((c, i) =>
          c.roundTrip(
            command('AUTH', `guess${wave}-${i}`) + command('PING'),
            wrong + '-NOAUTH Authentication required.\r\n',
            15000, // generous: CI machines run other suites at the same time
          ),
        ),
      );
      for (const r of replies) assert.equal(r, wrong + '-NOAUTH Authentication required.\r\n');
      for (const c of clients) c.close();
    }
    assert.equal(await eventually(() => srv.state.registry.size === 0, 15000), true);
    assert.equal(srv.state.stats.totalConnectionsReceived, waves * perWave);
    const ok = await Wire.open(srv.port);
    try {
      assert.equal(
        await ok.roundTrip(command('AUTH', 'right') + command('PING'), '+OK\r\n+PONG\r\n'),
        '+OK\r\n+PONG\r\n',
      );
    } finally {
      ok.close();
    }
  });
});

test('binds several addresses, skips an unavailable optional one, and serves IPv6 loopback', async () => {
  await withServer({ bind: ['127.0.0.1', '-::1', '-192.0.2.123'] }, async (srv) => {
    const v4 = await Wire.open(srv.port, '127.0.0.1');
    try {
      assert.equal(await v4.roundTrip(command('PING'), '+PONG\r\n'), '+PONG\r\n');
    } finally {
      v4.close();
    }
    let v6: Wire | undefined;
    try {
      v6 = await Wire.open(srv.port, '::1');
    } catch {
      v6 = undefined; // no IPv6 on this machine: the optional bind was skipped
    }
    if (v6 !== undefined) {
      try {
        v6.send(command('CLIENT', 'INFO'));
        await v6.until(() => false, 300);
        const info = v6.take();
        assert.match(info, /addr=::1:\d+ laddr=::1:/);
      } finally {
        v6.close();
      }
    }
  });
  await assert.rejects(
    () => withServer({ bind: ['192.0.2.123'] }, () => Promise.resolve()),
    /Could not create server TCP listening socket/,
  );
});
