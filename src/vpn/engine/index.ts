/**
 * The VPN protocol engine (sans-I/O): handshakes, sessions, peers, timers, peer exchange, relay and
 * the L2 learning switch. The shell (UDP sockets, TAP device, config, daemon) feeds it events with a
 * monotonic `now` in milliseconds and implements `EngineIO`. See docs/vpn-protocol.md.
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
export type { EngineIO, EngineOptions, PeerStatus, UdpEndpoint } from './types.js';
export type { NetworkKey } from '../protocol/network-key.js';
export { deriveNetworkKey } from '../protocol/network-key.js';
export type { DropCounters, EngineCounters, EngineIdentity, ReceivedDatagram } from './engine.js';
export { VpnEngine, generateIdentity, zeroDropCounters } from './engine.js';
export { TRANSPORT_OVERHEAD, maxFrameSize, tapMtu } from './mtu.js';
