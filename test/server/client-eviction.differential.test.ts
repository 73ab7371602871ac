/**
 * Client eviction (maxmemory-clients, issue 16 point 6) against a real redis-server 7.0: a client
 * whose query buffer takes the clients over the limit is closed and counted in INFO evicted_clients,
 * one with CLIENT NO-EVICT on is kept, the limit may be a percentage of maxmemory, and 0 turns it off.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawConnection } from '../helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

const BIG_ARGUMENT = 3_000_000;
/** SET k <3 MB>: the header and 2 MB of the value, the rest held back. */
const PARTIAL_SET = `*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${BIG_ARGUMENT}\r\n${'x'.repeat(2_000_000)}`;
const REST_OF_SET = `${'x'.repeat(BIG_ARGUMENT - 2_000_000)}\r\n`;

/** Sends the partial SET; 'evicted' when the server closes the connection, else the SET's reply. */
async function bigQuery(server: RunningServer, noEvict: boolean): Promise<string> {
  const c = await RawConnection.open(server.port, 2000);
  try {
    if (noEvict) await c.call(['CLIENT', 'NO-EVICT', 'on']);
    c.write(PARTIAL_SET);
    const early = await c.read(1500);
    if (early.kind === 'closed') return 'evicted';
    if (early.kind === 'reply') return `early reply ${early.bytes.toString('latin1')}`;
    c.write(REST_OF_SET);
    const r = await c.read(5000);
    return r.kind === 'reply' ? r.bytes.toString('latin1') : r.kind === 'closed' ? 'evicted' : 'timeout';
  } finally {
    c.close();
  }
}

async function scenario(server: RunningServer): Promise<string[]> {
  const admin = await RawConnection.open(server.port, 2000);
  try {
    const out: string[] = [];
    const call = async (...argv: string[]): Promise<string> => (await admin.call(argv)).toString('latin1');
    const evicted = async (): Promise<string> =>
      /evicted_clients:\d+/.exec(await call('INFO', 'stats'))?.[0] ?? '?';
    out.push(await call('CLIENT', 'NO-EVICT', 'on'));
    out.push(await call('CONFIG', 'RESETSTAT'));
    out.push(await call('CONFIG', 'SET', 'maxmemory-clients', '1mb'));
    out.push(await bigQuery(server, false));
    out.push(await evicted());
    out.push(await bigQuery(server, true));
    out.push(await evicted());
    // 10% of 10 MB: the same 1 MB.
    out.push(await call('CONFIG', 'SET', 'maxmemory', '10mb'));
    out.push(await call('CONFIG', 'SET', 'maxmemory-clients', '10%'));
    out.push(await call('CONFIG', 'GET', 'maxmemory-clients'));
    out.push(await bigQuery(server, false));
    out.push(await evicted());
    out.push(await call('CONFIG', 'SET', 'maxmemory-clients', '0'));
    out.push(await call('CONFIG', 'SET', 'maxmemory', '0'));
    out.push(await bigQuery(server, false));
    out.push(await evicted());
    return out;
  } finally {
    admin.close();
  }
}

test('maxmemory-clients evicts the client over it, not a NO-EVICT one, as redis-server 7.0 does', async () => {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    [redis, redmesh] = await Promise.all([startRedis(0), startRedmesh(0)]);
    const real = await scenario(redis);
    assert.deepEqual(await scenario(redmesh), real);
    assert.deepEqual(
      real.filter((r) => r.startsWith('evicted')),
      [
        'evicted',
        'evicted_clients:1',
        'evicted_clients:1',
        'evicted',
        'evicted_clients:2',
        'evicted_clients:2',
      ],
    );
  } finally {
    await stopAll(redis, redmesh);
  }
});
