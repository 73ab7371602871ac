/** The test launcher refuses a port that another server already answers on (port 18271). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

test('startRedis/startRedmesh fail instead of talking to a server already on the port', async () => {
  let first: RunningServer | undefined;
  try {
    first = await startRedis(18271);
    await assert.rejects(() => startRedis(18271), /another process|exited during startup/);
    await assert.rejects(() => startRedmesh(18271), /another process|exited during startup/);
  } finally {
    await stopAll(first);
  }
});
