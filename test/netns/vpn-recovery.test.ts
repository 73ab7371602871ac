/**
 * Recovery in seconds with real daemons (issue 15, point 5): traffic flows again soon after a 60 s
 * partition of the underlay heals, and a pair that met through a relay moves to the direct path soon
 * after it opens. The protocol's bounds (5 s, 10 s) are asserted on the virtual clock in
 * test/vpn/recovery.test.ts; here, on a shared loaded machine, the bounds have margins and the measured
 * times are reported (t.diagnostic).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Testbed, waitFor, waitForOutput, type NetnsNode } from '../../src/ops/index.js';
import {
  START_TIMEOUT_MS,
  VpnFiles,
  pingOnce,
  startTutorialVpn,
  startVpn,
  tutorialConfig,
  vpnStatus,
} from './vpn-helpers.js';

interface Status {
  nodeId: string;
  peers: { nodeId: string; endpoint?: string; relayedVia?: string }[];
}

/** nftables in `at`'s namespace dropping everything to and from `other`'s underlay address. */
async function blockUnderlay(bed: Testbed, files: VpnFiles, at: NetnsNode, other: NetnsNode): Promise<void> {
  const rules =
    `table inet rmvblock {\n` +
    `  chain in { type filter hook input priority 0; ip saddr ${other.underlay} drop; }\n` +
    `  chain out { type filter hook output priority 0; ip daddr ${other.underlay} drop; }\n` +
    `}\n`;
  const path = await files.config(`block-${at.ns}`, rules);
  await bed.exec(at.ns, 'nft', ['-f', path]);
}

async function unblockUnderlay(bed: Testbed, at: NetnsNode): Promise<void> {
  await bed.exec(at.ns, 'nft', ['delete', 'table', 'inet', 'rmvblock']);
}

/** Pings every 200 ms (each waiting 200 ms) until one is answered; returns the seconds it took. */
async function secondsUntilPing(bed: Testbed, ns: string, target: string, boundMs: number): Promise<number> {
  const start = Date.now();
  await waitFor(`${ns} pings ${target}`, () => pingOnce(bed, ns, target, '0.2'), boundMs, 0);
  return (Date.now() - start) / 1000;
}

test('after a 60 s underlay partition heals, pings cross the tunnel again within seconds', async (t) => {
  const bed = await Testbed.create(2);
  const files = await VpnFiles.create();
  try {
    const [a, b] = [bed.node(0), bed.node(1)];
    const psk = randomBytes(382).toString('base64');
    await startTutorialVpn(bed, files, a, 'a', { psk, overlay: '10.8.0.1' });
    await startTutorialVpn(bed, files, b, 'b', { psk, overlay: '10.8.0.2', initpeer: a.underlay });
    await waitFor('b pings a', () => pingOnce(bed, b.ns, '10.8.0.1'), 45_000, 100);
    await waitFor('a pings b', () => pingOnce(bed, a.ns, '10.8.0.2'), 10_000, 100);

    await blockUnderlay(bed, files, a, b);
    try {
      // Idle, as the bench's partition: longer than the dead-peer timeout (25 s) and most of the
      // redial backoff, after which the old code took ~26 s to find the path again.
      await new Promise((r) => setTimeout(r, 60_000));
      assert.equal(await pingOnce(bed, b.ns, '10.8.0.1'), false, 'the partition holds');
    } finally {
      await unblockUnderlay(bed, a);
    }
    const seconds = await secondsUntilPing(bed, b.ns, '10.8.0.1', 30_000);
    t.diagnostic(`first ping answered ${seconds.toFixed(2)} s after the heal`);
    // 5 s is the protocol's bound (virtual clock); the margin is for a loaded shared machine.
    assert.ok(seconds <= 10, `recovered after ${seconds} s`);
    const back = await secondsUntilPing(bed, a.ns, '10.8.0.2', 30_000);
    assert.ok(back <= 5, `and the other way after ${back} s more`);
  } finally {
    await bed.destroy();
    await files.remove();
  }
});

