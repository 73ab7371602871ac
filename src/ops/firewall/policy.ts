/**
 * What `redmesh firewall` enforces on a node, whatever the backend: the VPN's UDP port open on the
 * underlay; the Redis port reachable only through the VPN interface, loopback, and sources the operator
 * lists (the tutorial's firewalld zone lists the replicas' addresses). Everything else reaching the Redis
 * port is dropped (so a scanner on the underlay sees it filtered, not closed).
 */
import { isIP } from 'node:net';

export interface FirewallPolicy {
  readonly vpnPort: number;
  readonly redisPort: number;
  readonly vpnInterface: string;
  /** Extra addresses or CIDR blocks allowed to the Redis port from any interface. */
  readonly redisSources: readonly string[];
}

/** Names rules, chains, tables and zones, so that apply replaces and remove finds only ours. */
export const FIREWALL_NAME = 'redmesh';

export class FirewallError extends Error {}

/** Checks a policy from the command line; mistakes are FirewallErrors naming the value. */
export function checkPolicy(p: FirewallPolicy): FirewallPolicy {
  for (const [flag, port] of [
    ['--vpn-port', p.vpnPort],
    ['--redis-port', p.redisPort],
  ] as const) {
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new FirewallError(`${flag} ${port}: not a port`);
  }
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(p.vpnInterface))
    throw new FirewallError(`--interface ${JSON.stringify(p.vpnInterface)}: not an interface name`);
  for (const s of p.redisSources) sourceFamily(s);
  return p;
}

/** 4 or 6 for an address or CIDR block; a FirewallError otherwise. */
export function sourceFamily(source: string): 4 | 6 {
  const [addr = '', len, ...rest] = source.split('/');
  const family = isIP(addr);
  const max = family === 4 ? 32 : 128;
  const lenOk = len === undefined || (/^\d{1,3}$/.test(len) && Number(len) <= max);
  if (family === 0 || rest.length > 0 || !lenOk)
    throw new FirewallError(`--source ${JSON.stringify(source)}: expected an IP address or CIDR block`);
  return family === 4 ? 4 : 6;
}
