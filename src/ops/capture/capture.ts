/**
 * A packet capture to a pcap file, for where tcpdump cannot run: inside the rootless demo's user
 * namespace, tcpdump (running as uid 0 there) insists on dropping to its own user, which that
 * namespace does not map, and fails. This opens an AF_PACKET socket on one interface (CAP_NET_RAW in
 * the namespace is enough) and writes every frame, whole, in the classic pcap format tcpdump writes
 * (LINKTYPE_ETHERNET, microsecond timestamps), flushing after each batch so a reader sees it at once.
 *
 * It is `redmesh capture <interface> <file>`, run in the node's namespace like tcpdump would be.
 */
import { openSync, closeSync, writeSync } from 'node:fs';
import { SOCK_CLOEXEC, SOCK_NONBLOCK, libc, libcError } from '../../platform/index.js';

const AF_PACKET = 17;
const SOCK_RAW = 3;
/** ETH_P_ALL in network byte order, as socket() and sockaddr_ll want it. */
const ETH_P_ALL_BE = 0x0300;
const EAGAIN = 11;
const SNAPLEN = 65_535;
const LINKTYPE_ETHERNET = 1;

/** The pcap file header (magic a1b2c3d4 little-endian, version 2.4, snaplen, link type). */
export function pcapHeader(): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(SNAPLEN, 16);
  h.writeUInt32LE(LINKTYPE_ETHERNET, 20);
  return h;
}

/** One pcap record: header (time, captured and original length) and the frame. */
export function pcapRecord(frame: Uint8Array, nowMs: number): Buffer {
  const r = Buffer.alloc(16 + frame.length);
  r.writeUInt32LE(Math.floor(nowMs / 1000), 0);
  r.writeUInt32LE(Math.floor((nowMs % 1000) * 1000), 4);
  r.writeUInt32LE(frame.length, 8);
  r.writeUInt32LE(frame.length, 12);
  r.set(frame, 16);
  return r;
}

export interface Capture {
  /** Stops reading and closes the socket and the file (idempotent). */
  stop(): void;
}

/** Starts capturing every frame on `iface` (of this process's network namespace) into `file`. */
export function startCapture(iface: string, file: string): Capture {
  const c = libc();
  const index = c.ifNameToIndex(iface);
  if (index === 0) throw new Error(`capture: no interface ${iface}`);
  const fd = c.socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, ETH_P_ALL_BE);
  if (fd < 0) throw libcError(`capture: socket(AF_PACKET) on ${iface}`, c.errno());
  // struct sockaddr_ll: family, protocol (BE), ifindex, hatype, pkttype, halen, addr[8].
  const addr = Buffer.alloc(20);
  addr.writeUInt16LE(AF_PACKET, 0);
  addr.writeUInt16LE(ETH_P_ALL_BE, 2);
  addr.writeInt32LE(index, 4);
  if (c.bind(fd, addr, addr.length) < 0) {
    const err = libcError(`capture: bind to ${iface}`, c.errno());
    c.close(fd);
    throw err;
  }
  const out = openSync(file, 'w', 0o600);
  writeSync(out, pcapHeader());
  const buf = Buffer.alloc(SNAPLEN);
  let stopped = false;
  const drain = (): void => {
    const records: Buffer[] = [];
    for (let i = 0; i < 1024; i++) {
      const n = c.read(fd, buf, buf.length);
      if (n < 0) {
        if (c.errno() === EAGAIN) break;
        throw libcError(`capture: read on ${iface}`, c.errno());
      }
      records.push(pcapRecord(buf.subarray(0, n), Date.now()));
    }
    if (records.length > 0) writeSync(out, Buffer.concat(records));
  };
  const watch = c.watchReadable(fd, drain);
  return {
    stop: () => {
      if (stopped) return;
      stopped = true;
      watch.close();
      drain();
      c.close(fd);
      closeSync(out);
    },
  };
}
