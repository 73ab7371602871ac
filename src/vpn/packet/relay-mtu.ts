/**
 * Frames sent to a peer reached through a relay: keeping them within one relayed datagram.
 *
 * The TAP MTU is chosen so that a full frame plus our envelope fits one datagram on a direct path. A
 * relayed frame carries a second envelope (the target's node id and the relay session's header and
 * tag, {@link RELAY_ENVELOPE} bytes), so a full-size frame no longer fits and the underlay would have
 * to IP-fragment it, which many networks drop (IPv6 fragments especially). TCP — Redis replication —
 * is most of what crosses the tunnel, so, as routers do for PPPoE, the MSS option of a TCP SYN or
 * SYN-ACK travelling over a relayed path is lowered to what fits: both ends then send segments that
 * fit one relayed datagram for the life of the connection. The TCP checksum is updated incrementally
 * (RFC 1624).
 *
 * A packet that is still too big (non-TCP, or a TCP connection opened while the path was direct) is
 * handled the way a router with a smaller next-hop MTU would (`fitRelayedPath`): an IPv4 packet
 * without DF is fragmented; an IPv4 packet with DF gets an ICMP "fragmentation needed" and an IPv6
 * packet an ICMPv6 "packet too big" back into the TAP, with the relayed MTU, so the sender's kernel
 * lowers its path MTU (and its TCP MSS) for that destination and sends again.
 */
import { NODE_ID_SIZE, TRANSPORT_OVERHEAD } from '../protocol/constants.js';
import { fold, internetChecksum, sum16 } from './checksum.js';
import {
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  ETH_HEADER,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_TCP,
  IPV4_FLAG_DONT_FRAGMENT,
  IPV4_FLAG_MORE_FRAGMENTS,
  IPV4_FRAGMENT_OFFSET_MASK,
  IPV4_HEADER,
  IPV6_HEADER,
  IPV6_MIN_MTU,
  TCP_FLAG_SYN,
  TCP_HEADER,
  TCP_OPTION_END,
  TCP_OPTION_MSS,
  TCP_OPTION_NOP,
  UNDERLAY_MTU,
} from './constants.js';
import { maxFrameSize } from './mtu.js';

/** What relaying adds to a datagram: the target's 32-byte node id and the relay session's envelope. */
export const RELAY_ENVELOPE = NODE_ID_SIZE + TRANSPORT_OVERHEAD;

/**
 * Largest IP packet (IP header included) that fits one relayed datagram on a 1500-byte underlay of
 * either family (IPv6's larger UDP/IP header decides): 1500 − 48 − 32 − 64 − 14 = 1342.
 */
export const RELAYED_MAX_IP_PACKET = maxFrameSize(UNDERLAY_MTU, 'ipv6') - RELAY_ENVELOPE - ETH_HEADER;

/**
 * Lowers the MSS option of a TCP SYN (or SYN-ACK) in an Ethernet frame, in place, so that segments
 * sent back fit IP packets of `maxIpPacket` bytes (MSS = packet − 20 − 20 for IPv4, − 40 − 20 for
 * IPv6, as the MSS excludes fixed IP and TCP headers). Returns true when the frame was changed. Any
 * frame that is not a well-formed, unfragmented IPv4/IPv6 TCP SYN with an MSS option is left alone.
 */
export function clampTcpMss(frame: Uint8Array, maxIpPacket: number): boolean {
  if (frame.length < ETH_HEADER + IPV4_HEADER + TCP_HEADER) return false;
  const ethertype = (frame[12]! << 8) | frame[13]!;
  let tcp: number;
  let limit: number;
  if (ethertype === ETHERTYPE_IPV4) {
    const ip = ETH_HEADER;
    if (frame[ip]! >> 4 !== 4 || frame[ip + 9] !== IPPROTO_TCP) return false;
    if ((((frame[ip + 6]! << 8) | frame[ip + 7]!) & IPV4_FRAGMENT_OFFSET_MASK) !== 0) return false; // a later fragment
    tcp = ip + (frame[ip]! & 0x0f) * 4;
    limit = maxIpPacket - IPV4_HEADER - TCP_HEADER;
  } else if (ethertype === ETHERTYPE_IPV6) {
    const ip = ETH_HEADER;
    if (frame[ip]! >> 4 !== 6 || frame[ip + 6] !== IPPROTO_TCP) return false; // no extension headers
    tcp = ip + IPV6_HEADER;
    limit = maxIpPacket - IPV6_HEADER - TCP_HEADER;
  } else {
    return false;
  }
  if (tcp + TCP_HEADER > frame.length || (frame[tcp + 13]! & TCP_FLAG_SYN) === 0) return false;
  const optionsEnd = tcp + (frame[tcp + 12]! >> 4) * 4;
  if (optionsEnd > frame.length) return false;
  let o = tcp + TCP_HEADER;
  while (o < optionsEnd) {
    const kind = frame[o]!;
    if (kind === TCP_OPTION_END) return false;
    if (kind === TCP_OPTION_NOP) {
      o += 1;
      continue;
    }
    if (o + 1 >= optionsEnd) return false;
    const length = frame[o + 1]!;
    if (length < 2 || o + length > optionsEnd) return false;
    if (kind === TCP_OPTION_MSS && length === 4) {
      const mss = (frame[o + 2]! << 8) | frame[o + 3]!;
      if (mss <= limit) return false;
      frame[o + 2] = limit >> 8;
      frame[o + 3] = limit & 0xff;
      // RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), one 16-bit word changed.
      const c = tcp + 16;
      const sum = (~((frame[c]! << 8) | frame[c + 1]!) & 0xffff) + (~mss & 0xffff) + limit;
      const checksum = ~fold(sum) & 0xffff;
      frame[c] = checksum >> 8;
      frame[c + 1] = checksum & 0xff;
      return true;
    }
    o += length;
  }
  return false;
}

