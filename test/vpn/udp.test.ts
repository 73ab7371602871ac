import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { test } from 'node:test';
import type { ReceivedDatagram, UdpEndpoint } from '../../src/vpn/engine/index.js';
import {
  AF_INET,
  SOCK_DGRAM,
  SOCK_NONBLOCK,
  SOL_SOCKET,
  SO_RCVBUF,
  libc,
  setIntOption,
} from '../../src/platform/index.js';
import { DatagramReceiver, DatagramSender, RECV_BATCH, RECV_SLOT_BYTES } from '../../src/vpn/mmsg.js';
import { SourceCache, decodeSockaddr, encodeSockaddr } from '../../src/vpn/sockaddr.js';
import { UdpTransport } from '../../src/vpn/udp.js';

/** A non-blocking UDP socket on 127.0.0.1 (kernel-chosen port), made the way udp.ts makes them. */
function loopbackSocket(): { fd: number; endpoint: UdpEndpoint } {
  const c = libc();
  const fd = c.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  assert.ok(fd >= 0);
  // Room for a whole test burst (the default buffer holds ~150 full-size datagrams at most).
  setIntOption(fd, SOL_SOCKET, SO_RCVBUF, 1 << 20, 'SO_RCVBUF');
  const sa = encodeSockaddr({ address: '127.0.0.1', port: 0 });
  assert.equal(c.bind(fd, sa.bytes, sa.length), 0);
  const name = Buffer.alloc(32);
  const len = Buffer.from([32, 0, 0, 0]);
  assert.equal(c.getsockname(fd, name, len), 0);
  return { fd, endpoint: { address: '127.0.0.1', port: name.readUInt16BE(2) } };
}

