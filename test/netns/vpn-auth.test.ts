/**
 * Membership: a node with the wrong PSK, or the right PSK under another network name, never joins,
 * while a node with the right pair joins the same node in the same window (the control that makes the
 * "never" meaningful), and the refused packets are seen and counted by the engine.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Testbed, waitFor, waitForOutput } from '../../src/ops/index.js';
import { VpnFiles, pingOnce, startVpn, tutorialConfig, vpnStatus, START_TIMEOUT_MS } from './vpn-helpers.js';

interface Status {
  peers: { endpoint: string }[];
  counters: { dropped?: { wrongNetwork?: number } };
}

test('(c) wrong PSK and wrong network name never join; the right pair does', async () => {
  const bed = await Testbed.create(4);
  const files = await VpnFiles.create();
  try {
    const [a, good, wrongPsk, wrongName] = [bed.node(0), bed.node(1), bed.node(2), bed.node(3)];
    const psk = randomBytes(382).toString('base64');
    const otherPsk = randomBytes(382).toString('base64');
    const conf = async (
      name: string,
      overlay: string,
      key: string,
      networkname = 'redisrepl',
      initpeer?: string,
    ) =>
      files.config(
        name,
        tutorialConfig({ psk: key, overlay, networkname, ...(initpeer === undefined ? {} : { initpeer }) }),
      );
    const vpnA = startVpn(bed, a, await conf('a', '10.8.0.1', psk), files.socket('a'));
    await waitForOutput(vpnA, /info started /, START_TIMEOUT_MS);
    const starts = [
      startVpn(bed, good, await conf('good', '10.8.0.2', psk, 'REDISREPL', a.underlay), files.socket('good')),
      startVpn(
        bed,
        wrongPsk,
        await conf('wpsk', '10.8.0.3', otherPsk, 'redisrepl', a.underlay),
        files.socket('wpsk'),
      ),
      startVpn(
        bed,
        wrongName,
        await conf('wname', '10.8.0.4', psk, 'redisrep1', a.underlay),
        files.socket('wname'),
      ),
    ];
    for (const s of starts) await waitForOutput(s, /info started /, START_TIMEOUT_MS);

    // Same network under PeerVPN's name normalisation (REDISREPL = redisrepl): joins.
    await waitFor('good node joins', () => pingOnce(bed, good.ns, '10.8.0.1'), 5000, 50);

    // Give the others the same chance plus several redial rounds, then check they never got in.
    const deadline = Date.now() + 6000;
    while (Date.now() < deadline) {
      assert.equal(await pingOnce(bed, wrongPsk.ns, '10.8.0.1'), false, 'wrong PSK reached the overlay');
      assert.equal(
        await pingOnce(bed, wrongName.ns, '10.8.0.1'),
        false,
        'wrong network name reached the overlay',
      );
    }
    const statusA = await vpnStatus<Status>(files.socket('a'));
    assert.deepEqual(
      statusA.peers.map((p) => p.endpoint),
      [`${good.underlay}:7000`],
      'A lists only the good node',
    );
    assert.ok((statusA.counters.dropped?.wrongNetwork ?? 0) >= 2, 'A saw and refused both outsiders');
    for (const outsider of ['wpsk', 'wname']) {
      const s = await vpnStatus<Status>(files.socket(outsider));
      assert.equal(s.peers.length, 0, `${outsider} has no peer`);
    }
  } finally {
    await bed.destroy();
    await files.remove();
  }
});
