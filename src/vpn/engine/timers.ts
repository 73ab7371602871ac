import {
  DEAD_PEER_TIMEOUT,
  DEMAND_DIAL_INTERVAL,
  DIRECT_PATH_PROBE_INTERVAL,
  DORMANT_AFTER,
  FORGET_UNCONFIRMED_PEER_AFTER,
  KEEPALIVE_TIMEOUT,
  PASSIVE_KEEPALIVE_TIMEOUT,
  PEERINFO_INTERVAL,
  REDIAL_MAX_INTERVAL,
  REDIAL_MIN_INTERVAL,
  REJECT_AFTER_TIME,
  REKEY_AFTER_TIME,
  REKEY_ATTEMPT_TIME,
  REKEY_TIMEOUT,
  SILENCE_PROBE_TIMEOUT,
  UNANSWERED_DATA_TIMEOUT,
} from '../protocol/constants.js';
import { sameEndpoint, type InitPeerDial, type Peer, type Session } from './peer.js';
import type { UdpEndpoint } from './types.js';

/**
 * Every timer of the engine, named after the protocol events that arm them (wireguard-go's
 * timers.go): the per-peer timers and the redial timer of each init peer. The engine calls a
 * `timers*` function when the event happens, and `runInitPeerTimer` / `runPeerTimers` from `onTimer`.
 * Some deadlines are derived from timestamps (keepalive from lastSentAt, dead peer from
 * lastReceivedAt), so sending or receiving never has to touch a timer structure on the hot path;
 * a timer that fires early simply finds nothing to do.
 */

/** What the timers ask the engine to do. */
export interface TimerActions {
  initiateHandshake(peer: Peer, now: number): void;
  abandonHandshake(peer: Peer): void;
  sendKeepalive(peer: Peer, now: number): void;
  sendPeerInfo(peer: Peer, now: number): void;
  /** Data to the peer went unanswered: say hello at its endpoint, where a restarted node may now be. */
  probeEndpoint(peer: Peer, now: number): void;
  /** The peer is reached through a relay: a keepalive to its direct candidates, to find a direct path. */
  probeDirectPaths(peer: Peer, now: number): void;
  peerDown(peer: Peer, now: number, reason: string): void;
  expireSession(peer: Peer, session: Session): void;
  forgetPeer(peer: Peer): void;
  /** A new node came up at the peer's address and we asked the peer for an answer: ask again, or retire it. */
  restartCheckExpired(peer: Peer, now: number): void;
  /** Say hello at an init peer's endpoint (so the node there initiates to us). */
  dialInitPeer(initPeer: InitPeerDial, now: number): void;
  /** Make sure `onTimer` runs no later than `deadline`. */
  schedule(deadline: number): void;
}

/**
 * Should be called after an initiation was sent (first attempt or retransmission). A rekey of a
 * connected peer retries every REKEY_TIMEOUT; a peer we are not connected to is retried with
 * exponential backoff from REDIAL_MIN_INTERVAL to REDIAL_MAX_INTERVAL.
 */
export function timersHandshakeInitiated(t: TimerActions, peer: Peer, now: number): void {
  let interval = REKEY_TIMEOUT;
  if (!peer.connected()) {
    interval = Math.min(Math.max(REDIAL_MIN_INTERVAL, peer.redialInterval * 2), REDIAL_MAX_INTERVAL);
    peer.redialInterval = interval;
  }
  peer.lastInitiationAt = now;
  peer.retransmitHandshakeAt = now + interval + Math.floor(Math.random() * 333);
  t.schedule(peer.retransmitHandshakeAt);
}

/**
 * Should be called after a hello from a peer we never had a session with was answered with one
 * initiation: no retransmission (its next hello asks again), but the peer is forgotten
 * FORGET_UNCONFIRMED_PEER_AFTER from when we learned of it unless a session is confirmed first.
 */
export function timersHelloAnswered(t: TimerActions, peer: Peer, now: number): void {
  peer.lastInitiationAt = now;
  peer.retransmitHandshakeAt = undefined;
  if (!peer.confirmed) t.schedule(peer.lastUsefulAt + FORGET_UNCONFIRMED_PEER_AFTER);
}

/** Should be called when a new session becomes current (either side of a handshake). */
export function timersSessionDerived(t: TimerActions, peer: Peer, session: Session): void {
  peer.retransmitHandshakeAt = undefined;
  // The initiator rekeys on time; the responder only if the initiator has not, a little later.
  peer.rekeyAt = session.createdAt + REKEY_AFTER_TIME + (session.isInitiator ? 0 : 2 * REKEY_TIMEOUT);
  t.schedule(peer.rekeyAt);
}

