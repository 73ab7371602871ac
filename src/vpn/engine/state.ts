import { randomInt } from 'node:crypto';
import { COOKIE_LIFETIME } from '../protocol/constants.js';
import { CookieChecker } from '../protocol/cookie.js';
import { PeerFlag } from '../protocol/handshake.js';
import type { NetworkKeys } from '../protocol/keys.js';
import { HandshakeRateLimiter } from '../protocol/rate-limit.js';
import { zeroDropCounters, zeroEventCounters } from './counters.js';
import type { Cookie, InitPeerDial, Path, Peer, Session } from './peer.js';
import { MacTable } from './switch.js';
import type { TimerActions } from './timers.js';
import type { EngineIO, EngineIdentity, EngineOptions } from './types.js';

/** Repeated log events (floods of bad packets) are written at most once per this many ms. */
const LOG_INTERVAL = 10_000;

/**
 * Everything the engine knows (wireguard-go's `Device`): keys, the peer and index tables, init
 * peers, the MAC table, held frames, counters and the earliest timer deadline. The receive and send
 * pipelines (receive.ts, send.ts), the peer and session life cycle (sessions.ts) and the timers are
 * functions of this state; `VpnEngine` (engine.ts) owns one and is the only way in from outside.
 *
 * The methods here are the bookkeeping every part needs: the index table, timestamps, cookies,
 * scheduling and rate-limited logging.
 */
export class EngineState {
  readonly ourFlags: number;
  readonly cookies: CookieChecker;
  readonly rateLimiter = new HandshakeRateLimiter();
  /** ICMP errors written into the TAP in the current one-second window (send.ts). */
  icmpWindowStart = -Infinity;
  icmpErrorsInWindow = 0;
  /** NodeID (hex) → peer. */
  readonly peers = new Map<string, Peer>();
  /** Local index → peer, for sessions and pending handshakes. */
  readonly indexes = new Map<number, Peer>();
  readonly initPeers: InitPeerDial[] = [];
  readonly macTable = new MacTable();
  /** Frames read while no peer was connected, for the first one that comes up (bounded, aged). */
  readonly unrouted: { readonly frame: Uint8Array; readonly at: number }[] = [];
  earliestDeadline = Infinity;
  lastTimestamp = 0;
  /** The `now` of the latest entry point call. */
  lastNow = 0;
  /** When `start` was called (the engine's clock). */
  startedAt = 0;
  readonly logGate = new Map<string, { at: number; suppressed: number }>();
  /** Hex static keys `allowednodes` admits; undefined: anyone holding the PSK. */
  allowed: Set<string> | undefined;
  readonly dropped = zeroDropCounters();
  readonly stats = zeroEventCounters();
  /** What the timers (timers.ts) call back into. */
  readonly timers: TimerActions;

  constructor(
    readonly options: EngineOptions,
    readonly keys: NetworkKeys,
    readonly io: EngineIO,
    readonly identity: EngineIdentity,
    timerActions: (state: EngineState) => TimerActions,
  ) {
    this.ourFlags = (options.tunneling ? PeerFlag.userdata : 0) | (options.relay ? PeerFlag.relay : 0);
    this.cookies = new CookieChecker(keys.cookieKey);
    this.timers = timerActions(this);
    this.allowed = allowedSet(options.allowedNodes);
  }

  /** May a node with this static key be a peer? (`allowednodes`, when set.) */
  admits(staticKey: Uint8Array): boolean {
    return this.allowed === undefined || this.allowed.has(Buffer.from(staticKey).toString('hex'));
  }

  /** Make sure `onTimer` runs no later than `deadline`. */
  schedule(deadline: number): void {
    if (deadline < this.earliestDeadline) this.earliestDeadline = deadline;
  }

  /** A random local index used by no session, pending handshake or init peer. */
  newIndex(): number {
    for (;;) {
      const i = randomInt(1, 0xffff_ffff);
      if (!this.indexes.has(i) && !this.initPeers.some((ip) => ip.helloIndex === i)) return i;
    }
  }

  /** Strictly increasing per process (our static key is per process, so this is per identity). */
  nextTimestamp(now: number): number {
    const origin = this.options.timestampOrigin ?? 0;
    this.lastTimestamp = Math.max(this.lastTimestamp + 1, Math.floor((origin + now) * 1000));
    return this.lastTimestamp;
  }

  /** The cookie to put in MAC2, while it is fresh. */
  freshCookie(cookie: Cookie | undefined, now: number): Uint8Array | undefined {
    return cookie !== undefined && now - cookie.receivedAt < COOKIE_LIFETIME ? cookie.value : undefined;
  }

  /** Forget a session: its index is free again, the peer no longer holds it, and its keys are wiped. */
  dropSession(peer: Peer, session: Session): void {
    this.indexes.delete(session.localIndex);
    session.sendKey.fill(0);
    session.receiveKey.fill(0);
    if (peer.current === session) peer.current = undefined;
    if (peer.previous === session) peer.previous = undefined;
    if (peer.next === session) peer.next = undefined;
  }

  /** Forget every session of `peer` and our initiation in flight to it. */
  dropAllSessions(peer: Peer): void {
    for (const s of [peer.current, peer.previous, peer.next]) if (s !== undefined) this.dropSession(peer, s);
    this.abandonHandshake(peer);
  }

  /** Forget our initiation in flight to `peer` (a response to it is then an unknown index). */
  abandonHandshake(peer: Peer): void {
    if (peer.handshake === undefined) return;
    this.indexes.delete(peer.handshake.localIndex);
    peer.handshake = undefined;
  }

  /** Log an event at most once per LOG_INTERVAL (floods of bad packets must not flood the log). */
  logLimited(
    level: 'debug' | 'info' | 'warn',
    event: string,
    now: number,
    fields: Readonly<Record<string, unknown>>,
  ): void {
    const gate = this.logGate.get(event);
    if (gate !== undefined && now - gate.at < LOG_INTERVAL) {
      gate.suppressed += 1;
      return;
    }
    this.io.log(level, event, gate?.suppressed ? { ...fields, suppressed: gate.suppressed } : fields);
    this.logGate.set(event, { at: now, suppressed: 0 });
  }
}

/** The `allowednodes` keys as a set of hex strings (undefined stays undefined: PSK only). */
export function allowedSet(keys: readonly Uint8Array[] | undefined): Set<string> | undefined {
  return keys === undefined ? undefined : new Set(keys.map((k) => Buffer.from(k).toString('hex')));
}

/** A path as the log shows it: `192.0.2.1:7000`, `[2001:db8::1]:7000` or `relay:<nodeId prefix>`. */
export function describePath(path: Path | undefined): string {
  if (path === undefined) return 'none';
  if (path.kind === 'relay') return `relay:${path.via.nodeId.slice(0, 16)}`;
  return path.endpoint.address.includes(':')
    ? `[${path.endpoint.address}]:${path.endpoint.port}`
    : `${path.endpoint.address}:${path.endpoint.port}`;
}
