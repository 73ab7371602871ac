/**
 * Mesh behaviour with real daemons in namespaces: nodes that only know the first node find each other
 * through peer exchange and keep talking when the first node dies; and two nodes whose direct path is
 * dropped by nftables still reach each other through a third node with `enablerelay yes`.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Testbed, waitFor, waitForOutput } from '../../src/ops/index.js';
import { VpnFiles, pingOnce, startTutorialVpn, vpnStatus } from './vpn-helpers.js';

const TCP_HASH = 'dist/test/netns/fixtures/tcp-hash.js';

interface Status {
  peers: { endpoint?: string; relayedVia?: string }[];
  counters: { relayedPackets?: number; mssClamped?: number; tooBigForRelay?: number };
}

/** IP fragments the namespace's stack has received (reassembly requests), from /proc/net/snmp. */
async function reassemblyRequests(bed: Testbed, ns: string): Promise<number> {
  const snmp = await bed.exec(ns, 'cat', ['/proc/net/snmp']);
  const [names, values] = snmp.split('\n').filter((l) => l.startsWith('Ip: '));
  const i = names!.split(' ').indexOf('ReasmReqds');
  return Number(values!.split(' ')[i]);
}

test('3 nodes that know only the first form a full mesh and survive its death', async () => {
  const bed = await Testbed.create(3);
  const files = await VpnFiles.create();
  try {
    const [a, b, c] = [bed.node(0), bed.node(1), bed.node(2)];
    const psk = randomBytes(382).toString('base64');
    const vpnA = await startTutorialVpn(bed, files, a, 'a', { psk, overlay: '10.8.0.1' });
    await startTutorialVpn(bed, files, b, 'b', { psk, overlay: '10.8.0.2', initpeer: a.underlay });
    await startTutorialVpn(bed, files, c, 'c', { psk, overlay: '10.8.0.3', initpeer: a.underlay });
    // Every pair, both ways.
    const pairs: [string, string][] = [
      [b.ns, '10.8.0.1'],
      [c.ns, '10.8.0.1'],
      [a.ns, '10.8.0.2'],
      [a.ns, '10.8.0.3'],
      [b.ns, '10.8.0.3'],
      [c.ns, '10.8.0.2'],
    ];
    for (const [ns, target] of pairs) {
      await waitFor(`${ns} pings ${target}`, () => pingOnce(bed, ns, target), 45_000, 100);
    }
    // b and c talk to each other directly (learned from a), not through a.
    const sb = await vpnStatus<Status>(files.socket('b'));
    assert.ok(
      sb.peers.some((p) => p.endpoint === `${c.underlay}:7000` && p.relayedVia === undefined),
      `b has a direct session with c: ${JSON.stringify(sb.peers)}`,
    );

    await bed.kill(vpnA);
    // With the first node gone, the other two still reach each other, for longer than a dead-peer timeout.
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      await waitFor('b pings c after a died', () => pingOnce(bed, b.ns, '10.8.0.3'), 5000, 100);
      await new Promise((r) => setTimeout(r, 1000));
    }
    assert.equal(await pingOnce(bed, b.ns, '10.8.0.1'), false, 'a is really gone');
  } finally {
    await bed.destroy();
    await files.remove();
  }
});

