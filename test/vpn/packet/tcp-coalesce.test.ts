import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_COALESCED_SEGMENTS, TcpCoalescer, VNET_HDR_BYTES } from '../../../src/vpn/packet/index.js';
import { sum16 } from '../../helpers/inet.js';

const MAC_A = Buffer.from('020000000001', 'hex');
const MAC_B = Buffer.from('020000000002', 'hex');

interface SegmentSpec {
  readonly seq: number;
  readonly payload: Buffer;
  readonly flags?: number; // default ACK
  readonly srcPort?: number;
  readonly tsval?: number;
}

/** An Ethernet/IPv4/TCP frame with valid checksums and a 12-byte timestamp option. */
function tcpFrame(s: SegmentSpec): Buffer {
  const tcpLen = 32;
  const f = Buffer.alloc(14 + 20 + tcpLen + s.payload.length);
  MAC_B.copy(f, 0);
  MAC_A.copy(f, 6);
  f.writeUInt16BE(0x0800, 12);
  const ip = 14;
  f[ip] = 0x45;
  f.writeUInt16BE(20 + tcpLen + s.payload.length, ip + 2);
  f.writeUInt16BE(0x1234, ip + 4);
  f.writeUInt16BE(0x4000, ip + 6); // DF
  f[ip + 8] = 64;
  f[ip + 9] = 6;
  Buffer.from([10, 8, 0, 2, 10, 8, 0, 1]).copy(f, ip + 12);
  f.writeUInt16BE(~sum16(f, ip, ip + 20) & 0xffff, ip + 10);
  const t = ip + 20;
  f.writeUInt16BE(s.srcPort ?? 40000, t);
  f.writeUInt16BE(5201, t + 2);
  f.writeUInt32BE(s.seq >>> 0, t + 4);
  f.writeUInt32BE(777, t + 8);
  f[t + 12] = (tcpLen / 4) << 4;
  f[t + 13] = s.flags ?? 0x10;
  f.writeUInt16BE(502, t + 14);
  Buffer.from([1, 1, 8, 10]).copy(f, t + 20);
  f.writeUInt32BE(s.tsval ?? 1000, t + 24);
  f.writeUInt32BE(2000, t + 28);
  s.payload.copy(f, t + tcpLen);
  const pseudo = sum16(f, ip + 12, ip + 20, 6 + tcpLen + s.payload.length);
  f.writeUInt16BE(~sum16(f, t, f.length, pseudo) & 0xffff, t + 16);
  return f;
}

function payload(n: number, tag: number): Buffer {
  return Buffer.alloc(n, tag);
}

/** Runs frames through a coalescer and returns copies of what it wrote. */
function coalesce(frames: readonly Buffer[]): Buffer[] {
  const writes: Buffer[] = [];
  const c = new TcpCoalescer((buf) => {
    writes.push(Buffer.from(buf));
    return true;
  });
  for (const f of frames) c.add(f);
  c.flush();
  return writes;
}

/** Completes a CHECKSUM_PARTIAL frame as the kernel would and checks it is a valid TCP segment. */
function assertValidGsoFrame(w: Buffer): Buffer {
  const frame = w.subarray(VNET_HDR_BYTES);
  const csumStart = w.readUInt16LE(6);
  const csumOffset = w.readUInt16LE(8);
  assert.equal(csumStart, 34);
  assert.equal(csumOffset, 16);
  const done = Buffer.from(frame);
  done.writeUInt16BE(~sum16(done, csumStart, done.length) & 0xffff, csumStart + csumOffset);
  const ip = 14;
  assert.equal(sum16(done, ip, ip + 20), 0xffff, 'IPv4 header checksum');
  assert.equal(done.readUInt16BE(ip + 2), done.length - 14, 'IPv4 total length');
  const pseudo = sum16(done, ip + 12, ip + 20, 6 + done.length - 34);
  assert.equal(sum16(done, 34, done.length, pseudo), 0xffff, 'TCP checksum with pseudo header');
  return done;
}

test('in-order segments of one flow become one GSO frame with valid headers and every payload byte', () => {
  const frames: Buffer[] = [];
  let seq = 0xffff_f000; // the run wraps the 32-bit sequence space
  for (let i = 0; i < 10; i++) {
    frames.push(tcpFrame({ seq, payload: payload(1000, i) }));
    seq = (seq + 1000) >>> 0;
  }
  frames.push(tcpFrame({ seq, payload: payload(500, 10), flags: 0x18 }));
  const writes = coalesce(frames);
  assert.equal(writes.length, 1);
  const w = writes[0]!;
  assert.equal(w[0], 1, 'NEEDS_CSUM');
  assert.equal(w[1], 1, 'GSO TCPV4');
  assert.equal(w.readUInt16LE(2), 14 + 20 + 32, 'hdr_len');
  assert.equal(w.readUInt16LE(4), 1000, 'gso_size');
  const done = assertValidGsoFrame(w);
  assert.equal(done[34 + 13], 0x18, 'PSH of the last segment kept');
  assert.equal(done.readUInt32BE(34 + 4), 0xffff_f000, 'first sequence number');
  assert.deepEqual(done.subarray(66), Buffer.concat(frames.map((f) => f.subarray(66))));
});

