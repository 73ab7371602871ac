import assert from 'node:assert/strict';
import { createCipheriv, randomBytes, scryptSync } from 'node:crypto';
import { test } from 'node:test';
import { maxFrameSize, tapMtu } from '../../src/vpn/packet/index.js';
import { decodePeerInfo, encodePeerInfo } from '../../src/vpn/engine/peer-info.js';
import { X25519 } from '../../src/vpn/noise/index.js';
import { canSend, rekeyDue, type Session } from '../../src/vpn/engine/peer.js';
import {
  REJECT_AFTER_MESSAGES,
  REJECT_AFTER_TIME,
  REKEY_AFTER_MESSAGES,
  REKEY_AFTER_TIME,
  REPLAY_WINDOW_SIZE,
} from '../../src/vpn/protocol/constants.js';
import {
  CookieChecker,
  endpointSource,
  openCookieReply,
  relayedOriginSource,
} from '../../src/vpn/protocol/cookie.js';
import {
  consumeHello,
  consumeInitiation,
  consumeResponse,
  createHello,
  createInitiation,
  createResponse,
} from '../../src/vpn/protocol/handshake.js';
import { networkKeys } from '../../src/vpn/protocol/keys.js';
import { INITIATION, mac1Valid, mac2Valid, writeMacs } from '../../src/vpn/protocol/messages.js';
import { ReplayWindow } from '../../src/vpn/protocol/replay.js';
import {
  TransportKind,
  openTransport,
  parseTransportHeader,
  sealTransport,
} from '../../src/vpn/protocol/transport.js';
import { networkKey } from './mesh-harness.js';

test('sodium transport sealing is byte-identical to node:crypto ChaCha20-Poly1305', () => {
  const key = randomBytes(32);
  for (const [counter, len] of [
    [0, 0],
    [1, 1],
    [2 ** 32 + 5, 1400],
    [2 ** 52 + 3, 77],
  ] as const) {
    const payload = randomBytes(len);
    const sealed = sealTransport(key, 0xdeadbeef, counter, TransportKind.frame, payload);
    const header = sealed.subarray(0, 16);
    const nonce = Buffer.alloc(12);
    nonce.writeBigUInt64LE(BigInt(counter), 4);
    const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
    c.setAAD(header, { plaintextLength: len });
    const expected = Buffer.concat([c.update(payload), c.final(), c.getAuthTag()]);
    assert.deepEqual(Buffer.from(sealed.subarray(16)), expected);
    assert.deepEqual(parseTransportHeader(sealed), { kind: 1, receiverIndex: 0xdeadbeef, counter });
    assert.deepEqual(Buffer.from(openTransport(key, sealed)!), payload);
  }
});

test('a transport packet with any bit flipped does not open', () => {
  const key = randomBytes(32);
  const sealed = sealTransport(key, 7, 9, TransportKind.frame, randomBytes(64));
  for (let bit = 0; bit < sealed.length * 8; bit += 7) {
    const t = Uint8Array.from(sealed);
    t[bit >> 3]! ^= 1 << (bit & 7);
    const h = parseTransportHeader(t);
    // Bits of the receiver index only change which key is tried; everything else fails the tag.
    if (h !== undefined && h.receiverIndex === 7)
      assert.equal(openTransport(key, t), undefined, `bit ${bit}`);
  }
  assert.equal(openTransport(randomBytes(32), sealed), undefined, 'wrong key');
});

test('the replay window accepts each counter once, out of order within the window, nothing older', () => {
  const w = new ReplayWindow();
  assert.ok(w.accept(0));
  assert.ok(!w.accept(0));
  assert.ok(w.accept(5));
  assert.ok(w.accept(3));
  assert.ok(!w.accept(3));
  assert.ok(w.accept(10_000));
  assert.ok(!w.accept(10_000 - REPLAY_WINDOW_SIZE), 'behind the window');
  assert.ok(w.accept(10_000 - (REPLAY_WINDOW_SIZE - 32) + 1), 'at the far edge of the window');
  assert.ok(w.accept(9_999));
  assert.ok(!w.accept(9_999));
  // A jump far ahead clears the bitmap, so old counters in new blocks are fresh again only once.
  assert.ok(w.accept(1_000_000));
  assert.ok(w.accept(999_999));
  assert.ok(!w.accept(999_999));
  assert.ok(!w.accept(5), 'long gone');
  assert.ok(!w.accept(2 ** 53), 'beyond REJECT_AFTER_MESSAGES');
});

