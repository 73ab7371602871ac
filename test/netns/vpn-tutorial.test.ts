/**
 * The tutorial, for real: two namespaces on a 192.0.2.0/24 underlay, `redmesh vpn` with the tutorial's
 * two PeerVPN configs, then real redis-server master (bound to 127.0.0.1 and 10.8.0.1, requirepass)
 * and replica (replicaof 10.8.0.1 6379, masterauth) replicating through the tunnel, while tcpdump on the
 * underlay veth checks that the replicated value never crosses in clear. Then crash/restart and SIGTERM.
 *
 * The tests of this file share one tunnel and run in order.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  DEAD_PEER_TIMEOUT,
  SILENCE_PROBE_TIMEOUT,
  UNANSWERED_DATA_TIMEOUT,
} from '../../src/vpn/protocol/constants.js';
import type { Spawned, NetnsNode } from '../../src/ops/index.js';
import { Testbed, sh, waitFor, waitForOutput } from '../../src/ops/index.js';
import {
  CLI,
  VpnFiles,
  capture,
  linkExists,
  pingOnce,
  startVpn,
  tutorialConfig,
  vpnStatus,
  START_TIMEOUT_MS,
} from './vpn-helpers.js';

const REDIS_PASSWORD = 'tutorial-requirepass-secret';
/**
 * From the restart (spawn) of a killed node to the first echo reply through the tunnel. The engine's part
 * is at most UNANSWERED_DATA_TIMEOUT plus a round trip; the rest is the daemon's start-up (about a
 * second idle, a few on a loaded host). Far below DEAD_PEER_TIMEOUT, which is what this used to take.
 */
const RESTART_RECOVERY_MS = DEAD_PEER_TIMEOUT * 0.4; // 10 s

/** Fast reachability probe: one echo with a short deadline. */
function reachable(bed: Testbed, ns: string, target: string): Promise<boolean> {
  return pingOnce(bed, ns, target, '0.3');
}

/**
 * The longest time any thread of a process spent runnable but waiting for a CPU, in ms (the second
 * field of /proc/<pid>/task/<tid>/schedstat is that run delay in ns).
 */
async function longestRunDelayMs(pid: number): Promise<number> {
  let longest = 0;
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    const fields = (await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8')).trim().split(/\s+/);
    longest = Math.max(longest, Number(fields[1] ?? 0) / 1e6);
  }
  return Math.round(longest);
}

