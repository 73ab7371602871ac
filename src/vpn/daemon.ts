/**
 * `redmesh vpn`: the I/O shell around the sans-I/O VpnEngine. It owns the clock, the UDP sockets, the
 * TAP device, the control socket and the process (privileges, signals); the engine owns the protocol.
 *
 * Startup, in PeerVPN's order (specs/peervpn-0.044.md §4) where it matters:
 *   1. start deriving the network key (scrypt, once, on the threadpool, while 2–3 run);
 *   2. open the UDP sockets (SO_MARK needs root);
 *   3. open the TAP device, set MTU and addresses, run `upcmd` (root);
 *   4. open the control socket;
 *   5. drop privileges;
 *   6. resolve `initpeers`, start the engine, start reading.
 * Datagrams that arrive before step 6 wait in the socket's kernel buffer: reading starts once the
 * engine runs.
 *
 * Data path, all on the main thread with no thread hop per packet: the TAP fd and the UDP socket fds
 * are watched by the main libuv loop (uv_poll); a wakeup drains a bounded batch (TAP reads; recvmmsg)
 * and feeds it to the engine with one `now`. The engine's datagrams are queued and leave in one
 * sendmmsg (UDP GSO for runs of equal-size datagrams) when the engine call returns; then the single
 * timer is re-armed at `engine.nextTimerDeadline()`.
 */
