import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import {
  BROADCAST,
  FakeNetwork,
  connectedTo,
  containsBytes,
  ethernetFrame,
  pairWithCapturedInitiation,
  relayedPair,
} from './mesh-harness.js';

const MAC_A = '02:00:00:00:00:0a';
const MAC_B = '02:00:00:00:00:0b';
const MAC_C = '02:00:00:00:00:0c';

test('two nodes handshake and exchange frames both ways', async () => {
  const net = new FakeNetwork();
  const a = await net.addNode('a');
  const b = await net.addNode('b', {}, [a]);
  const took = net.runUntil(() => connectedTo(a, b) && connectedTo(b, a), 5_000);
  assert.ok(took < 1_000, `connected in ${took} ms`);
  const hello = randomBytes(100);
  a.engine.onFrame(ethernetFrame(BROADCAST, MAC_A, hello), net.now);
  net.run(10);
  assert.equal(b.frames.length, 1);
  assert.deepEqual(Buffer.from(b.frames[0]!.subarray(14)), hello);
  const reply = randomBytes(1400);
  b.engine.onFrame(ethernetFrame(MAC_A, MAC_B, reply), net.now);
  net.run(10);
  assert.equal(a.frames.length, 1);
  assert.deepEqual(Buffer.from(a.frames[0]!.subarray(14)), reply);
  assert.equal(a.engine.counters().framesToTap, 1);
  assert.deepEqual(a.engine.counters().dropped, b.engine.counters().dropped);
});

test('unicast goes only to the peer that owns the MAC; broadcast floods to all', async () => {
  const net = new FakeNetwork();
  const a = await net.addNode('a');
  const b = await net.addNode('b', {}, [a]);
  const c = await net.addNode('c', {}, [a]);
  net.runUntil(() => a.engine.status().length === 2, 5_000);
  // B announces its MAC with a broadcast; A learns B's MAC from it.
  b.engine.onFrame(ethernetFrame(BROADCAST, MAC_B, randomBytes(20)), net.now);
  net.run(10);
  assert.equal(a.frames.length, 1);
  const before = c.frames.length;
  a.engine.onFrame(ethernetFrame(MAC_B, MAC_A, randomBytes(50)), net.now);
  net.run(10);
  assert.equal(b.frames.at(-1)?.length, 64);
  assert.equal(c.frames.length, before, 'learned unicast is not flooded');
  // Unknown unicast floods.
  a.engine.onFrame(ethernetFrame(MAC_C, MAC_A, randomBytes(30)), net.now);
  net.run(10);
  assert.equal(c.frames.length, before + 1);
});

test('three nodes that only know the first form a full mesh and survive its death', async () => {
  const net = new FakeNetwork();
  const a = await net.addNode('a');
  const b = await net.addNode('b', {}, [a]);
  const c = await net.addNode('c', {}, [a]);
  net.runUntil(() => [a, b, c].every((n) => n.engine.status().length === 2), 10_000);
  const bc = b.engine.status().find((s) => s.nodeId === c.engine.nodeId);
  assert.deepEqual(bc?.endpoint, c.endpoint, 'B reaches C directly');
  net.kill(a);
  const detect = net.runUntil(() => !connectedTo(b, a) && !connectedTo(c, a), 31_000);
  assert.ok(detect <= 30_000, `dead peer noticed in ${detect} ms`);
  assert.ok(b.logs.some((l) => l.event === 'peer.down'));
  assert.ok(connectedTo(b, c) && connectedTo(c, b), 'B and C stay connected');
  const payload = randomBytes(64);
  b.engine.onFrame(ethernetFrame(BROADCAST, MAC_B, payload), net.now);
  net.run(10);
  assert.ok(containsBytes(c.frames.at(-1)!, payload));
});

