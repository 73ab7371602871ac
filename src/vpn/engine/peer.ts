import {
  REJECT_AFTER_MESSAGES,
  REJECT_AFTER_TIME,
  REKEY_AFTER_MESSAGES,
  REKEY_AFTER_TIME,
} from '../protocol/constants.js';
import type { ReplayWindow } from '../protocol/replay.js';
import type { HandshakeState } from '../noise/index.js';
import type { UdpEndpoint } from './types.js';

/**
 * How packets reach a peer: straight to its UDP endpoint, or wrapped for a relay peer. A handshake-class
 * datagram that arrived through a relay also carries the NodeID the relay names as its origin
 * (relayOutFrom), so a cookie reply can go back to it through the relay.
 */
export type Path =
  | { readonly kind: 'direct'; readonly endpoint: UdpEndpoint }
  | { readonly kind: 'relay'; readonly via: Peer; readonly origin?: Uint8Array };

/** One direction-pair of transport keys from one handshake ("keypair" in WireGuard). */
export interface Session {
  readonly localIndex: number;
  readonly remoteIndex: number;
  readonly sendKey: Uint8Array;
  readonly receiveKey: Uint8Array;
  readonly createdAt: number;
  /** We sent the initiation (so we are the side that rekeys on time). */
  readonly isInitiator: boolean;
  sendCounter: number;
  readonly replay: ReplayWindow;
}

/** May we still send on this session? (REJECT_AFTER_TIME / REJECT_AFTER_MESSAGES) */
export function canSend(session: Session, now: number): boolean {
  return now - session.createdAt < REJECT_AFTER_TIME && session.sendCounter < REJECT_AFTER_MESSAGES;
}

/** Should the initiator of this session start a new handshake? (REKEY_AFTER_TIME / REKEY_AFTER_MESSAGES) */
export function rekeyDue(session: Session, now: number): boolean {
  return (
    session.isInitiator &&
    (now - session.createdAt >= REKEY_AFTER_TIME || session.sendCounter >= REKEY_AFTER_MESSAGES)
  );
}

/** Our initiation in flight. */
export interface PendingHandshake {
  readonly localIndex: number;
  readonly state: HandshakeState;
  readonly mac1: Uint8Array;
  /** When the first attempt of this series began (REKEY_ATTEMPT_TIME counts from here). */
  readonly firstAttemptAt: number;
}

export interface Cookie {
  readonly value: Uint8Array;
  readonly receivedAt: number;
}

/**
 * A PeerVPN `initpeers` endpoint as the engine dials it: a hello there, again with backoff while no
 * peer is connected at that endpoint (timers.ts).
 */
export interface InitPeerDial {
  readonly endpoint: UdpEndpoint;
  /** Our index in the hellos we send there, so a cookie reply finds its way back. */
  readonly helloIndex: number;
  helloMac1: Uint8Array | undefined;
  cookie: Cookie | undefined;
  /** When to say hello next; undefined before `start`. */
  dialAt: number | undefined;
  interval: number;
  /** When we last said hello there (demand dials are spaced by DEMAND_DIAL_INTERVAL). */
  lastHelloAt: number | undefined;
}

/** Everything we know about one node of the mesh, keyed by its NodeID. */
export class Peer {
  /** Their capability flags (PeerFlag), from their handshake or from peer exchange. */
  flags = 0;
  path: Path | undefined;
  /** Direct endpoints worth dialling (learned from hello, peer exchange, past paths). */
  readonly candidates: UdpEndpoint[] = [];
  /** NodeIDs of relay-capable peers that told us about this node. */
  readonly relays = new Set<string>();

  current: Session | undefined;
  previous: Session | undefined;
  /** Responder side: derived, not yet confirmed by a packet from the initiator. */
  next: Session | undefined;
  handshake: PendingHandshake | undefined;
  cookie: Cookie | undefined;

  /** Newest initiation timestamp seen (initiations are authenticated): older or equal ones are replays. */
  latestInitiationTimestamp = -1;
  /**
   * The last HELLO_REPLAY_MEMORY hello timestamps seen, oldest first: a hello carrying one of them is
   * a replay. Not "newest seen", because a hello proves only the PSK, not the key it names: a member
   * could send one with a timestamp far in the future and every real hello of that node would then
   * look old. A replay older than the memory can at most make us start one (authenticated) handshake.
   */
  readonly recentHelloTimestamps: number[] = [];

  lastReceivedAt: number | undefined;
  lastDirectReceivedAt: number | undefined;
  lastSentAt: number | undefined;
  lastHandshakeAt: number | undefined;
  /** Last time the peer was connected or first learned: drives forgetting. */
  lastUsefulAt: number;
  /** Whether a session with the peer was ever confirmed (an authenticated handshake completed). */
  confirmed = false;

  // Timer deadlines (see timers.ts). undefined = not armed.
  retransmitHandshakeAt: number | undefined;
  /** When we last sent an initiation (demand dials are spaced by DEMAND_DIAL_INTERVAL). */
  lastInitiationAt: number | undefined;
  /** Reached through a relay: send a keepalive to the direct candidates at this time. */
  directProbeAt: number | undefined;
  rekeyAt: number | undefined;
  redialAt: number | undefined;
  redialInterval = 0;
  peerInfoAt: number | undefined;
  /** Data sent, nothing received since: probe the endpoint at this time (UNANSWERED_DATA_TIMEOUT). */
  unansweredProbeAt: number | undefined;
  /** When we last sent a Hello to probe this peer's endpoint. */
  lastProbeAt: number | undefined;
  /** Data received, nothing sent since: send a keepalive at this time (PASSIVE_KEEPALIVE_TIMEOUT). */
  passiveKeepaliveAt: number | undefined;
  /**
   * A new node came up at this peer's address (another port): it may be this node restarted. `since`:
   * when we first asked it for an answer (`asked` times so far); until one arrives it is withheld from
   * peer exchange, and at the last restartCheckAt it is retired if none came (sessions.ts suspectRestart).
   */
  restartSuspect: { readonly since: number; readonly newNodeId: string; asked: number } | undefined;
  restartCheckAt: number | undefined;

  bytesIn = 0;
  bytesOut = 0;
  /** Frames waiting for a session (bounded). */
  readonly queue: Uint8Array[] = [];

  constructor(
    readonly nodeId: string,
    readonly nodeIdBytes: Uint8Array,
    readonly staticKey: Uint8Array,
    now: number,
  ) {
    this.lastUsefulAt = now;
  }

  /** A session we can send on. */
  connected(): boolean {
    return this.current !== undefined;
  }

  sessionFor(localIndex: number): Session | undefined {
    if (this.current?.localIndex === localIndex) return this.current;
    if (this.next?.localIndex === localIndex) return this.next;
    if (this.previous?.localIndex === localIndex) return this.previous;
    return undefined;
  }

  /** A new node came up at our address and we have not heard from this one since (restartSuspect). */
  suspectedRestarted(): boolean {
    const s = this.restartSuspect;
    return s !== undefined && (this.lastReceivedAt === undefined || this.lastReceivedAt < s.since);
  }

  addCandidate(endpoint: UdpEndpoint): void {
    if (this.candidates.some((c) => sameEndpoint(c, endpoint))) return;
    this.candidates.unshift(endpoint);
    if (this.candidates.length > 4) this.candidates.pop();
  }
}

/** Hello timestamps remembered per peer for replay detection. */
export const HELLO_REPLAY_MEMORY = 16;

export function sameEndpoint(a: UdpEndpoint, b: UdpEndpoint): boolean {
  return a.port === b.port && a.address === b.address;
}
