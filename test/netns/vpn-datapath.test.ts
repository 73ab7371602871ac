/**
 * The fast data path with the real engine: bulk TCP through the tunnel in both directions arrives
 * byte for byte (SHA-256 of what was sent equals what was received), while the receive side merges
 * TCP segments into GSO frames and the send side batches datagrams (status counters prove both).
 * Then the same over IPv6 (ifconfig6), whose segments are merged too (TCPV6 GSO frames).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Testbed, waitFor, waitForOutput } from '../../src/ops/index.js';
import type { NetnsNode } from '../../src/ops/index.js';
import {
  VpnFiles,
  linkExists,
  pingOnce,
  startVpn,
  tutorialConfig,
  vpnStatus,
  START_TIMEOUT_MS,
} from './vpn-helpers.js';

const TCP_HASH = 'dist/test/netns/fixtures/tcp-hash.js';
const PORT = '18010';
const BYTES = 24 * 1024 * 1024;
const BYTES_V6 = 8 * 1024 * 1024;

interface Counters {
  readonly tapCoalescedSegments: number;
  readonly tapCoalescedFrames: number;
  readonly udpDatagramsSent: number;
  readonly udpSendCalls: number;
  readonly udpSendErrors: number;
  readonly dropped: Readonly<Record<string, number>>;
}

async function counters(socket: string): Promise<Counters> {
  return (await vpnStatus<{ counters: Counters }>(socket)).counters;
}

test('bulk TCP crosses the tunnel intact both ways; segments are coalesced and sends batched', async () => {
  const bed = await Testbed.create(2);
  const files = await VpnFiles.create();
  try {
    const [a, b] = [bed.node(0), bed.node(1)];
    const psk = randomBytes(382).toString('base64');
    const confA = await files.config(
      'a',
      tutorialConfig({ psk, overlay: '10.8.0.1', extra: 'ifconfig6 fd00:8::1/64\n' }),
    );
    const confB = await files.config(
      'b',
      tutorialConfig({ psk, overlay: '10.8.0.2', initpeer: a.underlay, extra: 'ifconfig6 fd00:8::2/64\n' }),
    );
    const da = startVpn(bed, a, confA, files.socket('a'));
    const db = startVpn(bed, b, confB, files.socket('b'));
    await waitForOutput(da, /info started /, START_TIMEOUT_MS);
    await waitForOutput(db, /info started /, START_TIMEOUT_MS);
    await waitFor('ping 10.8.0.1 from B', () => pingOnce(bed, b.ns, '10.8.0.1'), 10_000, 10);

    const transfer = async (
      from: NetnsNode,
      to: NetnsNode,
      toAddress: string,
      bytes = BYTES,
    ): Promise<void> => {
      const server = bed.spawn(to.ns, process.execPath, [TCP_HASH, 'serve', toAddress, PORT]);
      await waitForOutput(server, /listening/, 10_000);
      const sent = await bed.exec(
        from.ns,
        process.execPath,
        [TCP_HASH, 'send', toAddress, PORT, String(bytes)],
        60_000,
      );
      await waitForOutput(server, /received /, 30_000);
      const want = /sent (\d+) ([0-9a-f]{64})/.exec(sent);
      const got = /received (\d+) ([0-9a-f]{64})/.exec(server.output());
      assert.ok(want !== null && got !== null, `${sent} / ${server.output()}`);
      assert.equal(got[1], String(bytes));
      assert.equal(got[2], want[2], 'same bytes arrived');
    };
    await transfer(b, a, '10.8.0.1');
    await transfer(a, b, '10.8.0.2');

    for (const name of ['a', 'b']) {
      const c = await counters(files.socket(name));
      assert.ok(
        c.tapCoalescedFrames > 0 && c.tapCoalescedSegments >= 2 * c.tapCoalescedFrames,
        `${name}: TCP segments merged into GSO frames (${c.tapCoalescedSegments} into ${c.tapCoalescedFrames})`,
      );
      assert.ok(
        c.udpDatagramsSent > 2 * c.udpSendCalls,
        `${name}: datagrams batched (${c.udpDatagramsSent} in ${c.udpSendCalls} sendmmsg calls)`,
      );
      assert.equal(c.udpSendErrors, 0);
      assert.equal(c.dropped['badAuth'], 0);
      assert.equal(c.dropped['replay'], 0);
    }

    // IPv6 through the tunnel: intact, and A's receive side merges its TCP segments as well.
    await waitFor('ping fd00:8::1 from B', () => pingOnce(bed, b.ns, 'fd00:8::1'), 15_000, 10);
    const beforeV6 = await counters(files.socket('a'));
    await transfer(b, a, 'fd00:8::1', BYTES_V6);
    const afterV6 = await counters(files.socket('a'));
    const frames = afterV6.tapCoalescedFrames - beforeV6.tapCoalescedFrames;
    const segments = afterV6.tapCoalescedSegments - beforeV6.tapCoalescedSegments;
    assert.ok(frames > 0 && segments >= 2 * frames, `IPv6 segments merged (${segments} into ${frames})`);

    assert.equal(await bed.kill(da, 'SIGTERM'), 0);
    assert.equal(await bed.kill(db, 'SIGTERM'), 0);
    assert.equal(await linkExists(bed, a.ns, 'peervpn0'), false);
    assert.equal(await linkExists(bed, b.ns, 'peervpn0'), false);
  } finally {
    await bed.destroy();
    await files.remove();
  }
});