test('a relay node carries traffic it cannot read between nodes without a direct path', async () => {
  const net = new FakeNetwork();
  const { r, b, c } = await relayedPair(net);
  assert.equal(b.engine.status().find((s) => s.nodeId === c.engine.nodeId)?.relayedVia, r.engine.nodeId);
  const seenByRelay = (): Uint8Array[] =>
    net.wire
      .filter((d) => d.to.address === r.endpoint.address || d.from.address === r.endpoint.address)
      .map((d) => d.bytes);
  const secret = randomBytes(300);
  b.engine.onFrame(ethernetFrame(BROADCAST, MAC_B, secret), net.now);
  net.run(20);
  assert.ok(containsBytes(c.frames.at(-1)!, secret), 'C got the frame');
  c.engine.onFrame(ethernetFrame(MAC_B, MAC_C, secret), net.now);
  net.run(20);
  assert.ok(containsBytes(b.frames.at(-1)!, secret), 'B got the reply');
  assert.ok(r.engine.counters().relayedPackets >= 2);
  assert.equal(r.frames.length, 0, 'the relay (tunneling off) delivers nothing to a TAP');
  for (const d of seenByRelay()) assert.ok(!containsBytes(d, secret.subarray(0, 16)), 'relay saw plaintext');
});

for (const [what, opts] of [
  ['a wrong PSK', { psk: 'not the password' }],
  ['a wrong network name', { networkName: 'OTHERNET' }],
] as const) {
  test(`a node with ${what} never joins and gets no answer`, async () => {
    const net = new FakeNetwork();
    const a = await net.addNode('a');
    const x = await net.addNode('x', opts, [a]);
    net.run(60_000);
    assert.equal(a.engine.status().length, 0);
    assert.equal(x.engine.status().length, 0);
    assert.ok(a.engine.counters().dropped.wrongNetwork > 0);
    assert.equal(net.wire.filter((d) => d.from.address === a.endpoint.address).length, 0, 'A never replied');
    const log = a.logs.find((l) => l.event === 'handshake.rejected');
    assert.match(String(log?.fields?.reason), /wrong network name or PSK/);
  });
}

test('replayed and bit-flipped data packets are dropped and counted', async () => {
  const net = new FakeNetwork();
  const a = await net.addNode('a');
  const b = await net.addNode('b', {}, [a]);
  net.runUntil(() => connectedTo(a, b) && connectedTo(b, a), 5_000);
  const mark = net.wire.length;
  a.engine.onFrame(ethernetFrame(BROADCAST, MAC_A, randomBytes(200)), net.now);
  net.run(10);
  assert.equal(b.frames.length, 1);
  const captured = net.wire.slice(mark).find((d) => d.bytes[0] === 4 && d.bytes.length > 200)!;
  net.inject(captured.from, captured.to, captured.bytes);
  net.inject({ address: '198.51.100.7', port: 1 }, captured.to, captured.bytes);
  net.run(10);
  assert.equal(b.frames.length, 1, 'replay not delivered');
  assert.equal(b.engine.counters().dropped.replay, 2);
  for (const bit of [0, 8 * 9, 8 * 40, 8 * (captured.bytes.length - 1)]) {
    const flipped = Uint8Array.from(captured.bytes);
    flipped[bit >> 3]! ^= 1 << (bit & 7);
    net.inject(captured.from, captured.to, flipped);
  }
  net.run(10);
  assert.equal(b.frames.length, 1, 'tampered packets not delivered');
  const d = b.engine.counters().dropped;
  assert.equal(d.badAuth + d.malformed + d.unknownIndex, 4);
  assert.ok(d.badAuth >= 2);
  // The tunnel is unaffected.
  a.engine.onFrame(ethernetFrame(BROADCAST, MAC_A, randomBytes(10)), net.now);
  net.run(10);
  assert.equal(b.frames.length, 2);
});

