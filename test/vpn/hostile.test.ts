/**
 * A member who turns hostile holds the PSK: it can make valid hellos for any identity it likes and
 * tell peers about any endpoint. These tests play that member on the in-memory mesh.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateIdentity } from '../../src/vpn/engine/index.js';
import { createHello } from '../../src/vpn/protocol/handshake.js';
import { networkKeys } from '../../src/vpn/protocol/keys.js';
import { FORGET_UNCONFIRMED_PEER_AFTER, MAX_PEERS } from '../../src/vpn/protocol/constants.js';
import { FakeNetwork, connectedTo, networkKey } from './mesh-harness.js';

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