test('two nodes without a direct path talk through a relay node', async () => {
  const bed = await Testbed.create(3);
  const files = await VpnFiles.create();
  try {
    const [relay, b, c] = [bed.node(0), bed.node(1), bed.node(2)];
    // Drop everything between b and c on the underlay, in b's namespace, both directions.
    const rules =
      `table inet rmvblock {\n` +
      `  chain in { type filter hook input priority 0; ip saddr ${c.underlay} drop; }\n` +
      `  chain out { type filter hook output priority 0; ip daddr ${c.underlay} drop; }\n` +
      `}\n`;
    await files.config('rules', rules);
    await bed.exec(b.ns, 'nft', ['-f', `${files.dir}/rules.conf`]);
    assert.equal(await pingOnce(bed, b.ns, c.underlay), false, 'the direct underlay path is blocked');

    const psk = randomBytes(382).toString('base64');
    await startTutorialVpn(bed, files, relay, 'r', { psk, overlay: '10.8.0.1', extra: 'enablerelay yes\n' });
    await startTutorialVpn(bed, files, b, 'b', { psk, overlay: '10.8.0.2', initpeer: relay.underlay });
    await startTutorialVpn(bed, files, c, 'c', { psk, overlay: '10.8.0.3', initpeer: relay.underlay });
    await waitFor('b pings c through the relay', () => pingOnce(bed, b.ns, '10.8.0.3'), 60_000, 100);
    await waitFor('c pings b through the relay', () => pingOnce(bed, c.ns, '10.8.0.2'), 10_000, 100);
    const sb = await vpnStatus<Status>(files.socket('b'));
    assert.ok(
      sb.peers.some((p) => p.relayedVia !== undefined),
      `b reaches c through the relay: ${JSON.stringify(sb.peers)}`,
    );
    const sr = await vpnStatus<Status>(files.socket('r'));
    assert.ok((sr.counters.relayedPackets ?? 0) > 0, 'the relay forwarded packets');

    // Bulk TCP through the relay arrives intact without a single IP fragment on the underlay: the
    // SYNs' MSS was lowered to what fits a relayed datagram (a full-size frame would not).
    const fragmentsBefore = await Promise.all([relay, b, c].map((n) => reassemblyRequests(bed, n.ns)));
    const server = bed.spawn(c.ns, process.execPath, [TCP_HASH, 'serve', '10.8.0.3', '18020']);
    await waitForOutput(server, /listening/, 10_000);
    const sent = await bed.exec(
      b.ns,
      process.execPath,
      [TCP_HASH, 'send', '10.8.0.3', '18020', String(4 << 20)],
      60_000,
    );
    await waitForOutput(server, /received /, 30_000);
    const want = /sent (\d+) ([0-9a-f]{64})/.exec(sent);
    const got = /received (\d+) ([0-9a-f]{64})/.exec(server.output());
    assert.ok(
      want !== null && got !== null && got[2] === want[2],
      `same bytes arrived: ${sent} / ${server.output()}`,
    );
    const fragmentsAfter = await Promise.all([relay, b, c].map((n) => reassemblyRequests(bed, n.ns)));
    assert.deepEqual(fragmentsAfter, fragmentsBefore, 'no IP fragments on the underlay (relay, b, c)');
    const clamped = await Promise.all(
      ['b', 'c'].map(async (n) => (await vpnStatus<Status>(files.socket(n))).counters.mssClamped),
    );
    assert.ok(
      clamped.every((n) => (n ?? 0) >= 1),
      `b clamped the SYN, c the SYN-ACK: ${JSON.stringify(clamped)}`,
    );

    // Pings bigger than a relayed datagram (1408-byte packets): B's daemon answers the first (DF set)
    // with ICMP fragmentation needed, B's kernel lowers its path MTU to C to 1342 and fragments the
    // next ones; C's daemon fragments the echo replies (sent without DF) itself. Either way nothing
    // is IP-fragmented on the underlay (without this the kernel would fragment the UDP datagrams).
    const beforePings = await Promise.all([relay, b, c].map((n) => reassemblyRequests(bed, n.ns)));
    const bigPing = async (): Promise<boolean> => {
      try {
        await bed.exec(b.ns, 'ping', ['-c', '1', '-W', '1', '-n', '-s', '1380', '10.8.0.3'], 5000);
        return true;
      } catch {
        return false;
      }
    };
    await waitFor('a 1408-byte ping from b answered through the relay', bigPing, 15_000, 100);
    const tooBig = await Promise.all(
      ['b', 'c'].map(async (n) => (await vpnStatus<Status>(files.socket(n))).counters.tooBigForRelay ?? 0),
    );
    assert.ok(
      tooBig.every((n) => n >= 1),
      `b sent ICMP, c fragmented: ${JSON.stringify(tooBig)}`,
    );
    const afterPings = await Promise.all([relay, b, c].map((n) => reassemblyRequests(bed, n.ns)));
    // b reassembles c's echo replies, which c's daemon fragmented inside the tunnel: only the relay
    // sees nothing but the underlay, so its count must not move.
    assert.equal(afterPings[0], beforePings[0], 'no IP fragments reached the relay');
  } finally {
    await bed.destroy();
    await files.remove();
  }
});
