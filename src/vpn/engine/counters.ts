/**
 * What the engine counts: packets dropped, by reason, and the events worth a number in
 * `redmesh vpn status --json` and in tests. Monotonic counts since the engine was constructed.
 */

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Packets the engine dropped, by reason (monotonic counts since construction). */
export interface DropCounters {
  /** Not a packet of ours: unknown type, wrong length, truncated, bad payload. */
  readonly malformed: number;
  /** Handshake/hello whose MAC1 fails: another network name or PSK (or garbage of the right size). */
  readonly wrongNetwork: number;
  /** Handshake that passes MAC1 but fails Noise decryption (forged, or a broken peer). */
  readonly handshakeFailed: number;
  /** Handshake initiation or hello whose timestamp is not newer than the last one from that node. */
  readonly handshakeReplay: number;
  /** Handshake refused because we are under load and it carried no valid cookie (MAC2). */
  readonly underLoad: number;
  /** Handshake or hello over its source address's rate (HANDSHAKES_PER_SECOND_PER_IP); never answered. */
  readonly rateLimited: number;
  /** Transport packet or response for a receiver index we do not have (expired session, garbage). */
  readonly unknownIndex: number;
  /** Peer-exchange entries skipped: a small-order key, or an address nobody can be dialled at. */
  readonly badPeerInfo: number;
  /** Transport packet whose AEAD tag fails (bit flips, forgery). */
  readonly badAuth: number;
  /** Transport packet whose counter was already seen or is behind the replay window. */
  readonly replay: number;
  /** Transport packet on a session past REJECT_AFTER_TIME / REJECT_AFTER_MESSAGES. */
  readonly expiredSession: number;
  /** Frame that could not be sent or delivered (no peer, queue full, tunneling disabled, relay refused). */
  readonly noRoute: number;
  /** Hello, initiation or peer-exchange entry naming a node key `allowednodes` does not list. */
  readonly notAllowed: number;
}

/** Every drop reason at zero, as a fresh object the caller may count into. */
export function zeroDropCounters(): Mutable<DropCounters> {
  return {
    malformed: 0,
    wrongNetwork: 0,
    handshakeFailed: 0,
    handshakeReplay: 0,
    underLoad: 0,
    rateLimited: 0,
    unknownIndex: 0,
    badPeerInfo: 0,
    badAuth: 0,
    replay: 0,
    expiredSession: 0,
    noRoute: 0,
    notAllowed: 0,
  };
}

export interface EngineCounters {
  readonly dropped: DropCounters;
  /** Handshake-class messages on which we did Diffie-Hellman work (what a flood costs us). */
  readonly handshakesProcessed: number;
  readonly handshakesCompleted: number;
  readonly cookieRepliesSent: number;
  /** Packets this node forwarded as a relay. */
  readonly relayedPackets: number;
  /** TCP SYNs whose MSS was lowered because they went to a peer over a relay (packet/relay-mtu.ts). */
  readonly mssClamped: number;
  /** Packets too big for a relayed datagram: fragmented, or answered with ICMP into the TAP. */
  readonly tooBigForRelay: number;
  /** Peers forgotten to make room in a full peer table (never-confirmed ones first). */
  readonly peersEvicted: number;
  /** Peers shut out because `allowednodes` no longer lists them. */
  readonly peersRevoked: number;
  readonly framesFromTap: number;
  readonly framesToTap: number;
}

/** The engine's event counters (everything but the drops) at zero. */
export function zeroEventCounters(): Mutable<Omit<EngineCounters, 'dropped'>> {
  return {
    handshakesProcessed: 0,
    handshakesCompleted: 0,
    cookieRepliesSent: 0,
    relayedPackets: 0,
    mssClamped: 0,
    tooBigForRelay: 0,
    peersEvicted: 0,
    peersRevoked: 0,
    framesFromTap: 0,
    framesToTap: 0,
  };
}
