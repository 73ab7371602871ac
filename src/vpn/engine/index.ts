/**
 * The VPN protocol engine (sans-I/O): handshakes, sessions, peers, timers, peer exchange, relay and
 * the L2 learning switch. Laid out like wireguard-go's device/: engine.ts (the door), receive.ts and
 * send.ts (the two pipelines), sessions.ts (peers and sessions over their life), timers.ts (every
 * timer, named after the events that arm it), counters.ts, state.ts (what the engine knows).
 *
 * The shell (UDP sockets, TAP device, config, daemon) feeds it events with a monotonic `now` in
 * milliseconds and implements `EngineIO`. See docs/vpn-protocol.md.
 *
 * Typical shell loop:
 *
 *   const key = await deriveNetworkKey(opts.networkName, opts.psk);   // once, a few hundred ms
 *   const engine = new VpnEngine(opts, key, io);
 *   for (const ep of initpeers) engine.addInitPeer(ep);
 *   engine.start(now());
 *   udp.on('message', (b, r) => engine.onDatagram({ address: r.address, port: r.port }, b, now()));
 *   tap.onFrames((frames) => engine.onFrames(frames, now()));
 *   // after every event: re-arm one timer at engine.nextTimerDeadline(), call engine.onTimer(now()) when it fires.
 */
export type {
  EngineIO,
  EngineIdentity,
  EngineOptions,
  PeerStatus,
  ReceivedDatagram,
  UdpEndpoint,
} from './types.js';
export type { NetworkKey } from '../protocol/network-key.js';
export { deriveNetworkKey } from '../protocol/network-key.js';
export type { DropCounters, EngineCounters } from './counters.js';
export { zeroDropCounters, zeroEventCounters } from './counters.js';
export { VpnEngine, generateIdentity } from './engine.js';
