/**
 * The receive pipeline (wireguard-go's receive.go): one datagram from the UDP socket (or unwrapped
 * from a relay) is dispatched by type. Handshake-class messages are checked cheapest first and never
 * answered when bad; transport packets are opened, checked against the replay window and delivered:
 * frames to the TAP, peer exchange to the peer table, relay packets onward.
 *
 * Never throws on bad input: a bad packet is counted (state.dropped) and dropped.
 */
import {
  MESSAGE_COOKIE_REPLY,
  MESSAGE_HANDSHAKE_INITIATION,
  MESSAGE_HANDSHAKE_RESPONSE,
  MESSAGE_HELLO,
  MESSAGE_TRANSPORT,
  NODE_ID_SIZE,
  REDIAL_MIN_INTERVAL,
  REJECT_AFTER_TIME,
  REKEY_TIMEOUT,
} from '../protocol/constants.js';
import {
  cookieReplyReceiver,
  endpointSource,
  openCookieReply,
  relayedOriginSource,
} from '../protocol/cookie.js';
import {
  PeerFlag,
  consumeHello,
  consumeInitiation,
  consumeResponse,
  createResponse,
  responseReceiver,
  senderIndexOf,
} from '../protocol/handshake.js';
import { layoutOf, mac1Of, mac1Valid, mac2Valid, type MessageLayout } from '../protocol/messages.js';
import { TransportKind, openTransport, parseTransportHeader } from '../protocol/transport.js';
import { ETH_HEADER } from '../packet/index.js';
import { HELLO_REPLAY_MEMORY, type Path, type Peer } from './peer.js';
import { decodePeerInfo, usablePeerInfoEntry } from './peer-info.js';
import {
  answerHello,
  initiateHandshake,
  sendKeepalive,
  sendThroughRelay,
  sendTransport,
  sendVia,
} from './send.js';
import { installCurrent, newSession, peerFor, updatePath } from './sessions.js';
import { describePath, type EngineState } from './state.js';
import { timersAuthenticatedPacketReceived, timersDataReceived, timersWantPeer } from './timers.js';

/** After start, initiations that fail authentication are logged as a restart's echo, not as a warning. */
const STALE_IDENTITY_GRACE = 60_000;

/** Dispatches one datagram that arrived on `path` (directly, or unwrapped from a relay). */
export function receiveDatagram(e: EngineState, datagram: Uint8Array, path: Path, now: number): void {
  switch (datagram[0]) {
    case MESSAGE_TRANSPORT:
      receiveTransport(e, datagram, path, now);
      return;
    case MESSAGE_HANDSHAKE_INITIATION:
    case MESSAGE_HANDSHAKE_RESPONSE:
    case MESSAGE_HELLO:
      receiveHandshake(e, datagram, path, now);
      return;
    case MESSAGE_COOKIE_REPLY:
      receiveCookieReply(e, datagram, now);
      return;
    default:
      e.dropped.malformed += 1;
  }
}

/**
 * Handshake-class messages. Order of checks, cheapest first, and never a reply to a bad packet:
 * layout → MAC1 (network secret) → load/cookie (MAC2) → Noise (DH) → replay (timestamp).
 */
function receiveHandshake(e: EngineState, datagram: Uint8Array, path: Path, now: number): void {
  const layout = layoutOf(datagram);
  if (layout === undefined) {
    e.dropped.malformed += 1;
    return;
  }
  if (!mac1Valid(layout, datagram, e.keys.mac1Key)) {
    e.dropped.wrongNetwork += 1;
    e.logLimited('warn', 'handshake.rejected', now, {
      reason: 'wrong network name or PSK (MAC1 mismatch)',
      from: describePath(path),
    });
    return;
  }
  if (layout.type === MESSAGE_HANDSHAKE_RESPONSE) {
    receiveResponse(e, datagram, path, now);
    return;
  }
  const verdict = e.rateLimiter.admit(rateLimitSource(path), now);
  if (verdict === 'over-rate') {
    e.dropped.rateLimited += 1;
    return;
  }
  e.cookies.noteHandshake(now);
  if (
    (verdict === 'untracked' || e.cookies.underLoad(now)) &&
    !admitWithCookie(e, layout, datagram, path, now)
  ) {
    return;
  }
  e.stats.handshakesProcessed += 1;
  if (layout.type === MESSAGE_HELLO) receiveHello(e, datagram, path, now);
  else receiveInitiation(e, datagram, path, now);
}

/**
 * Who a handshake is rate-limited as: a direct sender by its IP address (ports are free to vary); one
 * that came through a relay by that relay and the origin it names, as if it were an address of its own.
 * (A relay of an older version names no origin: then the relay itself.)
 */
