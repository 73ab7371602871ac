/**
 * In-process cost of the VPN engine's data path (no sockets, no TAP), in CPU microseconds per packet:
 *   - AEAD seal/open of a 1400-byte payload: sodium-native (what we use) vs node:crypto createCipheriv;
 *   - the whole engine path: frame from TAP → seal → datagram → open → replay check → frame to TAP;
 *   - one complete handshake (both sides), and what a handshake flood costs per packet under load.
 *
 * Usage: node dist/bench/vpn-engine.js [--seconds 2]
 * Uses process.cpuUsage, so time-sharing with other jobs inflates wall time but barely the CPU figures.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { TransportKind, openTransport, sealTransport } from '../src/vpn/protocol/transport.js';
import { VpnEngine, type EngineIO, type UdpEndpoint } from '../src/vpn/engine/index.js';
import { FakeNetwork, connectedTo, ethernetFrame, networkKey } from '../test/vpn/mesh-harness.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '2' } } });
const seconds = Number(values.seconds);

function measure(name: string, op: () => void): number {
  const end = Date.now() + seconds * 1000;
  const cpu0 = process.cpuUsage();
  let n = 0;
  while (Date.now() < end) {
    for (let i = 0; i < 256; i++) op();
    n += 256;
  }
  const cpu = process.cpuUsage(cpu0);
  const us = (cpu.user + cpu.system) / n;
  console.log(
    `${name.padEnd(58)} ${us.toFixed(2).padStart(7)} µs CPU/op  ${Math.round(1e6 / us).toLocaleString('en')} ops/CPU-s`,
  );
  return us;
}

const key = randomBytes(32);
const payload = randomBytes(1400);
const sealed = sealTransport(key, 1, 1, TransportKind.frame, payload);
let counter = 0;
measure('seal 1400 B, sodium-native (transport.ts)', () => {
  sealTransport(key, 1, counter++, TransportKind.frame, payload);
});
measure('open 1400 B, sodium-native (transport.ts)', () => {
  openTransport(key, sealed);
});
measure('seal 1400 B, node:crypto createCipheriv per packet', () => {
  const nonce = Buffer.alloc(12);
  nonce.writeUInt32LE(counter++, 4);
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  c.setAAD(sealed.subarray(0, 16), { plaintextLength: payload.length });
  Buffer.concat([c.update(payload), c.final(), c.getAuthTag()]);
});

// Whole engine path between two connected engines, wired back to back with a minimal I/O.
const nk = await networkKey('BENCH', 'bench psk');
const queue: { to: VpnEngine; from: UdpEndpoint; bytes: Uint8Array }[] = [];
let delivered = 0;
const engines: VpnEngine[] = [];
const endpoints: UdpEndpoint[] = [
  { address: '192.0.2.1', port: 7000 },
  { address: '192.0.2.2', port: 7000 },
];
for (const i of [0, 1]) {
  const io: EngineIO = {
    sendDatagram: (to, bytes) =>
      queue.push({ to: engines[to.address === '192.0.2.1' ? 0 : 1]!, from: endpoints[i]!, bytes }),
    writeFrame: () => {
      delivered += 1;
    },
    log: () => {},
  };
  engines.push(
    new VpnEngine({ networkName: 'BENCH', psk: 'bench psk', tunneling: true, relay: false }, nk, io),
  );
}
const [ea, eb] = engines as [VpnEngine, VpnEngine];
eb.addInitPeer(endpoints[0]!);
ea.start(0);
eb.start(0);
const pump = (): void => {
  for (let i = 0; i < 1000 && queue.length > 0; i++) {
    const d = queue.shift()!;
    d.to.onDatagram(d.from, d.bytes, 10);
  }
};
eb.onTimer(0);
pump();
eb.onFrame(ethernetFrame('ff:ff:ff:ff:ff:ff', '02:00:00:00:00:0b', randomBytes(50)), 10);
pump();
const frame = ethernetFrame('02:00:00:00:00:0b', '02:00:00:00:00:0a', randomBytes(1400));
measure('engine path: A.onFrame → seal → B.onDatagram → open → writeFrame', () => {
  ea.onFrame(frame, 10);
  const d = queue.pop()!;
  d.to.onDatagram(d.from, d.bytes, 10);
});
console.log(`  frames delivered: ${delivered}, drops at B: ${JSON.stringify(eb.counters().dropped)}`);

// A handshake flood: replays of a valid initiation (valid MAC1) from ever-changing source ports.
// Once under load, each costs MAC1 + MAC2 checks and a 64-byte cookie reply, no Diffie-Hellman.
const victim = queueInitiationVictim();
let port = 1;
measure('flooded initiation (valid MAC1) answered by a cookie reply', () => {
  victim.engine.onDatagram({ address: '198.51.100.1', port: (port++ % 60000) + 1 }, victim.initiation, 20);
  queue.length = 0;
});
console.log(`  DH work done during the flood: ${victim.engine.counters().handshakesProcessed} handshakes`);

function queueInitiationVictim(): { engine: VpnEngine; initiation: Uint8Array } {
  // A fresh node says hello to A; A answers by initiating: that initiation is the flood's payload.
  const fresh = new VpnEngine({ networkName: 'BENCH', psk: 'bench psk', tunneling: true, relay: false }, nk, {
    sendDatagram: (to, bytes) => queue.push({ to: ea, from: { address: '192.0.2.9', port: 7000 }, bytes }),
    writeFrame: () => {},
    log: () => {},
  });
  fresh.addInitPeer(endpoints[0]!);
  fresh.start(0);
  fresh.onTimer(0);
  const hello = queue.shift()!;
  queue.length = 0;
  ea.onDatagram(hello.from, hello.bytes, 10); // A now initiates to the fresh node: capture that
  const init = queue.find((d) => d.bytes[0] === 1)!;
  queue.length = 0;
  return { engine: fresh, initiation: init.bytes };
}

// Handshake cost: a fresh pair each time (hello, initiation, response, keepalive).
const hsStart = process.cpuUsage();
let pairs = 0;
for (; pairs < 20; pairs++) {
  const n = new FakeNetwork();
  const x = await n.addNode('x');
  const y = await n.addNode('y', {}, [x]);
  n.runUntil(() => connectedTo(x, y) && connectedTo(y, x), 5_000);
}
const hs = process.cpuUsage(hsStart);
console.log(
  `${'complete handshake, both sides (incl. engine setup)'.padEnd(58)} ${((hs.user + hs.system) / pairs / 1000).toFixed(2).padStart(7)} ms CPU`,
);
