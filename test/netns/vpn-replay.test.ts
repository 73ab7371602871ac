/**
 * Replay and tampering on the real wire. tcpdump captures the tunnel's UDP packets on the underlay
 * while two nodes connect and ping; then a third namespace (the attacker, 192.0.2.3) sends captured
 * data packets again, bit-flipped copies of one, the captured hello and the captured handshake
 * initiation. Every one must be dropped and counted by reason in `redmesh vpn status --json`, nothing
 * may come back to the attacker (tcpdump in its namespace), and the real traffic keeps working.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  MESSAGE_HANDSHAKE_INITIATION,
  MESSAGE_HELLO,
  MESSAGE_TRANSPORT,
  TRANSPORT_OVERHEAD,
} from '../../src/vpn/protocol/constants.js';
import { TransportKind } from '../../src/vpn/protocol/transport.js';
import { HELLO } from '../../src/vpn/protocol/messages.js';
import { udpDatagrams, type CapturedDatagram } from './pcap.js';
import { Testbed, waitFor, type NetnsNode } from '../../src/ops/index.js';
import { VpnFiles, capture, pingOnce, startTutorialVpn, vpnStatus } from './vpn-helpers.js';

interface Dropped {
  readonly rateLimited: number;
  readonly replay: number;
  readonly badAuth: number;
  readonly unknownIndex: number;
  readonly handshakeReplay: number;
  readonly malformed: number;
  readonly wrongNetwork: number;
  readonly handshakeFailed: number;
}

interface Status {
  readonly peers: readonly { readonly endpoint?: string }[];
  readonly counters: {
    readonly dropped: Dropped;
    readonly handshakesProcessed: number;
    readonly cookieRepliesSent: number;
  };
}

/**
 * Sends datagrams from the attacker's namespace with node's dgram, one socket on UDP port 7000 (the
 * port a node would use), in order, each `times` times (default once); exits when all are sent.
 */
async function sendFrom(
  bed: Testbed,
  node: NetnsNode,
  datagrams: readonly { to: string; bytes: Buffer; times?: number }[],
) {
  const script = `
    const dgram = require('node:dgram');
    const items = JSON.parse(process.argv[1]);
    const s = dgram.createSocket('udp4');
    s.bind(7000, '${node.underlay}', () => {
      let i = 0;
      const next = () => {
        if (i === items.length) return s.close();
        const it = items[i];
        if (--it.times <= 0) i++;
        s.send(Buffer.from(it.hex, 'hex'), 7000, it.to, (err) => { if (err) throw err; next(); });
      };
      next();
    });`;
  const items = datagrams.map((d) => ({ to: d.to, hex: d.bytes.toString('hex'), times: d.times ?? 1 }));
  await bed.exec(node.ns, process.execPath, ['-e', script, JSON.stringify(items)]);
}

function flipBit(bytes: Buffer, bit: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[bit >> 3]! ^= 1 << (bit & 7);
  return copy;
}

/** ping's default echo request: 56 data + 8 ICMP + 20 IP + 14 Ethernet, plus TRANSPORT_OVERHEAD. */
const ECHO_REQUEST_DATAGRAM = 56 + 8 + 20 + 14 + TRANSPORT_OVERHEAD;

const delta = (after: Dropped, before: Dropped, k: keyof Dropped): number => after[k] - before[k];

