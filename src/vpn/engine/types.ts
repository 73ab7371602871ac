/**
 * The seam between the VPN's protocol engine (sans-I/O: crypto, handshakes, sessions, peers, timers,
 * peer exchange, relay, L2 switch) and its I/O shell (UDP sockets, TAP device, config, logging).
 *
 * The engine never touches a socket, a device or the clock: the shell feeds it events with the current
 * monotonic time and the engine answers through an `EngineIO`. That is what lets whole meshes be tested
 * in memory and the same engine run over real UDP and TAP.
 */

/** A UDP endpoint as the shell sees it. `address` is an IPv4 or IPv6 literal. */
export interface UdpEndpoint {
  readonly address: string;
  readonly port: number;
}

/** What the engine asks of the shell. Calls are synchronous; the shell may batch them until `flush`. */
export interface EngineIO {
  /** Send one datagram. */
  sendDatagram(to: UdpEndpoint, datagram: Uint8Array): void;
  /** Deliver one Ethernet frame to the local TAP device. */
  writeFrame(frame: Uint8Array): void;
  /** Structured event for the operator log (peer up/down, handshake failure reasons, …). */
  log(
    level: 'debug' | 'info' | 'warn' | 'error',
    event: string,
    fields?: Readonly<Record<string, unknown>>,
  ): void;
}

/** Options the engine takes from the PeerVPN config (already validated by the config reader). */
export interface EngineOptions {
  readonly networkName: string; // normalised as PeerVPN does
  readonly psk: string;
  /** false: relay/discovery-only node (PeerVPN `enabletunneling no`): no frames in or out. */
  readonly tunneling: boolean;
  /** PeerVPN `enablerelay`: forward for peers that cannot reach each other. */
  readonly relay: boolean;
  /**
   * redmesh `allowednodes`: the static public keys this node admits. Undefined: anyone holding the PSK
   * (PeerVPN's model). Changed at run time with `VpnEngine.setAllowedNodes`.
   */
  readonly allowedNodes?: readonly Uint8Array[];
  /**
   * Wall-clock time (ms since the epoch) at which `now` was 0. Initiation timestamps count from it, so a
   * node key that outlives its process (redmesh `nodekey`) keeps them increasing across restarts (peers
   * drop initiations that are not newer than the last one). 0: count from the engine's clock, enough for
   * a per-process identity.
   */
  readonly timestampOrigin?: number;
}

/** Per-peer facts for `redmesh vpn status`. */
export interface PeerStatus {
  readonly nodeId: string; // hex
  readonly publicKey: string; // base64, as in allowednodes
  readonly endpoint: UdpEndpoint | undefined;
  readonly relayedVia: string | undefined; // nodeId of the relay when indirect
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly lastHandshakeMs: number | undefined; // monotonic ms
  readonly lastReceiveMs: number | undefined;
}

/** A node's long-term (per-process) X25519 identity. NodeID = hex BLAKE2s-256 of the public key. */
export interface EngineIdentity {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly nodeId: string;
}

/** One datagram of a batch read from the UDP socket. */
export interface ReceivedDatagram {
  readonly from: UdpEndpoint;
  readonly datagram: Uint8Array;
}