test('peer exchange entries round-trip IPv4 and IPv6 endpoints and reject malformed payloads', () => {
  const entries = [
    { staticKey: new Uint8Array(randomBytes(32)), flags: 3, endpoint: { address: '192.0.2.5', port: 7000 } },
    {
      staticKey: new Uint8Array(randomBytes(32)),
      flags: 1,
      endpoint: { address: '2001:db8::1', port: 65535 },
    },
    {
      staticKey: new Uint8Array(randomBytes(32)),
      flags: 0,
      endpoint: { address: '::ffff:192.0.2.9', port: 1 },
    },
  ];
  const decoded = decodePeerInfo(encodePeerInfo(entries));
  assert.deepEqual(decoded?.slice(0, 2), entries.slice(0, 2));
  assert.equal(decoded?.[2]?.endpoint.address, '::ffff:c000:209');
  const bytes = encodePeerInfo(entries);
  assert.equal(decodePeerInfo(bytes.subarray(0, bytes.length - 1)), undefined, 'truncated');
  assert.equal(decodePeerInfo(Buffer.concat([bytes, Buffer.of(0)])), undefined, 'trailing bytes');
  assert.equal(decodePeerInfo(new Uint8Array(0)), undefined, 'empty');
  const zeroPort = encodePeerInfo([{ ...entries[0]!, endpoint: { address: '192.0.2.5', port: 0 } }]);
  assert.equal(decodePeerInfo(zeroPort), undefined, 'port 0');
});

test('the IKpsk1 handshake derives mirrored keys; MAC1 tells other networks apart before any DH', async () => {
  const keys = networkKeys(await networkKey('MYNET', 'correct horse battery staple'));
  const otherPsk = networkKeys(await networkKey('MYNET', 'not the password'));
  const otherName = networkKeys(await networkKey('OTHERNET', 'correct horse battery staple'));
  const i = X25519.generateKeyPair();
  const r = X25519.generateKeyPair();
  const init = createInitiation(keys, i, r.publicKey, 11, 1234, 3, undefined);
  assert.equal(init.message.length, 148);
  assert.ok(mac1Valid(INITIATION, init.message, keys.mac1Key));
  assert.ok(!mac1Valid(INITIATION, init.message, otherPsk.mac1Key), 'other PSK');
  assert.ok(!mac1Valid(INITIATION, init.message, otherName.mac1Key), 'other network name');
  // Even with a valid MAC1 (an insider forging), a wrong PSK fails the Noise message itself.
  assert.equal(consumeInitiation(otherPsk, r, init.message), undefined);
  const c = consumeInitiation(keys, r, init.message)!;
  assert.deepEqual(Buffer.from(c.remoteStatic), i.publicKey);
  assert.deepEqual([c.senderIndex, c.timestamp, c.flags], [11, 1234, 3]);
  const resp = createResponse(keys, c.state, 22, 11, 1, undefined);
  assert.equal(resp.message.length, 96);
  const got = consumeResponse(init.state, resp.message)!;
  assert.equal(got.senderIndex, 22);
  assert.deepEqual(got.keys.send, resp.keys.receive);
  assert.deepEqual(got.keys.receive, resp.keys.send);
  assert.notDeepEqual(got.keys.send, got.keys.receive, 'a key per direction');
  // A tampered initiation with a recomputed MAC1 still fails (Noise authenticates it).
  const tampered = Uint8Array.from(createInitiation(keys, i, r.publicKey, 1, 2, 0, undefined).message);
  tampered[60]! ^= 1;
  writeMacs(INITIATION, tampered, keys.mac1Key, undefined);
  assert.equal(consumeInitiation(keys, r, tampered), undefined);
  // A low-order ephemeral key is refused, not turned into an all-zero shared secret.
  const lowOrder = Uint8Array.from(init.message);
  lowOrder.fill(0, 8, 40);
  writeMacs(INITIATION, lowOrder, keys.mac1Key, undefined);
  assert.equal(consumeInitiation(keys, r, lowOrder), undefined);
});

test('a hello carries the static key encrypted under the network secret', async () => {
  const keys = networkKeys(await networkKey('MYNET', 'correct horse battery staple'));
  const otherPsk = networkKeys(await networkKey('MYNET', 'not the password'));
  const me = X25519.generateKeyPair();
  const hello = createHello(keys, me, 5, 99, undefined);
  assert.equal(hello.message.length, 148, 'as long as the initiation it asks for');
  assert.ok(!Buffer.from(hello.message).includes(me.publicKey), 'static key not in clear');
  assert.deepEqual(consumeHello(keys, hello.message), {
    remoteStatic: new Uint8Array(me.publicKey),
    timestamp: 99,
  });
  assert.equal(consumeHello(otherPsk, hello.message), undefined);
});