/** Receives until `count` datagrams arrived (copied out of the slots) or the deadline passes. */
async function receiveAll(r: DatagramReceiver, count: number, timeoutMs = 2000): Promise<ReceivedDatagram[]> {
  const got: ReceivedDatagram[] = [];
  const deadline = Date.now() + timeoutMs;
  while (got.length < count && Date.now() < deadline) {
    const batch: ReceivedDatagram[] = [];
    const n = r.receive(batch);
    assert.ok(n <= RECV_BATCH, 'one recvmmsg never returns more than the batch');
    for (const d of batch) got.push({ from: d.from, datagram: Buffer.from(d.datagram) });
    if (n === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return got;
}

function datagram(size: number, tag: number): Buffer {
  const b = Buffer.alloc(size, tag & 0xff);
  b.writeUInt32BE(tag, 0);
  return b;
}

test('sendmmsg/recvmmsg over loopback: every datagram arrives whole, in order, with its source', async () => {
  const a = loopbackSocket();
  const b = loopbackSocket();
  try {
    const sender = new DatagramSender(a.fd);
    const receiver = new DatagramReceiver(b.fd);
    const sizes = [1400, 1400, 1400, 700, 1400, 60, 60, 60, 1472, 1, 1400];
    const sent = Array.from({ length: 150 }, (_, i) => datagram(Math.max(4, sizes[i % sizes.length]!), i));
    for (const d of sent) sender.queue(b.endpoint, d);
    const r = sender.flush();
    assert.deepEqual(r, { sent: sent.length, failed: 0, tooBig: 0, lastErrno: 0 });
    assert.equal(sender.queued, 0);
    const got = await receiveAll(receiver, sent.length);
    assert.equal(got.length, sent.length);
    for (let i = 0; i < sent.length; i++) {
      assert.deepEqual(got[i]!.datagram, sent[i], `datagram ${i}`);
      assert.deepEqual(got[i]!.from, a.endpoint);
    }
    assert.ok(sender.segmenting, 'loopback accepts UDP GSO');
  } finally {
    libc().close(a.fd);
    libc().close(b.fd);
  }
});

test('a GSO run is split at the segment size: a shorter datagram ends a run, a longer one starts a new one', async () => {
  const a = loopbackSocket();
  const b = loopbackSocket();
  const c = loopbackSocket();
  try {
    const sender = new DatagramSender(a.fd);
    const rb = new DatagramReceiver(b.fd);
    const rc = new DatagramReceiver(c.fd);
    // Equal sizes, then a shorter one (ends the run), then a longer one, interleaved destinations.
    const plan: [UdpEndpoint, number][] = [
      [b.endpoint, 1000],
      [b.endpoint, 1000],
      [b.endpoint, 999],
      [b.endpoint, 1000],
      [c.endpoint, 1000],
      [b.endpoint, 1200],
      [b.endpoint, 1200],
    ];
    // 70 equal datagrams exceed one GSO send (64 segments) and must still all arrive.
    for (let i = 0; i < 70; i++) plan.push([c.endpoint, 500]);
    const sent = plan.map(([to, size], i) => ({ to, d: datagram(size, i) }));
    for (const s of sent) sender.queue(s.to, s.d);
    assert.equal(sender.flush().sent, sent.length);
    const toB = sent.filter((s) => s.to === b.endpoint).map((s) => s.d);
    const toC = sent.filter((s) => s.to === c.endpoint).map((s) => s.d);
    assert.deepEqual(
      (await receiveAll(rb, toB.length)).map((g) => g.datagram),
      toB,
    );
    assert.deepEqual(
      (await receiveAll(rc, toC.length)).map((g) => g.datagram),
      toC,
    );
  } finally {
    for (const s of [a, b, c]) libc().close(s.fd);
  }
});

test('without GSO the same queue goes out one datagram per message', async () => {
  const a = loopbackSocket();
  const b = loopbackSocket();
  try {
    const sender = new DatagramSender(a.fd, { gso: false });
    const receiver = new DatagramReceiver(b.fd);
    const sent = Array.from({ length: 20 }, (_, i) => datagram(1400, i));
    for (const d of sent) sender.queue(b.endpoint, d);
    assert.equal(sender.flush().sent, 20);
    assert.equal(sender.segmenting, false);
    assert.deepEqual(
      (await receiveAll(receiver, 20)).map((g) => g.datagram),
      sent,
    );
  } finally {
    libc().close(a.fd);
    libc().close(b.fd);
  }
});

test('a refused datagram is counted with its errno and the others still leave', async () => {
  const a = loopbackSocket();
  const b = loopbackSocket();
  try {
    const sender = new DatagramSender(a.fd);
    const receiver = new DatagramReceiver(b.fd);
    sender.queue(b.endpoint, datagram(100, 1));
    sender.queue({ address: '127.0.0.1', port: 0 }, datagram(100, 2)); // port 0: EINVAL
    sender.queue({ address: '127.0.0.1', port: 0 }, datagram(100, 3));
    sender.queue(b.endpoint, datagram(100, 4));
    const r = sender.flush();
    assert.equal(r.sent, 2);
    assert.equal(r.failed, 2);
    assert.equal(r.lastErrno, 22);
    assert.ok(sender.segmenting, 'one bad destination does not turn GSO off');
    assert.deepEqual(
      (await receiveAll(receiver, 2)).map((g) => Buffer.from(g.datagram).readUInt32BE(0)),
      [1, 4],
    );
    assert.throws(
      () => sender.queue({ address: 'not-an-ip', port: 1 }, datagram(10, 5)),
      /not an IP address/,
    );
    assert.equal(sender.queued, 0);
  } finally {
    libc().close(a.fd);
    libc().close(b.fd);
  }
});

test('a datagram larger than a receive slot is counted as truncated, not delivered cut short', async () => {
  const a = loopbackSocket();
  const b = loopbackSocket();
  try {
    const sender = new DatagramSender(a.fd);
    const receiver = new DatagramReceiver(b.fd);
    sender.queue(b.endpoint, datagram(RECV_SLOT_BYTES + 1, 1));
    sender.queue(b.endpoint, datagram(50, 2));
    assert.equal(sender.flush().sent, 2);
    const got = await receiveAll(receiver, 1);
    assert.deepEqual(
      got.map((g) => g.datagram.length),
      [50],
    );
    assert.equal(receiver.truncated, 1);
  } finally {
    libc().close(a.fd);
    libc().close(b.fd);
  }
});

test('sockaddr encoding round-trips both families; a repeated source decodes to the same object', () => {
  for (const e of [
    { address: '192.0.2.1', port: 7000 },
    { address: '::1', port: 65535 },
    { address: '2001:db8::17', port: 1 },
  ]) {
    assert.deepEqual(decodeSockaddr(encodeSockaddr(e).bytes, 0), e);
  }
  assert.throws(() => encodeSockaddr({ address: 'example.org', port: 1 }), /not an IP address/);
  // Link-local zones name an interface: its index goes into sin6_scope_id.
  assert.equal(encodeSockaddr({ address: 'fe80::1%lo', port: 1 }).bytes.readUInt32LE(24), 1);
  assert.equal(encodeSockaddr({ address: 'fe80::1%7', port: 1 }).bytes.readUInt32LE(24), 7);
  assert.throws(() => encodeSockaddr({ address: 'fe80::1%nosuchif0', port: 1 }), /no interface 'nosuchif0'/);
  const cache = new SourceCache();
  const a = encodeSockaddr({ address: '192.0.2.1', port: 7000 });
  const b = encodeSockaddr({ address: '192.0.2.2', port: 7000 });
  const first = cache.endpointOf(a.bytes, 0, a.length);
  assert.equal(cache.endpointOf(a.bytes, 0, a.length), first);
  assert.deepEqual(cache.endpointOf(b.bytes, 0, b.length), { address: '192.0.2.2', port: 7000 });
  assert.notEqual(cache.endpointOf(a.bytes, 0, a.length), undefined);
});

test('UdpTransport: datagrams from a dgram peer arrive as batches; queued sends leave on flush; close stops it', async () => {
  const batches: ReceivedDatagram[][] = [];
  const t = UdpTransport.open(
    { port: 0, local: '127.0.0.1', ipv4: true, ipv6: false, sockmark: 0 },
    (batch) => batches.push(batch.map((d) => ({ from: d.from, datagram: Buffer.from(d.datagram) }))),
    () => undefined,
  );
  let peer: Socket | undefined;
  try {
    assert.ok(t.port > 0);
    t.startReading();
    peer = createSocket('udp4');
    const p = peer;
    await new Promise<void>((resolve) => p.bind(0, '127.0.0.1', resolve));
    const peerEndpoint = { address: '127.0.0.1', port: p.address().port };
    const echoed: Buffer[] = [];
    p.on('message', (m) => echoed.push(m));
    for (let i = 0; i < 10; i++) p.send(datagram(200, i), t.port, '127.0.0.1');
    await waitUntil(() => batches.flat().length === 10);
    assert.deepEqual(
      batches.flat().map((d) => [d.from.port, Buffer.from(d.datagram).readUInt32BE(0)]),
      Array.from({ length: 10 }, (_, i) => [peerEndpoint.port, i]),
    );
    for (let i = 0; i < 5; i++) assert.ok(t.send(peerEndpoint, datagram(300, i)));
    assert.equal(echoed.length, 0);
    t.flush();
    await waitUntil(() => echoed.length === 5);
    assert.equal(t.datagramsSent, 5);
    assert.equal(t.sendCalls, 1, 'one sendmmsg for the whole queue');
    assert.equal(t.send({ address: '::1', port: 1 }, datagram(10, 0)), false, 'no IPv6 socket');
    t.close();
    assert.equal(t.send(peerEndpoint, datagram(10, 0)), false);
    const before = batches.flat().length;
    p.send(datagram(20, 99), t.port, '127.0.0.1');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(batches.flat().length, before, 'nothing delivered after close');
  } finally {
    t.close();
    peer?.close();
  }
});

test('UdpTransport refuses a port in use with a clear error', () => {
  const first = UdpTransport.open(
    { port: 0, local: '127.0.0.1', ipv4: true, ipv6: false, sockmark: 0 },
    () => undefined,
    () => undefined,
  );
  try {
    assert.throws(
      () =>
        UdpTransport.open(
          { port: first.port, local: '127.0.0.1', ipv4: true, ipv6: false, sockmark: 0 },
          () => undefined,
          () => undefined,
        ),
      new RegExp(`cannot bind udp4 127\\.0\\.0\\.1 port ${first.port}: EADDRINUSE`),
    );
  } finally {
    first.close();
  }
});

async function waitUntil(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
