/**
 * A node killed and restarted with the same config (new identity, same endpoint): traffic must resume
 * within seconds of the restart, whichever node it was — well inside DEAD_PEER_TIMEOUT — without the
 * restarted node ever answering a packet it cannot authenticate. In memory, on a virtual clock.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import {
  DEAD_PEER_TIMEOUT,
  MESSAGE_HANDSHAKE_INITIATION,
  MESSAGE_HELLO,
  MESSAGE_TRANSPORT,
  PASSIVE_KEEPALIVE_TIMEOUT,
  SILENCE_PROBE_TIMEOUT,
  UNANSWERED_DATA_TIMEOUT,
  UNROUTED_FRAME_HOLD_TIME,
} from '../../src/vpn/protocol/constants.js';
import {
  BROADCAST,
  FakeNetwork,
  connectedTo,
  containsBytes,
  ethernetFrame,
  type Node,
} from './mesh-harness.js';

const MAC_A = '02:00:00:00:00:0a';
const MAC_B = '02:00:00:00:00:0b';
const PING_INTERVAL = 200;
/** What "traffic resumes quickly" means here: a few seconds, far below DEAD_PEER_TIMEOUT (25 s). */
const RECOVERY_BOUND = UNANSWERED_DATA_TIMEOUT + 2_000;

const key = (n: Node): string => `${n.endpoint.address}:${n.endpoint.port}`;

/** Two connected nodes that have each seen a frame of the other (so each has learned the other's MAC). */
async function tutorialPair(net: FakeNetwork): Promise<[Node, Node]> {
  const a = await net.addNode('a'); // the tutorial's master: no initpeers
  const b = await net.addNode('b', {}, [a]);
  net.runUntil(() => connectedTo(a, b) && connectedTo(b, a), 5_000);
  a.engine.onFrame(ethernetFrame(BROADCAST, MAC_A, randomBytes(28)), net.now);
  b.engine.onFrame(ethernetFrame(BROADCAST, MAC_B, randomBytes(28)), net.now);
  net.run(10);
  return [a, b];
}

/**
 * `from` sends a unicast frame to `dstMac` every PING_INTERVAL (as ping does) until `to` has received
 * one; returns how long that took.
 */
function pingUntilDelivered(net: FakeNetwork, from: Node, to: Node, dstMac: string, srcMac: string): number {
  const marker = randomBytes(16);
  let nextPing = net.now;
  return net.runUntil(() => {
    if (to.frames.some((f) => containsBytes(f, marker))) return true;
    if (net.now >= nextPing) {
      from.engine.onFrame(ethernetFrame(dstMac, srcMac, marker), net.now);
      nextPing = net.now + PING_INTERVAL;
    }
    return false;
  }, DEAD_PEER_TIMEOUT + 10_000);
}

test('the listening node (no initpeers) restarts: the survivor sending data finds it within seconds', async () => {
  const net = new FakeNetwork();
  const [a, b] = await tutorialPair(net);
  net.kill(a);
  net.run(3_000); // down for a while; b notices nothing yet (no data)
  const restartedAt = net.now;
  const wireMark = net.wire.length;
  const a2 = await net.addNode('a2', {}, [], a.endpoint);
  const took = pingUntilDelivered(net, b, a2, MAC_A, MAC_B);
  assert.ok(took <= RECOVERY_BOUND, `b's frames reach the restarted a ${took} ms after its restart`);
  assert.ok(net.now - restartedAt < DEAD_PEER_TIMEOUT);
  // The old a was replaced at once, not after the dead-peer timeout: b has one peer, the new one.
  assert.deepEqual(
    b.engine.status().map((s) => s.nodeId),
    [a2.engine.nodeId],
  );
  assert.ok(
    b.logs.some((l) => l.event === 'peer.down' && /restarted/.test(String(l.fields?.reason))),
    'b logged why it dropped the old a',
  );
  // The restarted node answered nothing it could not authenticate: its first datagram to b is the
  // IK initiation it started after b's hello reached it.
  const after = net.wire.slice(wireMark);
  const firstFromA2 = after.findIndex((d) => key(a2) === `${d.from.address}:${d.from.port}`);
  const helloFromB = after.findIndex(
    (d) => d.bytes[0] === MESSAGE_HELLO && `${d.from.address}:${d.from.port}` === key(b),
  );
  assert.ok(helloFromB >= 0 && helloFromB < firstFromA2, 'b said hello before a2 sent anything');
  assert.equal(after[firstFromA2]?.bytes[0], MESSAGE_HANDSHAKE_INITIATION);
  assert.ok(a2.engine.counters().dropped.unknownIndex > 0, 'a2 dropped b packets for the old session');
  // And the other direction works at once.
  const back = pingUntilDelivered(net, a2, b, MAC_B, MAC_A);
  assert.ok(back <= 100, `a2 reaches b in ${back} ms`);
});

