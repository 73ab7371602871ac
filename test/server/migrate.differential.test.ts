/**
 * MIGRATE (issue 16: the one Redis 7.0 command that was missing) against real redis-server 7.0: the
 * same script is run from redis and from redmesh, each migrating to redis and to redmesh targets (a
 * password on the target, AUTH and AUTH2, COPY, REPLACE, KEYS, TTLs, every value type, BUSYKEY, a bad
 * database, NOKEY, argument errors, a refused port), and the four transcripts must be equal. Then the
 * DEL it propagates to a replica, the timeouts (connecting to a listener whose backlog is full, and
 * reading from a target that never answers), and the cached connection closed after 10 s idle.
 */
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { test } from 'node:test';
import { AF_INET, SOCK_STREAM, libc } from '../../src/platform/index.js';
import { RawConnection, showBytes } from '../helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

const PASSWORD = 'migrate-pw';

async function call(port: number, argv: readonly string[], timeoutMs = 5000): Promise<string> {
  const c = await RawConnection.open(port, 2000);
  try {
    return showBytes(await c.call(argv, timeoutMs), 2000);
  } finally {
    c.close();
  }
}

/** A TTL shown as its shape: -1, -2, or "positive" (the clock moves between the two runs). */
function ttlShape(reply: string): string {
  return /^:[1-9]\d*\\r\\n$/.test(reply) ? ':positive' : reply;
}

