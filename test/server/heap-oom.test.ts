/**
 * A server whose V8 heap fills up answers OOM to writes and keeps its data, instead of dying with
 * "JavaScript heap out of memory" (which would lose every key). Runs redmesh with a 256 MB heap
 * (NODE_OPTIONS, which the server honours: platform/heap.ts) and no maxmemory, and writes 10 KB
 * values until it refuses them: 1 GB of writes, four times the heap.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ioredisClient } from '../helpers/clients.js';
import { startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

const VALUE = 'x'.repeat(10_000);
const BATCH = 100;
const MAX_WRITES = 100_000;

test('with a small heap and no maxmemory, writes get -OOM and the data stays', async () => {
  let server: RunningServer | undefined;
  const client = { current: undefined as ReturnType<typeof ioredisClient> | undefined };
  try {
    server = await startRedmesh(0, [], { NODE_OPTIONS: '--max-old-space-size=256' });
    const c = ioredisClient(server.port);
    client.current = c;
    let stored = 0;
    let oom: string | undefined;
    while (oom === undefined && stored < MAX_WRITES) {
      const p = c.pipeline();
      for (let i = 0; i < BATCH; i++) p.set(`k:${stored + i}`, VALUE);
      const results = (await p.exec()) ?? [];
      for (const [err] of results) {
        if (err === null) stored++;
        else oom ??= err.message;
      }
    }
    assert.equal(
      oom,
      "OOM command not allowed when used memory > 'maxmemory'.",
      `after ${stored} writes: ${server.output()}`,
    );
    assert.ok(stored > 5_000, `only ${stored} writes were taken before OOM`);
    // Still alive, with its data: reads and deletes (not denyoom) work.
    assert.equal(await c.ping(), 'PONG');
    assert.equal(await c.dbsize(), stored);
    assert.equal(await c.get('k:0'), VALUE);
    assert.equal(await c.get(`k:${stored - 1}`), VALUE);
    assert.equal(await c.strlen(`k:${Math.floor(stored / 2)}`), VALUE.length);
    await assert.rejects(c.set('one:more', VALUE), /OOM command not allowed/);
    const info = await c.info('memory');
    assert.match(info, /used_memory:\d+/);
    // Deleting data makes room again (after the guard's next collection, at most a second later).
    const half = Array.from({ length: Math.floor(stored / 2) }, (_, i) => `k:${i}`);
    for (let i = 0; i < half.length; i += 1000) await c.del(...half.slice(i, i + 1000));
    const deadline = Date.now() + 10_000;
    let accepted = false;
    while (!accepted && Date.now() < deadline) {
      accepted = await c.set('after:delete', 'v').then(
        () => true,
        () => false,
      );
      if (!accepted) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(accepted, 'writes are taken again once data was deleted');
    assert.equal(server.exited(), false, `the server is still running: ${server.output()}`);
  } finally {
    client.current?.disconnect();
    await stopAll(server);
  }
});
