import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { RELAYED_MAX_IP_PACKET, clampTcpMss, fitRelayedPath } from '../../../src/vpn/packet/index.js';
import { FakeNetwork, connectedTo, relayedPair } from '../mesh-harness.js';
import { sum16 } from '../../helpers/inet.js';

interface SynSpec {
  readonly v6?: boolean;
  readonly flags?: number; // default SYN
  readonly mss?: number; // undefined: no MSS option
  readonly fragmentOffset?: number;
}

/**
 * An Ethernet/IP/TCP SYN the way Linux sends one: MSS, SACK-permitted, timestamps, NOP, window
 * scale (MSS first unless `mss` is undefined), with a correct TCP checksum.
 */
function synFrame(s: SynSpec): Buffer {
  const options: number[] = [];
  if (s.mss !== undefined) options.push(2, 4, s.mss >> 8, s.mss & 0xff);
  options.push(4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 1, 3, 3, 7);
  const tcpLen = 20 + options.length;
  const ipLen = s.v6 === true ? 40 : 20;
  const f = Buffer.alloc(14 + ipLen + tcpLen);
  Buffer.from('020000000002020000000001', 'hex').copy(f, 0);
  const ip = 14;
  let pseudo: number;
  if (s.v6 === true) {
    f.writeUInt16BE(0x86dd, 12);
    f[ip] = 0x60;
    f.writeUInt16BE(tcpLen, ip + 4);
    f[ip + 6] = 6;
    f[ip + 7] = 64;
    Buffer.from('fd000008000000000000000000000002fd000008000000000000000000000001', 'hex').copy(f, ip + 8);
    pseudo = sum16(f, ip + 8, ip + 40, 6 + tcpLen);
  } else {
    f.writeUInt16BE(0x0800, 12);
    f[ip] = 0x45;
    f.writeUInt16BE(20 + tcpLen, ip + 2);
    f.writeUInt16BE(0x4000 | (s.fragmentOffset ?? 0), ip + 6);
    f[ip + 8] = 64;
    f[ip + 9] = 6;
    Buffer.from([10, 8, 0, 2, 10, 8, 0, 1]).copy(f, ip + 12);
    f.writeUInt16BE(~sum16(f, ip, ip + 20) & 0xffff, ip + 10);
    pseudo = sum16(f, ip + 12, ip + 20, 6 + tcpLen);
  }
  const tcp = ip + ipLen;
  f.writeUInt16BE(40000, tcp);
  f.writeUInt16BE(6379, tcp + 2);
  f.writeUInt32BE(0x01020304, tcp + 4);
  f[tcp + 12] = (tcpLen / 4) << 4;
  f[tcp + 13] = s.flags ?? 0x02;
  f.writeUInt16BE(64240, tcp + 14);
  Buffer.from(options).copy(f, tcp + 20);
  f.writeUInt16BE(~sum16(f, tcp, tcp + tcpLen, pseudo) & 0xffff, tcp + 16);
  return f;
}

/** True when the frame's TCP checksum verifies (sum over pseudo-header and segment is 0xffff). */
function tcpChecksumOk(f: Buffer): boolean {
  const ip = 14;
  if (f.readUInt16BE(12) === 0x86dd) {
    const len = f.readUInt16BE(ip + 4);
    return sum16(f, ip + 40, ip + 40 + len, sum16(f, ip + 8, ip + 40, 6 + len)) === 0xffff;
  }
  const len = f.readUInt16BE(ip + 2) - 20;
  return sum16(f, ip + 20, ip + 20 + len, sum16(f, ip + 12, ip + 20, 6 + len)) === 0xffff;
}

function mssOf(f: Buffer): number {
  const tcp = f.readUInt16BE(12) === 0x86dd ? 54 : 34;
  assert.equal(f[tcp + 20], 2, 'MSS is the first option');
  return f.readUInt16BE(tcp + 22);
}

test('a SYN and a SYN-ACK to a relayed peer get an MSS that fits one relayed datagram, checksum intact', () => {
  assert.equal(RELAYED_MAX_IP_PACKET, 1342); // 1500 − 48 (IPv6+UDP) − 32 − 64 (relay envelope) − 14
  for (const [v6, flags, want] of [
    [false, 0x02, 1302],
    [false, 0x12, 1302],
    [true, 0x02, 1282],
    [true, 0x12, 1282],
  ] as const) {
    const f = synFrame({ v6, flags, mss: v6 ? 1346 : 1386 }); // what Linux derives from TAP MTU 1426/1406
    assert.ok(tcpChecksumOk(f), 'the test frame is valid');
    assert.equal(clampTcpMss(f, RELAYED_MAX_IP_PACKET), true);
    assert.equal(mssOf(f), want);
    assert.ok(tcpChecksumOk(f), `checksum still verifies (v6=${v6}, flags=${flags})`);
  }
});

