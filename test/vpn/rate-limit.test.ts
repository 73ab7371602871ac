import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  HANDSHAKE_BURST_PER_IP,
  HANDSHAKES_PER_SECOND_PER_IP,
  RATE_LIMIT_MAX_SOURCES,
} from '../../src/vpn/protocol/constants.js';
import { HandshakeRateLimiter } from '../../src/vpn/protocol/rate-limit.js';
import { FakeNetwork, connectedTo, pairWithCapturedInitiation } from './mesh-harness.js';

test('the per-IP limiter allows a burst, then the steady rate, per address', () => {
  const rl = new HandshakeRateLimiter();
  let now = 1_000;
  let allowed = 0;
  for (let i = 0; i < 50; i++) if (rl.admit('198.51.100.1', now) === 'allowed') allowed += 1;
  assert.equal(allowed, HANDSHAKE_BURST_PER_IP);
  assert.equal(rl.admit('198.51.100.2', now) === 'allowed', true, 'another address has its own bucket');
  // One second of steady hammering earns HANDSHAKES_PER_SECOND_PER_IP more.
  allowed = 0;
  for (let i = 0; i < 1000; i++) {
    now += 1;
    if (rl.admit('198.51.100.1', now) === 'allowed') allowed += 1;
  }
  assert.ok(Math.abs(allowed - HANDSHAKES_PER_SECOND_PER_IP) <= 1, `${allowed} in one second`);
});

test('the per-IP limiter tracks a bounded number of addresses and makes room as they go idle', () => {
  const rl = new HandshakeRateLimiter();
  const now = 1_000;
  for (let i = 0; i < RATE_LIMIT_MAX_SOURCES; i++)
    assert.equal(rl.admit(`10.0.${i >> 8}.${i & 255}`, now) === 'allowed', true);
  assert.equal(rl.size, RATE_LIMIT_MAX_SOURCES);
  assert.equal(
    rl.admit('198.51.100.9', now),
    'untracked',
    'table full of active sources: a new one needs a cookie',
  );
  assert.equal(rl.size, RATE_LIMIT_MAX_SOURCES);
  const later = now + (1000 * HANDSHAKE_BURST_PER_IP) / HANDSHAKES_PER_SECOND_PER_IP;
  assert.equal(rl.admit('198.51.100.9', later) === 'allowed', true, 'idle sources are swept');
  assert.equal(rl.size, 1);
});

test('one source replaying a captured initiation gets only its rate of DH work and cannot put the node under load', async () => {
  const net = new FakeNetwork();
  const { a, other, initiation, receiver: b } = await pairWithCapturedInitiation(net);
  const attacker = '198.51.100.66';
  const before = b.engine.counters();
  let port = 1024;
  const flood = (): void => {
    for (let i = 0; i < 100; i++)
      net.inject({ address: attacker, port: port++ }, b.endpoint, initiation.bytes);
  };
  // 10,000 initiations per second from one address (any ports) for 3 s; a new node joins meanwhile.
  const c = await net.addNode('c', {}, [b]);
  const end = net.now + 3_000;
  let joinedAt: number | undefined;
  const start = net.now;
  while (net.now < end) {
    flood();
    net.run(10);
    if (joinedAt === undefined && connectedTo(b, c) && connectedTo(c, b)) joinedAt = net.now - start;
  }
  const after = b.engine.counters();
  const processed = after.handshakesProcessed - before.handshakesProcessed;
  const allowance = HANDSHAKE_BURST_PER_IP + 3 * HANDSHAKES_PER_SECOND_PER_IP + 10; // + c's own handshakes
  assert.ok(processed <= allowance, `${processed} handshakes processed (allowance ${allowance})`);
  assert.ok(after.dropped.rateLimited - before.dropped.rateLimited >= 29_000, 'the rest was dropped');
  assert.equal(after.cookieRepliesSent, before.cookieRepliesSent, 'never under load: no cookie replies');
  assert.equal(after.dropped.underLoad, before.dropped.underLoad);
  assert.equal(net.wire.filter((d) => d.to.address === attacker).length, 0, 'nothing sent to the attacker');
  assert.ok(joinedAt !== undefined && joinedAt < 1_000, `c joined during the flood after ${joinedAt} ms`);
  assert.ok(connectedTo(a, other), 'the existing session was never disturbed');
});