import { execFile } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { unlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { Server } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { InitPeer, PeerVpnConfig } from './config/index.js';
import { VpnEngine, deriveNetworkKey } from './engine/index.js';
import type { EngineIO, EngineIdentity, EngineOptions, NetworkKey, UdpEndpoint } from './engine/index.js';
import { parseAllowedNodesFile } from './config/index.js';
import { ControlSocketRemover, defaultControlSocketPath, listenControl, peerReport } from './control.js';
import type { StatusReport } from './control.js';
import { configureInterface } from './iproute.js';
import { UNDERLAY_MTU, tapMtu } from './packet/index.js';
import { stableTapMac } from './mac.js';
import type { LogFn } from './log.js';
import { dropPrivileges, willDropPrivileges } from './privdrop.js';
import { TapDevice } from './tap.js';
import { UdpTransport } from './udp.js';

/** How often `initpeers` names are resolved again while no peer is connected (PeerVPN: 30 s). */
export const INITPEER_RERESOLVE_MS = 30_000;
/** PeerVPN's resolver keeps at most 16 addresses per name. */
const MAX_ADDRESSES_PER_NAME = 16;
const UPCMD_TIMEOUT_MS = 60_000;

export interface DaemonOptions {
  readonly config: PeerVpnConfig;
  /** Control socket path; default `/run/redmesh/vpn-<interface>.sock`. */
  readonly controlSocketPath: string | undefined;
  readonly log: LogFn;
  /** Builds the engine; the real VpnEngine unless a test puts another in front of the shell. */
  readonly createEngine?: EngineFactory;
}

/** What the shell uses of the engine. */
export type ShellEngine = Pick<
  VpnEngine,
  | 'nodeId'
  | 'publicKey'
  | 'allowedNodeCount'
  | 'setAllowedNodes'
  | 'start'
  | 'addInitPeer'
  | 'onDatagrams'
  | 'onFrames'
  | 'onTimer'
  | 'nextTimerDeadline'
  | 'status'
  | 'counters'
>;

export type EngineFactory = (
  options: EngineOptions,
  key: NetworkKey,
  io: EngineIO,
  identity: EngineIdentity | undefined,
) => ShellEngine;

const createVpnEngine: EngineFactory = (options, key, io, identity) =>
  new VpnEngine(options, key, io, identity);

/** How often the `allowednodes` file is read again: a key removed from it is shut out within this. */
export const ALLOWED_NODES_RELOAD_MS = 5_000;

const now = (): number => performance.now();

export class VpnDaemon {
  private engine: ShellEngine | undefined;
  private udp: UdpTransport | undefined;
  private tap: TapDevice | undefined;
  private control: Server | undefined;
  private controlPath: string | undefined;
  /** Set when privileges are dropped: it removes the control socket we no longer may. */
  private controlRemover: ControlSocketRemover | undefined;
  private mtu: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timerDeadline: number | undefined;
  private resolveTimer: NodeJS.Timeout | undefined;
  private allowedNodesTimer: NodeJS.Timeout | undefined;
  /** The allowednodes file as last applied (or last refused), to notice changes. */
  private allowedNodesText: string | undefined;
  private allowedNodesProblem: string | undefined;
  private readonly dialled = new Set<string>();
  private readonly startedAt = now();
  private stopping: Promise<void> | undefined;

  private constructor(private readonly options: DaemonOptions) {}

  /** Sets everything up and starts the engine. On failure, undoes what was done and throws. */
  static async start(options: DaemonOptions): Promise<VpnDaemon> {
    const d = new VpnDaemon(options);
    try {
      await d.setUp();
    } catch (err) {
      await d.stop('startup failed');
      throw err;
    }
    return d;
  }

  private get log(): LogFn {
    return this.options.log;
  }

  private async setUp(): Promise<void> {
    const c = this.options.config;
    for (const w of c.warnings) this.log('warn', 'config', { warning: w });
    if (c.ndpCache) {
      this.log('warn', 'config', {
        warning: "'enablendpcache' accepted but no NDP cache is kept: neighbour solicitations are flooded",
      });
    }
    // scrypt runs on the threadpool while the sockets and the device are set up.
    const keyReady = deriveNetworkKey(c.networkName, c.psk);
    keyReady.catch(() => undefined);
    this.udp = UdpTransport.open(
      { port: c.port, local: c.local, ipv4: c.ipv4, ipv6: c.ipv6, sockmark: c.sockmark },
      (batch) => this.guard('datagrams', () => this.engine?.onDatagrams(batch, now())),
      (message) => this.log('warn', 'udp', { message }),
    );
    if (c.tunneling) await this.setUpTap(c);
    const key = await keyReady;
    const io: EngineIO = {
      sendDatagram: (to, datagram) => {
        this.udp?.send(to, datagram);
      },
      writeFrame: (frame) => {
        this.tap?.queueFrame(frame);
      },
      log: (level, event, fields) => this.log(level, event, fields),
    };
    const engine = (this.options.createEngine ?? createVpnEngine)(
      {
        networkName: c.networkName,
        psk: c.psk,
        tunneling: c.tunneling,
        relay: c.relay,
        allowedNodes: c.allowedNodes?.map((n) => n.publicKey),
        timestampOrigin: Date.now() - now(),
      },
      key,
      io,
      c.nodeKey,
    );
    // The engine keeps only the keys derived from it: the stretched PSK itself is wiped. (The PSK
    // text stays in the config object: JavaScript strings cannot be wiped.)
    key.secret.fill(0);
    this.engine = engine;
    this.controlPath =
      this.options.controlSocketPath ??
      defaultControlSocketPath(this.tap?.name ?? `${c.networkName.toLowerCase()}-${this.udp.port}`);
    this.control = await listenControl(this.controlPath, () => this.statusReport());
    const plan = { user: c.user, group: c.group, chroot: c.chroot, auto: c.privDrop };
    if (willDropPrivileges(plan)) this.controlRemover = ControlSocketRemover.start(this.controlPath);
    const dropped = await dropPrivileges(plan);
    if (dropped !== undefined) this.log('info', 'privileges-dropped', { ...dropped });
    this.watchAllowedNodes(c);
    await this.dialInitPeers(c.initPeers);
    this.guard('start', () => engine.start(now()));
    this.udp.startReading();
    this.tap?.startReading(
      (frames) => this.guard('frames', () => engine.onFrames(frames, now())),
      (err) => this.log('error', 'tap-error', { error: err.message }),
    );
    this.armTimer();
    if (c.initPeers.some((p) => isIP(p.host) === 0)) this.scheduleReresolve(c.initPeers);
    this.log('info', 'started', {
      node: engine.nodeId,
      network: c.networkName,
      port: this.udp.port,
      interface: this.tap?.name,
      mtu: this.mtu,
      control: this.controlPath,
      key: engine.publicKey,
      identity: c.nodeKey === undefined ? 'per process' : 'nodekey',
      admits: c.allowedNodes === undefined ? 'anyone with the psk' : `${c.allowedNodes.length} allowednodes`,
    });
  }

  /**
   * Reads the `allowednodes` file again every ALLOWED_NODES_RELOAD_MS (after the privilege drop, so it
   * must be readable by that user, and inside the chroot if there is one: it holds public keys only) and
   * hands a changed list to the engine, which shuts out every node no longer listed. A file that cannot
   * be read or parsed leaves the list in force as it was (never fail open) and is logged.
   */
  private watchAllowedNodes(c: PeerVpnConfig): void {
    let path = c.allowedNodesPath;
    if (path === undefined) return;
    if (c.chroot !== undefined) {
      const jail = c.chroot.replace(/\/+$/, '');
      if (!path.startsWith(`${jail}/`)) {
        this.log('warn', 'allowednodes', {
          warning: `${path} is outside the chroot ${c.chroot}: changes take effect at the next start only`,
        });
        return;
      }
      path = path.slice(jail.length);
    }
    const file = path;
    const check = async (): Promise<void> => {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        this.noteAllowedNodesProblem(`cannot read ${file}: ${(err as Error).message}`);
        return;
      }
      if (text === this.allowedNodesText) return;
      this.allowedNodesText = text;
      let keys: Uint8Array[];
      try {
        keys = parseAllowedNodesFile(file, text).map((n) => n.publicKey);
      } catch (err) {
        this.noteAllowedNodesProblem(`${(err as Error).message}; the previous list stays in force`);
        return;
      }
      this.guard('allowednodes', () => this.engine?.setAllowedNodes(keys, now()));
      this.log('info', 'allowednodes', { file, keys: keys.length });
    };
    const loop = (): void => {
      this.allowedNodesTimer = setTimeout(() => {
        void check().finally(() => {
          if (this.stopping === undefined) loop();
        });
      }, ALLOWED_NODES_RELOAD_MS);
    };
    void readFile(file, 'utf8').then(
      (text) => (this.allowedNodesText = text),
      () => undefined,
    );
    loop();
  }

  private noteAllowedNodesProblem(problem: string): void {
    if (problem === this.allowedNodesProblem) return;
    this.allowedNodesProblem = problem;
    this.log('error', 'allowednodes', { error: problem });
  }

  /** TAP device, MTU, addresses, then the operator's upcmd. */
  private async setUpTap(c: PeerVpnConfig): Promise<void> {
    const tap = TapDevice.open(c.interfaceName);
    this.tap = tap;
    // Sized for the widest underlay header among the open sockets (WireGuard's 1420 does the same):
    // with IPv6 open, a full frame must fit an IPv6 datagram of 1500 bytes, or every full-size frame to
    // a peer reached over IPv6 is refused (EMSGSIZE) or fragmented. Costs IPv4 paths 20 of ~1440 bytes.
    this.mtu = tapMtu(UNDERLAY_MTU, this.udp?.families.ipv6 === true ? 'ipv6' : 'ipv4');
    const mac = stableTapMac(c, tap.name);
    await configureInterface(tap.name, mac, this.mtu, c.ifconfig4, c.ifconfig6);
    this.log('info', 'interface-up', {
      interface: tap.name,
      mac,
      mtu: this.mtu,
      ipv4: c.ifconfig4 && `${c.ifconfig4.address}/${c.ifconfig4.prefixLength}`,
      ipv6: c.ifconfig6 && `${c.ifconfig6.address}/${c.ifconfig6.prefixLength}`,
    });
    if (c.upcmd !== undefined) await this.runUpcmd(c.upcmd);
  }

  /**
   * `upcmd` is operator-provided shell by design (PeerVPN runs it with system()), so it goes through
   * `/bin/sh -c`, as root, once, after the interface is configured and before privileges are dropped.
   * A failing upcmd is logged, not fatal, as in PeerVPN.
   */
  private runUpcmd(cmd: string): Promise<void> {
    return new Promise((resolve) => {
      execFile('/bin/sh', ['-c', cmd], { timeout: UPCMD_TIMEOUT_MS }, (err, stdout, stderr) => {
        const output = `${stdout}${stderr}`.trim();
        if (err === null) this.log('info', 'upcmd', { command: cmd, output: output || undefined });
        else
          this.log('warn', 'upcmd-failed', { command: cmd, error: err.message, output: output || undefined });
        resolve();
      });
    });
  }

  /** Resolves every initpeer (names too, up to 16 addresses each) and hands new endpoints to the engine. */
  private async dialInitPeers(peers: readonly InitPeer[]): Promise<void> {
    const c = this.options.config;
    for (const p of peers) {
      let addresses: string[];
      try {
        const found = await lookup(p.host, { all: true, verbatim: true });
        addresses = found
          .filter((a) => (a.family === 4 ? c.ipv4 : c.ipv6))
          .map((a) => a.address)
          .slice(0, MAX_ADDRESSES_PER_NAME);
      } catch (err) {
        this.log('warn', 'initpeer-unresolved', { host: p.host, error: (err as Error).message });
        continue;
      }
      for (const address of addresses) {
        const key = `${address}|${p.port}`;
        if (this.dialled.has(key)) continue;
        this.dialled.add(key);
        const endpoint: UdpEndpoint = { address, port: p.port };
        this.log('info', 'initpeer', { host: p.host, endpoint: `${address}:${p.port}` });
        this.guard('initpeer', () => this.engine?.addInitPeer(endpoint));
      }
    }
  }

  /** Names in `initpeers` may move: resolve them again while nobody is connected. */
  private scheduleReresolve(peers: readonly InitPeer[]): void {
    this.resolveTimer = setTimeout(() => {
      const connected = (this.engine?.status().length ?? 0) > 0;
      const again = connected
        ? Promise.resolve()
        : this.dialInitPeers(peers.filter((p) => isIP(p.host) === 0));
      void again.finally(() => {
        if (this.stopping === undefined) this.scheduleReresolve(peers);
      });
    }, INITPEER_RERESOLVE_MS);
  }

  /**
   * Runs one engine entry point. The engine promises not to throw on bad input; if it throws anyway
   * (a bug), the daemon logs it and keeps serving the other peers rather than dropping the tunnel.
   * Afterwards, what the engine queued for the UDP sockets leaves (one sendmmsg per socket).
   */
  private guard(what: string, call: () => void): void {
    if (this.stopping !== undefined) return;
    try {
      call();
    } catch (err) {
      this.log('error', 'engine-error', { during: what, error: (err as Error).message });
    }
    this.tap?.flushFrames();
    this.udp?.flush();
    this.armTimer();
  }

  /** Keeps one timer armed at the engine's earliest deadline. */
  private armTimer(): void {
    const engine = this.engine;
    if (engine === undefined || this.stopping !== undefined) return;
    const deadline = engine.nextTimerDeadline();
    if (deadline === undefined) return;
    if (this.timerDeadline !== undefined && this.timerDeadline <= deadline) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerDeadline = deadline;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerDeadline = undefined;
        this.guard('timer', () => engine.onTimer(now()));
      },
      Math.max(0, Math.ceil(deadline - now())),
    );
  }

  statusReport(): StatusReport {
    const t = now();
    const engine = this.engine;
    let counters: Record<string, unknown> = {};
    try {
      counters = { ...engine?.counters() };
    } catch (err) {
      counters = { error: (err as Error).message };
    }
    return {
      nodeId: engine?.nodeId ?? '',
      publicKey: engine?.publicKey ?? '',
      identity: this.options.config.nodeKey === undefined ? 'per process' : 'nodekey',
      allowedNodes: engine?.allowedNodeCount(),
      networkName: this.options.config.networkName,
      interface: this.tap?.name,
      mtu: this.mtu,
      port: this.udp?.port ?? 0,
      pid: process.pid,
      uptimeMs: Math.round(t - this.startedAt),
      peers: (engine?.status() ?? []).map((p) => peerReport(p, t)),
      counters: {
        ...counters,
        tapWriteErrors: this.tap?.writeErrors ?? 0,
        tapCoalescedSegments: this.tap?.coalesced.segments ?? 0,
        tapCoalescedFrames: this.tap?.coalesced.frames ?? 0,
        tapCoalescing: this.tap?.coalesced.enabled,
        udpSendErrors: this.udp?.sendErrors ?? 0,
        udpSendTooBig: this.udp?.sendTooBig ?? 0,
        udpLastSendError: this.udp?.lastSendError,
        udpDatagramsSent: this.udp?.datagramsSent ?? 0,
        udpSendCalls: this.udp?.sendCalls ?? 0,
        udpReceiveErrors: this.udp?.receiveErrors ?? 0,
      },
    };
  }

  /**
   * Stops everything: closes the UDP sockets and the control socket, and closes the TAP fd, which makes
   * the kernel remove the interface. Safe to call more than once.
   */
  stop(reason: string): Promise<void> {
    this.stopping ??= this.tearDown(reason);
    return this.stopping;
  }

  private async tearDown(reason: string): Promise<void> {
    this.log('info', 'stopping', { reason });
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.resolveTimer !== undefined) clearTimeout(this.resolveTimer);
    if (this.allowedNodesTimer !== undefined) clearTimeout(this.allowedNodesTimer);
    this.udp?.close();
    if (this.control !== undefined) {
      this.control.close();
      if (this.controlRemover !== undefined) {
        await this.controlRemover.remove();
      } else {
        try {
          if (this.controlPath !== undefined) unlinkSync(this.controlPath);
        } catch {
          // already gone
        }
      }
    }
    await this.tap?.close();
    this.log('info', 'stopped', { interface: this.tap?.name });
  }
}