test('what cannot join a run is written as it came, in order, behind an all-zero header', () => {
  const arp = Buffer.alloc(42, 0xaa);
  arp.writeUInt16BE(0x0806, 12);
  const frames = [
    tcpFrame({ seq: 0, payload: payload(1000, 1) }),
    tcpFrame({ seq: 1000, payload: payload(1000, 2) }),
    arp, // not TCP: ends the run
    tcpFrame({ seq: 2000, payload: payload(1000, 3) }),
    tcpFrame({ seq: 4000, payload: payload(1000, 4) }), // gap
    tcpFrame({ seq: 5000, payload: payload(1000, 5), srcPort: 40001 }), // other flow
    tcpFrame({ seq: 6000, payload: payload(0, 0), flags: 0x12 }), // SYN-ACK
    tcpFrame({ seq: 7000, payload: payload(1000, 6) }),
    tcpFrame({ seq: 8000, payload: payload(999, 7) }), // shorter: joins as the last
    tcpFrame({ seq: 8999, payload: payload(999, 8) }), // after a shorter one: a new run
    tcpFrame({ seq: 9998, payload: payload(999, 9), tsval: 1001 }), // options differ
  ];
  const writes = coalesce(frames);
  const expected: (number | number[])[] = [[0, 1], 2, 3, 4, 5, 6, [7, 8], 9, 10];
  assert.equal(writes.length, expected.length);
  for (const [i, e] of expected.entries()) {
    const w = writes[i]!;
    if (Array.isArray(e)) {
      assert.equal(w[1], 1, `write ${i} is a GSO frame`);
      const done = assertValidGsoFrame(w);
      assert.deepEqual(done.subarray(66), Buffer.concat(e.map((k) => frames[k]!.subarray(66))));
      continue;
    }
    assert.deepEqual(w.subarray(0, VNET_HDR_BYTES), Buffer.alloc(VNET_HDR_BYTES), `write ${i} header`);
    assert.deepEqual(w.subarray(VNET_HDR_BYTES), frames[e], `write ${i} is frame ${e} unchanged`);
  }
});

test('a PSH segment ends its run, and runs stop at the segment limit', () => {
  const frames: Buffer[] = [];
  for (let i = 0; i < MAX_COALESCED_SEGMENTS + 5; i++) {
    frames.push(tcpFrame({ seq: i * 100, payload: payload(100, i), flags: i === 2 ? 0x18 : 0x10 }));
  }
  const writes = coalesce(frames);
  const segmentsPerWrite = writes.map((w) => (w.length - VNET_HDR_BYTES - 66) / 100);
  assert.deepEqual(segmentsPerWrite, [3, MAX_COALESCED_SEGMENTS, 2]);
  for (const w of writes) assertValidGsoFrame(w);
});

test('when the kernel refuses a GSO frame, its segments are written one by one and merging stops', () => {
  const writes: Buffer[] = [];
  const c = new TcpCoalescer((buf) => {
    if (buf[1] !== 0) return false; // refuse GSO frames
    writes.push(Buffer.from(buf));
    return true;
  });
  const frames = [0, 1, 2, 3].map((i) => tcpFrame({ seq: i * 100, payload: payload(100, i) }));
  c.add(frames[0]!);
  c.add(frames[1]!);
  c.flush();
  assert.equal(c.enabled, false);
  c.add(frames[2]!);
  c.add(frames[3]!);
  c.flush();
  assert.deepEqual(
    writes.map((w) => w.subarray(VNET_HDR_BYTES)),
    frames,
  );
  assert.equal(c.coalescedFrames, 0);
});

const V6_SRC = Buffer.from('fd000000000000000000000000000002', 'hex');
const V6_DST = Buffer.from('fd000000000000000000000000000001', 'hex');

