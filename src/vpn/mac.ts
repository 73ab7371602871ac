import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { PeerVpnConfig } from './config/index.js';

/**
 * A stable MAC address for the TAP device. The kernel gives a new TAP a random MAC, so after a restart
 * the other nodes' ARP/ND caches point at a MAC that no longer exists and traffic stalls until their
 * kernels re-probe (measured: ~10 s after the tunnel itself was back). Deriving the MAC from this
 * machine and this node's interface config keeps it across restarts, and distinct between nodes
 * (their overlay addresses differ). Locally administered, unicast.
 */
export function stableTapMac(config: PeerVpnConfig, interfaceName: string): string {
  const hash = createHash('sha256')
    .update('redmesh-vpn tap mac\0')
    .update(machineIdentity())
    .update(`\0${config.networkName}\0${interfaceName}\0`)
    .update(`${config.ifconfig4?.address ?? ''}\0${config.ifconfig6?.address ?? ''}\0${config.port}`)
    .digest();
  hash[0] = ((hash[0] ?? 0) & 0xfe) | 0x02;
  return [...hash.subarray(0, 6)].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

function machineIdentity(): string {
  try {
    return readFileSync('/etc/machine-id', 'utf8').trim();
  } catch {
    return hostname();
  }
}
