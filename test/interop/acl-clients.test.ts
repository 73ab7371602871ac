/**
 * An application user that may only read `cache:*`, as real clients use it: ioredis logs in with a
 * username and password, GET on its keys works, SET and other keys are refused with NOPERM, and
 * redis-cli (`--user`/`--pass`, then ACL LOG as the admin) sees the refusals logged. The same
 * scenario runs against redis-server 7.0 and redmesh and must end the same way.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { runProcess } from '../helpers/process.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

interface Outcome {
  readonly get: string | null;
  readonly set: string;
  readonly other: string;
  readonly del: string;
  readonly whoami: string;
  readonly cliGet: string;
  readonly cliSet: string;
  readonly log: string[];
}

async function scenario(server: RunningServer): Promise<Outcome> {
  const admin = new Redis({
    host: '127.0.0.1',
    port: server.port,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  const reader = new Redis({
    host: '127.0.0.1',
    port: server.port,
    username: 'cache-reader',
    password: 'r3ad',
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    lazyConnect: true,
  });
  admin.on('error', () => undefined);
  reader.on('error', () => undefined);
  const refused = (p: Promise<unknown>): Promise<string> =>
    p.then(
      (v) => `ok ${String(v)}`,
      (e: Error) => e.message,
    );
  try {
    await admin.call('ACL', 'SETUSER', 'cache-reader', 'on', '>r3ad', '%R~cache:*', '-@all', '+get', '+ping');
    await admin.set('cache:greeting', 'hello');
    await admin.set('secret', 'x');
    await admin.call('ACL', 'LOG', 'RESET');
    await reader.connect();
    const get = await reader.get('cache:greeting');
    const set = await refused(reader.set('cache:greeting', 'changed'));
    const other = await refused(reader.get('secret'));
    const del = await refused(reader.del('cache:greeting'));
    const whoami = await refused(reader.call('ACL', 'WHOAMI'));
    const cli = (args: string[]): Promise<string> =>
      runProcess(
        'redis-cli',
        ['-p', String(server.port), '--no-auth-warning', '--user', 'cache-reader', '--pass', 'r3ad', ...args],
        undefined,
        10_000,
      ).then((r) => (r.stdout + r.stderr).trim());
    const cliGet = await cli(['GET', 'cache:greeting']);
    const cliSet = await cli(['SET', 'cache:x', '1']);
    const entries = (await admin.call('ACL', 'LOG')) as unknown[][];
    const log = entries.map((e) => {
      const f = new Map<string, unknown>();
      for (let i = 0; i < e.length; i += 2) f.set(String(e[i]), e[i + 1]);
      const cmd = /cmd=(\S+)/.exec(String(f.get('client-info')))?.[1];
      return `${String(f.get('count'))} ${String(f.get('reason'))} ${String(f.get('object'))} ${String(f.get('username'))} cmd=${cmd}`;
    });
    assert.equal(await admin.get('cache:greeting'), 'hello');
    return { get, set, other, del, whoami, cliGet, cliSet, log };
  } finally {
    reader.disconnect();
    admin.disconnect();
  }
}

test('a user that may only read cache:* — ioredis and redis-cli see GET allowed, writes and other keys refused, ACL LOG records them', async () => {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    redis = await startRedis(0);
    redmesh = await startRedmesh(0);
    const real = await scenario(redis);
    const ours = await scenario(redmesh);
    assert.deepEqual(ours, real);
    // What the scenario means, spelled out (so a change on both sides cannot pass unnoticed).
    assert.equal(ours.get, 'hello');
    assert.equal(ours.set, "NOPERM this user has no permissions to run the 'set' command");
    assert.equal(
      ours.other,
      'NOPERM this user has no permissions to access one of the keys used as arguments',
    );
    assert.equal(ours.cliGet, 'hello');
    // Newest first: redis-cli's SET (grouped with ioredis's into one entry), the DEL, the other key.
    for (const entry of [
      '2 command set cache-reader cmd=set',
      '1 command del cache-reader cmd=del',
      '1 key secret cache-reader cmd=get',
    ]) {
      assert.ok(ours.log.includes(entry), `${entry} not in ${ours.log.join(' | ')}`);
    }
  } finally {
    await stopAll(redis, redmesh);
  }
});