function rateLimitSource(path: Path): string {
  if (path.kind === 'direct') return path.endpoint.address;
  if (path.origin === undefined) return `relay ${path.via.nodeId}`;
  return relayedOriginSource(path.via.nodeId, Buffer.from(path.origin).toString('hex'));
}

/**
 * Under load (or from a source the full rate limiter cannot track), a handshake needs a cookie (MAC2);
 * one without gets a cookie reply, smaller than what triggered it, and no Diffie-Hellman work. The
 * cookie is bound to where the handshake came from: a direct sender's address and port, or a relay and
 * the origin it named (the reply goes back through that relay to that origin). A relayed handshake
 * whose origin is not named cannot be answered, and is dropped.
 */
function admitWithCookie(
  e: EngineState,
  layout: MessageLayout,
  datagram: Uint8Array,
  path: Path,
  now: number,
): boolean {
  const origin = path.kind === 'relay' ? path.origin : undefined;
  if (path.kind === 'relay' && origin === undefined) {
    e.dropped.underLoad += 1;
    return false;
  }
  const source =
    path.kind === 'direct'
      ? endpointSource(path.endpoint)
      : relayedOriginSource(path.via.nodeId, Buffer.from(origin!).toString('hex'));
  if (mac2Valid(layout, datagram, e.cookies.cookieFor(source, now))) return true;
  e.dropped.underLoad += 1;
  const reply = e.cookies.makeReply(senderIndexOf(datagram), mac1Of(layout, datagram), source, now);
  e.stats.cookieRepliesSent += 1;
  if (path.kind === 'direct') e.io.sendDatagram(path.endpoint, reply);
  else sendThroughRelay(e, path.via, origin!, reply);
  return false;
}

/** An initiation that passed MAC1 and the load check: as responder, derive a session and answer. */
function receiveInitiation(e: EngineState, datagram: Uint8Array, path: Path, now: number): void {
  const c = consumeInitiation(e.keys, e.identity, datagram, (k) => e.admits(k));
  if (c !== undefined && 'refusedStatic' in c) {
    // Refused right after the one DH that decrypts the initiator's key (protocol/handshake.ts).
    e.dropped.notAllowed += 1;
    e.logLimited('warn', 'handshake.rejected', now, {
      reason: 'node key not in allowednodes',
      key: Buffer.from(c.refusedStatic).toString('base64'),
      from: describePath(path),
    });
    return;
  }
  if (c === undefined) {
    e.dropped.handshakeFailed += 1;
    if (now - e.startedAt < STALE_IDENTITY_GRACE) {
      // Identities are per process: right after a restart, peers still dial the identity this node
      // had before (until its handshake from the same endpoint retires it), and those initiations
      // cannot authenticate. Expected, so not a warning.
      e.logLimited('info', 'handshake.stale_identity', now, {
        reason: 'initiation for another identity (the one this node had before it restarted?)',
        from: describePath(path),
      });
      return;
    }
    e.logLimited('warn', 'handshake.rejected', now, {
      reason: 'initiation failed authentication',
      from: describePath(path),
    });
    return;
  }
  const peer = peerFor(e, c.remoteStatic, now);
  if (peer === undefined) return;
  if (c.timestamp <= peer.latestInitiationTimestamp) {
    e.dropped.handshakeReplay += 1;
    e.logLimited('info', 'handshake.replay', now, { peer: peer.nodeId, from: describePath(path) });
    return;
  }
  peer.latestInitiationTimestamp = c.timestamp;
  peer.flags = c.flags;
  // Both sides initiated at once: the higher NodeID gives way, so one session results.
  if (peer.handshake !== undefined && e.identity.nodeId > peer.nodeId) e.abandonHandshake(peer);
  const localIndex = e.newIndex();
  const response = createResponse(
    e.keys,
    c.state,
    localIndex,
    c.senderIndex,
    e.ourFlags,
    e.freshCookie(peer.cookie, now),
  );
  const session = newSession(localIndex, c.senderIndex, response.keys, false, now);
  if (peer.next !== undefined) e.dropSession(peer, peer.next);
  peer.next = session;
  e.indexes.set(localIndex, peer);
  updatePath(e, peer, path, now);
  timersAuthenticatedPacketReceived(peer, now);
  sendVia(e, path, peer, response.message);
  if (!peer.connected()) {
    // Nothing to send on yet: the initiator confirms with its first transport packet.
    peer.lastHandshakeAt = now;
  }
}

