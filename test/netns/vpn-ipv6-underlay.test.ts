/**
 * The IPv6 underlay carries bulk TCP as fast as the IPv4 one. The IPv6 header is 20 bytes bigger than
 * IPv4's: a TAP MTU sized for IPv4 (1426) made every full-size frame to a peer reached over IPv6 a
 * 1520-byte IPv6 packet, and the kernel refused each whole UDP GSO batch of them with EMSGSIZE
 * (0.05 Mbit/s). The TAP MTU is now sized for IPv6 whenever an IPv6 socket is open, and a GSO run the
 * kernel refuses for its size leaves datagram by datagram instead of being dropped.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Testbed, waitFor, waitForOutput } from '../../src/ops/index.js';
import type { NetnsNode } from '../../src/ops/index.js';
import { VpnFiles, pingOnce, startVpn, tutorialConfig, vpnStatus, START_TIMEOUT_MS } from './vpn-helpers.js';

const TCP_HASH = 'dist/test/netns/fixtures/tcp-hash.js';

interface Status {
  readonly mtu: number;
  readonly peers: readonly { readonly endpoint?: string }[];
  readonly counters: {
    readonly udpSendErrors: number;
    readonly udpSendTooBig: number;
    readonly udpDatagramsSent: number;
  };
}

/** IPv6 underlay addresses (documentation prefix) beside the testbed's IPv4 ones; no DAD delay. */
async function addIpv6Underlay(bed: Testbed, mtu?: number): Promise<void> {
  for (const [i, n] of bed.nodes.entries()) {
    await bed.exec(n.ns, 'ip', ['addr', 'add', `2001:db8::${i + 1}/64`, 'dev', n.veth, 'nodad']);
    if (mtu !== undefined) await bed.exec(n.ns, 'ip', ['link', 'set', n.veth, 'mtu', String(mtu)]);
  }
}

interface Tunnel {
  readonly server: NetnsNode;
  readonly client: NetnsNode;
  readonly stop: () => Promise<void>;
  readonly status: (name: 'server' | 'client') => Promise<Status>;
}

/**
 * Nodes `i` (10.8.0.1) and `i + 1` (10.8.0.2) up in a network of their own, the second dialling the
 * first at `dial(first)`; resolves once the second pings the first over the tunnel.
 */
async function tunnel(
  bed: Testbed,
  files: VpnFiles,
  i: number,
  dial: (n: NetnsNode, index: number) => string,
  extra = '',
): Promise<Tunnel> {
  const [a, b] = [bed.node(i), bed.node(i + 1)];
  const psk = randomBytes(382).toString('base64');
  const [na, nb] = [`n${i}`, `n${i + 1}`];
  const confA = await files.config(na, tutorialConfig({ psk, overlay: '10.8.0.1', extra }));
  const confB = await files.config(
    nb,
    tutorialConfig({ psk, overlay: '10.8.0.2', initpeer: dial(a, i), extra }),
  );
  const da = startVpn(bed, a, confA, files.socket(na));
  const db = startVpn(bed, b, confB, files.socket(nb));
  await waitForOutput(da, /info started /, START_TIMEOUT_MS);
  await waitForOutput(db, /info started /, START_TIMEOUT_MS);
  await waitFor('ping 10.8.0.1 over the tunnel', () => pingOnce(bed, b.ns, '10.8.0.1'), 15_000, 10);
  return {
    server: a,
    client: b,
    stop: async () => {
      assert.equal(await bed.kill(da, 'SIGTERM'), 0);
      assert.equal(await bed.kill(db, 'SIGTERM'), 0);
    },
    status: (name) => vpnStatus<Status>(files.socket(name === 'server' ? na : nb)),
  };
}

/** One 2-second iperf3 run from the client to the server through the tunnel, in Mbit/s. */
async function iperf(bed: Testbed, t: Tunnel): Promise<number> {
  const server = bed.spawn(t.server.ns, 'iperf3', ['-s', '-1', '-B', '10.8.0.1', '--forceflush']);
  await waitForOutput(server, /Server listening/, 10_000);
  const out = await bed.exec(t.client.ns, 'iperf3', ['-c', '10.8.0.1', '-t', '2', '-J'], 30_000);
  await server.exited;
  const report = JSON.parse(out) as { end: { sum_received: { bits_per_second: number } } };
  return report.end.sum_received.bits_per_second / 1e6;
}