test('a pair that met through a relay moves to the direct path within seconds of it opening', async (t) => {
  const bed = await Testbed.create(3);
  const files = await VpnFiles.create();
  try {
    const [relay, b, c] = [bed.node(0), bed.node(1), bed.node(2)];
    await blockUnderlay(bed, files, b, c);
    const psk = randomBytes(382).toString('base64');
    await startTutorialVpn(bed, files, relay, 'r', { psk, overlay: '10.8.0.1', extra: 'enablerelay yes\n' });
    await startTutorialVpn(bed, files, b, 'b', { psk, overlay: '10.8.0.2', initpeer: relay.underlay });
    await startTutorialVpn(bed, files, c, 'c', { psk, overlay: '10.8.0.3', initpeer: relay.underlay });
    await waitFor('b pings c through the relay', () => pingOnce(bed, b.ns, '10.8.0.3'), 60_000, 100);
    const relayed = (s: Status): boolean => s.peers.some((p) => p.relayedVia !== undefined);
    assert.ok(relayed(await vpnStatus<Status>(files.socket('b'))), 'b reaches c through the relay');

    await unblockUnderlay(bed, b);
    const opened = Date.now();
    const direct = async (name: string, other: NetnsNode): Promise<boolean> => {
      const s = await vpnStatus<Status>(files.socket(name));
      return s.peers.some((p) => p.endpoint === `${other.underlay}:7000` && p.relayedVia === undefined);
    };
    // A ping a second, as an application would keep some traffic going.
    await waitFor(
      'b and c on the direct path',
      async () => {
        void pingOnce(bed, b.ns, '10.8.0.3', '0.5');
        return (await direct('b', c)) && (await direct('c', b));
      },
      30_000,
      250,
    );
    const seconds = (Date.now() - opened) / 1000;
    t.diagnostic(`both sides direct ${seconds.toFixed(2)} s after the path opened`);
    // 10 s is the protocol's bound (virtual clock; probes every 4 s); the margin is for a loaded machine.
    assert.ok(seconds <= 15, `direct after ${seconds} s`);
    assert.ok(await pingOnce(bed, b.ns, '10.8.0.3'), 'and traffic flows on it');
  } finally {
    await bed.destroy();
    await files.remove();
  }
});

test('a node restarted on another port is reached within seconds, and its peers drop its old identity without a warning', async (t) => {
  const bed = await Testbed.create(3);
  const files = await VpnFiles.create();
  try {
    const [a, b, c] = [bed.node(0), bed.node(1), bed.node(2)];
    const psk = randomBytes(382).toString('base64');
    const vpnA = await startTutorialVpn(bed, files, a, 'a', { psk, overlay: '10.8.0.1' });
    const vpnB = await startTutorialVpn(bed, files, b, 'b', {
      psk,
      overlay: '10.8.0.2',
      initpeer: a.underlay,
    });
    const vpnC = await startTutorialVpn(bed, files, c, 'c', {
      psk,
      overlay: '10.8.0.3',
      initpeer: a.underlay,
    });
    await waitFor('b pings c', () => pingOnce(bed, b.ns, '10.8.0.3'), 45_000, 100);
    const oldB = (await vpnStatus<Status>(files.socket('b'))).nodeId;
    const logMark = { a: vpnA.output().length, c: vpnC.output().length };

    // b dies without a word and comes back with a new identity on another port.
    await bed.kill(vpnB, 'SIGKILL');
    const config = tutorialConfig({ psk, overlay: '10.8.0.2', initpeer: a.underlay }).replace(
      'port 7000',
      'port 7001',
    );
    const restarted = Date.now();
    const vpnB2 = startVpn(bed, b, await files.config('b2', config), files.socket('b2'));
    await waitForOutput(vpnB2, /info started /, START_TIMEOUT_MS);
    for (const target of ['10.8.0.1', '10.8.0.3']) {
      await waitFor(
        `b pings ${target} after its restart`,
        () => pingOnce(bed, b.ns, target, '0.5'),
        30_000,
        0,
      );
    }
    const back = (Date.now() - restarted) / 1000;
    t.diagnostic(`b reaches a and c ${back.toFixed(2)} s after its restart began`);
    const forgot = async (name: string): Promise<boolean> =>
      !(await vpnStatus<Status>(files.socket(name))).peers.some((p) => p.nodeId === oldB);
    await waitFor(
      "a and c drop b's old identity",
      async () => (await forgot('a')) && (await forgot('c')),
      15_000,
      100,
    );
    const dropped = (Date.now() - restarted) / 1000;
    t.diagnostic(`a and c dropped b's old identity ${dropped.toFixed(2)} s after its restart began`);
    // The protocol's bounds (5 s to reach it, 2.5 s to retire the ghost) are asserted on the virtual
    // clock (test/vpn/recovery.test.ts); the old code kept the ghost for DEAD_PEER_TIMEOUT (25 s).
    assert.ok(dropped <= 15, `old identity dropped after ${dropped} s`);
    const b2 = await vpnStatus<Status>(files.socket('b2'));
    assert.ok(!b2.peers.some((p) => p.nodeId === oldB), 'b is not connected to its old identity');
    const warnings = [
      ...vpnA.output().slice(logMark.a).split('\n'),
      ...vpnC.output().slice(logMark.c).split('\n'),
      ...vpnB2.output().split('\n'),
    ].filter((l) => / warn /.test(l));
    assert.deepEqual(warnings, [], 'no warning on either side');
  } finally {
    await bed.destroy();
    await files.remove();
  }
});
