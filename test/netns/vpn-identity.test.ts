/**
 * Revocable node identities with real daemons (issue 15, point 3): three nodes with their own keys
 * (`nodekey`) admitting each other (`allowednodes`); one is removed from the others' lists while it
 * keeps its PSK and its config: it is shut out within one reload (5 s, well inside a rekey interval),
 * the others keep talking, and a node restarted under its node key comes back as the same node.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Testbed, waitFor, waitForOutput } from '../../src/ops/index.js';
import { generateNodeKey, publicKeyOf } from '../../src/vpn/protocol/node-keys.js';
import { START_TIMEOUT_MS, VpnFiles, pingOnce, startVpn, tutorialConfig, vpnStatus } from './vpn-helpers.js';

interface Status {
  nodeId: string;
  publicKey: string;
  identity: string;
  allowedNodes?: number;
  peers: { publicKey: string }[];
  counters: { dropped: { notAllowed: number }; peersRevoked: number };
}

test('a node removed from allowednodes is shut out within seconds while the others keep talking; a node key survives a restart', async (t) => {
  const bed = await Testbed.create(3);
  const files = await VpnFiles.create();
  try {
    const [a, b, c] = [bed.node(0), bed.node(1), bed.node(2)];
    // The daemons drop to nobody: the lists (public keys only) must stay readable to re-read them.
    await chmod(files.dir, 0o755);
    const psk = randomBytes(382).toString('base64');
    const keys = { a: generateNodeKey(), b: generateNodeKey(), c: generateNodeKey() };
    const pub = { a: publicKeyOf(keys.a), b: publicKeyOf(keys.b), c: publicKeyOf(keys.c) };
    const list = (names: ('a' | 'b' | 'c')[]): string => names.map((n) => `${pub[n]} ${n}\n`).join('');
    const start = async (name: 'a' | 'b' | 'c', overlay: string, initpeer?: string) => {
      await writeFile(join(files.dir, `${name}.key`), `${keys[name]}\n`, { mode: 0o600 });
      const allowed = join(files.dir, `${name}.allowed`);
      await writeFile(allowed, list(['a', 'b', 'c']), { mode: 0o644 });
      const extra = `nodekey ${name}.key\nallowednodes ${name}.allowed\n`;
      const config = await files.config(name, tutorialConfig({ psk, overlay, initpeer, extra }));
      const vpn = startVpn(bed, bed.node(['a', 'b', 'c'].indexOf(name)), config, files.socket(name));
      await waitForOutput(vpn, /info started /, START_TIMEOUT_MS);
      return vpn;
    };
    await start('a', '10.8.0.1');
    const vpnB = await start('b', '10.8.0.2', a.underlay);
    await start('c', '10.8.0.3', a.underlay);
    for (const [ns, target] of [
      [b.ns, '10.8.0.1'],
      [c.ns, '10.8.0.1'],
      [b.ns, '10.8.0.3'],
      [c.ns, '10.8.0.2'],
    ] as const) {
      await waitFor(`${ns} pings ${target}`, () => pingOnce(bed, ns, target), 45_000, 100);
    }
    const sa = await vpnStatus<Status>(files.socket('a'));
    assert.equal(sa.publicKey, pub.a);
    assert.equal(sa.identity, 'nodekey');
    assert.equal(sa.allowedNodes, 3);
    assert.deepEqual(sa.peers.map((p) => p.publicKey).sort(), [pub.b, pub.c].sort());

    // Revoke c on a and b (c's own list and its PSK stay as they were: it does not cooperate).
    const revokedAt = Date.now();
    await writeFile(join(files.dir, 'a.allowed'), list(['a', 'b']));
    await writeFile(join(files.dir, 'b.allowed'), list(['a', 'b']));
    const without = async (name: string): Promise<boolean> => {
      const s = await vpnStatus<Status>(files.socket(name));
      return !s.peers.some((p) => p.publicKey === pub.c);
    };
    await waitFor('a and b drop c', async () => (await without('a')) && (await without('b')), 30_000, 200);
    const seconds = (Date.now() - revokedAt) / 1000;
    t.diagnostic(`c shut out by a and b ${seconds.toFixed(2)} s after the lists changed`);
    assert.ok(seconds <= 15, `shut out after ${seconds} s (reload every 5 s; rekey interval 120 s)`);
    // For a while c keeps trying with its PSK: nothing gets through, and a and b keep talking.
    const until = Date.now() + 20_000;
    while (Date.now() < until) {
      assert.equal(await pingOnce(bed, c.ns, '10.8.0.1'), false, 'c reaches a');
      assert.equal(await pingOnce(bed, c.ns, '10.8.0.2'), false, 'c reaches b');
      assert.ok(await pingOnce(bed, b.ns, '10.8.0.1'), 'b reaches a');
    }
    const after = await vpnStatus<Status>(files.socket('a'));
    assert.equal(after.allowedNodes, 2);
    assert.equal(after.counters.peersRevoked, 1);
    assert.ok(after.counters.dropped.notAllowed > 0, "a refused c's attempts");

    // b restarts under its node key: the same node, taken back by a within seconds.
    const nodeIdB = (await vpnStatus<Status>(files.socket('b'))).nodeId;
    await bed.kill(vpnB, 'SIGTERM');
    await writeFile(join(files.dir, 'b.allowed'), list(['a', 'b']));
    const restarted = Date.now();
    await start('b', '10.8.0.2', a.underlay);
    await waitFor('b pings a after its restart', () => pingOnce(bed, b.ns, '10.8.0.1', '0.5'), 30_000, 0);
    t.diagnostic(`b back ${((Date.now() - restarted) / 1000).toFixed(2)} s after its restart began`);
    assert.equal((await vpnStatus<Status>(files.socket('b'))).nodeId, nodeIdB, 'the same NodeID');
    const sa2 = await vpnStatus<Status>(files.socket('a'));
    assert.deepEqual(
      sa2.peers.map((p) => p.publicKey),
      [pub.b],
      'a knows b by the same key',
    );
  } finally {
    await bed.destroy();
    await files.remove();
  }
});