test('captured packets replayed and bit-flipped on the wire are dropped and counted; a replayed handshake gets no answer', async () => {
  const bed = await Testbed.create(3);
  const files = await VpnFiles.create();
  try {
    const [a, b, x] = [bed.node(0), bed.node(1), bed.node(2)];
    const psk = randomBytes(382).toString('base64');
    const underlayPcap = join(files.dir, 'underlay.pcap');
    // Capture from before the tunnel exists, so the hello and the handshake are on it too.
    const dump = await capture(bed, a.ns, a.veth, underlayPcap, 'udp port 7000');
    const sockA = files.socket('a');
    const sockB = files.socket('b');
    await startTutorialVpn(bed, files, a, 'a', { psk, overlay: '10.8.0.1' });
    await startTutorialVpn(bed, files, b, 'b', { psk, overlay: '10.8.0.2', initpeer: a.underlay });
    await waitFor('b pings 10.8.0.1', () => pingOnce(bed, b.ns, '10.8.0.1'), 15_000, 50);
    const pings = await bed.exec(b.ns, 'ping', ['-c', '5', '-i', '0.1', '-n', '10.8.0.1'], 10_000);
    assert.match(pings, /5 packets transmitted, 5 received/);

    // The capture holds what crossed the underlay: pick data packets b → a, b's hello, the initiation.
    await bed.kill(dump, 'SIGTERM'); // tcpdump flushes its file and exits
    const wire = udpDatagrams(await readFile(underlayPcap));
    const fromB = (d: CapturedDatagram): boolean => d.src === b.underlay && d.dst === a.underlay;
    // Exact sizes only: when the receiving socket asks for UDP GRO, the veth may merge back-to-back
    // datagrams of one flow into one packet, and tcpdump sees them as one longer UDP payload.
    const dataBtoA = wire.filter(
      (d) =>
        fromB(d) &&
        d.payload[0] === MESSAGE_TRANSPORT &&
        d.payload[1] === TransportKind.frame &&
        d.payload.length === ECHO_REQUEST_DATAGRAM,
    );
    const hello = wire.find(
      (d) => fromB(d) && d.payload[0] === MESSAGE_HELLO && d.payload.length === HELLO.size,
    );
    const initiation = wire.find(
      (d) => d.payload[0] === MESSAGE_HANDSHAKE_INITIATION && d.payload.length === 148,
    );
    const seen = wire.map((d) => `${d.src}>${d.dst}:${d.payload[0]}/${d.payload[1]}`).join(' ');
    assert.ok(dataBtoA.length >= 5, `captured ${dataBtoA.length} data packets from b: ${seen}`);
    assert.ok(hello !== undefined, 'captured b’s hello');
    assert.ok(initiation !== undefined, 'captured the handshake initiation');
    const replayed = dataBtoA.slice(-5);
    const victim = replayed[0]!.payload;
    // Bit flips in the authenticated header (kind, counter), the ciphertext and the tag: the AEAD
    // rejects all four; a flipped receiver index names no session.
    const badAuthFlips = [8 * 1, 8 * 9 + 3, 8 * 40, 8 * (victim.length - 1) + 7].map((bit) =>
      flipBit(victim, bit),
    );
    const indexFlip = flipBit(victim, 8 * 5 + 2);

    const beforeA = (await vpnStatus<Status>(sockA)).counters.dropped;
    const beforeB = (await vpnStatus<Status>(sockB)).counters.dropped;
    const attackerPcap = join(files.dir, 'attacker.pcap');
    const attackerDump = await capture(bed, x.ns, x.veth, attackerPcap, `ip and dst host ${x.underlay}`);
    const toA = (bytes: Buffer): { to: string; bytes: Buffer } => ({ to: a.underlay, bytes });
    await sendFrom(bed, x, [
      ...replayed.map((d) => toA(d.payload)),
      ...badAuthFlips.map(toA),
      toA(indexFlip),
      toA(hello.payload),
      { to: initiation.dst, bytes: initiation.payload },
    ]);

    const initiationVictim = initiation.dst === a.underlay ? 'a' : 'b';
    const expectA = {
      replay: replayed.length,
      badAuth: badAuthFlips.length,
      unknownIndex: 1,
      handshakeReplay: initiationVictim === 'a' ? 2 : 1,
    };
    let afterA = beforeA;
    let afterB = beforeB;
    await waitFor(
      'every injected packet counted',
      async () => {
        afterA = (await vpnStatus<Status>(sockA)).counters.dropped;
        afterB = (await vpnStatus<Status>(sockB)).counters.dropped;
        const handshakeReplays =
          delta(afterA, beforeA, 'handshakeReplay') + delta(afterB, beforeB, 'handshakeReplay');
        return (
          delta(afterA, beforeA, 'replay') >= expectA.replay &&
          delta(afterA, beforeA, 'badAuth') >= expectA.badAuth &&
          delta(afterA, beforeA, 'unknownIndex') >= expectA.unknownIndex &&
          handshakeReplays >= 2
        );
      },
      15_000, // each poll runs two `redmesh vpn status` processes: slow on a loaded host
      100,
    ).catch((err: Error) => {
      throw new Error(
        `${err.message}; a: ${JSON.stringify(afterA)} was ${JSON.stringify(beforeA)}; ` +
          `b: ${JSON.stringify(afterB)} was ${JSON.stringify(beforeB)}; initiation to ${initiationVictim}`,
      );
    });
    assert.equal(delta(afterA, beforeA, 'replay'), expectA.replay, 'replayed data packets');
    assert.equal(delta(afterA, beforeA, 'badAuth'), expectA.badAuth, 'bit-flipped data packets');
    assert.equal(delta(afterA, beforeA, 'unknownIndex'), expectA.unknownIndex, 'flipped receiver index');
    assert.equal(
      delta(afterA, beforeA, 'handshakeReplay'),
      expectA.handshakeReplay,
      'hello (and initiation)',
    );
    assert.equal(
      delta(afterB, beforeB, 'handshakeReplay'),
      initiationVictim === 'b' ? 1 : 0,
      'replayed initiation',
    );
    for (const k of ['malformed', 'wrongNetwork', 'handshakeFailed'] as const) {
      assert.equal(delta(afterA, beforeA, k) + delta(afterB, beforeB, k), 0, `no ${k} drops`);
    }

    // Real traffic keeps working, and b was not moved to the attacker's address by any of it.
    const after = await bed.exec(b.ns, 'ping', ['-c', '5', '-i', '0.1', '-n', '10.8.0.1'], 10_000);
    assert.match(after, /5 packets transmitted, 5 received/);
    assert.deepEqual(
      (await vpnStatus<Status>(sockA)).peers.map((p) => p.endpoint),
      [`${b.underlay}:7000`],
    );
    assert.deepEqual(
      (await vpnStatus<Status>(sockB)).peers.map((p) => p.endpoint),
      [`${a.underlay}:7000`],
    );

    // A flood of the captured initiation from the one attacker address: only its per-IP rate gets any
    // Diffie-Hellman work, it never puts the node under load (no cookie replies), and nothing answers.
    const victimSocket = initiationVictim === 'a' ? sockA : sockB;
    const beforeFlood = (await vpnStatus<Status>(victimSocket)).counters;
    const FLOOD = 2000;
    const floodStart = Date.now();
    await sendFrom(bed, x, [{ to: initiation.dst, bytes: initiation.payload, times: FLOOD }]);
    const floodSeconds = (Date.now() - floodStart) / 1000;
    let afterFlood = beforeFlood;
    await waitFor(
      'the flood counted',
      async () => {
        afterFlood = (await vpnStatus<Status>(victimSocket)).counters;
        const d = afterFlood.dropped;
        const b0 = beforeFlood.dropped;
        return d.rateLimited - b0.rateLimited + d.handshakeReplay - b0.handshakeReplay >= FLOOD;
      },
      15_000,
      100,
    );
    const processed = afterFlood.handshakesProcessed - beforeFlood.handshakesProcessed;
    // Burst 5, then 20 per second (+1 s of slack for the status polls' timing).
    assert.ok(
      processed <= 5 + 20 * (floodSeconds + 1),
      `${processed} initiations got DH work in ${floodSeconds} s`,
    );
    assert.ok(afterFlood.dropped.rateLimited - beforeFlood.dropped.rateLimited >= FLOOD - processed);
    assert.equal(afterFlood.cookieRepliesSent, beforeFlood.cookieRepliesSent, 'never under load');
    assert.match(
      await bed.exec(b.ns, 'ping', ['-c', '3', '-i', '0.1', '-n', '10.8.0.1'], 10_000),
      /3 packets transmitted, 3 received/,
    );

    // Nothing came back to the attacker. Any answer would have been sent while the packet was handled,
    // i.e. before the counters above moved and before the pings since; tcpdump writes with -U.
    await bed.kill(attackerDump, 'SIGTERM');
    const answers = udpDatagrams(await readFile(attackerPcap));
    assert.equal(answers.length, 0, `the attacker got answers: ${JSON.stringify(answers.map((d) => d.src))}`);
    const raw = await readFile(attackerPcap);
    assert.equal(raw.length, 24, 'no packet of any kind was sent to the attacker');
  } finally {
    await bed.destroy();
    await files.remove();
  }
});
