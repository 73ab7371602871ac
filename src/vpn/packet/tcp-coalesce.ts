/**
 * Receive-side coalescing of TCP segments before they enter the TAP device (what wireguard-go calls
 * TCP GRO). The TAP is opened with IFF_VNET_HDR, so every write starts with a `virtio_net_hdr`; a run
 * of in-order segments of one IPv4 or IPv6 TCP flow becomes one large frame marked as a GSO packet
 * (gso_type TCPV4/TCPV6, gso_size = segment payload, checksum left to the kernel as CHECKSUM_PARTIAL), and
 * the kernel's TCP stack handles it as one packet instead of dozens. On the bench machine a TAP write
 * of one 1.4 KB segment costs ~20 µs of the receiving daemon's CPU (the kernel's TCP receive path
 * runs inside the write), so this is where receive throughput goes.
 *
 * A run is: same Ethernet header, same IPv4 addresses/TOS/TTL (no IP options, not fragmented) or
 * same IPv6 addresses/traffic class/flow label/hop limit (TCP right after the fixed header: no
 * extension headers), same ports, ACK number, window and TCP options; consecutive sequence numbers; only ACK (and PSH on the
 * last) flags; every payload the size of the first, the last possibly shorter. Anything else is
 * written as it came, in order, so coalescing never reorders or changes what a flow receives.
 * Payload integrity is already guaranteed by the transport AEAD; the kernel sees CHECKSUM_PARTIAL.
 *
 *   struct virtio_net_hdr { u8 flags; u8 gso_type; u16 hdr_len; u16 gso_size; u16 csum_start;
 *                           u16 csum_offset; }   (10 bytes, little-endian on x86-64/arm64)
 */

import { fold, internetChecksum, sum16 } from './checksum.js';
import {
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  ETH_HEADER,
  IPPROTO_TCP,
  IPV4_HEADER,
  IPV6_HEADER,
  MAX_IP_PACKET,
  TCP_FLAG_ACK,
  TCP_FLAG_PSH,
  TCP_HEADER,
} from './constants.js';

export const VNET_HDR_BYTES = 10;
const VIRTIO_NET_HDR_F_NEEDS_CSUM = 1;
const VIRTIO_NET_HDR_GSO_TCPV4 = 1;
const VIRTIO_NET_HDR_GSO_TCPV6 = 4;
/** The kernel accepts at most this many segments in one GSO packet (MAX_SKB_FRAGS-ish bound we keep). */
export const MAX_COALESCED_SEGMENTS = 44;

/** Where the TCP segment in a frame is, or undefined when the frame is not a coalescable segment. */
interface Segment {
  readonly frame: Uint8Array;
  readonly v6: boolean;
  readonly tcpStart: number;
  readonly payloadStart: number;
  readonly payloadLength: number;
  readonly seq: number;
  readonly psh: boolean;
}

function u16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

function u32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/** Where the TCP header of an IPv4 frame starts, if the frame may be a run's segment. */
function tcpStartV4(frame: Uint8Array): number | undefined {
  const ip = ETH_HEADER;
  if (frame[ip] !== 0x45 || frame[ip + 9] !== IPPROTO_TCP) return undefined; // v4, no options, TCP
  if ((u16(frame, ip + 6) & 0x3fff) !== 0) return undefined; // MF or a fragment offset
  if (u16(frame, ip + 2) !== frame.length - ETH_HEADER) return undefined; // padded or truncated
  return ip + IPV4_HEADER;
}

/** The same for IPv6: TCP must follow the fixed header (no extension headers, so no fragments). */
function tcpStartV6(frame: Uint8Array): number | undefined {
  const ip = ETH_HEADER;
  if (frame[ip]! >>> 4 !== 6 || frame[ip + 6] !== IPPROTO_TCP) return undefined;
  // Padded, truncated or a jumbogram: left alone.
  if (u16(frame, ip + 4) !== frame.length - ETH_HEADER - IPV6_HEADER) return undefined;
  return ip + IPV6_HEADER;
}

