/**
 * The send pipeline (wireguard-go's send.go): frames from the TAP sealed on a peer's current session
 * and put on its path (straight to its endpoint, or wrapped for a relay); handshake initiations and
 * hellos; peer exchange; and the frames held until there is a session to send them on.
 *
 * Every function takes the engine's state (state.ts) and `now`, and sends through `state.io` before
 * returning.
 */
import {
  MAX_QUEUED_FRAMES,
  NODE_ID_SIZE,
  PEERINFO_MAX_ENTRIES,
  UNROUTED_FRAME_HOLD_TIME,
} from '../protocol/constants.js';
import { PeerFlag, createHello, createInitiation } from '../protocol/handshake.js';
import { TransportKind, sealTransport } from '../protocol/transport.js';
import { RELAYED_MAX_IP_PACKET, clampTcpMss, fitRelayedPath } from '../packet/index.js';
import { canSend, rekeyDue, sameEndpoint, type InitPeerDial, type Path, type Peer } from './peer.js';
import { encodePeerInfo, type PeerInfoEntry } from './peer-info.js';
import { describePath, type EngineState } from './state.js';
import {
  timersAuthenticatedPacketSent,
  timersDataSent,
  timersHandshakeInitiated,
  timersHelloAnswered,
} from './timers.js';
import type { UdpEndpoint } from './types.js';

/** ICMP errors (fragmentation needed / packet too big) written into the TAP per second, at most. */
const ICMP_ERRORS_PER_SECOND = 100;

const EMPTY = new Uint8Array(0);

/**
 * Should be called with a frame from the TAP bound for one peer (its destination MAC was learned
 * there). Sent at once when the peer has a session; otherwise queued (bounded) and a handshake
 * started. A frame for a relayed peer is fitted to the relayed path first.
 */
export function sendFrame(e: EngineState, peer: Peer, frame: Uint8Array, now: number): void {
  if (peer.path?.kind === 'relay') {
    for (const f of fitForRelay(e, frame, now)) sendFrameNow(e, peer, f, now);
    return;
  }
  sendFrameNow(e, peer, frame, now);
}

function sendFrameNow(e: EngineState, peer: Peer, frame: Uint8Array, now: number): void {
  if (sendTransport(e, peer, TransportKind.frame, frame, now)) return;
  if (peer.queue.length >= MAX_QUEUED_FRAMES) {
    e.dropped.noRoute += 1;
    return;
  }
  peer.queue.push(frame.slice()); // the shell may reuse `frame` after we return
  if (peer.handshake === undefined) initiateHandshake(e, peer, now);
}

/**
 * A frame bound for a relayed path, which carries a second envelope (packet/relay-mtu.ts): a TCP SYN
 * gets a smaller MSS; a packet too big for one relayed datagram is fragmented (IPv4 without DF) or
 * answered with ICMP "fragmentation needed" / "packet too big" into the TAP. Returns what to send.
 */
export function fitForRelay(e: EngineState, frame: Uint8Array, now: number): readonly Uint8Array[] {
  if (clampTcpMss(frame, RELAYED_MAX_IP_PACKET)) e.stats.mssClamped += 1;
  const fit = fitRelayedPath(frame, RELAYED_MAX_IP_PACKET);
  if (fit.kind === 'fits') return [frame];
  e.stats.tooBigForRelay += 1;
  if (fit.kind === 'fragments') return fit.frames;
  if (fit.kind === 'too-big' && icmpErrorAllowed(e, now)) {
    e.stats.framesToTap += 1;
    e.io.writeFrame(fit.icmp);
  }
  return [];
}

/** ICMP errors we write into the TAP: at most ICMP_ERRORS_PER_SECOND (Linux limits its own too). */
function icmpErrorAllowed(e: EngineState, now: number): boolean {
  if (now - e.icmpWindowStart >= 1000) {
    e.icmpWindowStart = now;
    e.icmpErrorsInWindow = 0;
  }
  if (e.icmpErrorsInWindow >= ICMP_ERRORS_PER_SECOND) return false;
  e.icmpErrorsInWindow += 1;
  return true;
}

