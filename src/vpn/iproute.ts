/**
 * Interface configuration through iproute2, run with execFile (arguments as an array, never a shell
 * string, so nothing in a config value can become a command).
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import type { InterfaceAddress } from './config/index.js';

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

/**
 * Brings the interface up with its MAC, MTU and addresses in one `ip -batch -` run (one process instead of
 * one per step, which matters for start-up time on a loaded host). The batch lines are fixed words
 * plus validated values; iproute2 splits them on whitespace itself, no shell is involved.
 */
export async function configureInterface(
  device: string,
  mac: string,
  mtu: number,
  ipv4: InterfaceAddress | undefined,
  ipv6: InterfaceAddress | undefined,
): Promise<void> {
  const lines = [`link set dev ${device} address ${mac} mtu ${mtu} up`];
  if (ipv4 !== undefined)
    lines.push(`addr add ${ipv4.address}/${ipv4.prefixLength} broadcast + dev ${device}`);
  if (ipv6 !== undefined) lines.push(`addr add ${ipv6.address}/${ipv6.prefixLength} dev ${device}`);
  await ipBatch(lines);
}

/** Runs `ip -batch -` with the given command lines on stdin; fails with iproute2's message. */
function ipBatch(lines: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['-batch', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`ip -batch failed: ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`ip -batch (${lines.join('; ')}) failed: ${stderr.trim() || `exit ${code}`}`));
    });
    child.stdin.end(lines.join('\n') + '\n');
  });
}
