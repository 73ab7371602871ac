/**
 * `struct sockaddr_in` / `sockaddr_in6` ⇄ `UdpEndpoint`, for the UDP socket the shell drives through
 * libc (udp.ts, mmsg.ts). Text forms are inet_ntop's (RFC 5952 for IPv6), what node:dgram reported.
 *
 * Both directions run per datagram, so both are cached: a received sockaddr that equals the previous
 * one (the common case: a burst from one peer) yields the same endpoint object without decoding, and
 * an endpoint object the engine sends to again (a peer's path) maps to its encoded sockaddr at once.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { UdpEndpoint } from './engine/index.js';
import { AF_INET, AF_INET6, libc } from '../platform/index.js';

/** Room for either family (sizeof sockaddr_in6 = 28). */
export const SOCKADDR_BYTES = 32;
export const SOCKADDR_IN_BYTES = 16;
export const SOCKADDR_IN6_BYTES = 28;

/** An encoded destination: the sockaddr bytes and their length. */
export interface Sockaddr {
  readonly bytes: Buffer;
  readonly length: number;
}

/** Encodes an IPv4/IPv6 literal and port; throws on anything else. */
export function encodeSockaddr(endpoint: UdpEndpoint): Sockaddr {
  const bytes = Buffer.alloc(SOCKADDR_BYTES);
  bytes.writeUInt16BE(endpoint.port, 2);
  if (isIPv4(endpoint.address)) {
    bytes.writeUInt16LE(AF_INET, 0);
    const parts = endpoint.address.split('.');
    for (let i = 0; i < 4; i++) bytes[4 + i] = Number(parts[i]);
    return { bytes, length: SOCKADDR_IN_BYTES };
  }
  if (!isIPv6(endpoint.address)) throw new Error(`not an IP address: ${endpoint.address}`);
  bytes.writeUInt16LE(AF_INET6, 0);
  const scope = endpoint.address.indexOf('%');
  const text = scope === -1 ? endpoint.address : endpoint.address.slice(0, scope);
  if (libc().inetPton(AF_INET6, text, bytes.subarray(8, 24)) !== 1) {
    throw new Error(`not an IP address: ${endpoint.address}`);
  }
  if (scope !== -1) bytes.writeUInt32LE(scopeId(endpoint.address.slice(scope + 1)), 24);
  return { bytes, length: SOCKADDR_IN6_BYTES };
}

/** `fe80::1%eth0` or `fe80::1%2`: the interface index for sin6_scope_id. */
function scopeId(zone: string): number {
  if (/^\d+$/.test(zone)) return Number(zone);
  const index = libc().ifNameToIndex(zone);
  if (index === 0) throw new Error(`no interface '${zone}' for the IPv6 zone`);
  return index;
}

/** Decodes the sockaddr at `bytes[offset..]`; undefined for a family we do not speak. */
export function decodeSockaddr(bytes: Uint8Array, offset: number): UdpEndpoint | undefined {
  const family = bytes[offset]! | (bytes[offset + 1]! << 8);
  const port = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
  if (family === AF_INET) {
    const a = offset + 4;
    return { address: `${bytes[a]}.${bytes[a + 1]}.${bytes[a + 2]}.${bytes[a + 3]}`, port };
  }
  if (family !== AF_INET6) return undefined;
  const address = libc().inetNtop(AF_INET6, bytes.subarray(offset + 8, offset + 24));
  return address === undefined ? undefined : { address, port };
}

/** Remembers the last decoded source per receive slot stream: consecutive equal sockaddrs → one object. */
export class SourceCache {
  private readonly last = Buffer.alloc(SOCKADDR_BYTES);
  private lastLength = 0;
  private lastEndpoint: UdpEndpoint | undefined;

  /** The endpoint of the `length`-byte sockaddr at `bytes[offset..]`. */
  endpointOf(bytes: Buffer, offset: number, length: number): UdpEndpoint | undefined {
    if (
      this.lastEndpoint !== undefined &&
      length === this.lastLength &&
      this.matches(bytes, offset, length)
    ) {
      return this.lastEndpoint;
    }
    const endpoint = decodeSockaddr(bytes, offset);
    if (endpoint === undefined) return undefined;
    bytes.copy(this.last, 0, offset, offset + length);
    this.lastLength = length;
    this.lastEndpoint = endpoint;
    return endpoint;
  }

  private matches(bytes: Buffer, offset: number, length: number): boolean {
    // Family, port and address; sin6_flowinfo (bytes 4..7) may vary per datagram and is ignored.
    const last = this.last;
    for (let i = 0; i < length; i++) {
      if (i >= 4 && i < 8 && length === SOCKADDR_IN6_BYTES) continue;
      if (bytes[offset + i] !== last[i]) return false;
    }
    return true;
  }
}

/** Encoded destinations per endpoint object (the engine reuses a peer's endpoint object). */
export class DestinationCache {
  private readonly byEndpoint = new WeakMap<UdpEndpoint, Sockaddr>();

  sockaddrOf(endpoint: UdpEndpoint): Sockaddr {
    let s = this.byEndpoint.get(endpoint);
    if (s === undefined) {
      s = encodeSockaddr(endpoint);
      this.byEndpoint.set(endpoint, s);
    }
    return s;
  }
}
