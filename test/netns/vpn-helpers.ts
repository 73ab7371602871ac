/**
 * Helpers shared by the VPN namespace tests: the tutorial's PeerVPN configs, starting `redmesh vpn`
 * inside a node, and overlay reachability checks. Config files and control sockets live in a temp
 * directory the test removes in its `finally`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sh, waitForOutput, type Spawned, type NetnsNode, type Testbed } from '../../src/ops/index.js';

export const CLI = 'dist/src/cli/main.js';

/**
 * Bound for a daemon to reach its `started` line. Start-up is CPU-bound (node boot, scrypt with 64 MiB):
 * well under a second on an idle host, but several seconds each when nodes start at once on a loaded one.
 */
export const START_TIMEOUT_MS = 30_000;

export interface TutorialConfig {
  readonly psk: string;
  /** Overlay address, e.g. 10.8.0.1 (a /24 is used). */
  readonly overlay: string;
  /** Underlay address of the node to dial (`initpeers <ip> 7000`), if any. */
  readonly initpeer?: string;
  readonly networkname?: string;
  /** Extra lines appended verbatim. */
  readonly extra?: string;
}

/** The tutorial's config, as the tutorial writes it. */
export function tutorialConfig(c: TutorialConfig): string {
  return (
    `port 7000\nnetworkname ${c.networkname ?? 'redisrepl'}\npsk ${c.psk}\nenabletunneling yes\n` +
    `interface peervpn0\nifconfig4 ${c.overlay}/24\n` +
    (c.initpeer === undefined ? '' : `initpeers ${c.initpeer} 7000\n`) +
    (c.extra ?? '')
  );
}

export class VpnFiles {
  private constructor(readonly dir: string) {}
  static async create(): Promise<VpnFiles> {
    return new VpnFiles(await mkdtemp(join(tmpdir(), 'rmv-test-')));
  }
  async config(name: string, text: string): Promise<string> {
    const path = join(this.dir, `${name}.conf`);
    await writeFile(path, text, { mode: 0o600 });
    return path;
  }
  socket(name: string): string {
    return join(this.dir, `${name}.sock`);
  }
  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * Starts `redmesh vpn <config> --control-socket <sock>` in the node's namespace, as an operator would
 * (no --enable-source-maps: reading every module's source map costs start-up time the tests measure).
 */
export function startVpn(bed: Testbed, node: NetnsNode, config: string, socket: string): Spawned {
  return bed.spawn(node.ns, process.execPath, [CLI, 'vpn', config, '--control-socket', socket]);
}

/**
 * Writes the tutorial config `name`.conf for `node`, starts `redmesh vpn` on it with the control socket
 * `name`.sock, and waits for its `started` line.
 */
export async function startTutorialVpn(
  bed: Testbed,
  files: VpnFiles,
  node: NetnsNode,
  name: string,
  config: TutorialConfig,
): Promise<Spawned> {
  const vpn = startVpn(bed, node, await files.config(name, tutorialConfig(config)), files.socket(name));
  await waitForOutput(vpn, /info started /, START_TIMEOUT_MS);
  return vpn;
}

/** `redmesh vpn status --json` of the daemon behind `socket`, parsed (the caller names the fields it reads). */
export async function vpnStatus<T>(socket: string): Promise<T> {
  return JSON.parse(
    await sh(process.execPath, [CLI, 'vpn', 'status', '--control-socket', socket, '--json']),
  ) as T;
}

/**
 * tcpdump writing a pcap of `iface` inside a namespace; resolves once it is listening. --immediate-mode:
 * without it, packets wait in the kernel's ring block until it fills or times out, and SIGTERM loses them.
 */
export async function capture(
  bed: Testbed,
  ns: string,
  iface: string,
  file: string,
  filter?: string,
): Promise<Spawned> {
  const args = ['-i', iface, '-n', '--immediate-mode', '-U', '-s', '0', '-Z', 'root', '-w', file];
  const dump = bed.spawn(ns, 'tcpdump', filter === undefined ? args : [...args, filter]);
  await waitForOutput(dump, /listening on/, 5000);
  return dump;
}

/** One ping with a `waitSeconds` deadline (1 s); true when it was answered. */
export async function pingOnce(
  bed: Testbed,
  ns: string,
  target: string,
  waitSeconds = '1',
): Promise<boolean> {
  try {
    await bed.exec(ns, 'ping', ['-c', '1', '-W', waitSeconds, '-n', target], 5000);
    return true;
  } catch {
    return false;
  }
}

/** Does the interface exist in the namespace? */
export async function linkExists(bed: Testbed, ns: string, dev: string): Promise<boolean> {
  try {
    await bed.exec(ns, 'ip', ['link', 'show', 'dev', dev]);
    return true;
  } catch {
    return false;
  }
}

/** Effective uid of a process, from /proc. */
export async function effectiveUid(bed: Testbed, ns: string, pid: number): Promise<number> {
  const status = await bed.exec(ns, 'cat', [`/proc/${pid}/status`]);
  const m = /^Uid:\s+\d+\s+(\d+)/m.exec(status);
  return Number(m?.[1] ?? -1);
}
