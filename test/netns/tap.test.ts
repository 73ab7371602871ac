import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_FRAMES_PER_WAKEUP } from '../../src/vpn/index.js';
import { Testbed, waitFor, waitForOutput } from '../../src/ops/index.js';

const RESPONDER = 'dist/test/netns/fixtures/tap-responder.js';
const BURST = 'dist/test/netns/fixtures/tap-burst.js';

test('TAP device: kernel ping through frames read and written by TapDevice; close removes it', async () => {
  const bed = await Testbed.create(1);
  try {
    const a = bed.node(0);
    const responder = bed.spawn(a.ns, process.execPath, [RESPONDER, 'rmvtap0', '10.8.0.1/24', '10.8.0.2']);
    await waitFor('responder ready', () => responder.output().includes('ready rmvtap0'), 5000);
    const link = await bed.exec(a.ns, 'ip', ['-o', 'link', 'show', 'dev', 'rmvtap0']);
    assert.match(link, /mtu 1400/);
    assert.match(link, /link\/ether/);
    const addr = await bed.exec(a.ns, 'ip', ['-o', '-4', 'addr', 'show', 'dev', 'rmvtap0']);
    assert.match(addr, /inet 10\.8\.0\.1\/24 brd 10\.8\.0\.255/);

    const ping = await bed.exec(a.ns, 'ping', ['-c', '3', '-i', '0.2', '-W', '2', '10.8.0.2'], 10_000);
    assert.match(ping, /3 packets transmitted, 3 received/);
    // A flood exercises the bounded drain (several frames per wakeup).
    const flood = await bed.exec(a.ns, 'ping', ['-f', '-c', '500', '-W', '1', '10.8.0.2'], 20_000);
    assert.match(flood, /500 packets transmitted, 500 received/);

    await bed.kill(responder, 'SIGTERM');
    assert.match(responder.output(), /closed frames=\d+/);
    await assert.rejects(bed.exec(a.ns, 'ip', ['link', 'show', 'dev', 'rmvtap0']), /does not exist/);
  } finally {
    await bed.destroy();
  }
});

test('TAP drain is bounded: a backlog larger than one wakeup is read in several batches, none lost', async () => {
  const bed = await Testbed.create(1);
  try {
    const a = bed.node(0);
    const count = 400; // below the TAP's 500-frame queue, above one wakeup's bound
    const burst = bed.spawn(a.ns, process.execPath, [BURST, 'rmvburst0', String(count)]);
    await waitForOutput(burst, /batches /, 20_000);
    const m = /(\w+) udp=(\d+) batches (\[[\d,]*\])/.exec(burst.output());
    assert.ok(m !== null, burst.output());
    assert.equal(m[1], 'done');
    assert.equal(Number(m[2]), count, 'every queued datagram was read');
    const batches = JSON.parse(m[3]!) as number[];
    assert.equal(Math.max(...batches), MAX_FRAMES_PER_WAKEUP, 'the first wakeup stops at the bound');
    assert.ok(batches.length >= 2);
  } finally {
    await bed.destroy();
  }
});