/** Should be called when a peer gets its first current session (it was not connected). */
export function timersPeerUp(t: TimerActions, peer: Peer, now: number): void {
  peer.redialAt = undefined;
  peer.redialInterval = 0;
  peer.lastUsefulAt = now;
  peer.peerInfoAt = now + PEERINFO_INTERVAL;
  t.schedule(Math.min(now + KEEPALIVE_TIMEOUT, peer.peerInfoAt));
}

/** Should be called after any authenticated packet from the peer (data, keepalive, handshake). */
export function timersAuthenticatedPacketReceived(peer: Peer, now: number): void {
  peer.lastReceivedAt = now;
  peer.unansweredProbeAt = undefined;
}

/** Should be called after any transport packet was sent to the peer. */
export function timersAuthenticatedPacketSent(peer: Peer, now: number): void {
  peer.lastSentAt = now;
  peer.passiveKeepaliveAt = undefined;
}

/**
 * Should be called after a transport packet other than a keepalive was sent. A live peer answers
 * within PASSIVE_KEEPALIVE_TIMEOUT (see timersDataReceived); if nothing comes back for
 * UNANSWERED_DATA_TIMEOUT the endpoint is probed. The deadline counts from the first unanswered
 * packet, so a steady stream cannot postpone it.
 */
export function timersDataSent(t: TimerActions, peer: Peer, now: number): void {
  if (peer.unansweredProbeAt !== undefined) return;
  peer.unansweredProbeAt = now + UNANSWERED_DATA_TIMEOUT;
  t.schedule(peer.unansweredProbeAt);
}

/**
 * Should be called after an authenticated transport packet other than a keepalive was received:
 * if we send nothing back within PASSIVE_KEEPALIVE_TIMEOUT, a keepalive answers it (one-way streams
 * are acknowledged about once a second, so the sender can tell a live peer from a restarted one).
 */
export function timersDataReceived(t: TimerActions, peer: Peer, now: number): void {
  if (peer.passiveKeepaliveAt !== undefined) return;
  peer.passiveKeepaliveAt = now + PASSIVE_KEEPALIVE_TIMEOUT;
  t.schedule(peer.passiveKeepaliveAt);
}

/** Should be called when we want to reach a peer we are not connected to (learned, lost, hello). */
export function timersWantPeer(t: TimerActions, peer: Peer, now: number): void {
  if (peer.connected() || retransmitting(peer)) return;
  if (peer.redialAt !== undefined && peer.redialAt <= now) return;
  peer.redialAt = now;
  t.schedule(now);
}

/**
 * Should be called when a frame from the TAP found no connected peer to take it (flooded to the
 * others, or held) and `peer` is not connected: it may be the frame's destination, lost in a
 * partition. A peer we had a session with is dialled at once, at most every DEMAND_DIAL_INTERVAL,
 * whatever its redial backoff (or dormancy) says, so traffic resumes within about a second of a
 * path healing. Peers never confirmed are left to their own timer (anyone with the PSK can make them).
 */
export function timersFrameForLostPeer(t: TimerActions, peer: Peer, now: number): void {
  if (!peer.confirmed) return;
  if (peer.lastInitiationAt !== undefined && now - peer.lastInitiationAt < DEMAND_DIAL_INTERVAL) return;
  t.initiateHandshake(peer, now);
}

/**
 * Should be called when a frame from the TAP found no connected peer at all: an init peer nobody is
 * connected at gets a hello at once, at most every DEMAND_DIAL_INTERVAL (the node there may have
 * restarted under a new identity while we could not reach it).
 */
export function timersFrameForInitPeer(
  t: TimerActions,
  initPeer: InitPeerDial,
  peers: ReadonlyMap<string, Peer>,
  now: number,
): void {
  if (initPeer.dialAt === undefined || connectedDirectlyAt(peers, initPeer.endpoint)) return;
  if (initPeer.lastHelloAt !== undefined && now - initPeer.lastHelloAt < DEMAND_DIAL_INTERVAL) return;
  t.dialInitPeer(initPeer, now);
}

/**
 * Should be called when a connected peer's path becomes a relay: its direct candidates are probed
 * every DIRECT_PATH_PROBE_INTERVAL from now on.
 */
export function timersPathRelayed(t: TimerActions, peer: Peer, now: number): void {
  if (peer.directProbeAt !== undefined) return;
  peer.directProbeAt = now + DIRECT_PATH_PROBE_INTERVAL;
  t.schedule(peer.directProbeAt);
}

/**
 * Should be called when a new node came up at another port of this peer's address and the peer was
 * sent data a live node answers within PASSIVE_KEEPALIVE_TIMEOUT: whether it answered is checked at `at`.
 */
export function timersRestartSuspected(t: TimerActions, peer: Peer, at: number): void {
  peer.restartCheckAt = at;
  t.schedule(at);
}