test('a replayed handshake initiation gets no answer', async () => {
  const net = new FakeNetwork();
  const { a, other: b, initiation, receiver: target } = await pairWithCapturedInitiation(net);
  const attacker = { address: '198.51.100.9', port: 4444 };
  const before = target.engine.counters().dropped.handshakeReplay;
  net.inject(attacker, initiation.to, initiation.bytes);
  net.inject(initiation.from, initiation.to, initiation.bytes);
  net.run(1_000);
  assert.equal(target.engine.counters().dropped.handshakeReplay, before + 2);
  assert.equal(net.wire.filter((d) => d.to.address === attacker.address).length, 0);
  assert.ok(connectedTo(a, b) && connectedTo(b, a));
});

test('sessions rekey on time and traffic continues without loss', async () => {
  const net = new FakeNetwork();
  const a = await net.addNode('a');
  const b = await net.addNode('b', {}, [a]);
  net.runUntil(() => connectedTo(a, b) && connectedTo(b, a), 5_000);
  const completedBefore = a.engine.counters().handshakesCompleted;
  let sent = 0;
  for (let t = 0; t < 400_000; t += 2_000) {
    a.engine.onFrame(ethernetFrame(BROADCAST, MAC_A, randomBytes(40)), net.now);
    b.engine.onFrame(ethernetFrame(BROADCAST, MAC_B, randomBytes(40)), net.now);
    sent += 1;
    net.run(2_000);
  }
  assert.equal(b.frames.length, sent, 'every frame A sent arrived');
  assert.equal(a.frames.length, sent, 'every frame B sent arrived');
  assert.ok(a.engine.counters().handshakesCompleted - completedBefore >= 3, 'rekeyed at least 3 times');
  assert.equal(a.engine.counters().dropped.expiredSession, 0);
});

test('roaming: an authenticated packet from a new address moves the peer there', async () => {
  const net = new FakeNetwork();
  const a = await net.addNode('a');
  const b = await net.addNode('b', {}, [a]);
  net.runUntil(() => connectedTo(a, b) && connectedTo(b, a), 5_000);
  b.endpoint = { address: '192.0.2.200', port: 41000 };
  b.engine.onFrame(ethernetFrame(BROADCAST, MAC_B, randomBytes(20)), net.now);
  net.run(10);
  assert.deepEqual(a.engine.status()[0]?.endpoint, b.endpoint);
  a.engine.onFrame(ethernetFrame(MAC_B, MAC_A, randomBytes(20)), net.now);
  net.run(10);
  assert.equal(b.frames.length, 1, 'A now sends to the new address');
});

test('a dead peer is noticed within 30 s and the session comes back when it returns', async () => {
  const net = new FakeNetwork();
  const a = await net.addNode('a');
  const b = await net.addNode('b', {}, [a]);
  net.runUntil(() => connectedTo(a, b) && connectedTo(b, a), 5_000);
  const unblock = net.block(a, b);
  const detect = net.runUntil(() => !connectedTo(a, b) && !connectedTo(b, a), 31_000);
  assert.ok(detect <= 30_000, `noticed in ${detect} ms`);
  net.run(60_000);
  unblock();
  const back = net.runUntil(() => connectedTo(a, b) && connectedTo(b, a), 35_000);
  assert.ok(back <= 31_000, `back in ${back} ms`);
  a.engine.onFrame(ethernetFrame(BROADCAST, MAC_A, randomBytes(20)), net.now);
  net.run(10);
  assert.equal(b.frames.length, 1);
});