/** The response to our initiation: as initiator, the session is confirmed and becomes current. */
function receiveResponse(e: EngineState, datagram: Uint8Array, path: Path, now: number): void {
  const index = responseReceiver(datagram);
  const peer = e.indexes.get(index);
  const hs = peer?.handshake;
  if (peer === undefined || hs === undefined || hs.localIndex !== index) {
    e.dropped.unknownIndex += 1;
    return;
  }
  e.stats.handshakesProcessed += 1;
  const r = consumeResponse(hs.state, datagram);
  if (r === undefined) {
    e.dropped.handshakeFailed += 1;
    e.logLimited('warn', 'handshake.rejected', now, {
      reason: 'response failed authentication',
      from: describePath(path),
    });
    e.abandonHandshake(peer); // its state is spent; the retransmit timer starts a new one
    return;
  }
  peer.handshake = undefined;
  peer.flags = r.flags;
  const session = newSession(index, r.senderIndex, r.keys, true, now);
  updatePath(e, peer, path, now);
  timersAuthenticatedPacketReceived(peer, now);
  installCurrent(e, peer, session, now);
  if (peer.queue.length === 0) sendKeepalive(e, peer, now);
}

/** A hello: a node of our network wants us to initiate (it dialled us as an init peer, or probes). */
function receiveHello(e: EngineState, datagram: Uint8Array, path: Path, now: number): void {
  const h = consumeHello(e.keys, datagram);
  if (h === undefined) {
    e.dropped.handshakeFailed += 1;
    return;
  }
  if (Buffer.compare(h.remoteStatic, e.identity.publicKey) === 0) return; // we dialled ourselves
  if (!e.admits(h.remoteStatic)) {
    e.dropped.notAllowed += 1; // not answered: a hello proves only the PSK, which a revoked node holds
    return;
  }
  const peer = peerFor(e, h.remoteStatic, now);
  if (peer === undefined) return;
  const seen = peer.recentHelloTimestamps;
  if (seen.includes(h.timestamp)) {
    e.dropped.handshakeReplay += 1;
    return;
  }
  seen.push(h.timestamp);
  if (seen.length > HELLO_REPLAY_MEMORY) seen.shift();
  if (path.kind === 'direct') peer.addCandidate(path.endpoint);
  if (peer.connected()) {
    // A peer we are connected to says hello when it lost our session (it restarted under its
    // `nodekey`, or its data to us went unanswered): rekey, on the session's own path, at most every
    // REKEY_TIMEOUT. A forged hello costs one early rekey with the real peer and sends nothing to its source.
    if (peer.handshake !== undefined) return;
    if (peer.lastInitiationAt !== undefined && now - peer.lastInitiationAt < REKEY_TIMEOUT) return;
    initiateHandshake(e, peer, now);
    return;
  }
  // At most one initiation per hello, and not more often than a redial would go.
  if (peer.lastInitiationAt !== undefined && now - peer.lastInitiationAt < REDIAL_MIN_INTERVAL) return;
  answerHello(e, peer, path, now);
}

/** A cookie reply to our hello or initiation (the other side is under load): keep the cookie for the next try. */
function receiveCookieReply(e: EngineState, datagram: Uint8Array, now: number): void {
  const index = cookieReplyReceiver(datagram);
  if (index === undefined) {
    e.dropped.malformed += 1;
    return;
  }
  const init = e.initPeers.find((ip) => ip.helloIndex === index);
  const peer = e.indexes.get(index);
  const sentMac1 =
    init?.helloMac1 ?? (peer?.handshake?.localIndex === index ? peer.handshake.mac1 : undefined);
  const cookie = sentMac1 && openCookieReply(e.keys.cookieKey, datagram, sentMac1);
  if (cookie === undefined || cookie === null) {
    e.dropped.unknownIndex += 1;
    return;
  }
  if (init !== undefined) init.cookie = { value: cookie, receivedAt: now };
  else if (peer !== undefined) peer.cookie = { value: cookie, receivedAt: now };
}

/** A transport packet: open it on the session its receiver index names, then act on it. */
function receiveTransport(e: EngineState, datagram: Uint8Array, path: Path, now: number): void {
  const header = parseTransportHeader(datagram);
  if (header === undefined) {
    e.dropped.malformed += 1;
    return;
  }
  const peer = e.indexes.get(header.receiverIndex);
  const session = peer?.sessionFor(header.receiverIndex);
  if (peer === undefined || session === undefined) {
    e.dropped.unknownIndex += 1;
    return;
  }
  if (now - session.createdAt >= REJECT_AFTER_TIME) {
    e.dropped.expiredSession += 1;
    return;
  }
  const payload = openTransport(session.receiveKey, datagram);
  if (payload === undefined) {
    e.dropped.badAuth += 1;
    return;
  }
  if (!session.replay.accept(header.counter)) {
    e.dropped.replay += 1;
    return;
  }
  // Authentic and fresh: from here on the packet tells us things about the peer.
  peer.bytesIn += datagram.length;
  timersAuthenticatedPacketReceived(peer, now);
  if (header.kind !== TransportKind.keepalive) timersDataReceived(e.timers, peer, now);
  updatePath(e, peer, path, now);
  if (session === peer.next) {
    peer.next = undefined;
    installCurrent(e, peer, session, now);
  }
  deliver(e, peer, header.kind, payload, path, now);
}

