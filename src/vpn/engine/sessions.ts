/**
 * Peers and their sessions over their life: a peer is created when a node of our network first
 * authenticates (or is learned), a confirmed session becomes current and brings the peer up, the peer
 * roams between paths, goes down when it falls silent, and is forgotten when it restarted elsewhere
 * or, never confirmed, stayed useless for FORGET_UNCONFIRMED_PEER_AFTER. (wireguard-go keeps these in peer.go and
 * noise-protocol.go's BeginSymmetricSession.)
 */
import { MAX_PEERS, REDIAL_MAX_INTERVAL, UNANSWERED_DATA_TIMEOUT } from '../protocol/constants.js';
import type { SessionKeys } from '../protocol/handshake.js';
import { nodeIdOf } from '../protocol/keys.js';
import { ReplayWindow } from '../protocol/replay.js';
import { Peer, sameEndpoint, type Path, type Session } from './peer.js';
import { TransportKind } from '../protocol/transport.js';
import { encodePeerInfo } from './peer-info.js';
import { announce, flushQueue, flushUnrouted, sendKeepalive, sendPeerInfo, sendTransport } from './send.js';
import { describePath, type EngineState } from './state.js';
import {
  timersDirectPathLost,
  timersPathRelayed,
  timersPeerUp,
  timersRestartSuspected,
  timersSessionDerived,
  timersWantPeer,
} from './timers.js';

/** The peer with this static key, created when new; undefined when the peer table is full (MAX_PEERS). */
export function peerFor(e: EngineState, staticKey: Uint8Array, now: number): Peer | undefined {
  const id = nodeIdOf(staticKey);
  const known = e.peers.get(id);
  if (known !== undefined) return known;
  if (e.peers.size >= MAX_PEERS && !evictOne(e, now)) {
    e.logLimited('warn', 'peer.table_full', now, { max: MAX_PEERS });
    return undefined;
  }
  const peer = new Peer(id, Buffer.from(id, 'hex'), new Uint8Array(staticKey), now);
  e.peers.set(id, peer);
  return peer;
}

/**
 * Makes room in a full peer table: the peer we never had a session with, learned longest ago, is
 * forgotten (its handshake in flight with it); only when there is none, the confirmed peer lost
 * longest ago (a dormant one, kept so that demand can dial it after a long partition). Connected
 * peers are never evicted, and confirmed ones only after every unconfirmed one, so a flood of
 * throw-away identities (anyone with the PSK can make them) only displaces its own kind and never
 * keeps a real node out. False when every peer is connected.
 */
function evictOne(e: EngineState, now: number): boolean {
  let victim: Peer | undefined;
  for (const p of e.peers.values()) {
    if (p.connected()) continue;
    if (victim === undefined) victim = p;
    else if (p.confirmed !== victim.confirmed) victim = p.confirmed ? victim : p;
    else if (p.lastUsefulAt < victim.lastUsefulAt) victim = p;
  }
  if (victim === undefined) return false;
  e.stats.peersEvicted += 1;
  e.logLimited('warn', 'peer.table_full', now, {
    max: MAX_PEERS,
    evicted: victim.confirmed ? 'the peer lost longest ago' : 'oldest unconfirmed peer',
  });
  forgetPeer(e, victim);
  return true;
}

/** The session a completed handshake derived (not yet installed anywhere). */
export function newSession(
  localIndex: number,
  remoteIndex: number,
  keys: SessionKeys,
  isInitiator: boolean,
  now: number,
): Session {
  return {
    localIndex,
    remoteIndex,
    sendKey: keys.send,
    receiveKey: keys.receive,
    createdAt: now,
    isInitiator,
    sendCounter: 0,
    replay: new ReplayWindow(),
  };
}

/**
 * Should be called when a session is confirmed: by the response to our initiation (initiator), or
 * by the first transport packet on it (responder). It becomes current; the old current stays as
 * previous for packets still in flight. A peer that was not connected comes up; queued frames go.
 */
export function installCurrent(e: EngineState, peer: Peer, session: Session, now: number): void {
  const wasConnected = peer.connected();
  if (peer.previous !== undefined) e.dropSession(peer, peer.previous);
  peer.previous = peer.current;
  peer.current = session;
  e.indexes.set(session.localIndex, peer);
  peer.lastHandshakeAt = now;
  peer.confirmed = true;
  e.stats.handshakesCompleted += 1;
  timersSessionDerived(e.timers, peer, session);
  if (!wasConnected) peerUp(e, peer, now);
  flushQueue(e, peer, now);
}

/** A peer got its first current session: tell it and the mesh what each should know, send what waited. */
function peerUp(e: EngineState, peer: Peer, now: number): void {
  timersPeerUp(e.timers, peer, now);
  e.io.log('info', 'peer.up', { peer: peer.nodeId, path: describePath(peer.path) });
  replaceStalePeers(e, peer, now);
  sendPeerInfo(e, peer, now);
  announce(e, peer, now);
  flushUnrouted(e, peer, now);
}

/**
 * One UDP endpoint is one process, and identities are per process: a new peer that authenticates
 * from the endpoint of another peer means that node restarted. The old identity can never come back,
 * so it is dropped at once (its MAC entries with it, so frames flood to the new node) instead of
 * after DEAD_PEER_TIMEOUT, and forgotten rather than redialled.
 *
 * A new peer at another port of a connected peer's address may be that node restarted on another
 * port (its config changed, or a NAT mapped its new socket elsewhere), or a second node behind the
 * same address: the other peer is asked (suspectRestart).
 */
