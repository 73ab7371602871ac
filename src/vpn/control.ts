/**
 * The daemon's control socket: a unix socket (default `/run/redmesh/vpn-<interface>.sock`, mode 0600)
 * that answers every connection with one JSON status document and closes. `redmesh vpn status` reads it.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, unlinkSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { Server } from 'node:net';
import { dirname } from 'node:path';
import type { PeerStatus } from './engine/index.js';

export const CONTROL_DIR = '/run/redmesh';

export function defaultControlSocketPath(interfaceName: string): string {
  return `${CONTROL_DIR}/vpn-${interfaceName}.sock`;
}

/** One peer as `redmesh vpn status` shows it; times are ages in ms (the engine's clock is monotonic). */
export interface PeerStatusReport {
  readonly nodeId: string;
  /** The peer's public node key (base64): what `allowednodes` lists. */
  readonly publicKey: string;
  readonly endpoint: string | undefined;
  readonly relayedVia: string | undefined;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly lastHandshakeAgoMs: number | undefined;
  readonly lastReceiveAgoMs: number | undefined;
}

export interface StatusReport {
  readonly nodeId: string;
  /** This node's public key (base64): what the other nodes' `allowednodes` must list. */
  readonly publicKey: string;
  /** `nodekey`: from the configured key file; `per process`: a fresh one at every start. */
  readonly identity: 'nodekey' | 'per process';
  /** Keys `allowednodes` admits; undefined: anyone holding the PSK. */
  readonly allowedNodes: number | undefined;
  readonly networkName: string;
  readonly interface: string | undefined;
  readonly mtu: number | undefined;
  readonly port: number;
  readonly pid: number;
  readonly uptimeMs: number;
  readonly peers: readonly PeerStatusReport[];
  readonly counters: Readonly<Record<string, unknown>>;
}

/** Converts the engine's monotonic timestamps into ages at `now`. */
export function peerReport(p: PeerStatus, now: number): PeerStatusReport {
  const age = (t: number | undefined): number | undefined =>
    t === undefined ? undefined : Math.max(0, now - t);
  const ep = p.endpoint;
  return {
    nodeId: p.nodeId,
    publicKey: p.publicKey,
    endpoint:
      ep === undefined
        ? undefined
        : ep.address.includes(':')
          ? `[${ep.address}]:${ep.port}`
          : `${ep.address}:${ep.port}`,
    relayedVia: p.relayedVia,
    bytesIn: p.bytesIn,
    bytesOut: p.bytesOut,
    lastHandshakeAgoMs: age(p.lastHandshakeMs),
    lastReceiveAgoMs: age(p.lastReceiveMs),
  };
}

/** Is a daemon answering on this socket? */
function socketIsLive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * Listens on `path`. A stale socket file from a killed daemon is replaced; a live one is an error
 * (two daemons for the same interface).
 */
export async function listenControl(path: string, report: () => StatusReport): Promise<Server> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  if (await socketIsLive(path)) throw new Error(`another redmesh vpn answers on ${path}`);
  try {
    unlinkSync(path);
  } catch {
    // not there: fine
  }
  const server = createServer((conn) => {
    conn.on('error', () => undefined);
    conn.end(JSON.stringify(report()) + '\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(path, 0o600);
  return server;
}

/** Reads the status document from a running daemon (bounded by `timeoutMs`). */
export function readStatus(path: string, timeoutMs = 5000): Promise<StatusReport> {
  return new Promise((resolve, reject) => {
    const s = connect(path);
    let text = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no answer on ${path} within ${timeoutMs} ms`));
    }, timeoutMs);
    s.on('data', (d: Buffer) => (text += d.toString('utf8')));
    s.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot reach the vpn daemon at ${path}: ${err.message}`));
    });
    s.on('end', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(text) as StatusReport);
      } catch {
        reject(new Error(`unreadable status from ${path}`));
      }
    });
  });
}

/** Human-readable status, one peer per line. */
export function formatStatus(r: StatusReport): string {
  const secs = (ms: number | undefined): string =>
    ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)}s ago`;
  const lines = [
    `node ${r.nodeId}  network ${r.networkName}  interface ${r.interface ?? '(none)'}  mtu ${r.mtu ?? '-'}  udp port ${r.port}  pid ${r.pid}  up ${(r.uptimeMs / 1000).toFixed(0)}s`,
    `key ${r.publicKey} (${r.identity})  admits ${r.allowedNodes === undefined ? 'anyone with the psk' : `the ${r.allowedNodes} key(s) in allowednodes`}`,
    `${r.peers.length} peer(s)`,
  ];
  for (const p of r.peers) {
    const via = p.relayedVia === undefined ? '' : ` via ${p.relayedVia.slice(0, 16)}`;
    lines.push(
      `  ${p.nodeId.slice(0, 16)}  ${p.endpoint ?? '-'}${via}  in ${p.bytesIn} B  out ${p.bytesOut} B  handshake ${secs(p.lastHandshakeAgoMs)}  last packet ${secs(p.lastReceiveAgoMs)}  key ${p.publicKey}`,
    );
  }
  return lines.join('\n') + '\n';
}

/**
 * Removes the control socket when the daemon stops, also after it dropped its privileges: the socket's
 * directory (`/run/redmesh`, root's) is then no longer writable by the daemon, and after a `chroot` not
 * even reachable. So before the drop the daemon leaves a small root process behind: `/bin/sh` waiting
 * on a pipe, which removes the socket (that one path, whatever it reads) when the pipe is closed — by a
 * clean stop, or by the kernel when the daemon dies. It ignores SIGTERM/SIGINT/SIGHUP, which a service
 * manager or a terminal sends to the whole group at once, so the removal still happens after them.
 */
export class ControlSocketRemover {
  private constructor(private readonly child: ReturnType<typeof spawn>) {}

  /** Starts the remover for `path` (call while still privileged). */
  static start(path: string): ControlSocketRemover {
    const child = spawn('/bin/sh', ['-c', `trap '' TERM INT HUP; read _ ; rm -f -- "$1"`, 'sh', path], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    child.on('error', () => undefined);
    child.stdin?.on('error', () => undefined);
    return new ControlSocketRemover(child);
  }

  /** Removes the socket now; resolves once it is gone (bounded by `timeoutMs`). */
  remove(timeoutMs = 5000): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.stdin?.end('\n');
    });
  }
}
