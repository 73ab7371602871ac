/**
 * The VPN shell on its own: the real daemon (config, UDP, TAP, timers, control socket, privilege drop,
 * signals) with a plaintext pass-through engine in front of the seam (fixtures/shell-daemon.ts).
 * What the real engine adds (crypto, handshakes, PSK checks) is tested in vpn-tutorial.test.ts.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Testbed, sh, waitFor, waitForOutput } from '../../src/ops/index.js';
import {
  CLI,
  VpnFiles,
  effectiveUid,
  linkExists,
  pingOnce,
  tutorialConfig,
  vpnStatus,
  START_TIMEOUT_MS,
} from './vpn-helpers.js';

const SHELL_DAEMON = 'dist/test/netns/fixtures/shell-daemon.js';

test('daemon shell: TAP and UDP wired through the seam, status socket, privilege drop, SIGTERM removes the interface', async () => {
  const bed = await Testbed.create(2);
  const files = await VpnFiles.create();
  try {
    const [a, b] = [bed.node(0), bed.node(1)];
    const psk = randomBytes(382).toString('base64');
    // upcmd runs through /bin/sh as root once the interface is configured (PeerVPN semantics).
    const upcmdOut = join(files.dir, 'upcmd.out');
    const confA = await files.config(
      'a',
      tutorialConfig({
        psk,
        overlay: '10.8.0.1',
        extra: `upcmd ip -o -4 addr show dev peervpn0 > ${upcmdOut} && id -u >> ${upcmdOut}\n`,
      }),
    );
    const confB = await files.config('b', tutorialConfig({ psk, overlay: '10.8.0.2', initpeer: a.underlay }));
    const da = bed.spawn(a.ns, process.execPath, [SHELL_DAEMON, confA, files.socket('a')]);
    const db = bed.spawn(b.ns, process.execPath, [SHELL_DAEMON, confB, files.socket('b')]);
    await waitForOutput(da, /info started /, START_TIMEOUT_MS);
    await waitForOutput(db, /info started /, START_TIMEOUT_MS);

    const link = await bed.exec(a.ns, 'ip', ['-o', 'link', 'show', 'dev', 'peervpn0']);
    assert.match(
      link,
      /mtu 1406 /,
      'TAP MTU leaves room for the engine overhead in a 1500-byte underlay, IPv6 headers included',
    );
    assert.match(
      await bed.exec(a.ns, 'ip', ['-o', '-4', 'addr', 'show', 'dev', 'peervpn0']),
      /10\.8\.0\.1\/24/,
    );

    await waitFor('ping 10.8.0.1 from B', () => pingOnce(bed, b.ns, '10.8.0.1'), 5000, 10);
    const flood = await bed.exec(
      b.ns,
      'ping',
      ['-f', '-c', '300', '-W', '1', '-s', '1378', '-M', 'do', '10.8.0.1'],
      20_000,
    );
    assert.match(
      flood,
      /300 packets transmitted, 300 received/,
      'full-MTU frames cross in one datagram each',
    );

    // Privileges dropped to nobody after setup; the tunnel keeps working.
    assert.equal(await effectiveUid(bed, a.ns, da.child.pid ?? -1), 65534);
    assert.match(
      await readFile(upcmdOut, 'utf8'),
      /inet 10\.8\.0\.1\/24 .*\n0\n$/,
      'upcmd saw the address, as root',
    );

    const report = await vpnStatus<{
      interface: string;
      port: number;
      mtu: number;
      peers: { endpoint: string; bytesIn: number }[];
    }>(files.socket('a'));
    assert.equal(report.interface, 'peervpn0');
    assert.equal(report.port, 7000);
    assert.equal(report.mtu, 1406);
    assert.equal(report.peers.length, 1);
    assert.equal(report.peers[0]?.endpoint, `${b.underlay}:7000`);
    assert.ok((report.peers[0]?.bytesIn ?? 0) > 300 * 1378);
    const human = await sh(process.execPath, [CLI, 'vpn', 'status', '--control-socket', files.socket('a')]);
    assert.match(human, /interface peervpn0 .*udp port 7000/);
    assert.match(human, /1 peer\(s\)\n {2}192\.0\.2\.2:7000/);

    assert.equal(await bed.kill(da, 'SIGTERM'), 0);
    assert.match(da.output(), /stopped interface=peervpn0/);
    assert.equal(await linkExists(bed, a.ns, 'peervpn0'), false, 'SIGTERM removed the interface');
    assert.equal(existsSync(files.socket('a')), false, 'and the control socket, though it runs as nobody');
    assert.equal(await pingOnce(bed, b.ns, '10.8.0.1'), false);
  } finally {
    await bed.destroy();
    await files.remove();
  }
});

test('the control socket is removed on a clean stop after a chroot and a drop to nobody, and when the daemon is killed', async () => {
  const bed = await Testbed.create(1);
  const files = await VpnFiles.create();
  try {
    const a = bed.node(0);
    const jail = join(files.dir, 'jail');
    await mkdir(jail);
    const psk = randomBytes(382).toString('base64');
    const conf = await files.config(
      'a',
      tutorialConfig({ psk, overlay: '10.8.0.1', extra: `user nobody\nchroot ${jail}\n` }),
    );
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      const d = bed.spawn(a.ns, process.execPath, [SHELL_DAEMON, conf, files.socket('a')]);
      await waitForOutput(d, /info started /, START_TIMEOUT_MS);
      assert.equal(await effectiveUid(bed, a.ns, d.child.pid ?? -1), 65534);
      assert.ok(existsSync(files.socket('a')), 'the socket is there while it runs');
      await bed.kill(d, signal);
      // The socket's directory is root's and outside the chroot: the daemon cannot remove it itself.
      await waitFor(`control socket removed after ${signal}`, () => !existsSync(files.socket('a')), 5000, 20);
    }
  } finally {
    await bed.destroy();
    await files.remove();
  }
});
