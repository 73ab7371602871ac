/** The test launcher refuses a port that another server already answers on (a port taken by a real redis-server). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

test('startRedis/startRedmesh fail instead of talking to a server already on the port', async () => {
  let first: RunningServer | undefined;
  try {
    first = await startRedis(0);
    const taken = first.port;
    await assert.rejects(() => startRedis(taken), /another process|exited during startup/);
    await assert.rejects(() => startRedmesh(taken), /another process|exited during startup/);
  } finally {
    await stopAll(first);
  }
});