/** An Ethernet/IPv6/TCP frame (TCP right after the fixed header) with a valid checksum. */
function tcp6Frame(s: SegmentSpec & { readonly nextHeader?: number; readonly hopLimit?: number }): Buffer {
  const tcpLen = 32;
  const f = Buffer.alloc(14 + 40 + tcpLen + s.payload.length);
  MAC_B.copy(f, 0);
  MAC_A.copy(f, 6);
  f.writeUInt16BE(0x86dd, 12);
  const ip = 14;
  f.writeUInt32BE(0x6000_1234, ip); // version 6, flow label 0x1234
  f.writeUInt16BE(tcpLen + s.payload.length, ip + 4);
  f[ip + 6] = s.nextHeader ?? 6;
  f[ip + 7] = s.hopLimit ?? 64;
  V6_SRC.copy(f, ip + 8);
  V6_DST.copy(f, ip + 24);
  const t = ip + 40;
  f.writeUInt16BE(s.srcPort ?? 40000, t);
  f.writeUInt16BE(5201, t + 2);
  f.writeUInt32BE(s.seq >>> 0, t + 4);
  f.writeUInt32BE(777, t + 8);
  f[t + 12] = (tcpLen / 4) << 4;
  f[t + 13] = s.flags ?? 0x10;
  f.writeUInt16BE(502, t + 14);
  Buffer.from([1, 1, 8, 10]).copy(f, t + 20);
  f.writeUInt32BE(s.tsval ?? 1000, t + 24);
  f.writeUInt32BE(2000, t + 28);
  s.payload.copy(f, t + tcpLen);
  const pseudo = sum16(f, ip + 8, ip + 40, 6 + tcpLen + s.payload.length);
  f.writeUInt16BE(~sum16(f, t, f.length, pseudo) & 0xffff, t + 16);
  return f;
}

/** Completes a CHECKSUM_PARTIAL IPv6 frame as the kernel would and checks it is a valid TCP segment. */
function assertValidGso6Frame(w: Buffer): Buffer {
  const frame = w.subarray(VNET_HDR_BYTES);
  assert.equal(w[0], 1, 'NEEDS_CSUM');
  assert.equal(w[1], 4, 'GSO TCPV6');
  const csumStart = w.readUInt16LE(6);
  assert.equal(csumStart, 54);
  assert.equal(w.readUInt16LE(8), 16);
  const done = Buffer.from(frame);
  done.writeUInt16BE(~sum16(done, csumStart, done.length) & 0xffff, csumStart + 16);
  assert.equal(done.readUInt16BE(14 + 4), done.length - 54, 'IPv6 payload length');
  const pseudo = sum16(done, 14 + 8, 14 + 40, 6 + done.length - 54);
  assert.equal(sum16(done, 54, done.length, pseudo), 0xffff, 'TCP checksum with the IPv6 pseudo header');
  return done;
}

test('IPv6: in-order segments of one flow become one TCPV6 GSO frame with valid lengths and checksum', () => {
  const frames: Buffer[] = [];
  for (let i = 0; i < 8; i++) frames.push(tcp6Frame({ seq: i * 1200, payload: payload(1200, i) }));
  frames.push(tcp6Frame({ seq: 8 * 1200, payload: payload(300, 8), flags: 0x18 }));
  const writes = coalesce(frames);
  assert.equal(writes.length, 1);
  const w = writes[0]!;
  assert.equal(w.readUInt16LE(2), 14 + 40 + 32, 'hdr_len');
  assert.equal(w.readUInt16LE(4), 1200, 'gso_size');
  const done = assertValidGso6Frame(w);
  assert.equal(done[54 + 13], 0x18, 'PSH of the last segment kept');
  assert.equal(done.readUInt32BE(14), 0x6000_1234, 'version and flow label kept');
  assert.deepEqual(done.subarray(86), Buffer.concat(frames.map((f) => f.subarray(86))));
});

test('IPv6: extension headers, another hop limit and a mix with IPv4 are written as they came', () => {
  const frames = [
    tcp6Frame({ seq: 0, payload: payload(500, 1) }),
    tcp6Frame({ seq: 500, payload: payload(500, 2) }),
    tcp6Frame({ seq: 1000, payload: payload(500, 3), hopLimit: 63 }), // differs: a new run
    tcp6Frame({ seq: 1500, payload: payload(500, 4), nextHeader: 0 }), // hop-by-hop header first
    tcpFrame({ seq: 2000, payload: payload(500, 5) }), // IPv4 next to IPv6
    tcp6Frame({ seq: 2500, payload: payload(500, 6) }),
  ];
  const writes = coalesce(frames);
  assert.equal(writes.length, 5);
  assert.deepEqual(
    assertValidGso6Frame(writes[0]!).subarray(86),
    Buffer.concat([frames[0]!, frames[1]!].map((f) => f.subarray(86))),
  );
  for (const [i, k] of [
    [1, 2],
    [2, 3],
    [3, 4],
    [4, 5],
  ] as const) {
    assert.deepEqual(
      writes[i]!.subarray(0, VNET_HDR_BYTES),
      Buffer.alloc(VNET_HDR_BYTES),
      `write ${i} header`,
    );
    assert.deepEqual(writes[i]!.subarray(VNET_HDR_BYTES), frames[k], `write ${i} is frame ${k} unchanged`);
  }
});