describe('tutorial: two nodes, redis replication through the tunnel', () => {
  let bed: Testbed;
  let files: VpnFiles;
  let a: NetnsNode;
  let b: NetnsNode;
  let vpnA: Spawned;
  let vpnB: Spawned;
  let confA: string;
  let confB: string;

  before(async () => {
    bed = await Testbed.create(2);
    files = await VpnFiles.create();
    [a, b] = [bed.node(0), bed.node(1)];
  });

  after(async () => {
    await bed.destroy();
    await files.remove();
  });

  /** The tutorial's redis-server on port 6379 in `node`, no persistence, DEBUG allowed, plus `args`. */
  function redisServer(node: NetnsNode, dbfilename: string, args: readonly string[]): Spawned {
    const base = ['--port', '6379', '--save', '', '--appendonly', 'no', '--dir', files.dir];
    return bed.spawn(node.ns, 'redis-server', [
      ...base,
      ...['--dbfilename', dbfilename, '--enable-debug-command', 'local'],
      ...args,
    ]);
  }

  async function redisCli(node: NetnsNode, ...args: string[]): Promise<string> {
    return (await bed.exec(node.ns, 'redis-cli', ['-p', '6379', '--no-auth-warning', ...args])).trim();
  }

  test('(a) the tutorial configs load unchanged and B pings 10.8.0.1 within 3 s of its launch', async (t) => {
    const psk = await sh(process.execPath, [CLI, 'keygen']);
    confA = await files.config('a', tutorialConfig({ psk, overlay: '10.8.0.1' }));
    confB = await files.config('b', tutorialConfig({ psk, overlay: '10.8.0.2', initpeer: a.underlay }));
    vpnA = startVpn(bed, a, confA, files.socket('a'));
    await waitForOutput(vpnA, /info started /, START_TIMEOUT_MS);

    const started = Date.now(); // B's spawn: node's boot, scrypt and the TAP set-up all count
    vpnB = startVpn(bed, b, confB, files.socket('b'));
    // Wait longer than the bound so a failure says how long it did take, and where the time went.
    await waitFor('ping 10.8.0.1 from B', () => reachable(bed, b.ns, '10.8.0.1'), 15_000, 20);
    const elapsed = Date.now() - started;
    const at = (pattern: RegExp): number | undefined => {
      const stamp = pattern.exec(vpnB.output())?.[1];
      return stamp === undefined ? undefined : Date.parse(stamp) - started;
    };
    const engineStarted = at(/^(\S+) info started/m) ?? Number.NaN;
    const breakdown =
      `interface up ${at(/^(\S+) info interface-up/m)} ms, engine started ${engineStarted} ms, ` +
      `peer up ${at(/^(\S+) info peer\.up/m)} ms, ping answered ${elapsed} ms`;
    // On a shared machine the daemon's threads wait for a CPU other processes hold (4 test sessions on
    // 2 cores stretch its ~0.6 s of start-up CPU to several seconds). The kernel counts that wait per
    // thread (schedstat run delay); the longest one is time the daemon could not have used, on any path.
    const stolen = await longestRunDelayMs(vpnB.child.pid ?? 0);
    t.diagnostic(`after spawning B: ${breakdown}; waited for a CPU up to ${stolen} ms`);
    assert.ok(
      elapsed - stolen <= 3000,
      `B's first ping answered more than 3 s after its launch: ${breakdown}, CPU wait ${stolen} ms`,
    );

    const rtt = await bed.exec(b.ns, 'ping', ['-c', '20', '-i', '0.05', '-n', '10.8.0.1'], 10_000);
    assert.match(rtt, /20 packets transmitted, 20 received/);
    t.diagnostic(`ping RTT through the tunnel: ${/rtt (.*)/.exec(rtt)?.[1] ?? '?'}`);

    const status = await vpnStatus<{ peers: { endpoint: string; lastHandshakeAgoMs: number | null }[] }>(
      files.socket('b'),
    );
    assert.equal(status.peers.length, 1);
    assert.equal(status.peers[0]?.endpoint, `${a.underlay}:7000`);
    assert.equal(typeof status.peers[0]?.lastHandshakeAgoMs, 'number');
    assert.match(vpnB.output(), /info started .*interface=peervpn0 mtu=1426/);
  });

  test('(b)+(d) redis replicates through the tunnel; the underlay carries no trace of the value', async (t) => {
    const dir = files.dir;
    const master = redisServer(a, 'a.rdb', [
      '--bind',
      '127.0.0.1 10.8.0.1',
      '--requirepass',
      REDIS_PASSWORD,
      '--tcp-keepalive',
      '60',
    ]);
    await waitFor(
      'master up',
      async () => (await redisCli(a, '-a', REDIS_PASSWORD, 'PING').catch(() => '')) === 'PONG',
      5000,
    );
    await redisCli(a, '-a', REDIS_PASSWORD, 'DEBUG', 'POPULATE', '2000', 'key', '64');

    // Captures on B: the underlay veth (must never show the value) and the TAP (must: proves it crossed).
    const underlayPcap = join(dir, 'underlay.pcap');
    const tapPcap = join(dir, 'tap.pcap');
    const [dumpUnderlay, dumpTap] = await Promise.all([
      capture(bed, b.ns, b.veth, underlayPcap),
      capture(bed, b.ns, 'peervpn0', tapPcap),
    ]);

    const replica = redisServer(b, 'b.rdb', [
      '--bind',
      '127.0.0.1',
      '--replicaof',
      '10.8.0.1 6379',
      '--masterauth',
      REDIS_PASSWORD,
    ]);
    const linkUp = await waitFor(
      'master_link_status:up',
      async () => /master_link_status:up/.test(await redisCli(b, 'INFO', 'replication').catch(() => '')),
      15_000,
      100,
    );
    t.diagnostic(`replica link up ${linkUp} ms after starting the replica (2000 keys full sync)`);

    const marker = `RMV-PLAINTEXT-${randomBytes(12).toString('hex')}`;
    await redisCli(a, '-a', REDIS_PASSWORD, 'SET', 'tutorial:secret', marker);
    await waitFor(
      'value replicated',
      async () => (await redisCli(b, 'GET', 'tutorial:secret')) === marker,
      5000,
    );
    await waitFor(
      'replica caught up',
      async () =>
        (await redisCli(a, '-a', REDIS_PASSWORD, 'DEBUG', 'DIGEST')) ===
        (await redisCli(b, 'DEBUG', 'DIGEST')),
      5000,
    );
    assert.equal(await redisCli(b, 'DBSIZE'), '2001');

    // tcpdump writes with -U, but a packet may still sit in its capture buffer: wait until the TAP
    // capture shows the value (it crossed while both captures ran), then stop both.
    await waitFor(
      'the value in the TAP capture',
      async () => (await readFile(tapPcap)).includes(marker),
      5000,
      100,
    );
    await bed.kill(dumpUnderlay, 'SIGTERM');
    await bed.kill(dumpTap, 'SIGTERM');
    const underlay = await readFile(underlayPcap);
    const tap = await readFile(tapPcap);
    assert.ok(tap.includes(marker), 'the value crossed the tunnel while tcpdump ran (seen on the TAP)');
    // Every frame seen on the TAP crossed the underlay inside a larger datagram.
    assert.ok(
      underlay.length > tap.length,
      `underlay capture ${underlay.length} B, TAP capture ${tap.length} B`,
    );
    assert.equal(underlay.includes(marker), false, 'the value appears in clear on the underlay');
    assert.equal(
      underlay.includes(REDIS_PASSWORD),
      false,
      'the redis password appears in clear on the underlay',
    );
    assert.equal(underlay.includes('master_replid'), false);
    assert.equal(underlay.includes('REPLCONF'), false);
    // Done with redis: stop both while the tunnel is up, so their connection closes cleanly and the
    // replica does not keep dialling 10.8.0.1 through the restarts below (the idle test needs B idle).
    await bed.kill(replica, 'SIGTERM');
    await bed.kill(master, 'SIGTERM');
  });

  /**
   * kill -9 of one node, restart with the same config (a new identity at the same endpoint), while the
   * other node pings it through the tunnel: the first echo reply must come within RESTART_RECOVERY_MS
   * of the restart (the spawn), far below the dead-peer timeout. With `pinger: 'restarted'` the
   * survivor stays idle (keepalives only) and the restarted node pings it instead.
   */
  async function killRestartAndPing(
    t: { diagnostic(message: string): void },
    victim: 'a' | 'b',
    pinger: 'survivor' | 'restarted' = 'survivor',
    protocolBound = UNANSWERED_DATA_TIMEOUT + 2000,
    totalBound = RESTART_RECOVERY_MS,
  ): Promise<number> {
    const [node, conf, survivor] = victim === 'a' ? [a, confA, b] : [b, confB, a];
    const [from, target] =
      pinger === 'survivor'
        ? [survivor, victim === 'a' ? '10.8.0.1' : '10.8.0.2']
        : [node, victim === 'a' ? '10.8.0.2' : '10.8.0.1'];
    const macBefore = await bed.exec(node.ns, 'cat', ['/sys/class/net/peervpn0/address']);
    await bed.kill(victim === 'a' ? vpnA : vpnB, 'SIGKILL');
    await waitFor('interface gone', async () => !(await linkExists(bed, node.ns, 'peervpn0')), 5000);
    if (pinger === 'survivor') {
      assert.equal(await reachable(bed, from.ns, target), false, `${victim} is really down`);
    }

    const restarted = Date.now();
    const vpn = startVpn(bed, node, conf, files.socket(victim));
    if (victim === 'a') vpnA = vpn;
    else vpnB = vpn;
    await waitFor(`ping ${target} from ${from.ns}`, () => reachable(bed, from.ns, target), 30_000, 20);
    const took = Date.now() - restarted;
    const startedLine = /^(\S+) info started/m.exec(vpn.output())?.[1];
    const startup = startedLine === undefined ? Number.NaN : Date.parse(startedLine) - restarted;
    const stolen = await longestRunDelayMs(vpn.child.pid ?? 0);
    t.diagnostic(
      `kill -9 of ${victim}: first echo reply ${took} ms after the restart (daemon started after ${startup} ms, ` +
        `waited for a CPU up to ${stolen} ms)`,
    );
    assert.equal(
      await bed.exec(node.ns, 'cat', ['/sys/class/net/peervpn0/address']),
      macBefore,
      'same MAC after restart, so the ARP entry of the survivor stays valid',
    );
    const where = `restarted ${victim} at ${new Date(restarted).toISOString()}:\n${vpn.output()}`;
    // The protocol's part, from the restarted daemon's `started` line: one probe interval and a round trip.
    assert.ok(
      took - startup <= protocolBound,
      `first echo reply ${took - startup} ms after the daemon started; ${where}`,
    );
    assert.ok(took - stolen <= totalBound, `traffic resumed only ${took} ms after the restart; ${where}`);
    const restartedNode = await vpnStatus<{ nodeId: string }>(files.socket(victim));
    const view = await vpnStatus<{ peers: { nodeId: string }[] }>(files.socket(victim === 'a' ? 'b' : 'a'));
    assert.deepEqual(
      view.peers.map((p) => p.nodeId),
      [restartedNode.nodeId],
      'the survivor dropped the old identity at once',
    );
    return took;
  }

  test('(e) kill -9 of the dialling node B and restart: A pings B again within seconds', async (t) => {
    await killRestartAndPing(t, 'b');
    assert.match(vpnA.output(), /peer\.down .*reason=.*restarted/, 'A logged why it dropped the old B');
  });

  test('(e) kill -9 of the listening node A and restart: B pings A again within seconds', async (t) => {
    // A has no initpeers (the tutorial's master): B's unanswered pings make it say hello at A's endpoint.
    await killRestartAndPing(t, 'a');
    assert.match(vpnB.output(), /peer\.down .*reason=.*restarted/, 'B logged why it dropped the old A');
  });

  test('(e) kill -9 of A next to an idle B and restart: A pings B again well before the dead-peer timeout', async (t) => {
    // B's kernel sends nothing (its redis replica was stopped after (b)); B's engine sends keepalives
    // and, every PEERINFO_INTERVAL, peer exchange. It probes A's endpoint after SILENCE_PROBE_TIMEOUT
    // of silence, or UNANSWERED_DATA_TIMEOUT after a peer exchange went unanswered, whichever is first.
    await killRestartAndPing(t, 'a', 'restarted', SILENCE_PROBE_TIMEOUT + 2000, DEAD_PEER_TIMEOUT * 0.7);
  });

  test('(f) SIGTERM stops cleanly and removes the interface', async () => {
    assert.equal(await linkExists(bed, a.ns, 'peervpn0'), true);
    assert.equal(await bed.kill(vpnA, 'SIGTERM'), 0);
    assert.match(vpnA.output(), /info stopped interface=peervpn0/);
    assert.equal(await linkExists(bed, a.ns, 'peervpn0'), false);
  });
});