/** Runs every expired timer of one peer. */
export function runPeerTimers(t: TimerActions, peer: Peer, now: number): void {
  if (unconfirmedTooLong(peer, now)) {
    t.forgetPeer(peer);
    return;
  }
  expiredSessions(t, peer, now);
  if (peer.restartCheckAt !== undefined && now >= peer.restartCheckAt) {
    peer.restartCheckAt = undefined;
    t.restartCheckExpired(peer, now);
    if (!peer.connected()) return;
  }
  if (peer.current !== undefined) {
    const lastHeard = peer.lastReceivedAt ?? peer.current.createdAt;
    if (now - lastHeard >= DEAD_PEER_TIMEOUT) {
      t.peerDown(peer, now, `nothing received for ${Math.round((now - lastHeard) / 1000)} s`);
      return;
    }
  }
  if (peer.handshake !== undefined && peer.retransmitHandshakeAt !== undefined) {
    if (now >= peer.retransmitHandshakeAt) expiredRetransmitHandshake(t, peer, now);
  }
  if (peer.rekeyAt !== undefined && now >= peer.rekeyAt) {
    peer.rekeyAt = undefined;
    if (peer.connected() && peer.handshake === undefined) t.initiateHandshake(peer, now);
  }
  if (peer.redialAt !== undefined && now >= peer.redialAt) expiredRedial(t, peer, now);
  if (peer.connected() && peer.peerInfoAt !== undefined && now >= peer.peerInfoAt) {
    peer.peerInfoAt = now + PEERINFO_INTERVAL;
    t.sendPeerInfo(peer, now);
  }
  if (peer.directProbeAt !== undefined && now >= peer.directProbeAt) {
    const relayed = peer.connected() && peer.path?.kind === 'relay';
    peer.directProbeAt = relayed ? now + DIRECT_PATH_PROBE_INTERVAL : undefined;
    if (relayed) t.probeDirectPaths(peer, now);
  }
  if (peer.connected() && peer.unansweredProbeAt !== undefined && now >= peer.unansweredProbeAt) {
    // Re-armed by the next data packet: at most one probe per UNANSWERED_DATA_TIMEOUT while it lasts.
    peer.unansweredProbeAt = undefined;
    probe(t, peer, now);
  }
  const silenceProbeAt = nextSilenceProbe(peer);
  if (silenceProbeAt !== undefined && now >= silenceProbeAt) probe(t, peer, now);
  if (peer.passiveKeepaliveAt !== undefined && now >= peer.passiveKeepaliveAt) {
    peer.passiveKeepaliveAt = undefined;
    if (peer.connected()) t.sendKeepalive(peer, now);
  }
  if (peer.connected() && now - (peer.lastSentAt ?? 0) >= KEEPALIVE_TIMEOUT) t.sendKeepalive(peer, now);
}

/**
 * A peer we never had a session with is forgotten FORGET_UNCONFIRMED_PEER_AFTER after we learned of
 * it, whatever it is waiting for (our handshake, its confirmation of a session we answered, a redial),
 * so identities nobody completes a handshake for never pile up in the peer table.
 */
function unconfirmedTooLong(peer: Peer, now: number): boolean {
  return !peer.confirmed && !peer.connected() && now - peer.lastUsefulAt >= FORGET_UNCONFIRMED_PEER_AFTER;
}

function probe(t: TimerActions, peer: Peer, now: number): void {
  peer.lastProbeAt = now;
  t.probeEndpoint(peer, now);
}

/**
 * An idle live peer is heard from at least every KEEPALIVE_TIMEOUT; after SILENCE_PROBE_TIMEOUT of
 * nothing, probe its endpoint, and again every UNANSWERED_DATA_TIMEOUT until DEAD_PEER_TIMEOUT.
 */
function nextSilenceProbe(peer: Peer): number | undefined {
  if (peer.current === undefined) return undefined;
  const silentSince = peer.lastReceivedAt ?? peer.current.createdAt;
  const first = silentSince + SILENCE_PROBE_TIMEOUT;
  if (peer.lastProbeAt === undefined || peer.lastProbeAt < silentSince) return first;
  return Math.max(first, peer.lastProbeAt + UNANSWERED_DATA_TIMEOUT);
}

function expiredSessions(t: TimerActions, peer: Peer, now: number): void {
  for (const s of [peer.previous, peer.next, peer.current]) {
    if (s !== undefined && now - s.createdAt >= REJECT_AFTER_TIME) t.expireSession(peer, s);
  }
}