function replaceStalePeers(e: EngineState, peer: Peer, now: number): void {
  const here = peer.path;
  if (here?.kind !== 'direct') return;
  for (const other of [...e.peers.values()]) {
    if (other === peer) continue;
    const sameHome =
      other.path?.kind === 'direct'
        ? sameEndpoint(other.path.endpoint, here.endpoint)
        : other.path === undefined && other.candidates.some((c) => sameEndpoint(c, here.endpoint));
    if (!sameHome) {
      if (
        other.connected() &&
        other.path?.kind === 'direct' &&
        other.path.endpoint.address === here.endpoint.address
      ) {
        suspectRestart(e, other, peer, now);
      }
      continue;
    }
    if (other.connected()) {
      peerDown(e, other, now, `restarted: new node ${peer.nodeId.slice(0, 16)} at its endpoint`);
    }
    forgetPeer(e, other);
  }
}

/**
 * Should be called when `newPeer` came up at another port of `peer`'s address. `peer` gets a data
 * packet (an empty peer exchange), which a live node answers within PASSIVE_KEEPALIVE_TIMEOUT, and a
 * second one halfway through the wait in case one of the two was lost; until something authenticated
 * arrives from it, it is left out of peer exchange (so nobody, the restarted node least of all, is told
 * to dial a ghost), and if nothing has by UNANSWERED_DATA_TIMEOUT it is retired as a restart's old
 * identity (restartCheckExpired), instead of after DEAD_PEER_TIMEOUT.
 */
function suspectRestart(e: EngineState, peer: Peer, newPeer: Peer, now: number): void {
  if (peer.suspectedRestarted()) return;
  peer.restartSuspect = { since: now, newNodeId: newPeer.nodeId, asked: 1 };
  askForAnswer(e, peer, now);
  timersRestartSuspected(e.timers, peer, now + UNANSWERED_DATA_TIMEOUT / 2);
}

function askForAnswer(e: EngineState, peer: Peer, now: number): void {
  sendTransport(e, peer, TransportKind.peerInfo, encodePeerInfo([]), now);
}

/** Should be called at a suspected peer's restartCheckAt: kept when it answered, asked again once, then retired. */
export function restartCheckExpired(e: EngineState, peer: Peer, now: number): void {
  const suspect = peer.restartSuspect;
  if (suspect === undefined) return;
  if (!peer.suspectedRestarted() || !peer.connected()) {
    peer.restartSuspect = undefined;
    return;
  }
  if (suspect.asked === 1) {
    suspect.asked = 2;
    askForAnswer(e, peer, now);
    timersRestartSuspected(e.timers, peer, suspect.since + UNANSWERED_DATA_TIMEOUT);
    return;
  }
  peerDown(e, peer, now, `restarted: new node ${suspect.newNodeId.slice(0, 16)} at its address`);
  forgetPeer(e, peer);
}

/**
 * Should be called when a connected peer is lost (DEAD_PEER_TIMEOUT, or it restarted): its sessions,
 * handshake, queue, timers and MAC entries go; its last endpoint stays a candidate and we want it
 * back (redial).
 */
export function peerDown(e: EngineState, peer: Peer, now: number, reason: string): void {
  e.io.log('info', 'peer.down', { peer: peer.nodeId, reason });
  const lastEndpoint = peer.path?.kind === 'direct' ? peer.path.endpoint : undefined;
  e.dropAllSessions(peer);
  if (peer.path?.kind === 'direct') peer.addCandidate(peer.path.endpoint);
  peer.path = undefined;
  peer.queue.length = 0;
  peer.rekeyAt = undefined;
  peer.peerInfoAt = undefined;
  peer.unansweredProbeAt = undefined;
  peer.passiveKeepaliveAt = undefined;
  peer.directProbeAt = undefined;
  peer.restartSuspect = undefined;
  peer.restartCheckAt = undefined;
  peer.lastUsefulAt = now;
  e.macTable.forgetPeer(peer);
  timersWantPeer(e.timers, peer, now);
  timersDirectPathLost(e.timers, e.initPeers, lastEndpoint, now);
}

/** Should be called when a peer will not come back (restarted under a new identity, or useless for long). */
export function forgetPeer(e: EngineState, peer: Peer): void {
  e.dropAllSessions(peer);
  e.macTable.forgetPeer(peer);
  e.peers.delete(peer.nodeId);
  e.io.log('debug', 'peer.forgotten', { peer: peer.nodeId });
}

/**
 * Should be called after an authenticated packet from `peer` arrived on `path`. Roaming: a packet
 * from somewhere else moves the peer there. A relayed packet does not displace a direct path that is
 * still alive.
 */
export function updatePath(e: EngineState, peer: Peer, path: Path, now: number): void {
  if (path.kind === 'direct') {
    peer.lastDirectReceivedAt = now;
    const cur = peer.path;
    if (cur?.kind === 'direct' && sameEndpoint(cur.endpoint, path.endpoint)) return;
    if (cur !== undefined) e.io.log('debug', 'peer.roamed', { peer: peer.nodeId, path: describePath(path) });
    peer.path = path;
    peer.addCandidate(path.endpoint);
    peer.directProbeAt = undefined;
    // From a relay to direct (our probe's answer, or theirs): answer on the direct path at once, so
    // the other side moves too instead of waiting for its next probe or keepalive.
    if (cur?.kind === 'relay') sendKeepalive(e, peer, now);
    return;
  }
  const directAlive =
    peer.path?.kind === 'direct' &&
    peer.lastDirectReceivedAt !== undefined &&
    now - peer.lastDirectReceivedAt < 2 * REDIAL_MAX_INTERVAL;
  if (directAlive) return;
  peer.path = path;
  timersPathRelayed(e.timers, peer, now);
}