test('the dialling node (with initpeers) restarts: traffic both ways resumes within seconds', async () => {
  const net = new FakeNetwork();
  const [a, b] = await tutorialPair(net);
  net.kill(b);
  net.run(3_000);
  const b2 = await net.addNode('b2', {}, [a], b.endpoint);
  const took = pingUntilDelivered(net, a, b2, MAC_B, MAC_A);
  assert.ok(took <= RECOVERY_BOUND, `a's frames reach the restarted b ${took} ms after its restart`);
  assert.deepEqual(
    a.engine.status().map((s) => s.nodeId),
    [b2.engine.nodeId],
    'the old b is gone from a at once',
  );
  const back = pingUntilDelivered(net, b2, a, MAC_A, MAC_B);
  assert.ok(back <= 100, `b2 reaches a in ${back} ms`);
});

test('the listening node restarts while the survivor keeps sending: recovery counts from the restart', async () => {
  const net = new FakeNetwork();
  const [a, b] = await tutorialPair(net);
  net.kill(a);
  // b keeps sending into the void for 10 s: it probes every UNANSWERED_DATA_TIMEOUT, never faster.
  const wireMark = net.wire.length;
  const end = net.now + 10_000;
  while (net.now < end) {
    b.engine.onFrame(ethernetFrame(MAC_A, MAC_B, randomBytes(40)), net.now);
    net.run(PING_INTERVAL);
  }
  const probes = net.wire.slice(wireMark).filter((d) => d.bytes[0] === MESSAGE_HELLO).length;
  assert.ok(probes >= 2 && probes <= Math.ceil(10_000 / UNANSWERED_DATA_TIMEOUT), `${probes} hellos`);
  const a2 = await net.addNode('a2', {}, [], a.endpoint);
  const took = pingUntilDelivered(net, b, a2, MAC_A, MAC_B);
  assert.ok(took <= RECOVERY_BOUND, `recovered ${took} ms after the restart`);
});

test('the listening node restarts next to an idle survivor: the survivor probes after a keepalive interval of silence', async () => {
  const net = new FakeNetwork();
  const [a, b] = await tutorialPair(net);
  net.kill(a);
  const a2 = await net.addNode('a2', {}, [], a.endpoint); // restarted at once; only it has traffic
  const took = pingUntilDelivered(net, a2, b, MAC_B, MAC_A);
  // b sends nothing but keepalives; it hears nothing from a for SILENCE_PROBE_TIMEOUT and says hello.
  assert.ok(took <= SILENCE_PROBE_TIMEOUT + 1_000, `a2 reaches b ${took} ms after its restart`);
  assert.ok(took < DEAD_PEER_TIMEOUT - 10_000, 'well before the dead-peer timeout');
  assert.deepEqual(
    b.engine.status().map((s) => s.nodeId),
    [a2.engine.nodeId],
  );
});

test('an idle live pair (keepalives only) never probes each other', async () => {
  const net = new FakeNetwork();
  const [a, b] = await tutorialPair(net);
  const wireMark = net.wire.length;
  net.run(200_000); // across a rekey (REKEY_AFTER_TIME) too
  const hellos = net.wire.slice(wireMark).filter((d) => d.bytes[0] === MESSAGE_HELLO);
  assert.equal(hellos.length, 0);
  assert.ok(connectedTo(a, b) && connectedTo(b, a));
});