function expiredRetransmitHandshake(t: TimerActions, peer: Peer, now: number): void {
  const hs = peer.handshake;
  if (hs === undefined) return;
  peer.retransmitHandshakeAt = undefined;
  if (peer.connected()) {
    if (now - hs.firstAttemptAt >= REKEY_ATTEMPT_TIME) t.abandonHandshake(peer);
    else t.initiateHandshake(peer, now);
    return;
  }
  if (!peer.confirmed) {
    if (now - peer.lastUsefulAt >= FORGET_UNCONFIRMED_PEER_AFTER) t.forgetPeer(peer);
    else t.initiateHandshake(peer, now);
    return;
  }
  // Dormant: no more timed redials (our initiation is dropped), but the peer stays known, so a frame
  // for it dials it again (timersFrameForLostPeer) however long the partition lasted.
  if (now - peer.lastUsefulAt >= DORMANT_AFTER) t.abandonHandshake(peer);
  else t.initiateHandshake(peer, now);
}

function expiredRedial(t: TimerActions, peer: Peer, now: number): void {
  peer.redialAt = undefined;
  if (!peer.connected() && !retransmitting(peer)) t.initiateHandshake(peer, now);
}

/** Our initiation to the peer is in flight and will be retransmitted (a hello's answer is not). */
function retransmitting(peer: Peer): boolean {
  return peer.handshake !== undefined && peer.retransmitHandshakeAt !== undefined;
}

/** The earliest deadline of a peer's timers (may be early; never late). */
export function nextPeerDeadline(peer: Peer): number | undefined {
  let d = Infinity;
  const consider = (x: number | undefined): void => {
    if (x !== undefined && x < d) d = x;
  };
  for (const s of [peer.previous, peer.next, peer.current]) {
    if (s !== undefined) consider(s.createdAt + REJECT_AFTER_TIME);
  }
  if (peer.current !== undefined) {
    consider((peer.lastReceivedAt ?? peer.current.createdAt) + DEAD_PEER_TIMEOUT);
    consider((peer.lastSentAt ?? 0) + KEEPALIVE_TIMEOUT);
    consider(peer.peerInfoAt);
    consider(peer.unansweredProbeAt);
    consider(nextSilenceProbe(peer));
    consider(peer.passiveKeepaliveAt);
  }
  if (peer.handshake !== undefined) consider(peer.retransmitHandshakeAt);
  consider(peer.directProbeAt);
  consider(peer.restartCheckAt);
  if (!peer.confirmed && !peer.connected()) consider(peer.lastUsefulAt + FORGET_UNCONFIRMED_PEER_AFTER);
  consider(peer.rekeyAt);
  consider(peer.redialAt);
  return d === Infinity ? undefined : d;
}

// ---- init peers (PeerVPN `initpeers`): a hello makes the node there start an IK handshake with us ----

/** Should be called when the engine starts with an init peer, or an init peer is added after start: dial now. */
export function timersInitPeerAdded(t: TimerActions, initPeer: InitPeerDial, now: number): void {
  initPeer.dialAt = now;
  t.schedule(now);
}

/**
 * Should be called when a peer we reached directly at `endpoint` went down: the node at an init
 * peer's endpoint may come back with a new identity, so say hello there again soon.
 */
export function timersDirectPathLost(
  t: TimerActions,
  initPeers: readonly InitPeerDial[],
  endpoint: UdpEndpoint | undefined,
  now: number,
): void {
  for (const ip of initPeers) {
    if (ip.dialAt !== undefined && endpoint !== undefined && sameEndpoint(ip.endpoint, endpoint)) {
      ip.interval = 0;
      ip.dialAt = now;
      t.schedule(now);
    }
  }
}

/**
 * Runs the redial timer of one init peer: while no connected peer is reached directly at its
 * endpoint, a hello every REDIAL_MIN_INTERVAL doubling up to REDIAL_MAX_INTERVAL; once one is, a
 * check every REDIAL_MAX_INTERVAL.
 */
export function runInitPeerTimer(
  t: TimerActions,
  initPeer: InitPeerDial,
  peers: ReadonlyMap<string, Peer>,
  now: number,
): void {
  const ip = initPeer;
  if (ip.dialAt === undefined || now < ip.dialAt) return;
  if (connectedDirectlyAt(peers, ip.endpoint)) {
    ip.interval = 0;
    ip.dialAt = now + REDIAL_MAX_INTERVAL;
    return;
  }
  t.dialInitPeer(ip, now);
  ip.interval = Math.min(Math.max(REDIAL_MIN_INTERVAL, ip.interval * 2), REDIAL_MAX_INTERVAL);
  ip.dialAt = now + ip.interval;
}

function connectedDirectlyAt(peers: ReadonlyMap<string, Peer>, endpoint: UdpEndpoint): boolean {
  for (const p of peers.values()) {
    if (p.connected() && p.path?.kind === 'direct' && sameEndpoint(p.path.endpoint, endpoint)) return true;
  }
  return false;
}