/** Bytes of the IP packet in an Ethernet frame (its header's length field), or undefined for non-IP. */
function ipPacketLength(frame: Uint8Array): { v6: boolean; length: number } | undefined {
  if (frame.length < ETH_HEADER + IPV6_HEADER) return undefined;
  const ethertype = (frame[12]! << 8) | frame[13]!;
  const ip = ETH_HEADER;
  if (ethertype === ETHERTYPE_IPV4 && frame[ip]! >> 4 === 4) {
    return { v6: false, length: (frame[ip + 2]! << 8) | frame[ip + 3]! };
  }
  if (ethertype === ETHERTYPE_IPV6 && frame[ip]! >> 4 === 6) {
    return { v6: true, length: IPV6_HEADER + ((frame[ip + 4]! << 8) | frame[ip + 5]!) };
  }
  return undefined;
}

/** What to do with a frame bound for a relayed path. */
export type RelayFit =
  | { readonly kind: 'fits' }
  /** Send these frames instead (IPv4 fragments, each within the limit). */
  | { readonly kind: 'fragments'; readonly frames: Uint8Array[] }
  /** Do not send; write this ICMP error frame to the TAP (toward the sender). */
  | { readonly kind: 'too-big'; readonly icmp: Uint8Array }
  /** Cannot be fitted (IPv4 options, a malformed header): drop. */
  | { readonly kind: 'drop' };

const FITS: RelayFit = { kind: 'fits' };
const DROP: RelayFit = { kind: 'drop' };

/**
 * Decides how a frame goes over a relayed path whose IP packets may be at most `maxIpPacket` bytes.
 * Frames that are not IPv4/IPv6, or fit, are sent as they are.
 */
export function fitRelayedPath(frame: Uint8Array, maxIpPacket: number): RelayFit {
  const ip = ipPacketLength(frame);
  if (ip === undefined || ip.length <= maxIpPacket || ETH_HEADER + ip.length > frame.length) return FITS;
  if (ip.v6) return { kind: 'too-big', icmp: packetTooBigV6(frame, maxIpPacket) };
  const flags = frame[ETH_HEADER + 6]!;
  if ((flags & IPV4_FLAG_DONT_FRAGMENT) !== 0)
    return { kind: 'too-big', icmp: fragmentationNeededV4(frame, maxIpPacket) };
  return fragmentV4(frame, ip.length, maxIpPacket);
}

function put16(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >> 8) & 0xff;
  b[o + 1] = v & 0xff;
}

/** An Ethernet header answering `frame`: its source becomes the destination and vice versa. */
function replyEthernet(out: Uint8Array, frame: Uint8Array, ethertype: number): void {
  out.set(frame.subarray(6, 12), 0);
  out.set(frame.subarray(0, 6), 6);
  put16(out, 12, ethertype);
}

/**
 * ICMP destination unreachable / fragmentation needed (type 3 code 4, RFC 1191) for an IPv4 packet
 * with DF, from the packet's destination address to its source, quoting its header and 8 bytes.
 */
