/**
 * DEBUG SET-ACTIVE-EXPIRE 0|1 switches the active expiry cycle: with 0, expired keys stay counted in
 * DBSIZE until something reads them; with 1 the cycle removes them. Same steps on a real
 * redis-server, replies compared byte for byte. Ports redis.port-redmesh.port.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawConnection } from '../helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

/** Several cron periods at hz 10: long enough for an enabled cycle to have removed the keys. */
const OBSERVATION_MS = 600;

async function waitUntil(cond: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return cond();
}

async function steps(port: number): Promise<string[]> {
  const c = await RawConnection.open(port);
  const out: string[] = [];
  const call = async (...argv: string[]): Promise<string> => {
    const reply = (await c.call(argv)).toString('latin1');
    out.push(`${argv.join(' ')} -> ${reply}`);
    return reply;
  };
  try {
    await call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await call('SET', 'a', '1', 'PX', '30');
    await call('SET', 'b', '1', 'PX', '30');
    await call('SET', 'c', '1', 'PX', '30');
    await call('SET', 'keep', '1');
    // Nothing may touch the keys now: the observation is that nothing removes them on its own.
    await new Promise((r) => setTimeout(r, OBSERVATION_MS));
    await call('DBSIZE');
    await call('GET', 'a'); // lazy expiry still works
    await call('DBSIZE');
    await call('DEBUG', 'SET-ACTIVE-EXPIRE', 'garbage'); // atoi("garbage") = 0: still off
    await new Promise((r) => setTimeout(r, OBSERVATION_MS));
    await call('DBSIZE');
    await call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
    const gone = await waitUntil(
      async () => (await c.call(['DBSIZE'])).toString('latin1') === ':1\r\n',
      5000,
    );
    out.push(`active expiry removed b and c: ${gone}`);
    const stats = (await c.call(['INFO', 'stats'])).toString('latin1');
    out.push(/expired_keys:\d+/.exec(stats)?.[0] ?? 'no expired_keys');
  } finally {
    c.close();
  }
  return out;
}

test('DEBUG SET-ACTIVE-EXPIRE 0 keeps expired keys until read; 1 lets the cycle remove them (as Redis)', async () => {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    redis = await startRedis(0, ['--enable-debug-command', 'yes']);
    redmesh = await startRedmesh(0, ['--enable-debug-command', 'yes']);
    const [expected, got] = await Promise.all([steps(redis.port), steps(redmesh.port)]);
    assert.deepEqual(got, expected);
    assert.ok(expected.includes('DBSIZE -> :4\r\n'), expected.join('\n'));
    assert.ok(expected.includes('active expiry removed b and c: true'));
  } finally {
    await stopAll(redis, redmesh);
  }
});
