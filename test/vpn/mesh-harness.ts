/**
 * An in-memory world for whole meshes: engines joined by a fake UDP network on a virtual clock.
 * Datagrams take `latency` ms; links can be blocked; every datagram can be observed; nodes can die,
 * come back and move to another endpoint. Nothing here touches a socket or the real clock.
 */
import assert from 'node:assert/strict';
import {
  VpnEngine,
  deriveNetworkKey,
  type EngineIO,
  type EngineIdentity,
  type EngineOptions,
  type NetworkKey,
  type UdpEndpoint,
} from '../../src/vpn/engine/index.js';

const keyCache = new Map<string, Promise<NetworkKey>>();

/** scrypt is deliberately slow: derive each (network, psk) once per test process. */
export function networkKey(networkName: string, psk: string): Promise<NetworkKey> {
  const k = `${networkName}\0${psk}`;
  let p = keyCache.get(k);
  if (p === undefined) {
    p = deriveNetworkKey(networkName, psk);
    keyCache.set(k, p);
  }
  return p;
}

export interface LogLine {
  readonly level: string;
  readonly event: string;
  readonly fields: Readonly<Record<string, unknown>> | undefined;
}

export interface Datagram {
  readonly from: UdpEndpoint;
  readonly to: UdpEndpoint;
  readonly bytes: Uint8Array;
}

export class Node {
  readonly frames: Uint8Array[] = [];
  readonly logs: LogLine[] = [];
  alive = true;
  constructor(
    readonly name: string,
    public endpoint: UdpEndpoint,
    readonly engine: VpnEngine,
  ) {}
}

interface InFlight extends Datagram {
  readonly deliverAt: number;
}

const key = (e: UdpEndpoint): string => `${e.address}:${e.port}`;

export class FakeNetwork {
  now = 1_000;
  latency = 1;
  readonly nodes: Node[] = [];
  private inFlight: InFlight[] = [];
  private blocked: ((d: Datagram) => boolean)[] = [];
  /** Every datagram put on the wire (including ones then blocked or lost). */
  readonly wire: Datagram[] = [];
  private nextHost = 1;

  async addNode(
    name: string,
    opts: Partial<EngineOptions> & { readonly psk?: string; readonly identity?: EngineIdentity } = {},
    initPeers: readonly Node[] = [],
    at?: UdpEndpoint,
  ): Promise<Node> {
    const options: EngineOptions = {
      networkName: opts.networkName ?? 'MYNET',
      psk: opts.psk ?? 'correct horse battery staple',
      tunneling: opts.tunneling ?? true,
      relay: opts.relay ?? false,
      allowedNodes: opts.allowedNodes,
    };
    const endpoint = at ?? { address: `192.0.2.${this.nextHost++}`, port: 7000 };
    const nk = await networkKey(options.networkName, options.psk);
    // The engine talks to `node` lazily so that the node's endpoint can change (roaming).
    const self: { node?: Node } = {};
    const io: EngineIO = {
      sendDatagram: (to, bytes) => {
        const n = self.node;
        if (n?.alive) this.send({ from: n.endpoint, to, bytes: Uint8Array.from(bytes) });
      },
      writeFrame: (frame) => self.node?.frames.push(Uint8Array.from(frame)),
      log: (level, event, fields) => self.node?.logs.push({ level, event, fields }),
    };
    const node = new Node(name, endpoint, new VpnEngine(options, nk, io, opts.identity));
    self.node = node;
    for (const p of initPeers) node.engine.addInitPeer(p.endpoint);
    this.nodes.push(node);
    node.engine.start(this.now);
    return node;
  }

  send(d: Datagram): void {
    this.wire.push(d);
    if (this.blocked.some((b) => b(d))) return;
    this.inFlight.push({ ...d, deliverAt: this.now + this.latency });
  }

  /** Drop every datagram between the two nodes (both directions) until the returned function is called. */
  block(a: Node, b: Node): () => void {
    const rule = (d: Datagram): boolean =>
      (key(d.from) === key(a.endpoint) && key(d.to) === key(b.endpoint)) ||
      (key(d.from) === key(b.endpoint) && key(d.to) === key(a.endpoint));
    this.blocked.push(rule);
    return () => {
      this.blocked = this.blocked.filter((r) => r !== rule);
    };
  }

