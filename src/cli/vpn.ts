import type { Command } from 'commander';
import {
  PeerVpnConfigError,
  VpnDaemon,
  createLogger,
  defaultControlSocketPath,
  formatStatus,
  loadPeerVpnConfig,
  readStatus,
} from '../vpn/index.js';

interface VpnFlags {
  readonly controlSocket?: string;
  readonly interface?: string;
  readonly json?: boolean;
  readonly verbose?: boolean;
}

/**
 * `redmesh vpn <config|->`: run the PeerVPN-compatible mesh VPN with a PeerVPN config file (`-` reads
 * it from stdin up to `endconfig`). `redmesh vpn status`: ask a running one for its peers.
 */
export function registerVpn(program: Command): void {
  program
    .command('vpn')
    .description('run the mesh VPN from a PeerVPN config file (- for stdin), or `vpn status` to query one')
    .argument('<config>', 'PeerVPN config file, - for stdin, or the word status')
    .option('--control-socket <path>', 'control socket (default /run/redmesh/vpn-<interface>.sock)')
    .option('--interface <name>', 'for status: which interface (default peervpn0)')
    .option('--json', 'for status: print the raw JSON document')
    .option('-v, --verbose', 'log debug events too')
    .action(async (config: string, flags: VpnFlags) => {
      process.exitCode = config === 'status' ? await status(flags) : await runDaemon(config, flags);
    });
}

async function status(flags: VpnFlags): Promise<number> {
  const path = flags.controlSocket ?? defaultControlSocketPath(flags.interface ?? 'peervpn0');
  try {
    const report = await readStatus(path);
    process.stdout.write(flags.json === true ? JSON.stringify(report, null, 2) + '\n' : formatStatus(report));
    return 0;
  } catch (err) {
    process.stderr.write(`redmesh vpn status: ${(err as Error).message}\n`);
    return 1;
  }
}

async function runDaemon(file: string, flags: VpnFlags): Promise<number> {
  const log = createLogger(process.stdout, flags.verbose === true ? 'debug' : 'info');
  let daemon: VpnDaemon;
  try {
    const config = await loadPeerVpnConfig(file);
    for (const text of config.echoes) process.stdout.write(`${text}\n`);
    daemon = await VpnDaemon.start({ config, controlSocketPath: flags.controlSocket, log });
  } catch (err) {
    const message =
      err instanceof PeerVpnConfigError ? err.message : `cannot start: ${(err as Error).message}`;
    process.stderr.write(`redmesh vpn: ${message}\n`);
    return err instanceof PeerVpnConfigError ? 2 : 1;
  }
  const signalled = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  await daemon.stop(signalled);
  // Nothing of ours is left open; exit now rather than wait for DNS or pool threads to wind down.
  process.exit(0);
}