function fragmentationNeededV4(frame: Uint8Array, mtu: number): Uint8Array {
  const ip = ETH_HEADER;
  const quoted = Math.min((frame[ip]! & 0x0f) * 4 + 8, frame.length - ip);
  const out = new Uint8Array(ETH_HEADER + IPV4_HEADER + 8 + quoted);
  replyEthernet(out, frame, ETHERTYPE_IPV4);
  const o = ETH_HEADER;
  out[o] = 0x45;
  out[o + 1] = 0xc0; // internetwork control, as Linux sends ICMP errors
  put16(out, o + 2, IPV4_HEADER + 8 + quoted);
  out[o + 8] = 64;
  out[o + 9] = IPPROTO_ICMP;
  out.set(frame.subarray(ip + 16, ip + 20), o + 12); // from the original destination
  out.set(frame.subarray(ip + 12, ip + 16), o + 16); // to the original source
  put16(out, o + 10, internetChecksum(out, o, o + IPV4_HEADER));
  const icmp = o + IPV4_HEADER;
  out[icmp] = 3;
  out[icmp + 1] = 4;
  put16(out, icmp + 6, mtu);
  out.set(frame.subarray(ip, ip + quoted), icmp + 8);
  put16(out, icmp + 2, internetChecksum(out, icmp, out.length));
  return out;
}

/**
 * ICMPv6 packet too big (type 2, RFC 4443) for an IPv6 packet, from its destination to its source,
 * quoting as much of it as keeps the error within the IPv6 minimum MTU (1280).
 */
function packetTooBigV6(frame: Uint8Array, mtu: number): Uint8Array {
  const ip = ETH_HEADER;
  const quoted = Math.min(IPV6_MIN_MTU - IPV6_HEADER - 8, frame.length - ip);
  const out = new Uint8Array(ETH_HEADER + IPV6_HEADER + 8 + quoted);
  replyEthernet(out, frame, ETHERTYPE_IPV6);
  const o = ETH_HEADER;
  out[o] = 0x60;
  put16(out, o + 4, 8 + quoted);
  out[o + 6] = IPPROTO_ICMPV6;
  out[o + 7] = 64;
  out.set(frame.subarray(ip + 24, ip + 40), o + 8); // from the original destination
  out.set(frame.subarray(ip + 8, ip + 24), o + 24); // to the original source
  const icmp = o + IPV6_HEADER;
  out[icmp] = 2;
  out[icmp + 4] = (mtu >>> 24) & 0xff;
  out[icmp + 5] = (mtu >>> 16) & 0xff;
  put16(out, icmp + 6, mtu & 0xffff);
  out.set(frame.subarray(ip, ip + quoted), icmp + 8);
  // Pseudo-header: source, destination, upper-layer length, next header.
  const pseudo = sum16(out, o + 8, o + IPV6_HEADER, 8 + quoted + IPPROTO_ICMPV6);
  put16(out, icmp + 2, internetChecksum(out, icmp, out.length, pseudo));
  return out;
}

/**
 * Fragments an IPv4 packet without DF into packets of at most `maxIpPacket` bytes, as a router does
 * (RFC 791): the header is copied, offsets and MF set, the header checksum recomputed. The packet may
 * itself be a fragment. Packets with IP options are dropped (options would need per-fragment rules).
 */
function fragmentV4(frame: Uint8Array, total: number, maxIpPacket: number): RelayFit {
  const ip = ETH_HEADER;
  if ((frame[ip]! & 0x0f) !== 5 || total <= IPV4_HEADER) return DROP;
  const flagsOffset = (frame[ip + 6]! << 8) | frame[ip + 7]!;
  const baseOffset = flagsOffset & IPV4_FRAGMENT_OFFSET_MASK;
  const moreAfter = (flagsOffset & IPV4_FLAG_MORE_FRAGMENTS) !== 0;
  const step = Math.floor((maxIpPacket - IPV4_HEADER) / 8) * 8;
  const frames: Uint8Array[] = [];
  for (let at = 0; at < total - IPV4_HEADER; at += step) {
    const size = Math.min(step, total - IPV4_HEADER - at);
    const last = at + size >= total - IPV4_HEADER;
    const out = new Uint8Array(ETH_HEADER + IPV4_HEADER + size);
    out.set(frame.subarray(0, ETH_HEADER + IPV4_HEADER), 0);
    put16(out, ip + 2, IPV4_HEADER + size);
    put16(out, ip + 6, (!last || moreAfter ? IPV4_FLAG_MORE_FRAGMENTS : 0) | (baseOffset + at / 8));
    put16(out, ip + 10, 0);
    put16(out, ip + 10, internetChecksum(out, ip, ip + IPV4_HEADER));
    out.set(frame.subarray(ip + IPV4_HEADER + at, ip + IPV4_HEADER + at + size), ip + IPV4_HEADER);
    frames.push(out);
  }
  return { kind: 'fragments', frames };
}