test('the checksum update is right for every MSS and checksum value (RFC 1624 corner cases)', () => {
  for (let mss = 1303; mss <= 65535; mss += 97) {
    const f = synFrame({ mss });
    // Vary the checksum through the window field, so results land on 0x0000 and 0xffff too.
    for (let w = 0; w < 64; w++) {
      const g = Buffer.from(f);
      const tcp = 34;
      const oldWindow = g.readUInt16BE(tcp + 14);
      g.writeUInt16BE((oldWindow + w * 1031) & 0xffff, tcp + 14);
      g.writeUInt16BE(0, tcp + 16);
      const len = g.readUInt16BE(16) - 20;
      g.writeUInt16BE(~sum16(g, tcp, tcp + len, sum16(g, 26, 34, 6 + len)) & 0xffff, tcp + 16);
      assert.equal(clampTcpMss(g, RELAYED_MAX_IP_PACKET), true);
      assert.ok(tcpChecksumOk(g), `mss ${mss}, window step ${w}`);
    }
  }
});

test('frames that are not a SYN with a larger MSS are left exactly as they were', () => {
  const cases: Buffer[] = [
    synFrame({ flags: 0x10, mss: 1460 }), // a plain ACK (an MSS option there is meaningless)
    synFrame({ mss: 1302 }), // already fits
    synFrame({ mss: 536 }),
    synFrame({}), // no MSS option
    synFrame({ mss: 1460, fragmentOffset: 10 }), // a later IP fragment
  ];
  const udp = synFrame({ mss: 1460 });
  udp[14 + 9] = 17; // UDP
  cases.push(udp);
  const arp = synFrame({ mss: 1460 });
  arp.writeUInt16BE(0x0806, 12);
  cases.push(arp);
  for (const f of cases) {
    const before = Buffer.from(f);
    assert.equal(clampTcpMss(f, RELAYED_MAX_IP_PACKET), false);
    assert.deepEqual(f, before);
  }
});

test('truncated, malformed and random frames never throw', () => {
  const syn = synFrame({ mss: 1460 });
  for (let n = 0; n < syn.length; n++) {
    assert.doesNotThrow(() => clampTcpMss(Buffer.from(syn.subarray(0, n)), RELAYED_MAX_IP_PACKET));
  }
  // A SYN whose option length runs past the TCP header: left alone.
  const bad = synFrame({ mss: 1460 });
  bad[34 + 21] = 40;
  const before = Buffer.from(bad);
  assert.equal(clampTcpMss(bad, RELAYED_MAX_IP_PACKET), false);
  assert.deepEqual(bad, before);
  for (let i = 0; i < 5000; i++) {
    const f = randomBytes(14 + (i % 120));
    if (i % 2 === 0) f.writeUInt16BE(i % 4 === 0 ? 0x0800 : 0x86dd, 12);
    assert.doesNotThrow(() => clampTcpMss(f, RELAYED_MAX_IP_PACKET));
  }
});

test('the engine clamps SYNs it sends over a relay, in both directions, and not over a direct path', async () => {
  const net = new FakeNetwork();
  const { r, b, c } = await relayedPair(net);
  assert.equal(b.engine.status().find((s) => s.nodeId === c.engine.nodeId)?.relayedVia, r.engine.nodeId);
  const macB = '02:00:00:00:00:02';
  const macC = '02:00:00:00:00:01';
  // synFrame goes from 02:..:01 to 02:..:02: C's SYN to B. C has not learned B's MAC, so the SYN is
  // flooded; B learns C's MAC from it, so the SYN-ACK goes to C as a unicast frame: both paths.
  c.engine.onFrame(synFrame({ mss: 1386 }), net.now);
  net.run(20);
  const atB = Buffer.from(b.frames.at(-1)!);
  assert.equal(mssOf(atB), 1302, 'the SYN arrived with the relayed MSS');
  assert.ok(tcpChecksumOk(atB), 'and a valid checksum');
  const synAck = synFrame({ flags: 0x12, mss: 1386 }); // from B to C: MACs set below
  Buffer.from(macB.replaceAll(':', ''), 'hex').copy(synAck, 6);
  Buffer.from(macC.replaceAll(':', ''), 'hex').copy(synAck, 0);
  b.engine.onFrame(synAck, net.now);
  net.run(20);
  const atC = Buffer.from(c.frames.at(-1)!);
  assert.equal(mssOf(atC), 1302, 'the SYN-ACK too');
  assert.ok(tcpChecksumOk(atC));
  assert.equal(b.engine.counters().mssClamped, 1);
  assert.equal(c.engine.counters().mssClamped, 1);

  // Two nodes with a direct path: the MSS is left alone.
  const net2 = new FakeNetwork();
  const d = await net2.addNode('d');
  const e = await net2.addNode('e', {}, [d]);
  net2.runUntil(() => connectedTo(d, e) && connectedTo(e, d), 20_000);
  e.engine.onFrame(synFrame({ mss: 1386 }), net2.now);
  net2.run(20);
  assert.equal(mssOf(Buffer.from(d.frames.at(-1)!)), 1386);
  assert.equal(e.engine.counters().mssClamped, 0);
});

