/**
 * Revocable node identities (issue 15, point 3): with `allowednodes`, a node admits only peers whose
 * static key is listed, whatever they know of the PSK; removing a key shuts that node out at once,
 * without touching the PSK, while the others keep talking. Without it nothing changes (PSK only).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { generateIdentity, type EngineIdentity } from '../../src/vpn/engine/index.js';
import {
  decodeKey,
  generateNodeKey,
  nodeIdentityFromText,
  parseAllowedNodes,
  publicKeyOf,
} from '../../src/vpn/protocol/node-keys.js';
import { REKEY_AFTER_TIME } from '../../src/vpn/protocol/constants.js';
import { createInitiation } from '../../src/vpn/protocol/handshake.js';
import { networkKeys } from '../../src/vpn/protocol/keys.js';
import { X25519 } from '../../src/vpn/noise/index.js';
import {
  BROADCAST,
  FakeNetwork,
  connectedTo,
  containsBytes,
  ethernetFrame,
  networkKey,
  type Node,
} from './mesh-harness.js';

const MAC_A = '02:00:00:00:00:0a';

/** Three nodes with their own keys, each admitting the three; all connected. */
async function listedMesh(net: FakeNetwork): Promise<{ nodes: Node[]; ids: EngineIdentity[] }> {
  const ids = [generateIdentity(), generateIdentity(), generateIdentity()];
  const allowedNodes = ids.map((i) => i.publicKey);
  const a = await net.addNode('a', { identity: ids[0], allowedNodes });
  const b = await net.addNode('b', { identity: ids[1], allowedNodes }, [a]);
  const c = await net.addNode('c', { identity: ids[2], allowedNodes }, [a]);
  const nodes = [a, b, c];
  net.runUntil(() => nodes.every((x) => nodes.every((y) => x === y || connectedTo(x, y))), 10_000);
  return { nodes, ids };
}

function frameReaches(net: FakeNetwork, from: Node, to: Node): boolean {
  const marker = randomBytes(16);
  from.engine.onFrame(ethernetFrame(BROADCAST, MAC_A, marker), net.now);
  net.run(20);
  return to.frames.some((f) => containsBytes(f, marker));
}

test('with allowednodes, listed nodes form the mesh; a node holding the PSK but not listed never joins', async () => {
  const net = new FakeNetwork();
  const { nodes } = await listedMesh(net);
  const [a, b] = nodes as [Node, Node, Node];
  // x holds the PSK and dials a and b (initpeers): its hellos are refused, never answered.
  const x = await net.addNode('x', {}, [a, b]);
  net.run(60_000);
  assert.ok(!connectedTo(a, x) && !connectedTo(x, a) && !connectedTo(b, x));
  assert.ok(a.engine.counters().dropped.notAllowed > 0, 'a counted what it refused');
  assert.equal(net.wire.filter((d) => d.to.address === x.endpoint.address).length, 0, 'x got no answer');
  assert.equal(a.engine.allowedNodeCount(), 3);
  assert.ok(frameReaches(net, a, b), 'the listed nodes still talk');
});

test('removing a node from allowednodes shuts it out at once, without touching the PSK; the others keep talking', async () => {
  const net = new FakeNetwork();
  const { nodes, ids } = await listedMesh(net);
  const [a, b, c] = nodes as [Node, Node, Node];
  assert.ok(frameReaches(net, c, a));
  const remaining = [ids[0]!.publicKey, ids[1]!.publicKey];
  a.engine.setAllowedNodes(remaining, net.now);
  b.engine.setAllowedNodes(remaining, net.now);
  assert.ok(!connectedTo(a, c) && !connectedTo(b, c), 'c is gone from a and b at once');
  assert.ok(a.logs.some((l) => l.event === 'peer.revoked'));
  assert.equal(a.engine.counters().peersRevoked, 1);
  // c keeps its PSK and keeps trying (hellos to its init peer, redials, peer exchange is over): for
  // longer than a rekey interval it never gets a session back, and its frames reach nobody.
  net.run(REKEY_AFTER_TIME + 60_000);
  assert.ok(!connectedTo(a, c) && !connectedTo(b, c) && !connectedTo(c, a) && !connectedTo(c, b));
  assert.ok(!frameReaches(net, c, a) && !frameReaches(net, c, b), 'c reaches nobody');
  assert.ok(a.engine.counters().dropped.notAllowed > 0);
  assert.ok(
    a.logs.some((l) => l.event === 'handshake.rejected' && /allowednodes/.test(String(l.fields?.reason))),
    "c's initiations are refused by name",
  );
  assert.ok(frameReaches(net, a, b) && frameReaches(net, b, a), 'a and b keep talking');
  assert.ok(connectedTo(a, b) && connectedTo(b, a));
});

test('node keys: generated, their public keys derived, listed; bad lists are refused whole', () => {
  const key = generateNodeKey();
  assert.match(key, /^[A-Za-z0-9+/]{43}=$/);
  const id = nodeIdentityFromText(`${key}\n`);
  assert.equal(publicKeyOf(key), Buffer.from(id.publicKey).toString('base64'));
  assert.deepEqual(decodeKey(publicKeyOf(key)), id.publicKey);
  assert.throws(() => nodeIdentityFromText('not a key'), /not a node key/);
  const list = parseAllowedNodes(
    `# the office\n${publicKeyOf(key)} db-1\n\n${publicKeyOf(generateNodeKey())}\n`,
  );
  assert.equal(list.length, 2);
  assert.equal(list[0]?.name, 'db-1');
  assert.throws(
    () => parseAllowedNodes(`${publicKeyOf(key)}\nbogus\n`),
    /line 2: 'bogus' is not a public node key/,
  );
  assert.throws(() => parseAllowedNodes(`${Buffer.alloc(32).toString('base64')}\n`), /small-order/);
});

test('an unlisted node holding the PSK costs one Diffie-Hellman per initiation before it is refused', async () => {
  const net = new FakeNetwork();
  const aId = generateIdentity();
  const a = await net.addNode('a', { identity: aId, allowedNodes: [aId.publicKey] });
  const keys = networkKeys(await networkKey('MYNET', 'correct horse battery staple'));
  const x = generateIdentity(); // knows the PSK and a's public key, is not listed
  const from = { address: '198.51.100.7', port: 7000 };
  // eslint-disable-next-line @typescript-eslint/unbound-method -- restored as it was, never called unbound
  const realDh = X25519.dh;
  let dhs = 0;
  X25519.dh = (priv, pub) => {
    dhs += 1;
    return realDh.call(X25519, priv, pub);
  };
  try {
    for (let i = 0; i < 3; i++) {
      const init = createInitiation(keys, x, aId.publicKey, i + 1, 1_000 + i, 1, undefined);
      const before = dhs;
      net.inject(from, a.endpoint, init.message);
      net.run(5);
      // es decrypts the initiator's key, which is then refused: no ss, no PSK, no state, no answer.
      assert.equal(dhs - before, 1, `initiation ${i}: ${dhs - before} DH operations`);
    }
  } finally {
    X25519.dh = realDh;
  }
  assert.equal(a.engine.counters().dropped.notAllowed, 3);
  assert.equal(a.engine.knownPeerCount(), 0);
  assert.equal(net.wire.filter((d) => d.to.address === from.address).length, 0, 'no answer');
  assert.ok(
    a.logs.some((l) => l.event === 'handshake.rejected' && /allowednodes/.test(String(l.fields?.reason))),
  );
});