  /** Inject a datagram as if `from` had sent it (attacker, replay). */
  inject(from: UdpEndpoint, to: UdpEndpoint, bytes: Uint8Array): void {
    this.send({ from, to, bytes });
  }

  /** Advance the virtual clock by `ms`, delivering datagrams and firing timers in time order. */
  run(ms: number): void {
    const end = this.now + ms;
    for (let steps = 0; steps < 5_000_000; steps++) {
      let next = end;
      for (const d of this.inFlight) next = Math.min(next, d.deliverAt);
      for (const n of this.nodes) {
        const t = n.alive ? n.engine.nextTimerDeadline() : undefined;
        if (t !== undefined) next = Math.min(next, Math.max(t, this.now));
      }
      this.now = next;
      const due = this.inFlight.filter((d) => d.deliverAt <= this.now);
      this.inFlight = this.inFlight.filter((d) => d.deliverAt > this.now);
      for (const d of due) {
        const target = this.nodes.find((n) => n.alive && key(n.endpoint) === key(d.to));
        target?.engine.onDatagram(d.from, d.bytes, this.now);
      }
      for (const n of this.nodes) {
        const t = n.alive ? n.engine.nextTimerDeadline() : undefined;
        if (t !== undefined && t <= this.now) n.engine.onTimer(this.now);
      }
      if (this.now >= end && due.length === 0) return;
    }
    throw new Error('simulation did not settle (step limit)');
  }

  /** Run until `cond` holds, in steps of 50 ms, for at most `maxMs` of virtual time; returns the time taken. */
  runUntil(cond: () => boolean, maxMs: number): number {
    const start = this.now;
    while (!cond()) {
      if (this.now - start > maxMs) throw new Error(`condition not met within ${maxMs} ms of virtual time`);
      this.run(50);
    }
    return this.now - start;
  }

  kill(n: Node): void {
    n.alive = false;
  }
}

export function connectedTo(a: Node, b: Node): boolean {
  return a.engine.status().some((s) => s.nodeId === b.engine.nodeId);
}

/**
 * A relay node (tunneling off) and two nodes that know only it and cannot reach each other directly,
 * run until B and C are connected through the relay. `openDirect` lets B and C reach each other.
 */
export async function relayedPair(
  net: FakeNetwork,
): Promise<{ r: Node; b: Node; c: Node; openDirect: () => void }> {
  const r = await net.addNode('relay', { relay: true, tunneling: false });
  const b = await net.addNode('b', {}, [r]);
  const c = await net.addNode('c', {}, [r]);
  const openDirect = net.block(b, c);
  net.runUntil(() => connectedTo(b, c) && connectedTo(c, b), 20_000);
  return { r, b, c, openDirect };
}

/**
 * Two nodes, `other` dialling `a`, connected; and the IK handshake initiation (type 1) that crossed the
 * wire between them, with the node that received it (the victim when the initiation is replayed).
 */
export async function pairWithCapturedInitiation(
  net: FakeNetwork,
): Promise<{ a: Node; other: Node; initiation: Datagram; receiver: Node }> {
  const a = await net.addNode('a');
  const other = await net.addNode('other', {}, [a]);
  net.runUntil(() => connectedTo(a, other) && connectedTo(other, a), 5_000);
  const initiation = net.wire.find((d) => d.bytes[0] === 1);
  assert.ok(initiation, 'captured an initiation');
  const receiver = net.nodes.find((n) => n.endpoint.address === initiation.to.address);
  assert.ok(receiver, 'the initiation went to one of the two nodes');
  return { a, other, initiation, receiver };
}

/** An Ethernet frame from `src` to `dst` MAC with a recognisable payload. */
export function ethernetFrame(dst: string, src: string, payload: Uint8Array): Uint8Array {
  const f = new Uint8Array(14 + payload.length);
  f.set(Buffer.from(dst.replaceAll(':', ''), 'hex'), 0);
  f.set(Buffer.from(src.replaceAll(':', ''), 'hex'), 6);
  f[12] = 0x08;
  f[13] = 0x00;
  f.set(payload, 14);
  return f;
}

export const BROADCAST = 'ff:ff:ff:ff:ff:ff';

export function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(needle) >= 0;
}