/** An Ethernet/IPv4 frame carrying `payload` bytes after a 20-byte header, DF as asked. */
function ipv4Frame(payload: number, df: boolean, flagsOffset = 0): Buffer {
  const f = Buffer.alloc(14 + 20 + payload);
  Buffer.from('020000000002020000000001', 'hex').copy(f, 0);
  f.writeUInt16BE(0x0800, 12);
  f[14] = 0x45;
  f.writeUInt16BE(20 + payload, 16);
  f.writeUInt16BE(0xbeef, 18);
  f.writeUInt16BE((df ? 0x4000 : 0) | flagsOffset, 20);
  f[22] = 64;
  f[23] = 17; // UDP
  Buffer.from([10, 8, 0, 2, 10, 8, 0, 3]).copy(f, 26);
  f.writeUInt16BE(~sum16(f, 14, 34) & 0xffff, 24);
  for (let i = 0; i < payload; i++) f[34 + i] = (i * 7) & 0xff;
  return f;
}

test('an IPv4 packet with DF too big for a relayed datagram gets ICMP fragmentation needed, mtu 1342', () => {
  const f = ipv4Frame(1400, true);
  const fit = fitRelayedPath(f, RELAYED_MAX_IP_PACKET);
  assert.equal(fit.kind, 'too-big');
  const icmp = Buffer.from((fit as { icmp: Uint8Array }).icmp);
  assert.deepEqual(icmp.subarray(0, 6), f.subarray(6, 12), 'back to the sender MAC');
  assert.deepEqual(icmp.subarray(6, 12), f.subarray(0, 6));
  assert.equal(icmp.readUInt16BE(12), 0x0800);
  assert.equal(sum16(icmp, 14, 34), 0xffff, 'IP header checksum');
  assert.equal(icmp[23], 1);
  assert.deepEqual(icmp.subarray(26, 30), f.subarray(30, 34), 'from the original destination');
  assert.deepEqual(icmp.subarray(30, 34), f.subarray(26, 30), 'to the original source');
  assert.equal(icmp.readUInt16BE(16), icmp.length - 14);
  assert.equal(icmp[34], 3);
  assert.equal(icmp[35], 4);
  assert.equal(icmp.readUInt16BE(40), 1342, 'next-hop MTU');
  assert.equal(sum16(icmp, 34, icmp.length), 0xffff, 'ICMP checksum');
  assert.deepEqual(icmp.subarray(42), f.subarray(14, 14 + 28), 'quotes the header and 8 bytes');
});

test('an IPv6 packet too big for a relayed datagram gets ICMPv6 packet too big, mtu 1342', () => {
  const f = synFrame({ v6: true, mss: 1000 });
  const big = Buffer.alloc(14 + 40 + 1400);
  f.copy(big, 0, 0, 54);
  big.writeUInt16BE(1400, 18);
  const fit = fitRelayedPath(big, RELAYED_MAX_IP_PACKET);
  assert.equal(fit.kind, 'too-big');
  const icmp = Buffer.from((fit as { icmp: Uint8Array }).icmp);
  assert.ok(icmp.length - 14 <= 1280, 'within the IPv6 minimum MTU');
  assert.equal(icmp.readUInt16BE(12), 0x86dd);
  assert.equal(icmp[20], 58);
  assert.deepEqual(icmp.subarray(22, 38), big.subarray(38, 54), 'from the original destination');
  assert.deepEqual(icmp.subarray(38, 54), big.subarray(22, 38), 'to the original source');
  const len = icmp.readUInt16BE(18);
  assert.equal(len, icmp.length - 54);
  assert.equal(icmp[54], 2);
  assert.equal(icmp.readUInt32BE(58), 1342);
  assert.equal(sum16(icmp, 54, icmp.length, sum16(icmp, 22, 54, 58 + len)), 0xffff, 'ICMPv6 checksum');
  assert.deepEqual(icmp.subarray(62), big.subarray(14, 14 + icmp.length - 62));
});

