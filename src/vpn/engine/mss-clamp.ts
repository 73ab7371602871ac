/**
 * TCP MSS clamping for frames sent to a peer reached through a relay.
 *
 * The TAP MTU is chosen so that a full frame plus our envelope fits one datagram on a direct path. A
 * relayed frame carries a second envelope (the target's node id and the relay session's header and
 * tag, {@link RELAY_ENVELOPE} bytes), so a full-size frame no longer fits and the underlay would have
 * to IP-fragment it, which many networks drop (IPv6 fragments especially). TCP — Redis replication —
 * is most of what crosses the tunnel, so, as routers do for PPPoE, the MSS option of a TCP SYN or
 * SYN-ACK travelling over a relayed path is lowered to what fits: both ends then send segments that
 * fit one relayed datagram for the life of the connection. The TCP checksum is updated incrementally
 * (RFC 1624). Other traffic (large ICMP or UDP) still relies on fragmentation.
 */
import { TRANSPORT_OVERHEAD } from '../protocol/constants.js';
import { maxFrameSize } from './mtu.js';

/** What relaying adds to a datagram: the target's 32-byte node id and the relay session's envelope. */
export const RELAY_ENVELOPE = 32 + TRANSPORT_OVERHEAD;

/**
 * Largest IP packet (IP header included) that fits one relayed datagram on a 1500-byte underlay of
 * either family (IPv6's larger UDP/IP header decides): 1500 − 48 − 32 − 64 − 14 = 1342.
 */
export const RELAYED_MAX_IP_PACKET = maxFrameSize(1500, 'ipv6') - RELAY_ENVELOPE - 14;

const ETH_HEADER = 14;
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const IPPROTO_TCP = 6;
const TCP_SYN = 0x02;
const TCP_OPTION_END = 0;
const TCP_OPTION_NOP = 1;
const TCP_OPTION_MSS = 2;

/**
 * Lowers the MSS option of a TCP SYN (or SYN-ACK) in an Ethernet frame, in place, so that segments
 * sent back fit IP packets of `maxIpPacket` bytes (MSS = packet − 20 − 20 for IPv4, − 40 − 20 for
 * IPv6, as the MSS excludes fixed IP and TCP headers). Returns true when the frame was changed. Any
 * frame that is not a well-formed, unfragmented IPv4/IPv6 TCP SYN with an MSS option is left alone.
 */
export function clampTcpMss(frame: Uint8Array, maxIpPacket: number): boolean {
  if (frame.length < ETH_HEADER + 40) return false;
  const ethertype = (frame[12]! << 8) | frame[13]!;
  let tcp: number;
  let limit: number;
  if (ethertype === ETHERTYPE_IPV4) {
    const ip = ETH_HEADER;
    if (frame[ip]! >> 4 !== 4 || frame[ip + 9] !== IPPROTO_TCP) return false;
    if ((((frame[ip + 6]! << 8) | frame[ip + 7]!) & 0x1fff) !== 0) return false; // a later fragment
    tcp = ip + (frame[ip]! & 0x0f) * 4;
    limit = maxIpPacket - 40;
  } else if (ethertype === ETHERTYPE_IPV6) {
    const ip = ETH_HEADER;
    if (frame[ip]! >> 4 !== 6 || frame[ip + 6] !== IPPROTO_TCP) return false; // no extension headers
    tcp = ip + 40;
    limit = maxIpPacket - 60;
  } else {
    return false;
  }
  if (tcp + 20 > frame.length || (frame[tcp + 13]! & TCP_SYN) === 0) return false;
  const optionsEnd = tcp + (frame[tcp + 12]! >> 4) * 4;
  if (optionsEnd > frame.length) return false;
  let o = tcp + 20;
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
      let sum = (~((frame[c]! << 8) | frame[c + 1]!) & 0xffff) + (~mss & 0xffff) + limit;
      sum = (sum & 0xffff) + (sum >>> 16);
      sum = (sum & 0xffff) + (sum >>> 16);
      const checksum = ~sum & 0xffff;
      frame[c] = checksum >> 8;
      frame[c + 1] = checksum & 0xff;
      return true;
    }
    o += length;
  }
  return false;
}
