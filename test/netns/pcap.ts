/**
 * Reads the UDP/IPv4 datagrams out of a classic pcap file as tcpdump -w writes it (Ethernet link type),
 * so a test can look at, and replay, what really crossed the underlay.
 */

export interface CapturedDatagram {
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
  readonly payload: Buffer;
}

const LINKTYPE_ETHERNET = 1;
const ETHERTYPE_IPV4 = 0x0800;
const IPPROTO_UDP = 17;

/** Every UDP/IPv4 datagram in the capture, in order. Other packets are skipped; a torn tail is ignored. */
export function udpDatagrams(pcap: Buffer): CapturedDatagram[] {
  if (pcap.length < 24) throw new Error('not a pcap file: too short');
  const magic = pcap.readUInt32LE(0);
  const little = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!little && pcap.readUInt32BE(0) !== 0xa1b2c3d4 && pcap.readUInt32BE(0) !== 0xa1b23c4d) {
    throw new Error(`not a pcap file: magic ${magic.toString(16)}`);
  }
  const u32 = (o: number): number => (little ? pcap.readUInt32LE(o) : pcap.readUInt32BE(o));
  if (u32(20) !== LINKTYPE_ETHERNET) throw new Error(`pcap link type ${u32(20)} is not Ethernet`);
  const out: CapturedDatagram[] = [];
  for (let off = 24; off + 16 <= pcap.length;) {
    const caplen = u32(off + 8);
    const start = off + 16;
    off = start + caplen;
    if (off > pcap.length) break;
    const datagram = parseFrame(pcap.subarray(start, start + caplen));
    if (datagram !== undefined) out.push(datagram);
  }
  return out;
}

function parseFrame(frame: Buffer): CapturedDatagram | undefined {
  if (frame.length < 14 + 20 + 8 || frame.readUInt16BE(12) !== ETHERTYPE_IPV4) return undefined;
  const ip = frame.subarray(14);
  const ihl = (ip[0]! & 0x0f) * 4;
  if (ip[9] !== IPPROTO_UDP || ip.length < ihl + 8) return undefined;
  const fragment = ip.readUInt16BE(6) & 0x3fff; // offset or more-fragments: not a whole datagram
  if (fragment !== 0) return undefined;
  const udp = ip.subarray(ihl);
  const length = udp.readUInt16BE(4);
  if (length < 8 || length > udp.length) return undefined;
  return {
    src: [...ip.subarray(12, 16)].join('.'),
    dst: [...ip.subarray(16, 20)].join('.'),
    srcPort: udp.readUInt16BE(0),
    dstPort: udp.readUInt16BE(2),
    payload: Buffer.from(udp.subarray(8, length)),
  };
}
