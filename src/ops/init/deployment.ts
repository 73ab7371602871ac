/**
 * `redmesh init`: the files of a whole deployment, one folder per node, written without ever replacing
 * an existing file unless asked (`force`). Secret-bearing files (peervpn.conf with the PSK, redis.conf
 * with the password) are created mode 0600 in folders of mode 0700.
 */
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigText, unsupportedSettings } from '../../config/index.js';
import { generatePsk, loadPeerVpnConfig } from '../../vpn/index.js';
import type { RenderOptions, Secrets } from './render.js';
import {
  SERVER_UNIT,
  VPN_UNIT,
  firewallNft,
  installScript,
  peervpnConf,
  redisConf,
  serverUnit,
  vpnUnit,
} from './render.js';
import type { Topology, TopologyNode } from './topology.js';

/** Bytes of the generated Redis password (hex-encoded: 64 characters, no quoting needed anywhere). */
const REDIS_PASSWORD_BYTES = 32;

export interface DeploymentFile {
  /** Relative to the output folder, e.g. `b/redis.conf`. */
  readonly path: string;
  readonly text: string;
  readonly mode: number;
}

export class InitError extends Error {}

/** Fresh secrets for a new deployment. */
export function newSecrets(): Secrets {
  return { psk: generatePsk(), redisPassword: randomBytes(REDIS_PASSWORD_BYTES).toString('hex') };
}

/** The command that runs this redmesh: this Node and this package's CLI entry point. */
export function thisRedmesh(): string[] {
  return [process.execPath, resolve(dirname(fileURLToPath(import.meta.url)), '../../cli/main.js')];
}

/** Whether this redmesh's server honours `appendonly yes` (asked of its own config checks, not assumed). */
export function appendOnlySupported(): boolean {
  return unsupportedSettings(loadConfigText('appendonly yes\n').config).length === 0;
}

/** Every file of the deployment. Each redis.conf is checked with the server's own config loader first. */
export function deploymentFiles(t: Topology, secrets: Secrets, options: RenderOptions): DeploymentFile[] {
  const files: DeploymentFile[] = [];
  for (const node of t.nodes) {
    const redis = redisConf(t, node, secrets, options);
    checkRedisConf(node, redis);
    files.push(
      { path: `${node.name}/peervpn.conf`, text: peervpnConf(t, node, secrets), mode: 0o600 },
      { path: `${node.name}/redis.conf`, text: redis, mode: 0o600 },
      { path: `${node.name}/${VPN_UNIT}`, text: vpnUnit(node, options), mode: 0o644 },
      { path: `${node.name}/${SERVER_UNIT}`, text: serverUnit(node, options), mode: 0o644 },
      { path: `${node.name}/firewall.nft`, text: firewallNft(t), mode: 0o644 },
      { path: `${node.name}/install.sh`, text: installScript(t, node, options), mode: 0o755 },
    );
  }
  return files;
}

/** Loads the text as the server would, except `dir` (loading it changes directory, and it exists only on the node). */
function checkRedisConf(node: TopologyNode, text: string): void {
  const checked = text.replace(/^dir .*$/m, '');
  let problems: string[];
  try {
    problems = unsupportedSettings(loadConfigText(checked, `${node.name}/redis.conf`).config);
  } catch (err) {
    problems = [(err as Error).message];
  }
  if (problems.length > 0)
    throw new InitError(
      `generated ${node.name}/redis.conf is refused by redmesh server: ${problems.join('; ')}`,
    );
}

/**
 * Writes the files under `outDir`. Without `force` it refuses before writing anything when one of them
 * exists (and creates each file exclusively, so a file appearing meanwhile is not replaced either).
 * With `force` existing files are replaced and their mode set again. Each peervpn.conf written is read
 * back with the VPN's own config reader.
 */
export async function writeDeployment(
  outDir: string,
  files: readonly DeploymentFile[],
  force: boolean,
): Promise<string[]> {
  if (!force) {
    const existing: string[] = [];
    for (const f of files) {
      if (await exists(join(outDir, f.path))) existing.push(join(outDir, f.path));
    }
    if (existing.length > 0)
      throw new InitError(
        `refusing to overwrite ${existing.join(', ')} (use --force to replace them, and with them the secrets)`,
      );
  }
  const written: string[] = [];
  for (const f of files) {
    const path = join(outDir, f.path);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await chmod(dirname(path), 0o700);
    await writeFile(path, f.text, { mode: f.mode, flag: force ? 'w' : 'wx' });
    await chmod(path, f.mode);
    written.push(path);
  }
  for (const path of written.filter((p) => p.endsWith('/peervpn.conf'))) {
    try {
      await loadPeerVpnConfig(path);
    } catch (err) {
      throw new InitError(`generated ${path} is refused by redmesh vpn: ${(err as Error).message}`);
    }
  }
  return written;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