const ipv6Underlay = (_n: NetnsNode, index: number): string => `2001:db8::${index + 1}`;

test('bulk TCP to a peer reached over IPv6 is not throttled, dual-stack and IPv6-only', async () => {
  // Three pairs side by side (IPv4 path, IPv6 path with both families open, IPv6 only), measured in
  // turns so that load from elsewhere on the machine hits all three alike. The bug this guards
  // against cut IPv6 to 0.05 Mbit/s (every GSO batch refused); the 10% target is a benchmark
  // figure (bench/vpn.ts), not a test assertion, so the test only requires half of the IPv4 rate.
  const bed = await Testbed.create(6);
  const files = await VpnFiles.create();
  try {
    await addIpv6Underlay(bed);
    const pairs = {
      ipv4: await tunnel(bed, files, 0, (n) => n.underlay),
      dual: await tunnel(bed, files, 2, ipv6Underlay),
      ipv6only: await tunnel(bed, files, 4, ipv6Underlay, 'enableipv4 no\n'),
    };
    const paths = {
      ipv4: /^192\.0\.2\.1:7000$/,
      dual: /^\[2001:db8::3\]:7000$/,
      ipv6only: /^\[2001:db8::5\]:7000$/,
    };
    for (const [name, t] of Object.entries(pairs)) {
      const st = await t.status('client');
      assert.match(st.peers[0]?.endpoint ?? '', paths[name as keyof typeof paths], `${name}: path family`);
      assert.equal(st.mtu, 1406, `${name}: an open IPv6 socket sizes the TAP MTU for IPv6 headers`);
    }
    const best = { ipv4: 0, dual: 0, ipv6only: 0 };
    for (let round = 0; round < 2; round++) {
      for (const name of ['ipv4', 'dual', 'ipv6only'] as const) {
        best[name] = Math.max(best[name], await iperf(bed, pairs[name]));
      }
    }
    for (const [name, t] of Object.entries(pairs)) {
      const c = (await t.status('client')).counters;
      assert.equal(c.udpSendTooBig, 0, `${name}: no frame was too big for its route`);
      assert.equal(c.udpSendErrors, 0, `${name}: no send failed`);
      await t.stop();
    }
    const report = `IPv4 ${best.ipv4.toFixed(0)} Mbit/s, IPv6 dual-stack ${best.dual.toFixed(0)}, IPv6-only ${best.ipv6only.toFixed(0)}`;
    console.log(report);
    assert.ok(best.dual >= 0.5 * best.ipv4, `dual-stack IPv6 at least half of IPv4: ${report}`);
    assert.ok(best.ipv6only >= 0.5 * best.ipv4, `IPv6-only at least half of IPv4: ${report}`);
  } finally {
    await bed.destroy();
    await files.remove();
  }
});

test('a GSO run the route refuses for its size leaves datagram by datagram: bulk TCP arrives intact', async () => {
  const bed = await Testbed.create(2);
  const files = await VpnFiles.create();
  try {
    // A 1400-byte underlay: full-size frames (sized for 1500) no longer fit one IPv6 datagram, so the
    // kernel refuses their GSO runs (EMSGSIZE) and fragments them when they are sent one by one.
    await addIpv6Underlay(bed, 1400);
    const t = await tunnel(bed, files, 0, ipv6Underlay);
    const [a, b] = [t.server, t.client];
    const bytes = 4 * 1024 * 1024;
    const server = bed.spawn(a.ns, process.execPath, [TCP_HASH, 'serve', '10.8.0.1', '18011']);
    await waitForOutput(server, /listening/, 10_000);
    const sent = await bed.exec(
      b.ns,
      process.execPath,
      [TCP_HASH, 'send', '10.8.0.1', '18011', String(bytes)],
      30_000,
    );
    await waitForOutput(server, /received /, 30_000);
    const want = /sent (\d+) ([0-9a-f]{64})/.exec(sent);
    const got = /received (\d+) ([0-9a-f]{64})/.exec(server.output());
    assert.ok(want !== null && got !== null, `${sent} / ${server.output()}`);
    assert.equal(got[1], String(bytes));
    assert.equal(got[2], want[2], 'same bytes arrived');
    const st = await t.status('client');
    assert.equal(st.counters.udpSendErrors, 0, 'no datagram was dropped');
    await t.stop();
  } finally {
    await bed.destroy();
    await files.remove();
  }
});