/** Parses a frame as an IPv4 or IPv6 TCP data segment that may join a run. */
function segmentOf(frame: Uint8Array): Segment | undefined {
  if (frame.length < ETH_HEADER + IPV4_HEADER + TCP_HEADER) return undefined;
  const type = u16(frame, 12);
  const v6 = type === ETHERTYPE_IPV6;
  if (!v6 && type !== ETHERTYPE_IPV4) return undefined;
  if (v6 && frame.length < ETH_HEADER + IPV6_HEADER + TCP_HEADER) return undefined;
  const tcpStart = v6 ? tcpStartV6(frame) : tcpStartV4(frame);
  if (tcpStart === undefined) return undefined;
  const tcpHeader = (frame[tcpStart + 12]! >>> 4) * 4;
  const flags = frame[tcpStart + 13]!;
  if (tcpHeader < TCP_HEADER || (flags & ~TCP_FLAG_PSH) !== TCP_FLAG_ACK) return undefined;
  const payloadStart = tcpStart + tcpHeader;
  const payloadLength = frame.length - payloadStart;
  if (payloadLength <= 0) return undefined;
  return {
    frame,
    v6,
    tcpStart,
    payloadStart,
    payloadLength,
    seq: u32(frame, tcpStart + 4),
    psh: (flags & TCP_FLAG_PSH) !== 0,
  };
}

/** Same flow and same everything a merged header would claim for all its segments. */
function sameRun(a: Segment, b: Segment): boolean {
  if (a.payloadStart !== b.payloadStart || a.v6 !== b.v6) return false;
  const fa = a.frame;
  const fb = b.frame;
  if (a.v6) {
    // Ethernet header; version/traffic class/flow label; next header/hop limit; addresses.
    for (let i = 0; i < ETH_HEADER + 4; i++) if (fa[i] !== fb[i]) return false;
    for (let i = ETH_HEADER + 6; i < ETH_HEADER + IPV6_HEADER; i++) if (fa[i] !== fb[i]) return false;
  } else {
    // Ethernet header; IP version/IHL/TOS; TTL/protocol; addresses.
    for (let i = 0; i < ETH_HEADER + 2; i++) if (fa[i] !== fb[i]) return false;
    for (let i = ETH_HEADER + 8; i < ETH_HEADER + 10; i++) if (fa[i] !== fb[i]) return false;
    for (let i = ETH_HEADER + 12; i < ETH_HEADER + IPV4_HEADER; i++) if (fa[i] !== fb[i]) return false;
  }
  // Ports, then ACK number, data offset, flags are checked by segmentOf; window; options.
  const t = a.tcpStart;
  for (let i = t; i < t + 4; i++) if (fa[i] !== fb[i]) return false;
  for (let i = t + 8; i < t + 12; i++) if (fa[i] !== fb[i]) return false;
  for (let i = t + 14; i < t + 16; i++) if (fa[i] !== fb[i]) return false;
  for (let i = t + TCP_HEADER; i < a.payloadStart; i++) if (fa[i] !== fb[i]) return false;
  return true;
}

/**
 * Collects the frames of one batch and writes them through `write` (one call per TAP write, each
 * buffer starting with its virtio_net_hdr). The buffer passed to `write` is reused by the next call.
 */
export class TcpCoalescer {
  private readonly out = Buffer.alloc(VNET_HDR_BYTES + MAX_IP_PACKET + ETH_HEADER);
  private run: Segment[] = [];
  private runBytes = 0;
  /** Segments merged into a larger frame, and the frames those became (for status and tests). */
  coalescedSegments = 0;
  coalescedFrames = 0;
  /** False once the kernel refused a merged frame: frames then go out one by one. */
  enabled = true;

  constructor(private readonly write: (buf: Uint8Array) => boolean) {}

