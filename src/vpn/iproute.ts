/**
 * Interface configuration through iproute2, run with execFile (arguments as an array, never a shell
 * string, so nothing in a config value can become a command).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { InterfaceAddress } from '../config/index.js';

const run = promisify(execFile);

/** Runs `ip …`, turning a failure into an Error that says which command and why. */
export async function ip(args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run('ip', [...args], { timeout: 10_000 });
    return stdout;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim() ?? '';
    throw new Error(`ip ${args.join(' ')} failed: ${stderr || (err as Error).message}`);
  }
}

/** `ip link set dev X mtu M up`. */
export async function linkUp(device: string, mtu: number): Promise<void> {
  await ip(['link', 'set', 'dev', device, 'mtu', String(mtu), 'up']);
}

/** `ip -4 addr add A/L broadcast + dev X` (PeerVPN's ifconfig4, minus the shell). */
export async function addAddress4(device: string, a: InterfaceAddress): Promise<void> {
  await ip(['-4', 'addr', 'add', `${a.address}/${a.prefixLength}`, 'broadcast', '+', 'dev', device]);
}

/** `ip -6 addr add A/L dev X` (PeerVPN's ifconfig6). */
export async function addAddress6(device: string, a: InterfaceAddress): Promise<void> {
  await ip(['-6', 'addr', 'add', `${a.address}/${a.prefixLength}`, 'dev', device]);
}
