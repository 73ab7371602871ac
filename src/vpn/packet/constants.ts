/**
 * The Ethernet, IP, UDP and TCP numbers the data path reads and writes, each defined once, with the
 * names of the RFCs and Linux headers. Sizes are bytes. The VPN protocol's own constants are in
 * ../protocol/constants.ts.
 */

// ---- Ethernet (IEEE 802.3) ----
/** Destination MAC, source MAC, ethertype (ETH_HLEN). The smallest frame the engine accepts. */
export const ETH_HEADER = 14;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;

// ---- IP (RFC 791, RFC 8200) ----
/** An IPv4 header without options. */
export const IPV4_HEADER = 20;
/** The fixed IPv6 header. */
export const IPV6_HEADER = 40;
/** DF, in the byte of an IPv4 header that holds the flags (offset 6). */
export const IPV4_FLAG_DONT_FRAGMENT = 0x40;
/** MF, in the 16-bit flags-and-fragment-offset word of an IPv4 header. */
export const IPV4_FLAG_MORE_FRAGMENTS = 0x2000;
/** The fragment offset bits of that word (in units of 8 bytes). */
export const IPV4_FRAGMENT_OFFSET_MASK = 0x1fff;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_ICMPV6 = 58;
/** Largest IP packet: IPv4's total length is 16 bits (IPv6's payload length too). */
export const MAX_IP_PACKET = 65_535;
/** Every IPv6 link carries packets of this size (RFC 8200 §5). */
export const IPV6_MIN_MTU = 1280;

// ---- UDP (RFC 768) ----
export const UDP_HEADER = 8;
/** What IPv4 and UDP add to a datagram on the underlay. */
export const UDP_IPV4_OVERHEAD = IPV4_HEADER + UDP_HEADER; // 28
/** What IPv6 and UDP add to a datagram on the underlay. */
export const UDP_IPV6_OVERHEAD = IPV6_HEADER + UDP_HEADER; // 48
/** Largest UDP payload one datagram can carry (over IPv4). */
export const MAX_UDP_PAYLOAD = MAX_IP_PACKET - UDP_IPV4_OVERHEAD; // 65507

// ---- TCP (RFC 9293) ----
/** A TCP header without options. */
export const TCP_HEADER = 20;
export const TCP_FLAG_SYN = 0x02;
export const TCP_FLAG_PSH = 0x08;
export const TCP_FLAG_ACK = 0x10;
export const TCP_OPTION_END = 0;
export const TCP_OPTION_NOP = 1;
export const TCP_OPTION_MSS = 2;

// ---- the underlay ----
/** The underlay's IP MTU the TAP MTU and the relayed-path limit are sized for (Ethernet's). */
export const UNDERLAY_MTU = 1500;