/** Runs the MIGRATE script from `source` to `target` and returns what both sides answered. */
async function transcript(source: RunningServer, target: RunningServer): Promise<string[]> {
  const s = await RawConnection.open(source.port, 2000);
  const t = await RawConnection.open(target.port, 2000);
  const out: string[] = [];
  const host = '127.0.0.1';
  const tp = String(target.port);
  const run = async (argv: readonly string[]): Promise<void> => {
    const shown = argv.map((a) => (a === tp ? '<target port>' : a)).join(' ');
    out.push(`${shown} -> ${showBytes(await s.call(argv, 5000), 500)}`);
  };
  const onTarget = async (argv: readonly string[]): Promise<void> => {
    out.push(`target ${argv.join(' ')} -> ${showBytes(await t.call(argv, 5000), 2000)}`);
  };
  try {
    await t.call(['AUTH', PASSWORD]);
    await t.call(['FLUSHALL']);
    await t.call(['CONFIG', 'RESETSTAT']);
    await s.call(['FLUSHALL']);
    await s.call(['CONFIG', 'RESETSTAT']);
    await run(['SET', 'str', 'v1']);
    await run(['HSET', 'h', 'f', '1', 'g', '2']);
    await run(['RPUSH', 'l', 'a', 'b', 'c']);
    await run(['ZADD', 'z', '1', 'x', '2.5', 'y']);
    await run(['SADD', 's', '1', '2', '3']);
    await run(['XADD', 'st', '1-1', 'f', 'v']);
    await run(['SET', 'ttl', 'v', 'EX', '1000']);
    // Errors before anything is sent.
    await run(['MIGRATE', host, tp, 'str', '0', '1000', 'NOSUCH']);
    await run(['MIGRATE', host, tp, 'str', '0', 'x']);
    await run(['MIGRATE', host, tp, 'str', 'x', '1000']);
    await run(['MIGRATE', host, tp, 'str', '0', '1000', 'AUTH']);
    await run(['MIGRATE', host, tp, 'str', '0', '1000', 'AUTH2', 'u']);
    await run(['MIGRATE', host, tp, 'str', '0', '1000', 'KEYS', 'h']);
    await run(['MIGRATE', host, tp, 'missing', '0', '1000']);
    await run(['MIGRATE', host, tp, '', '0', '1000', 'KEYS', 'missing1', 'missing2']);
    // The target wants a password.
    await run(['MIGRATE', host, tp, 'str', '0', '1000']);
    await run(['MIGRATE', host, tp, 'str', '0', '1000', 'AUTH', 'wrong']);
    await run(['MIGRATE', host, tp, 'str', '0', '1000', 'AUTH', PASSWORD]);
    await run(['EXISTS', 'str']);
    await onTarget(['GET', 'str']);
    // COPY keeps the key here; then BUSYKEY, then REPLACE.
    await run(['MIGRATE', host, tp, 'h', '0', '1000', 'AUTH2', 'default', PASSWORD, 'COPY']);
    await run(['EXISTS', 'h']);
    await run(['MIGRATE', host, tp, 'h', '0', '1000', 'AUTH', PASSWORD]);
    await run(['EXISTS', 'h']);
    await run(['HSET', 'h', 'f', 'changed']);
    await run(['MIGRATE', host, tp, 'h', '0', '1000', 'AUTH', PASSWORD, 'REPLACE']);
    await run(['EXISTS', 'h']);
    await onTarget(['HGETALL', 'h']);
    // KEYS: several at once, one missing, one with a TTL, into another database.
    await run([
      'MIGRATE',
      host,
      tp,
      '',
      '3',
      '1000',
      'AUTH',
      PASSWORD,
      'KEYS',
      'l',
      'nope',
      'z',
      's',
      'st',
      'ttl',
    ]);
    await run(['DBSIZE']);
    await onTarget(['SELECT', '3']);
    await onTarget(['LRANGE', 'l', '0', '-1']);
    await onTarget(['ZRANGE', 'z', '0', '-1', 'WITHSCORES']);
    await onTarget(['SMEMBERS', 's']);
    await onTarget(['XRANGE', 'st', '-', '+']);
    out.push(`target TTL ttl -> ${ttlShape(showBytes(await t.call(['TTL', 'ttl'])))}`);
    await onTarget(['OBJECT', 'ENCODING', 's']);
    // A database the target does not have.
    await run(['SET', 'k', 'v']);
    await run(['MIGRATE', host, tp, 'k', '99', '1000', 'AUTH', PASSWORD]);
    await run(['EXISTS', 'k']);
    // Nobody listens on port 1: the connection is "made" and the write fails (retried once).
    await run(['MIGRATE', host, '1', 'k', '0', '1000']);
    // SELECT is sent once per database change on the cached connection.
    await onTarget(['SELECT', '0']);
    await run(['SET', 'a', '1']);
    await run(['SET', 'b', '2']);
    await run(['MIGRATE', host, tp, 'a', '5', '1000', 'AUTH', PASSWORD]);
    await run(['MIGRATE', host, tp, 'b', '5', '1000', 'AUTH', PASSWORD]);
    const stats = showBytes(await t.call(['INFO', 'commandstats']), 5000);
    out.push(`target select calls: ${/cmdstat_select:calls=(\d+)/.exec(stats)?.[1] ?? 'none'}`);
    out.push(`target restore calls: ${/cmdstat_restore:calls=(\d+)/.exec(stats)?.[1] ?? 'none'}`);
    const errors = showBytes(await s.call(['INFO', 'errorstats']), 2000);
    out.push(errors);
    return out;
  } finally {
    s.close();
    t.close();
  }
}

test('MIGRATE from redis and from redmesh, to redis and to redmesh targets, answers alike', async () => {
  const servers: RunningServer[] = [];
  try {
    const [redisSource, redmeshSource, redisTarget, redmeshTarget] = await Promise.all([
      startRedis(0),
      startRedmesh(0),
      startRedis(0, ['--requirepass', PASSWORD]),
      startRedmesh(0, ['--requirepass', PASSWORD]),
    ]);
    servers.push(redisSource, redmeshSource, redisTarget, redmeshTarget);
    const real = await transcript(redisSource, redisTarget);
    assert.ok(
      real.some((l) => l.includes('BUSYKEY Target key name already exists')),
      real.join('\n'),
    );
    assert.deepEqual(await transcript(redmeshSource, redisTarget), real, 'redmesh -> redis');
    assert.deepEqual(await transcript(redisSource, redmeshTarget), real, 'redis -> redmesh');
    assert.deepEqual(await transcript(redmeshSource, redmeshTarget), real, 'redmesh -> redmesh');
  } finally {
    await stopAll(...servers);
  }
});

