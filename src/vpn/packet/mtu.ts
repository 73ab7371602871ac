import { TRANSPORT_OVERHEAD } from '../protocol/constants.js';
import { ETH_HEADER, UDP_IPV4_OVERHEAD, UDP_IPV6_OVERHEAD } from './constants.js';

/**
 * Largest Ethernet frame (header included) that travels in one datagram of a path with this IP MTU.
 * Frames relayed through a third node carry a second envelope: see relay-mtu.ts.
 */
export function maxFrameSize(pathMtu: number, family: 'ipv4' | 'ipv6'): number {
  const ip = family === 'ipv4' ? UDP_IPV4_OVERHEAD : UDP_IPV6_OVERHEAD;
  return pathMtu - ip - TRANSPORT_OVERHEAD;
}

/**
 * The MTU to give the TAP device so that a full frame plus our overhead fits one datagram:
 * 1500-byte underlay → 1426 (IPv4) / 1406 (IPv6). The TAP MTU does not count the Ethernet header.
 */
export function tapMtu(pathMtu: number, family: 'ipv4' | 'ipv6'): number {
  return maxFrameSize(pathMtu, family) - ETH_HEADER;
}