test('a live peer that only receives acknowledges about once a second, so the sender never probes it', async () => {
  const net = new FakeNetwork();
  const [a, b] = await tutorialPair(net);
  const completed = a.engine.counters().handshakesCompleted + b.engine.counters().handshakesCompleted;
  const wireMark = net.wire.length;
  // A one-way stream a → b for 20 s; b's kernel never answers.
  const end = net.now + 20_000;
  while (net.now < end) {
    a.engine.onFrame(ethernetFrame(MAC_B, MAC_A, randomBytes(100)), net.now);
    net.run(50);
  }
  const stream = net.wire.slice(wireMark);
  assert.equal(stream.filter((d) => d.bytes[0] === MESSAGE_HELLO).length, 0, 'no probe of a live peer');
  const acks = stream.filter(
    (d) => `${d.from.address}:${d.from.port}` === key(b) && d.bytes[0] === MESSAGE_TRANSPORT,
  ).length;
  const expected = 20_000 / PASSIVE_KEEPALIVE_TIMEOUT;
  assert.ok(acks >= expected * 0.8 && acks <= expected * 1.2, `${acks} keepalives from b in 20 s`);
  assert.equal(
    a.engine.counters().handshakesCompleted + b.engine.counters().handshakesCompleted,
    completed,
    'no extra handshakes',
  );
  assert.ok(connectedTo(a, b) && connectedTo(b, a));
});

test('a frame read before any peer is connected reaches the first peer that comes up; a stale one is dropped', async () => {
  const net = new FakeNetwork();
  const a = await net.addNode('a');
  const arp = ethernetFrame(BROADCAST, MAC_A, randomBytes(28));
  a.engine.onFrame(ethernetFrame(BROADCAST, MAC_A, randomBytes(28)), net.now); // too old by the time b comes
  net.run(UNROUTED_FRAME_HOLD_TIME + 1_000);
  a.engine.onFrame(arp, net.now);
  const b = await net.addNode('b', {}, [a]);
  net.runUntil(() => connectedTo(a, b) && connectedTo(b, a), 5_000);
  net.run(10);
  assert.equal(b.frames.length, 1, 'only the fresh frame was delivered');
  assert.deepEqual(Buffer.from(b.frames[0]!), Buffer.from(arp));
  assert.equal(a.engine.counters().dropped.noRoute, 1, 'the stale one was counted');
});

test('a restarted node logs no authentication warning for the initiations peers still send its old identity', async () => {
  const net = new FakeNetwork();
  const b = await net.addNode('b');
  const a = await net.addNode('a', {}, [b]); // a says hello, b initiates: to a's identity
  net.runUntil(() => connectedTo(a, b) && connectedTo(b, a), 5_000);
  const toOldA = net.wire.find(
    (d) => d.bytes[0] === MESSAGE_HANDSHAKE_INITIATION && key(a) === `${d.to.address}:${d.to.port}`,
  );
  assert.ok(toOldA !== undefined, 'captured an initiation to the old identity');
  net.kill(a);
  const a2 = await net.addNode('a2', {}, [], a.endpoint);
  // b (until it learns of a2) retransmits to the identity a had: a2 cannot authenticate it.
  net.inject(toOldA.from, a2.endpoint, toOldA.bytes);
  net.run(10);
  assert.equal(a2.engine.counters().dropped.handshakeFailed, 1);
  const warnings = (n: typeof a2): unknown[] => n.logs.filter((l) => l.level === 'warn');
  assert.deepEqual(warnings(a2), [], 'expected right after a restart: no warning');
  assert.ok(
    a2.logs.some((l) => l.event === 'handshake.stale_identity'),
    'logged as what it likely is',
  );
  // Long after the start the same failure is a warning again (a broken or forged initiation).
  net.run(120_000);
  net.inject({ address: '198.51.100.40', port: 7000 }, a2.endpoint, toOldA.bytes);
  net.run(10);
  assert.ok(warnings(a2).some((l) => (l as { event: string }).event === 'handshake.rejected'));
});