test('COMMAND COUNT, INFO and GETKEYS of MIGRATE match redis-server 7.0', async () => {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    [redis, redmesh] = await Promise.all([startRedis(0), startRedmesh(0)]);
    const lines: (readonly string[])[] = [
      ['COMMAND', 'COUNT'],
      ['COMMAND', 'INFO', 'MIGRATE'],
      ['COMMAND', 'GETKEYS', 'MIGRATE', 'h', 'p', 'k', '0', '5'],
      ['COMMAND', 'GETKEYS', 'MIGRATE', 'h', 'p', '', '0', '5', 'KEYS', 'a', 'b'],
      ['COMMAND', 'GETKEYS', 'MIGRATE', 'h', 'p', '', '0', '5', 'AUTH', 'KEYS', 'x', 'KEYS', 'a'],
      ['COMMAND', 'GETKEYS', 'MIGRATE', 'h', 'p', '', '0', '5', 'AUTH2', 'KEYS', 'x', 'KEYS', 'a'],
      ['COMMAND', 'GETKEYS', 'MIGRATE', 'h', 'p', 'k', '0', '5', 'KEYS', 'a'],
      // Calls without keys (not MIGRATE's, the same rule): an error, or none for EVAL (no_mandatory_keys).
      ['COMMAND', 'GETKEYS', 'ZUNION', '0', 'a'],
      ['COMMAND', 'GETKEYS', 'ZUNIONSTORE', 'd', '0', 'a'],
      ['COMMAND', 'GETKEYS', 'EVAL', 'return 1', '0'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'EVAL', 'return 1', '0'],
    ];
    for (const line of lines) {
      const [r, m]: string[] = await Promise.all([call(redis.port, line), call(redmesh.port, line)]);
      assert.equal(m, r, line.join(' '));
    }
    assert.equal(await call(redmesh.port, ['COMMAND', 'COUNT']), ':240\\r\\n');
  } finally {
    await stopAll(redis, redmesh);
  }
});

/** Waits (bounded) until `check` holds. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('MIGRATE propagates a DEL of the moved keys to a replica; MIGRATE COPY propagates nothing', async () => {
  const servers: RunningServer[] = [];
  try {
    const [master, target] = await Promise.all([startRedmesh(0), startRedis(0)]);
    servers.push(master, target);
    const replica = await startRedmesh(0, ['--replicaof', '127.0.0.1', String(master.port)]);
    servers.push(replica);
    await until('the replica to be in sync', async () =>
      (await call(replica.port, ['INFO', 'replication'])).includes('master_link_status:up'),
    );
    for (const k of ['a', 'b', 'c']) await call(master.port, ['SET', k, k]);
    await until('the keys on the replica', async () => (await call(replica.port, ['DBSIZE'])) === ':3\\r\\n');
    const tp = String(target.port);
    assert.equal(
      await call(master.port, ['MIGRATE', '127.0.0.1', tp, 'a', '0', '1000', 'COPY']),
      '+OK\\r\\n',
    );
    assert.equal(
      await call(master.port, ['MIGRATE', '127.0.0.1', tp, '', '0', '1000', 'KEYS', 'b', 'c']),
      '+OK\\r\\n',
    );
    await until(
      'b and c gone from the replica',
      async () => (await call(replica.port, ['DBSIZE'])) === ':1\\r\\n',
    );
    assert.equal(await call(replica.port, ['GET', 'a']), '$1\\r\\na\\r\\n');
    assert.equal(await call(target.port, ['DBSIZE']), ':3\\r\\n');
  } finally {
    await stopAll(...servers);
  }
});

/** A TCP listener that never accepts, with its accept queue full: a new connect() then hangs. */
async function fullBacklogListener(): Promise<{ port: number; close(): void }> {
  const lib = libc();
  const fd = lib.socket(AF_INET, SOCK_STREAM, 0);
  const address = Buffer.alloc(16);
  address.writeUInt16LE(AF_INET, 0);
  address.set([127, 0, 0, 1], 4);
  assert.equal(lib.bind(fd, address, 16), 0);
  assert.equal(lib.listen(fd, 0), 0);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(16, 0);
  lib.getsockname(fd, address, length);
  const port = address.readUInt16BE(2);
  // Backlog 0 queues a connection or two; once the queue is full, further SYNs are dropped: fill it
  // until a connect does not complete within 300 ms.
  const fillers: Socket[] = [];
  for (let i = 0; i < 8; i++) {
    const s = connect(port, '127.0.0.1');
    s.on('error', () => undefined);
    fillers.push(s);
    const made = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 300);
      s.once('connect', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!made) break;
  }
  return {
    port,
    close: () => {
      for (const s of fillers) s.destroy();
      lib.close(fd);
    },
  };
}