/**
 * Seals `payload` on the peer's current session and puts it on the peer's path. Returns false when
 * there is no usable session (none, expired, or out of messages) or the path is gone; nothing is sent
 * then. A sent packet may start a rekey (REKEY_AFTER_TIME / REKEY_AFTER_MESSAGES, initiator only).
 */
export function sendTransport(
  e: EngineState,
  peer: Peer,
  kind: TransportKind,
  payload: Uint8Array,
  now: number,
): boolean {
  const s = peer.current;
  const path = peer.path;
  if (s === undefined || path === undefined) return false;
  if (!canSend(s, now)) return false;
  const datagram = sealTransport(s.sendKey, s.remoteIndex, s.sendCounter, kind, payload);
  s.sendCounter += 1;
  if (!sendVia(e, path, peer, datagram)) return false;
  peer.bytesOut += datagram.length;
  timersAuthenticatedPacketSent(peer, now);
  if (kind !== TransportKind.keepalive) timersDataSent(e.timers, peer, now);
  if (peer.handshake === undefined && rekeyDue(s, now)) initiateHandshake(e, peer, now);
  return true;
}

/** Should be called when the peer must hear from us (a timer, or a handshake to confirm): an empty transport packet. */
export function sendKeepalive(e: EngineState, peer: Peer, now: number): void {
  sendTransport(e, peer, TransportKind.keepalive, EMPTY, now);
}

/**
 * Puts a datagram for `target` on a path: straight to the endpoint, or wrapped (the target's NodeID
 * first) in a relayIn packet to the relay. False when the relay cannot be reached directly.
 */
export function sendVia(e: EngineState, path: Path, target: Peer, datagram: Uint8Array): boolean {
  if (path.kind === 'direct') {
    e.io.sendDatagram(path.endpoint, datagram);
    return true;
  }
  return sendThroughRelay(e, path.via, target.nodeIdBytes, datagram);
}

/**
 * Wraps a datagram for the node `targetNodeId` (the target's NodeID first) in a relayIn packet to
 * `relay`. The target need not be a peer of ours: a cookie reply goes back this way to a relayed
 * origin we know only by the NodeID its relay named. False when the relay cannot be reached directly.
 */
export function sendThroughRelay(
  e: EngineState,
  relay: Peer,
  targetNodeId: Uint8Array,
  datagram: Uint8Array,
): boolean {
  const wrapped = new Uint8Array(NODE_ID_SIZE + datagram.length);
  wrapped.set(targetNodeId, 0);
  wrapped.set(datagram, NODE_ID_SIZE);
  return relay.path?.kind === 'direct' && sendTransport(e, relay, TransportKind.relayIn, wrapped, e.lastNow);
}

/**
 * Starts (or retransmits) our IK initiation to a peer. One initiation goes out on every path worth
 * trying: the current one, direct candidates (to find or upgrade to a direct path) and, while we
 * are not connected, one relay. The copies are identical, so the responder answers the first and
 * drops the others as replays.
 */
export function initiateHandshake(e: EngineState, peer: Peer, now: number): void {
  const paths = handshakePaths(e, peer);
  const message = newInitiation(e, peer, now);
  for (const p of paths) sendVia(e, p, peer, message);
  timersHandshakeInitiated(e.timers, peer, now);
}

/**
 * Should be called when a fresh hello from `peer` arrived on `path` and we are not connected to it:
 * one initiation, on that path only, so what we send (148 bytes) is never more than what arrived (a
 * hello is padded to the same size). A peer we never had a session with gets no timed
 * retransmission either: its next hello asks again. So a replayed or forged hello costs us at most one equal-sized
 * datagram, to the address it came from (held back by the per-address rate limit).
 */