test('an IPv4 packet without DF is fragmented to fit, and the fragments reassemble to it', () => {
  for (const [payload, flagsOffset] of [
    [1400, 0],
    [3000, 0],
    [1400, 0x2000 | 100], // itself a middle fragment: offsets shift, MF stays on the last
  ] as const) {
    const f = ipv4Frame(payload, false, flagsOffset);
    const fit = fitRelayedPath(f, RELAYED_MAX_IP_PACKET);
    assert.equal(fit.kind, 'fragments');
    const frags = (fit as { frames: Uint8Array[] }).frames.map((x) => Buffer.from(x));
    assert.equal(frags.length, Math.ceil(payload / 1320));
    const data: Buffer[] = [];
    let expectOffset = flagsOffset & 0x1fff;
    for (const [i, g] of frags.entries()) {
      assert.deepEqual(g.subarray(0, 14), f.subarray(0, 14));
      assert.ok(g.readUInt16BE(16) <= RELAYED_MAX_IP_PACKET);
      assert.equal(g.readUInt16BE(16), g.length - 14);
      assert.equal(sum16(g, 14, 34), 0xffff, 'header checksum');
      assert.equal(g.readUInt16BE(18), 0xbeef, 'same identification');
      const fo = g.readUInt16BE(20);
      assert.equal(fo & 0x1fff, expectOffset);
      const last = i === frags.length - 1;
      assert.equal((fo & 0x2000) !== 0, !last || (flagsOffset & 0x2000) !== 0, 'MF');
      expectOffset += (g.length - 34) / 8;
      data.push(g.subarray(34));
    }
    assert.deepEqual(Buffer.concat(data), f.subarray(34));
  }
});

test('packets that fit, non-IP frames and IPv4 with options are handled as they must be', () => {
  assert.equal(fitRelayedPath(ipv4Frame(1322, true), RELAYED_MAX_IP_PACKET).kind, 'fits'); // 1342 bytes
  assert.equal(fitRelayedPath(ipv4Frame(1323, true), RELAYED_MAX_IP_PACKET).kind, 'too-big');
  const arp = ipv4Frame(1400, false);
  arp.writeUInt16BE(0x0806, 12);
  assert.equal(fitRelayedPath(arp, RELAYED_MAX_IP_PACKET).kind, 'fits');
  const options = ipv4Frame(1400, false);
  options[14] = 0x46;
  assert.equal(fitRelayedPath(options, RELAYED_MAX_IP_PACKET).kind, 'drop');
  for (let i = 0; i < 3000; i++) {
    const f = randomBytes(14 + (i % 1600));
    if (i % 2 === 0) f.writeUInt16BE(i % 4 === 0 ? 0x0800 : 0x86dd, 12);
    assert.doesNotThrow(() => fitRelayedPath(f, RELAYED_MAX_IP_PACKET));
  }
});

test('the engine answers too-big DF packets on a relayed path with ICMP and fragments the others', async () => {
  const net = new FakeNetwork();
  const { b, c } = await relayedPair(net);
  const toC = c.frames.length;
  b.engine.onFrame(ipv4Frame(1400, true), net.now);
  net.run(20);
  assert.equal(c.frames.length, toC, 'the too-big packet was not sent');
  const icmp = Buffer.from(b.frames.at(-1)!);
  assert.equal(icmp[34], 3, 'B got ICMP fragmentation needed into its TAP');
  assert.equal(icmp.readUInt16BE(40), 1342);
  c.engine.onFrame(ipv4Frame(1400, false), net.now);
  net.run(20);
  const got = b.frames.slice(-2).map((x) => Buffer.from(x));
  assert.equal(got.length, 2);
  assert.deepEqual(
    Buffer.concat([got[0]!.subarray(34), got[1]!.subarray(34)]),
    ipv4Frame(1400, false).subarray(34),
  );
  assert.equal(b.engine.counters().tooBigForRelay, 1);
  assert.equal(c.engine.counters().tooBigForRelay, 1);
});