  /** Adds a frame. `frame` must stay untouched until `flush` (the engine hands over fresh buffers). */
  add(frame: Uint8Array): void {
    const s = this.enabled ? segmentOf(frame) : undefined;
    if (s === undefined) {
      this.flush();
      this.writeSingle(frame);
      return;
    }
    const run = this.run;
    if (run.length > 0) {
      const first = run[0]!;
      const last = run[run.length - 1]!;
      const fits =
        run.length < MAX_COALESCED_SEGMENTS &&
        !last.psh &&
        last.payloadLength === first.payloadLength &&
        s.payloadLength <= first.payloadLength &&
        s.seq === (last.seq + last.payloadLength) >>> 0 &&
        this.runBytes + s.payloadLength <= MAX_IP_PACKET &&
        sameRun(first, s);
      if (!fits) this.flush();
    }
    if (this.run.length === 0) this.runBytes = s.payloadStart - ETH_HEADER;
    this.run.push(s);
    this.runBytes += s.payloadLength;
  }

  /** Writes what is pending. */
  flush(): void {
    const run = this.run;
    if (run.length === 0) return;
    if (run.length === 1) this.writeSingle(run[0]!.frame);
    else this.writeRun(run);
    this.run = [];
    this.runBytes = 0;
  }

  /** Writes one frame as it is (behind an all-zero header), bypassing the queue. */
  writeNow(frame: Uint8Array): boolean {
    const out = this.out;
    out.fill(0, 0, VNET_HDR_BYTES);
    out.set(frame, VNET_HDR_BYTES);
    return this.write(out.subarray(0, VNET_HDR_BYTES + frame.length));
  }

  private writeSingle(frame: Uint8Array): void {
    this.writeNow(frame);
  }

  /** One GSO frame: the first segment's headers (lengths and checksums fixed), all payloads. */
  private writeRun(run: readonly Segment[]): void {
    const out = this.out;
    const first = run[0]!;
    const last = run[run.length - 1]!;
    const headers = first.payloadStart;
    const f = VNET_HDR_BYTES; // frame start in `out`
    out.set(first.frame.subarray(0, headers), f);
    let at = f + headers;
    for (const s of run) {
      out.set(s.frame.subarray(s.payloadStart), at);
      at += s.payloadLength;
    }
    const frameLength = at - f;
    const ip = f + ETH_HEADER;
    const tcpLength = frameLength - first.tcpStart;
    // CHECKSUM_PARTIAL: the TCP checksum field holds the folded pseudo-header sum; the kernel adds
    // the segment. The pseudo header has the addresses, the protocol and the TCP length.
    let pseudo: number;
    if (first.v6) {
      out.writeUInt16BE(frameLength - ETH_HEADER - IPV6_HEADER, ip + 4); // payload length
      pseudo = sum16(out, ip + 8, ip + IPV6_HEADER, IPPROTO_TCP + tcpLength);
    } else {
      out.writeUInt16BE(frameLength - ETH_HEADER, ip + 2); // total length
      out.writeUInt16BE(0, ip + 10);
      out.writeUInt16BE(internetChecksum(out, ip, ip + IPV4_HEADER), ip + 10);
      pseudo = sum16(out, ip + 12, ip + IPV4_HEADER, IPPROTO_TCP + tcpLength);
    }
    const tcp = f + first.tcpStart;
    if (last.psh) out[tcp + 13] = out[tcp + 13]! | TCP_FLAG_PSH;
    out.writeUInt16BE(fold(pseudo), tcp + 16);
    out[0] = VIRTIO_NET_HDR_F_NEEDS_CSUM;
    out[1] = first.v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
    out.writeUInt16LE(headers, 2); // hdr_len
    out.writeUInt16LE(first.payloadLength, 4); // gso_size
    out.writeUInt16LE(first.tcpStart, 6); // csum_start
    out.writeUInt16LE(16, 8); // csum_offset: TCP checksum field
    if (this.write(out.subarray(0, at))) {
      this.coalescedSegments += run.length;
      this.coalescedFrames += 1;
      return;
    }
    // The kernel refused the GSO frame (a kernel without virtio-net GSO on TAP): stop merging and
    // deliver this run as it came, so nothing is lost.
    this.enabled = false;
    for (const s of run) this.writeNow(s.frame);
  }
}
