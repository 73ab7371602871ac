/**
 * The server sizes its V8 heap to the machine instead of Node's ~4 GB default (which killed it with
 * every key in memory), by re-executing itself with --max-old-space-size; an operator's own limit wins.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { heapDecision, serverHeapLimitMb, usableMemoryBytes } from '../../src/platform/index.js';
import { RawConnection, infoField, replyText } from '../helpers/raw-resp.js';
import { startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

test('the heap limit is 90% of the usable memory, and usable memory is never more than the RAM', () => {
  assert.equal(serverHeapLimitMb(24 * 2 ** 30), Math.floor(24 * 1024 * 0.9));
  assert.ok(usableMemoryBytes() > 0);
});

test('an operator-chosen limit, REDMESH_HEAP=node, or a process already sized are left alone', () => {
  assert.equal(heapDecision([], {}, 4144, 21000), undefined);
  assert.match(heapDecision(['--max-old-space-size=600'], {}, 600, 21000) ?? '', /given to node/);
  assert.match(heapDecision([], { NODE_OPTIONS: '--max-old-space-size=600' }, 600, 21000) ?? '', /given/);
  assert.match(heapDecision([], { REDMESH_HEAP: 'node' }, 4144, 21000) ?? '', /Node's default/);
  assert.match(heapDecision([], { REDMESH_HEAP_SIZED: '21000' }, 21048, 21000) ?? '', /sized at start/);
  assert.match(heapDecision([], {}, 30000, 21000) ?? '', /^heap limit 30000 MB$/);
});

test('`redmesh server` re-executes itself with the bigger heap: same pid, stdout still logged', async () => {
  let server: RunningServer | undefined;
  try {
    server = await startRedmesh(0);
    const cmdline = readFileSync(`/proc/${server.pid}/cmdline`, 'latin1').split('\0');
    assert.ok(cmdline.includes(`--max-old-space-size=${serverHeapLimitMb()}`), cmdline.join(' '));
    const c = await RawConnection.open(server.port);
    try {
      const info = replyText(await c.call(['INFO', 'server']));
      assert.equal(infoField(info, 'process_id'), String(server.pid));
    } finally {
      c.close();
    }
    assert.match(server.output(), /heap limit \d+ MB \(sized at start\)/);
    assert.match(server.output(), /ready to accept connections/);
  } finally {
    await stopAll(server);
  }
});