export function answerHello(e: EngineState, peer: Peer, path: Path, now: number): void {
  const message = newInitiation(e, peer, now);
  sendVia(e, path, peer, message);
  // Retransmitted only to a peer we lost and want back anyway; for any other a hello gets one answer.
  if (peer.confirmed) timersHandshakeInitiated(e.timers, peer, now);
  else timersHelloAnswered(e.timers, peer, now);
}

/** A new initiation to `peer` (replacing one in flight), registered under a fresh index. */
function newInitiation(e: EngineState, peer: Peer, now: number): Uint8Array {
  const firstAttemptAt = peer.handshake?.firstAttemptAt ?? now;
  e.abandonHandshake(peer);
  const localIndex = e.newIndex();
  const init = createInitiation(
    e.keys,
    e.identity,
    peer.staticKey,
    localIndex,
    e.nextTimestamp(now),
    e.ourFlags,
    e.freshCookie(peer.cookie, now),
  );
  peer.handshake = { localIndex, state: init.state, mac1: init.mac1, firstAttemptAt };
  e.indexes.set(localIndex, peer);
  return init.message;
}

function handshakePaths(e: EngineState, peer: Peer): Path[] {
  const paths: Path[] = [];
  if (peer.path !== undefined) paths.push(peer.path);
  if (peer.path?.kind !== 'direct') {
    for (const c of peer.candidates.slice(0, 3)) paths.push({ kind: 'direct', endpoint: c });
  }
  if (!peer.connected()) {
    for (const id of peer.relays) {
      const r = e.peers.get(id);
      if (r !== undefined && r.connected() && r.path?.kind === 'direct' && (r.flags & PeerFlag.relay) !== 0) {
        if (peer.path?.kind !== 'relay' || peer.path.via !== r) paths.push({ kind: 'relay', via: r });
        break;
      }
    }
  }
  return paths;
}

/**
 * Says hello at `endpoint`: the node there, if it belongs to our network and is not connected to
 * us, initiates a handshake with us. An init peer's hello carries its hello index (so a cookie reply
 * finds its way back) and its cookie; any other hello a one-off index.
 */
export function sendHello(
  e: EngineState,
  endpoint: UdpEndpoint,
  initPeer: InitPeerDial | undefined,
  now: number,
): void {
  const index = initPeer?.helloIndex ?? e.newIndex();
  const hello = createHello(
    e.keys,
    e.identity,
    index,
    e.nextTimestamp(now),
    e.freshCookie(initPeer?.cookie, now),
  );
  if (initPeer !== undefined) {
    initPeer.helloMac1 = hello.mac1;
    initPeer.lastHelloAt = now;
  }
  e.io.sendDatagram(endpoint, hello.message);
}

/**
 * Should be called when data sent to a connected peer went unanswered for UNANSWERED_DATA_TIMEOUT
 * although a live peer acknowledges within PASSIVE_KEEPALIVE_TIMEOUT (or it has been silent for
 * SILENCE_PROBE_TIMEOUT). If the node there restarted, it has a new identity and drops our packets as
 * unknownIndex without a word (it must not answer unauthenticated packets). A hello at the endpoint
 * tells such a node who we are, and it initiates to us; a live peer that was just slow ignores a
 * hello from a node it is connected to. So the session comes back within seconds of the restart
 * rather than after DEAD_PEER_TIMEOUT.
 */
export function probeEndpoint(e: EngineState, peer: Peer, now: number): void {
  if (peer.path?.kind !== 'direct') return; // a relayed peer is re-announced by its relay
  const endpoint = peer.path.endpoint;
  e.io.log('debug', 'peer.unanswered', { peer: peer.nodeId, path: describePath(peer.path) });
  const ip = e.initPeers.find((i) => sameEndpoint(i.endpoint, endpoint));
  sendHello(e, endpoint, ip, now);
}