test('cookies: under load a reply is sent whose cookie keys a valid MAC2 for that address (or relay and origin) only', async () => {
  const keys = networkKeys(await networkKey('MYNET', 'correct horse battery staple'));
  const checker = new CookieChecker(keys.cookieKey);
  const from = { address: '192.0.2.1', port: 7000 };
  assert.ok(!checker.underLoad(0));
  for (let i = 0; i < 100; i++) checker.noteHandshake(10);
  assert.ok(checker.underLoad(20));
  assert.ok(checker.underLoad(1500), 'stays under load for the next second');
  assert.ok(!checker.underLoad(3000), 'and then recovers');
  const i = X25519.generateKeyPair();
  const init = createInitiation(keys, i, X25519.generateKeyPair().publicKey, 1, 1, 0, undefined);
  const reply = checker.makeReply(1, init.mac1, endpointSource(from), 0);
  assert.equal(reply.length, 64);
  assert.equal(openCookieReply(keys.cookieKey, reply, new Uint8Array(16)), undefined, 'bound to our MAC1');
  const cookie = openCookieReply(keys.cookieKey, reply, init.mac1)!;
  const retry = createInitiation(keys, i, X25519.generateKeyPair().publicKey, 1, 2, 0, cookie);
  assert.ok(mac2Valid(INITIATION, retry.message, checker.cookieFor(endpointSource(from), 0)));
  assert.ok(
    !mac2Valid(INITIATION, retry.message, checker.cookieFor(endpointSource({ ...from, port: 7001 }), 0)),
  );
  // Through a relay the cookie is bound to that relay and the origin it named: no other pair's.
  const relayed = relayedOriginSource('aa'.repeat(32), 'bb'.repeat(32));
  const viaRelay = openCookieReply(keys.cookieKey, checker.makeReply(1, init.mac1, relayed, 0), init.mac1)!;
  const relayedRetry = createInitiation(keys, i, X25519.generateKeyPair().publicKey, 1, 3, 0, viaRelay);
  assert.ok(mac2Valid(INITIATION, relayedRetry.message, checker.cookieFor(relayed, 0)));
  for (const other of [
    relayedOriginSource('cc'.repeat(32), 'bb'.repeat(32)),
    relayedOriginSource('aa'.repeat(32), 'cc'.repeat(32)),
    endpointSource(from),
  ]) {
    assert.ok(!mac2Valid(INITIATION, relayedRetry.message, checker.cookieFor(other, 0)));
  }
});

test('TAP MTU: a full frame plus overhead fits a 1500-byte datagram', () => {
  assert.equal(tapMtu(1500, 'ipv4'), 1426);
  assert.equal(tapMtu(1500, 'ipv6'), 1406);
  const frame = randomBytes(maxFrameSize(1500, 'ipv4'));
  const datagram = sealTransport(randomBytes(32), 1, 1, TransportKind.frame, frame);
  assert.equal(datagram.length + 20 + 8, 1500);
});

test('sessions are rekeyed by their initiator on time or message count, and never used past the reject limits', () => {
  const session = (createdAt: number, sendCounter: number, isInitiator: boolean): Session => ({
    localIndex: 1,
    remoteIndex: 2,
    sendKey: new Uint8Array(32),
    receiveKey: new Uint8Array(32),
    createdAt,
    isInitiator,
    sendCounter,
    replay: new ReplayWindow(),
  });
  assert.ok(!rekeyDue(session(0, 0, true), REKEY_AFTER_TIME - 1));
  assert.ok(rekeyDue(session(0, 0, true), REKEY_AFTER_TIME));
  assert.ok(rekeyDue(session(0, REKEY_AFTER_MESSAGES, true), 1));
  assert.ok(!rekeyDue(session(0, REKEY_AFTER_MESSAGES, false), REKEY_AFTER_TIME), 'responder waits (timer)');
  assert.ok(canSend(session(0, REKEY_AFTER_MESSAGES, true), REKEY_AFTER_TIME));
  assert.ok(!canSend(session(0, 0, true), REJECT_AFTER_TIME));
  assert.ok(!canSend(session(0, REJECT_AFTER_MESSAGES, true), 1));
  assert.ok(REJECT_AFTER_MESSAGES < 2 ** 53, 'counters stay exact JS integers');
});

test('the network secret is scrypt (N = 2^15, r = 8, p = 1) of the PSK salted with the network name', async () => {
  const psk = 'correct horse battery staple';
  const k = await networkKey('MYNET', psk);
  const expected = scryptSync(psk, 'redmesh-vpn-v1 network MYNET', 32, {
    N: 2 ** 15,
    r: 8,
    p: 1,
    maxmem: 64 << 20,
  });
  assert.deepEqual(Buffer.from(k.secret), expected);
  const other = await networkKey('OTHERNET', psk);
  assert.notDeepEqual(Buffer.from(other.secret), expected, 'another network name, another secret');
});

test('every handshake uses fresh ephemerals: the same two static keys never derive the same session keys twice', async () => {
  const keys = networkKeys(await networkKey('MYNET', 'correct horse battery staple'));
  const i = X25519.generateKeyPair();
  const r = X25519.generateKeyPair();
  const handshake = (ts: number): Uint8Array => {
    const init = createInitiation(keys, i, r.publicKey, 1, ts, 0, undefined);
    const c = consumeInitiation(keys, r, init.message)!;
    const resp = createResponse(keys, c.state, 2, 1, 0, undefined);
    return consumeResponse(init.state, resp.message)!.keys.send;
  };
  const first = handshake(1);
  const second = handshake(2);
  assert.notDeepEqual(first, second);
});
