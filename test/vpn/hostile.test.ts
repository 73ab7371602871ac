/**
 * A member who turns hostile holds the PSK: it can make valid hellos for any identity it likes and
 * tell peers about any endpoint. These tests play that member on the in-memory mesh.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateIdentity } from '../../src/vpn/engine/index.js';
import { encodePeerInfo, type PeerInfoEntry } from '../../src/vpn/engine/peer-info.js';
import { sendTransport } from '../../src/vpn/engine/send.js';
import type { EngineState } from '../../src/vpn/engine/state.js';
import { TransportKind } from '../../src/vpn/protocol/transport.js';
import { createHello, createInitiation } from '../../src/vpn/protocol/handshake.js';
import { networkKeys } from '../../src/vpn/protocol/keys.js';
import { INITIATION, writeMacs } from '../../src/vpn/protocol/messages.js';
import {
  FORGET_UNCONFIRMED_PEER_AFTER,
  MAX_PEERS,
  RATE_LIMIT_MAX_SOURCES,
  HANDSHAKE_BURST_PER_IP,
} from '../../src/vpn/protocol/constants.js';
import { FakeNetwork, connectedTo, networkKey, relayedPair } from './mesh-harness.js';

const PSK = 'correct horse battery staple';

test('a flood of throw-away identities never keeps a real node out, and is forgotten in bounded time', async () => {
  const net = new FakeNetwork();
  const a = await net.addNode('a');
  const keys = networkKeys(await networkKey('MYNET', PSK));
  // 2 × MAX_PEERS hellos, each from a fresh identity at its own address, 40 per second (below the
  // load threshold, so each one costs the victim a peer entry and a handshake it will never finish).
  const flood = 2 * MAX_PEERS;
  for (let i = 0; i < flood; i++) {
    const hello = createHello(keys, generateIdentity(), i + 1, 1_000 + i, undefined);
    const from = { address: `198.51.${100 + (i >> 8)}.${i & 0xff}`, port: 40_000 };
    net.inject(from, a.endpoint, hello.message);
    net.run(25);
  }
  assert.equal(a.engine.knownPeerCount(), MAX_PEERS, 'the flood filled the peer table');
  assert.ok(a.engine.counters().peersEvicted >= MAX_PEERS, 'unconfirmed entries made room for newer ones');

  // A real node dials A while the table is full of them: it gets in.
  const b = await net.addNode('b', {}, [a]);
  const took = net.runUntil(() => connectedTo(a, b) && connectedTo(b, a), 10_000);
  assert.ok(took < 5_000, `a real node joined a full table in ${took} ms`);

  // Nobody ever completes a handshake for the throw-away identities: they are gone within the bound.
  net.run(FORGET_UNCONFIRMED_PEER_AFTER + 5_000);
  assert.equal(a.engine.knownPeerCount(), 1, 'only the real peer is left');
  assert.ok(connectedTo(a, b), 'and it was never disturbed');
});

test('a hello naming a node with a timestamp far in the future does not mute that node', async () => {
  const net = new FakeNetwork();
  const a = await net.addNode('a');
  const keys = networkKeys(await networkKey('MYNET', PSK));
  const victim = generateIdentity();
  // The member knows the victim's public key (peer exchange tells it) and claims it, years ahead.
  const forged = createHello(keys, victim, 7, 2 ** 52, undefined);
  net.inject({ address: '198.51.100.9', port: 7000 }, a.endpoint, forged.message);
  net.run(10);
  // The victim now dials A with its real (small) timestamps: A must still initiate to it.
  const v = await net.addNode('victim', { identity: victim }, [a]);
  const took = net.runUntil(() => connectedTo(a, v) && connectedTo(v, a), 15_000);
  assert.ok(took < 10_000, `the named node connected in ${took} ms`);
});

test('a small-order key in a hello or an initiation is refused where it is parsed; the rest of the batch counts', async () => {
  const net = new FakeNetwork();
  const a = await net.addNode('a');
  const keys = networkKeys(await networkKey('MYNET', PSK));
  const real = generateIdentity();
  for (const lowOrder of ['00', '01', 'ec'.padEnd(62, 'f') + '7f', 'ee'.padEnd(62, 'f') + 'ff']) {
    const bad = createHello(
      keys,
      { publicKey: Buffer.from(lowOrder.padEnd(64, '0'), 'hex'), privateKey: real.privateKey },
      1,
      5,
      undefined,
    );
    const good = createHello(keys, real, 2, net.now * 1000 + lowOrder.length, undefined);
    const before = a.engine.counters();
    const from = { address: `198.51.100.${10 + lowOrder.length}`, port: 7000 }; // own rate-limit bucket
    a.engine.onDatagrams(
      [
        { from, datagram: bad.message },
        { from, datagram: good.message },
      ],
      net.now,
    );
    const after = a.engine.counters();
    assert.equal(after.dropped.handshakeFailed - before.dropped.handshakeFailed, 1, `key ${lowOrder}`);
    assert.equal(after.handshakesProcessed - before.handshakesProcessed, 2);
  }
  assert.equal(a.engine.knownPeerCount(), 1, 'only the real identity became a peer');
  assert.ok(a.engine.nextTimerDeadline() !== undefined, 'its handshake timer is armed');
  // An initiation whose ephemeral is a small-order point is refused before any DH.
  const b = await net.addNode('b', {}, [a]);
  net.runUntil(() => connectedTo(a, b), 5_000);
  const init = net.wire.find(
    (d) => d.bytes[0] === 1 && net.nodes.some((n) => n.endpoint.address === d.to.address),
  );
  assert.ok(init !== undefined);
  const tampered = Uint8Array.from(init.bytes);
  tampered.fill(0, 8, 40);
  writeMacs(INITIATION, tampered, keys.mac1Key, undefined); // a member can MAC anything
  const target = net.nodes.find((n) => n.endpoint.address === init.to.address)!;
  const failedBefore = target.engine.counters().dropped;
  target.engine.onDatagram({ address: '198.51.100.11', port: 7000 }, tampered, net.now);
  const failedAfter = target.engine.counters().dropped;
  assert.equal(failedAfter.wrongNetwork, failedBefore.wrongNetwork, 'MAC1 was valid');
  assert.equal(failedAfter.handshakeFailed - failedBefore.handshakeFailed, 1, 'the key check refused it');
  assert.ok(connectedTo(a, b) && connectedTo(b, a));
});

test('peer-exchange entries with small-order keys or undiallable addresses are skipped; the others are learned', async () => {
  const net = new FakeNetwork();
  const a = await net.addNode('a');
  const m = await net.addNode('member', {}, [a]);
  net.runUntil(() => connectedTo(a, m) && connectedTo(m, a), 5_000);
  // The member sends A one authentic peer-exchange message, through its own engine's session.
  const state = (m.engine as unknown as { state: EngineState }).state;
  const toA = [...state.peers.values()][0]!;
  const key = (): Uint8Array => generateIdentity().publicKey;
  const bad: PeerInfoEntry[] = [
    ...[
      '0.0.0.0',
      '127.0.0.1',
      '224.0.0.251',
      '255.255.255.255',
      '::',
      '::1',
      'ff02::1',
      'fe80::1',
      '::ffff:192.0.2.9',
    ].map((address) => ({ staticKey: key(), flags: 1, endpoint: { address, port: 7000 } })),
    { staticKey: new Uint8Array(32), flags: 1, endpoint: { address: '192.0.2.77', port: 7000 } },
  ];
  const good: PeerInfoEntry = { staticKey: key(), flags: 1, endpoint: { address: '192.0.2.78', port: 7000 } };
  const before = a.engine.counters().dropped.badPeerInfo;
  assert.ok(sendTransport(state, toA, TransportKind.peerInfo, encodePeerInfo([...bad, good]), net.now));
  net.run(5);
  assert.equal(a.engine.counters().dropped.badPeerInfo - before, bad.length);
  assert.equal(a.engine.knownPeerCount(), 2, 'the member and the one good entry');
  assert.ok(
    net.wire.some((d) => d.to.address === '192.0.2.78' && d.bytes[0] === 1),
    'A dials the good entry',
  );
  const undiallable = new Set(bad.map((b) => b.endpoint.address));
  assert.ok(!net.wire.some((d) => undiallable.has(d.to.address)), 'and nothing else');
});

test('a rate-limiter table full of active sources makes a new peer bring a cookie instead of refusing it', async () => {
  const net = new FakeNetwork();
  const victim = await net.addNode('victim');
  const limiter = (victim.engine as unknown as { state: EngineState }).state.rateLimiter;
  // RATE_LIMIT_MAX_SOURCES addresses each spending its whole burst at every step, as a flood of
  // handshakes from that many sources would (the buckets never refill, so none can be swept).
  // Spent on the limiter directly: sending those ~80,000 handshakes a second would only slow the test.
  const flood = (): void => {
    for (let i = 0; i < RATE_LIMIT_MAX_SOURCES; i++) {
      for (let k = 0; k < HANDSHAKE_BURST_PER_IP; k++) limiter.admit(`10.${i >> 8}.${i & 255}.1`, net.now);
    }
  };
  flood();
  assert.equal(limiter.admit('198.51.100.1', net.now), 'untracked');
  const c = await net.addNode('c', {}, [victim]);
  const took = net.runUntil(() => {
    flood();
    return connectedTo(victim, c) && connectedTo(c, victim);
  }, 15_000);
  assert.ok(took < 10_000, `a new peer joined in ${took} ms`);
  assert.ok(victim.engine.counters().cookieRepliesSent > 0, 'through a cookie round trip');
});

test('handshakes that arrive through a relay are rate-limited like direct ones', async () => {
  const net = new FakeNetwork();
  const { r, b, c } = await relayedPair(net);
  // The relay turns hostile: it hands one target a captured initiation 50 times at once, wrapped as
  // relayed traffic, naming one origin (limited as that relay's origin), then 50 times naming none
  // (as a relay of an older version would: limited under the relay's name).
  const init = net.wire.find(
    (d) => d.bytes[0] === 1 && [b, c].some((n) => n.endpoint.address === d.to.address),
  );
  assert.ok(init !== undefined, 'captured an initiation to b or c');
  const target = [b, c].find((n) => n.endpoint.address === init.to.address)!;
  const rs = (r.engine as unknown as { state: EngineState }).state;
  const toTarget = rs.peers.get(target.engine.nodeId)!;
  const origin = Buffer.from(generateIdentity().publicKey); // any 32 bytes: the relay names whom it likes
  for (const [kind, payload] of [
    [TransportKind.relayOutFrom, Buffer.concat([origin, init.bytes])],
    [TransportKind.relayOut, init.bytes],
  ] as const) {
    const before = target.engine.counters();
    for (let i = 0; i < 50; i++) assert.ok(sendTransport(rs, toTarget, kind, payload, net.now));
    net.run(5);
    const after = target.engine.counters();
    const processed = after.handshakesProcessed - before.handshakesProcessed;
    assert.ok(processed <= HANDSHAKE_BURST_PER_IP, `${processed} relayed handshakes cost DH work`);
    assert.ok(after.dropped.rateLimited - before.dropped.rateLimited >= 50 - HANDSHAKE_BURST_PER_IP);
  }
  assert.ok(connectedTo(b, c) && connectedTo(c, b), 'the relayed session was not disturbed');
});

test('session keys are wiped when their session is dropped', async () => {
  const net = new FakeNetwork();
  const a = await net.addNode('a');
  const b = await net.addNode('b', {}, [a]);
  net.runUntil(() => connectedTo(a, b) && connectedTo(b, a), 5_000);
  const state = (a.engine as unknown as { state: EngineState }).state;
  const session = state.peers.get(b.engine.nodeId)!.current!;
  const zero = new Uint8Array(32);
  assert.notDeepEqual(session.sendKey, zero);
  net.kill(b);
  net.runUntil(() => !connectedTo(a, b), 60_000);
  assert.deepEqual(session.sendKey, zero);
  assert.deepEqual(session.receiveKey, zero);
});

test('hellos, forged or replayed, never make a node send more bytes than it received', async () => {
  const keys = networkKeys(await networkKey('MYNET', PSK));
  const sources = [1, 2, 3].map((i) => ({ address: `198.51.100.${i}`, port: 7000 }));
  // A member sends hellos naming identities nobody runs (so no handshake ever completes), from three
  // addresses. Each scenario runs on a fresh victim, and its answers are counted until long after
  // every retransmission would have ended.
  const scenarios: Record<string, (send: (hello: Uint8Array) => void, net: FakeNetwork) => void> = {
    'one hello each for 50 identities': (send, net) => {
      for (let i = 0; i < 50; i++) {
        send(createHello(keys, generateIdentity(), i + 1, net.now * 1000, undefined).message);
        net.run(1_000);
      }
    },
    '500 hellos for one identity, each with a fresh timestamp': (send, net) => {
      const ghost = generateIdentity();
      for (let i = 0; i < 500; i++) {
        send(createHello(keys, ghost, i + 1, net.now * 1000 + i, undefined).message);
        net.run(200);
      }
    },
    'one captured hello replayed 500 times': (send, net) => {
      const captured = createHello(keys, generateIdentity(), 9, net.now * 1000, undefined).message;
      for (let i = 0; i < 500; i++) {
        send(captured);
        net.run(20);
      }
    },
  };
  for (const [name, scenario] of Object.entries(scenarios)) {
    const net = new FakeNetwork();
    const victim = await net.addNode('victim');
    let received = 0;
    let i = 0;
    scenario((hello) => {
      net.inject(sources[i++ % 3]!, victim.endpoint, hello);
      received += hello.length;
    }, net);
    net.run(200_000);
    const answers = net.wire.filter((d) => d.from.address === victim.endpoint.address);
    const sent = answers.reduce((n, d) => n + d.bytes.length, 0);
    assert.ok(answers.length > 0, `${name}: the victim answered (one initiation per fresh hello at most)`);
    assert.ok(sent <= received, `${name}: sent ${sent} bytes for ${received} received`);
    const sourceAddresses = new Set(sources.map((s) => s.address));
    assert.ok(
      answers.every((d) => sourceAddresses.has(d.to.address)),
      `${name}: answers only go where hellos came from`,
    );
  }
});

test('an initiation with a valid MAC1 but made without the PSK leaves no state and gets no answer', async () => {
  const net = new FakeNetwork();
  const a = await net.addNode('a');
  const keys = networkKeys(await networkKey('MYNET', PSK));
  const stranger = networkKeys(await networkKey('MYNET', 'someone else entirely'));
  const aState = (a.engine as unknown as { state: EngineState }).state;
  // The attacker has the MAC1 key (say, leaked) but not the PSK: its Noise message uses another psk.
  const forged = createInitiation(
    { ...stranger, mac1Key: keys.mac1Key },
    generateIdentity(),
    aState.identity.publicKey,
    5,
    net.now * 1000,
    1,
    undefined,
  );
  const from = { address: '198.51.100.50', port: 7000 };
  net.inject(from, a.endpoint, forged.message);
  net.run(10);
  assert.equal(a.engine.counters().dropped.wrongNetwork, 0, 'MAC1 passed');
  assert.equal(a.engine.counters().dropped.handshakeFailed, 1, 'Noise refused it');
  assert.equal(a.engine.knownPeerCount(), 0, 'no peer, no session, no index');
  assert.equal(aState.indexes.size, 0);
  assert.equal(net.wire.filter((d) => d.to.address === from.address).length, 0, 'no answer');
});

test('under load, a handshake that arrives through a relay gets a cookie back through it, and the pair still joins', async () => {
  const net = new FakeNetwork();
  const r = await net.addNode('relay', { relay: true, tunneling: false });
  const b = await net.addNode('b');
  const c = await net.addNode('c');
  net.block(b, c); // B and C can meet only through the relay
  const keys = networkKeys(await networkKey('MYNET', PSK));
  // A flood of PSK-valid hellos from spoofed addresses keeps both B and C above the load threshold
  // (each address stays within its own rate): there every handshake needs a cookie, relayed or not.
  const flood = createHello(keys, generateIdentity(), 1, 1_000, undefined).message;
  let source = 0;
  const loadBoth = (): void => {
    for (let k = 0; k < 8; k++) {
      source += 1;
      const from = { address: `198.51.${100 + ((source >> 8) & 3)}.${source & 0xff}`, port: 40_000 };
      net.inject(from, b.endpoint, flood);
      net.inject(from, c.endpoint, flood);
    }
  };
  for (let t = 0; t < 2_000; t += 50) {
    loadBoth();
    net.run(50);
  }
  const cookiesBefore = b.engine.counters().cookieRepliesSent + c.engine.counters().cookieRepliesSent;
  b.engine.addInitPeer(r.endpoint);
  c.engine.addInitPeer(r.endpoint);
  const took = net.runUntil(() => {
    loadBoth();
    return connectedTo(b, c) && connectedTo(c, b);
  }, 30_000);
  assert.ok(took < 20_000, `joined in ${took} ms`);
  assert.ok(r.engine.counters().relayedPackets > 0, 'through the relay');
  const cookies = b.engine.counters().cookieRepliesSent + c.engine.counters().cookieRepliesSent;
  assert.ok(cookies > cookiesBefore, 'through cookie round trips');
  assert.ok(
    [b, c].some((n) => n.engine.counters().dropped.underLoad > 0),
    'handshakes without a cookie were turned away meanwhile',
  );
});
