import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { isLowOrderPoint } from '../protocol/keys.js';
import type { UdpEndpoint } from './types.js';

/**
 * PEERINFO payload (peer exchange): what a node tells a peer about the other peers it is connected to,
 * with the endpoints it observes them at, so nodes that only know one member form a full mesh.
 *
 *   count(1) then per entry: static key(32) flags(1) family(1: 4|6) address(4|16) port(2, BE)
 */
export interface PeerInfoEntry {
  readonly staticKey: Uint8Array;
  readonly flags: number;
  readonly endpoint: UdpEndpoint;
}

export function encodePeerInfo(entries: readonly PeerInfoEntry[]): Uint8Array {
  const parts: Buffer[] = [Buffer.of(entries.length)];
  for (const e of entries) {
    const v4 = isIPv4(e.endpoint.address);
    const addr = v4 ? ipv4Bytes(e.endpoint.address) : ipv6Bytes(e.endpoint.address);
    const port = Buffer.alloc(2);
    port.writeUInt16BE(e.endpoint.port);
    parts.push(Buffer.from(e.staticKey), Buffer.of(e.flags & 0xff, v4 ? 4 : 6), addr, port);
  }
  return Buffer.concat(parts);
}

/** Undefined on any malformation. */
export function decodePeerInfo(payload: Uint8Array): PeerInfoEntry[] | undefined {
  const b = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  if (b.length < 1) return undefined;
  const count = b[0]!;
  const out: PeerInfoEntry[] = [];
  let off = 1;
  for (let i = 0; i < count; i++) {
    if (off + 34 > b.length) return undefined;
    const staticKey = b.subarray(off, off + 32);
    const flags = b[off + 32]!;
    const family = b[off + 33]!;
    off += 34;
    const len = family === 4 ? 4 : family === 6 ? 16 : -1;
    if (len < 0 || off + len + 2 > b.length) return undefined;
    const address =
      family === 4 ? [...b.subarray(off, off + 4)].join('.') : ipv6String(b.subarray(off, off + 16));
    const port = b.readUInt16BE(off + len);
    off += len + 2;
    if (port === 0) return undefined;
    out.push({ staticKey: new Uint8Array(staticKey), flags, endpoint: { address, port } });
  }
  return off === b.length ? out : undefined;
}

/**
 * Addresses no peer can be dialled at: unspecified, loopback, multicast, broadcast and reserved,
 * IPv6 link-local (unusable without a zone) and IPv4-mapped (our IPv6 socket is IPv6-only). A member
 * could otherwise point the mesh at our own loopback services or make it spray a multicast group.
 */
const UNROUTABLE = new BlockList();
UNROUTABLE.addSubnet('0.0.0.0', 8, 'ipv4');
UNROUTABLE.addSubnet('127.0.0.0', 8, 'ipv4');
UNROUTABLE.addSubnet('224.0.0.0', 4, 'ipv4');
UNROUTABLE.addSubnet('240.0.0.0', 4, 'ipv4');
UNROUTABLE.addAddress('::', 'ipv6');
UNROUTABLE.addAddress('::1', 'ipv6');
UNROUTABLE.addSubnet('ff00::', 8, 'ipv6');
UNROUTABLE.addSubnet('fe80::', 10, 'ipv6');

/**
 * Whether a peer-exchange entry may be acted on: its key can complete a handshake (not a small-order
 * point) and its endpoint can be dialled. An entry that fails is skipped; the rest of the message counts.
 */
export function usablePeerInfoEntry(entry: PeerInfoEntry): boolean {
  if (isLowOrderPoint(entry.staticKey)) return false;
  const address = entry.endpoint.address;
  if (isIPv4(address)) return !UNROUTABLE.check(address, 'ipv4');
  // IPv4-mapped is tested by its text (decodePeerInfo writes '::ffff:…'): BlockList would apply
  // a ::ffff:0:0/96 rule to every IPv4 address too.
  return !address.startsWith('::ffff:') && !UNROUTABLE.check(address, 'ipv6');
}

function ipv4Bytes(address: string): Buffer {
  return Buffer.from(address.split('.').map(Number));
}

function ipv6Bytes(address: string): Buffer {
  if (!isIPv6(address)) throw new Error(`not an IP address: ${address}`);
  const [head = '', tail] = address.split('::') as [string, string | undefined];
  const words = (s: string): string[] => (s === '' ? [] : s.split(':'));
  let groups = words(head);
  let tailGroups = tail === undefined ? [] : words(tail);
  const expand = (gs: string[]): string[] => gs.flatMap((g) => (g.includes('.') ? ipv4Hex(g) : [g]));
  groups = expand(groups);
  tailGroups = expand(tailGroups);
  const fill = tail === undefined ? [] : new Array<string>(8 - groups.length - tailGroups.length).fill('0');
  const all = [...groups, ...fill, ...tailGroups];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

function ipv4Hex(dotted: string): string[] {
  const b = ipv4Bytes(dotted);
  return [((b[0]! << 8) | b[1]!).toString(16), ((b[2]! << 8) | b[3]!).toString(16)];
}

/** RFC 5952 text form (longest zero run compressed), so equal addresses compare equal as strings. */
function ipv6String(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = (gs: number[]): string => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}