async function timedCall(port: number, argv: readonly string[]): Promise<{ reply: string; ms: number }> {
  const t0 = Date.now();
  const reply = await call(port, argv, 10_000);
  return { reply, ms: Date.now() - t0 };
}

test('MIGRATE to a host that does not resolve, one that never completes the connection and one that never replies fails as redis 7.0 does', async () => {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  let listener: { port: number; close(): void } | undefined;
  let silent: Server | undefined;
  const accepted: Socket[] = [];
  try {
    [redis, redmesh] = await Promise.all([startRedis(0), startRedmesh(0)]);
    listener = await fullBacklogListener();
    const quiet = createServer((s) => accepted.push(s));
    silent = quiet;
    await new Promise<void>((resolve) => quiet.listen(0, '127.0.0.1', resolve));
    const silentPort = String((quiet.address() as { port: number }).port);
    for (const server of [redis, redmesh]) {
      await call(server.port, ['SET', 'k', 'v']);
      // A host that does not resolve fails at once.
      const unresolved = await timedCall(server.port, ['MIGRATE', '', '1', 'k', '0', '300']);
      assert.equal(unresolved.reply, '-IOERR error or timeout connecting to the client\\r\\n', server.name);
      // 7.0 does not check its wait for the connection: a connect that never completes shows as a
      // write timeout, after the connect wait and the write wait (and a timeout is not retried).
      const connecting = await timedCall(server.port, [
        'MIGRATE',
        '127.0.0.1',
        String(listener.port),
        'k',
        '0',
        '300',
      ]);
      assert.equal(connecting.reply, '-IOERR error or timeout writing to target instance\\r\\n', server.name);
      assert.ok(connecting.ms >= 550 && connecting.ms < 3000, `${server.name} took ${connecting.ms} ms`);
      const reading = await timedCall(server.port, ['MIGRATE', '127.0.0.1', silentPort, 'k', '0', '300']);
      assert.equal(reading.reply, '-IOERR error or timeout reading to target instance\\r\\n', server.name);
      assert.ok(reading.ms >= 250 && reading.ms < 3000, `${server.name} took ${reading.ms} ms`);
      assert.equal(await call(server.port, ['EXISTS', 'k']), ':1\\r\\n', server.name);
      assert.match(await call(server.port, ['INFO', 'stats']), /migrate_cached_sockets:0\\r\\n/, server.name);
    }
  } finally {
    listener?.close();
    for (const s of accepted) s.destroy();
    silent?.close();
    await stopAll(redis, redmesh);
  }
});

test('the cached MIGRATE connection is reused, and closed by the cron after more than 10 s unused', async () => {
  let source: RunningServer | undefined;
  let target: RunningServer | undefined;
  try {
    [source, target] = await Promise.all([startRedmesh(0), startRedis(0)]);
    const tp = String(target.port);
    const clients = async (): Promise<number> =>
      Number(/connected_clients:(\d+)/.exec(await call(target!.port, ['INFO', 'clients']))?.[1]);
    for (const k of ['a', 'b']) {
      await call(source.port, ['SET', k, k]);
      assert.equal(await call(source.port, ['MIGRATE', '127.0.0.1', tp, k, '0', '1000']), '+OK\\r\\n');
    }
    // The target sees our INFO connection and MIGRATE's one connection (reused for b).
    assert.equal(await clients(), 2);
    assert.match(await call(source.port, ['INFO', 'stats']), /migrate_cached_sockets:1\\r\\n/);
    await until('the idle connection to be closed', async () => (await clients()) === 1, 15_000);
    assert.match(await call(source.port, ['INFO', 'stats']), /migrate_cached_sockets:0\\r\\n/);
  } finally {
    await stopAll(source, target);
  }
});