/**
 * Should be called every DIRECT_PATH_PROBE_INTERVAL while a connected peer is reached through a relay:
 * a keepalive on its current session goes straight to each of its direct candidates (at most three).
 * The session is end to end, so the first one that arrives is authentic there and moves the peer's
 * path to us to the direct one (roaming); its answer moves ours. Costs 32 bytes and no Diffie-Hellman
 * per candidate. The keepalive timers are not touched: these may be lost, the relayed path carries on.
 */
export function probeDirectPaths(e: EngineState, peer: Peer, now: number): void {
  const s = peer.current;
  if (s === undefined || !canSend(s, now)) return;
  for (const endpoint of peer.candidates.slice(0, 3)) {
    const datagram = sealTransport(s.sendKey, s.remoteIndex, s.sendCounter, TransportKind.keepalive, EMPTY);
    s.sendCounter += 1;
    e.io.sendDatagram(endpoint, datagram);
    peer.bytesOut += datagram.length;
  }
}

/**
 * Tells `peer` about every other peer we reach directly (in as many messages as it takes), except one
 * that may be the old identity of a node that restarted at another port (Peer.suspectedRestarted).
 */
export function sendPeerInfo(e: EngineState, peer: Peer, now: number): void {
  const entries: PeerInfoEntry[] = [];
  for (const other of e.peers.values()) {
    if (other === peer || !other.connected() || other.path?.kind !== 'direct') continue;
    if (other.suspectedRestarted()) continue; // maybe a restart's ghost: not until it answers
    entries.push({ staticKey: other.staticKey, flags: other.flags, endpoint: other.path.endpoint });
  }
  // Rotate through the peers when there are more than fit in one message.
  for (let i = 0; i < entries.length; i += PEERINFO_MAX_ENTRIES) {
    sendTransport(
      e,
      peer,
      TransportKind.peerInfo,
      encodePeerInfo(entries.slice(i, i + PEERINFO_MAX_ENTRIES)),
      now,
    );
  }
}

/** Tells every other connected peer about a peer that just came up (so the mesh closes quickly). */
export function announce(e: EngineState, peer: Peer, now: number): void {
  if (peer.path?.kind !== 'direct') return;
  const info = encodePeerInfo([
    { staticKey: peer.staticKey, flags: peer.flags, endpoint: peer.path.endpoint },
  ]);
  for (const other of e.peers.values()) {
    if (other !== peer && other.connected()) sendTransport(e, other, TransportKind.peerInfo, info, now);
  }
}

/**
 * Should be called with a frame from the TAP when no peer is connected to flood it to: it is kept
 * (an ARP request, say) for the first peer that comes up, at most MAX_QUEUED_FRAMES for at most
 * UNROUTED_FRAME_HOLD_TIME.
 */
export function holdUnrouted(e: EngineState, frame: Uint8Array, now: number): void {
  while (
    e.unrouted.length > 0 &&
    (e.unrouted.length >= MAX_QUEUED_FRAMES || now - e.unrouted[0]!.at >= UNROUTED_FRAME_HOLD_TIME)
  ) {
    e.unrouted.shift();
    e.dropped.noRoute += 1;
  }
  e.unrouted.push({ frame: frame.slice(), at: now }); // the shell may reuse `frame`
}

/** Floods the held frames that are still fresh to a peer that just came up. */
export function flushUnrouted(e: EngineState, peer: Peer, now: number): void {
  if ((peer.flags & PeerFlag.userdata) === 0 || !e.options.tunneling) return;
  for (const held of e.unrouted.splice(0)) {
    if (now - held.at < UNROUTED_FRAME_HOLD_TIME) {
      sendTransport(e, peer, TransportKind.frame, held.frame, now);
    } else {
      e.dropped.noRoute += 1;
    }
  }
}

/** Sends the frames queued for `peer` while it had no session, in order, as far as the session allows. */
export function flushQueue(e: EngineState, peer: Peer, now: number): void {
  while (peer.queue.length > 0) {
    const frame = peer.queue.shift()!;
    if (!sendTransport(e, peer, TransportKind.frame, frame, now)) break;
  }
}
