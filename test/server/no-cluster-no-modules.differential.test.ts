/**
 * The commands of features redmesh does not run — cluster mode and modules — answer as a
 * redis-server 7.0 without them does (issue 16, point 7): CLUSTER …, READONLY, READWRITE, ASKING say
 * cluster support is disabled; MODULE LIST is empty and LOAD/LOADEX/UNLOAD are refused or fail;
 * RESTORE-ASKING is RESTORE; and the HELP texts of MODULE, MEMORY, CONFIG are Redis's.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawConnection, showBytes } from '../helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

const LINES: readonly (readonly string[])[] = [
  ['CLUSTER'],
  ['CLUSTER', 'INFO'],
  ['CLUSTER', 'HELP'],
  ['CLUSTER', 'NOSUCH'],
  ['CLUSTER', 'KEYSLOT'],
  ['CLUSTER', 'KEYSLOT', 'a'],
  ['CLUSTER', 'SLOTS'],
  ['READONLY'],
  ['READWRITE', 'x'],
  ['ASKING'],
  ['MODULE'],
  ['MODULE', 'LIST'],
  ['MODULE', 'LIST', 'x'],
  ['MODULE', 'HELP'],
  ['MODULE', 'LOAD', '/nonexistent/m.so'],
  ['MODULE', 'LOADEX', '/nonexistent/m.so'],
  ['MODULE', 'UNLOAD', 'm'],
  ['SET', 'k', 'v'],
  ['DUMP', 'k'],
  ['RESTORE-ASKING', 'k', '0', 'x'],
  ['RESTORE-ASKING', 'k2', '0', 'x'],
  ['MEMORY', 'HELP'],
  ['CONFIG', 'HELP'],
];

async function transcript(server: RunningServer): Promise<string[]> {
  const c = await RawConnection.open(server.port, 2000);
  try {
    await c.call(['FLUSHALL']);
    const out: string[] = [];
    for (const line of LINES) out.push(`${line.join(' ')} -> ${showBytes(await c.call(line), 3000)}`);
    // RESTORE-ASKING of a real payload.
    const dump = await c.call(['DUMP', 'k']);
    const payload = dump.subarray(dump.indexOf('\r\n') + 2, dump.length - 2);
    out.push(
      showBytes(await c.call([Buffer.from('RESTORE-ASKING'), Buffer.from('k3'), Buffer.from('0'), payload])),
    );
    out.push(showBytes(await c.call(['GET', 'k3'])));
    return out;
  } finally {
    c.close();
  }
}

test('CLUSTER, READONLY, READWRITE, ASKING, MODULE and RESTORE-ASKING answer as redis-server 7.0 without cluster or modules', async () => {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    [redis, redmesh] = await Promise.all([startRedis(0), startRedmesh(0)]);
    const real = await transcript(redis);
    assert.deepEqual(await transcript(redmesh), real);
    assert.ok(
      real.includes('CLUSTER INFO -> -ERR This instance has cluster support disabled\\r\\n'),
      real.join('\n'),
    );
  } finally {
    await stopAll(redis, redmesh);
  }
});

test('MODULE LOAD, when enable-module-command allows it, fails as a module that cannot be loaded (redis-server 7.0)', async () => {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    const allow = ['--enable-module-command', 'yes'];
    [redis, redmesh] = await Promise.all([startRedis(0, allow), startRedmesh(0, allow)]);
    const run = async (server: RunningServer): Promise<string[]> => {
      const c = await RawConnection.open(server.port, 2000);
      try {
        const lines = [
          ['MODULE', 'LOAD', '/nonexistent/m.so'],
          ['MODULE', 'LOADEX', '/nonexistent/m.so', 'ARGS', 'a'],
          ['MODULE', 'UNLOAD', 'm'],
          ['MODULE', 'LIST'],
        ];
        const out: string[] = [];
        for (const line of lines) out.push(showBytes(await c.call(line)));
        return out;
      } finally {
        c.close();
      }
    };
    const real = await run(redis);
    assert.deepEqual(await run(redmesh), real);
    assert.equal(real[0], '-ERR Error loading the extension. Please check the server logs.\\r\\n');
  } finally {
    await stopAll(redis, redmesh);
  }
});