/** Acts on the decrypted payload of a transport packet from `peer`. */
function deliver(
  e: EngineState,
  peer: Peer,
  kind: number,
  payload: Uint8Array,
  path: Path,
  now: number,
): void {
  switch (kind) {
    case TransportKind.keepalive:
      return;
    case TransportKind.frame:
      if (!e.options.tunneling || payload.length < ETH_HEADER) {
        e.dropped.noRoute += 1;
        return;
      }
      e.macTable.learn(payload, peer, now);
      e.stats.framesToTap += 1;
      e.io.writeFrame(payload);
      return;
    case TransportKind.peerInfo:
      learnPeerInfo(e, peer, payload, now);
      return;
    case TransportKind.relayIn:
      relay(e, peer, payload, now);
      return;
    case TransportKind.relayOut:
      // The inner datagram is end-to-end encrypted between its sender and us; depth is limited to 1.
      if (path.kind === 'relay') e.dropped.malformed += 1;
      else receiveDatagram(e, payload, { kind: 'relay', via: peer }, now);
      return;
    case TransportKind.relayOutFrom:
      // The same, for a handshake-class datagram, with the origin the relay names (for a cookie reply).
      if (path.kind === 'relay' || payload.length <= NODE_ID_SIZE) e.dropped.malformed += 1;
      else {
        const origin = payload.subarray(0, NODE_ID_SIZE);
        receiveDatagram(e, payload.subarray(NODE_ID_SIZE), { kind: 'relay', via: peer, origin }, now);
      }
      return;
    default:
      e.dropped.malformed += 1;
  }
}

/**
 * As a relay: forwards an opaque datagram from `from` to the peer it names: a transport datagram as
 * relayOut, a handshake-class one as relayOutFrom with `from`'s NodeID in front.
 */
function relay(e: EngineState, from: Peer, payload: Uint8Array, now: number): void {
  if (!e.options.relay || payload.length < NODE_ID_SIZE) {
    e.dropped.noRoute += 1;
    return;
  }
  const target = e.peers.get(Buffer.from(payload.subarray(0, NODE_ID_SIZE)).toString('hex'));
  if (target === undefined || target === from || target.path?.kind !== 'direct') {
    e.dropped.noRoute += 1;
    return;
  }
  const inner = payload.subarray(NODE_ID_SIZE);
  if (inner[0] === MESSAGE_TRANSPORT) {
    if (sendTransport(e, target, TransportKind.relayOut, inner, now)) e.stats.relayedPackets += 1;
    return;
  }
  // A handshake-class datagram: name its origin (authenticated by our session with it), so the target
  // can rate-limit it and, under load, send it a cookie back through us.
  const named = new Uint8Array(NODE_ID_SIZE + inner.length);
  named.set(from.nodeIdBytes, 0);
  named.set(inner, NODE_ID_SIZE);
  if (sendTransport(e, target, TransportKind.relayOutFrom, named, now)) e.stats.relayedPackets += 1;
}

/** Peer exchange: peers `from` reaches directly become candidates (and `from` a relay to them). */
function learnPeerInfo(e: EngineState, from: Peer, payload: Uint8Array, now: number): void {
  const entries = decodePeerInfo(payload);
  if (entries === undefined) {
    e.dropped.malformed += 1;
    return;
  }
  for (const entry of entries) {
    if (!usablePeerInfoEntry(entry)) {
      e.dropped.badPeerInfo += 1;
      continue;
    }
    if (Buffer.compare(entry.staticKey, e.identity.publicKey) === 0) continue;
    if (!e.admits(entry.staticKey)) {
      e.dropped.notAllowed += 1;
      continue;
    }
    const peer = peerFor(e, entry.staticKey, now);
    if (peer === undefined) continue;
    peer.addCandidate(entry.endpoint);
    if ((from.flags & PeerFlag.relay) !== 0) peer.relays.add(from.nodeId);
    if (!peer.connected()) {
      if (peer.flags === 0) peer.flags = entry.flags;
      timersWantPeer(e.timers, peer, now);
    }
  }
}