test('under a handshake flood the node answers with cookies instead of doing DH, and real peers still join', async () => {
  const net = new FakeNetwork();
  // Whoever received the IK initiation is the victim; its copy is what the attacker replays.
  const { a, other, initiation, receiver: b } = await pairWithCapturedInitiation(net);
  const flood = (count: number): void => {
    for (let i = 0; i < count; i++) {
      const spoofed = { address: `198.51.100.${1 + (i % 250)}`, port: 1024 + i };
      net.inject(spoofed, b.endpoint, initiation.bytes);
    }
  };
  const processedBefore = b.engine.counters().handshakesProcessed;
  flood(1000); // in one millisecond
  net.run(5);
  const afterBurst = b.engine.counters();
  assert.ok(afterBurst.handshakesProcessed - processedBefore <= 70, 'DH work is capped under load');
  assert.ok(afterBurst.cookieRepliesSent >= 900, `cookie replies: ${afterBurst.cookieRepliesSent}`);
  const replies = net.wire.filter((d) => d.from.address === b.endpoint.address && d.bytes[0] === 3);
  assert.ok(
    replies.every((d) => d.bytes.length === 64),
    'a cookie reply is smaller than what triggered it',
  );
  // A new node joins while the flood goes on (300 initiations/s): it gets a cookie, retries with MAC2.
  const c = await net.addNode('c', {}, [b]);
  const took = net.runUntil(() => {
    flood(15);
    return connectedTo(b, c) && connectedTo(c, b);
  }, 20_000);
  assert.ok(took < 10_000, `joined under load in ${took} ms`);
  assert.ok(b.engine.counters().dropped.underLoad > 1000);
  assert.ok(connectedTo(a, other), 'the existing session was never disturbed');
});

test('garbage of every shape is dropped without a reply or a crash', async () => {
  const net = new FakeNetwork();
  const a = await net.addNode('a');
  const b = await net.addNode('b', {}, [a]);
  net.runUntil(() => connectedTo(a, b) && connectedTo(b, a), 5_000);
  const attacker = { address: '198.51.100.66', port: 9 };
  for (let i = 0; i < 3000; i++) {
    const len = [0, 1, 15, 16, 31, 32, 33, 64, 96, 120, 148, 200, 1500][i % 13]!;
    const junk = randomBytes(len);
    if (len > 0) junk[0] = i % 7; // every message type and some unknown ones
    if (len > 4 && i % 2 === 0) junk.fill(0, 1, 4);
    net.inject(attacker, a.endpoint, junk);
  }
  net.run(100);
  assert.equal(net.wire.filter((d) => d.to.address === attacker.address).length, 0);
  const d = a.engine.counters().dropped;
  const total = d.malformed + d.wrongNetwork + d.unknownIndex + d.badAuth + d.handshakeFailed;
  assert.equal(total, 3000);
  assert.ok(connectedTo(a, b));
});

test('two nodes that list each other in initpeers end up with one session', async () => {
  const net = new FakeNetwork();
  const a = await net.addNode('a');
  const b = await net.addNode('b', {}, [a]);
  a.engine.addInitPeer(b.endpoint); // after start: dialled at once
  net.runUntil(() => connectedTo(a, b) && connectedTo(b, a), 5_000);
  net.run(5_000);
  assert.equal(a.engine.status().length, 1);
  assert.ok(a.engine.counters().handshakesCompleted <= 2, 'no handshake storm');
  a.engine.onFrame(ethernetFrame(BROADCAST, MAC_A, randomBytes(20)), net.now);
  net.run(10);
  assert.equal(b.frames.length, 1);
});

test('a node that restarts (new identity, same address) is found again through initpeers', async () => {
  const net = new FakeNetwork();
  const a = await net.addNode('a');
  const b = await net.addNode('b');
  a.engine.addInitPeer(b.endpoint);
  net.runUntil(() => connectedTo(a, b) && connectedTo(b, a), 5_000);
  net.kill(b);
  const b2 = await net.addNode('b2', {}, [], b.endpoint); // knows nobody: A must find it
  const took = net.runUntil(() => connectedTo(a, b2) && connectedTo(b2, a), 60_000);
  assert.ok(took <= 30_000, `rejoined in ${took} ms`);
  net.runUntil(() => !connectedTo(a, b), 30_000);
  a.engine.onFrame(ethernetFrame(BROADCAST, MAC_A, randomBytes(20)), net.now);
  net.run(10);
  assert.equal(b2.frames.length, 1);
});
