/**
 * Packet helpers of the data path: the Ethernet/IP/UDP/TCP numbers (constants.ts, each defined
 * once), the Internet checksum, MTU arithmetic, TCP coalescing before the TAP (tcp-coalesce.ts) and
 * fitting frames to a relayed path (relay-mtu.ts).
 */
export {
  ETH_HEADER,
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  IPV4_HEADER,
  IPV6_HEADER,
  MAX_IP_PACKET,
  MAX_UDP_PAYLOAD,
  UDP_IPV4_OVERHEAD,
  UDP_IPV6_OVERHEAD,
  UNDERLAY_MTU,
} from './constants.js';
export { fold, internetChecksum, sum16 } from './checksum.js';
export { maxFrameSize, tapMtu } from './mtu.js';
export { MAX_COALESCED_SEGMENTS, TcpCoalescer, VNET_HDR_BYTES } from './tcp-coalesce.js';
export { RELAY_ENVELOPE, RELAYED_MAX_IP_PACKET, clampTcpMss, fitRelayedPath } from './relay-mtu.js';
export type { RelayFit } from './relay-mtu.js';
