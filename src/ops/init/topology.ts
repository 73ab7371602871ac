/**
 * The topology `redmesh init` writes a deployment for: named nodes with their underlay addresses, one
 * master, and the overlay address each gets on the tutorial's 10.8.0.0/24 (in the order given, from
 * 10.8.0.1).
 */
import { isIP } from 'node:net';

/** The tutorial's overlay network; node i (from 0) gets `OVERLAY_NETWORK` + (i + 1). */
export const OVERLAY_PREFIX = '10.8.0.';
export const OVERLAY_PREFIX_LENGTH = 24;
/** The tutorial's ports: PeerVPN's UDP port and Redis's TCP port. */
export const DEFAULT_VPN_PORT = 7000;
export const DEFAULT_REDIS_PORT = 6379;
export const DEFAULT_NETWORK_NAME = 'redisrepl';
export const VPN_INTERFACE = 'peervpn0';

/** At most the addresses of one /24 after .0 and before the broadcast address. */
const MAX_NODES = 254;
const NODE_NAME = /^[a-z][a-z0-9-]{0,30}$/;
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export interface TopologyNode {
  readonly name: string;
  /** Where the other nodes' VPNs reach this one on the underlay: an IP address or a DNS name. */
  readonly underlay: string;
  /** Its address inside the VPN, e.g. `10.8.0.2`. */
  readonly overlay: string;
  readonly role: 'master' | 'replica';
}

export interface Topology {
  readonly nodes: readonly TopologyNode[];
  readonly master: TopologyNode;
  readonly vpnPort: number;
  readonly redisPort: number;
  readonly networkName: string;
}

export class TopologyError extends Error {}

export interface TopologyRequest {
  /** `name=address` as given to `--node`. */
  readonly nodes: readonly string[];
  readonly master: string;
  readonly vpnPort?: number;
  readonly redisPort?: number;
  readonly networkName?: string;
}

/** Checks and numbers the nodes; every mistake is a TopologyError naming the offending value. */
export function buildTopology(req: TopologyRequest): Topology {
  if (req.nodes.length < 2) throw new TopologyError('a deployment needs at least two --node name=address');
  if (req.nodes.length > MAX_NODES) throw new TopologyError(`at most ${MAX_NODES} nodes fit in 10.8.0.0/24`);
  const vpnPort = checkPort('--vpn-port', req.vpnPort ?? DEFAULT_VPN_PORT);
  const redisPort = checkPort('--redis-port', req.redisPort ?? DEFAULT_REDIS_PORT);
  const networkName = req.networkName ?? DEFAULT_NETWORK_NAME;
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(networkName))
    throw new TopologyError(
      `--network-name ${JSON.stringify(networkName)}: use 1 to 64 letters, digits, '.', '_' or '-'`,
    );
  const seenNames = new Set<string>();
  const seenAddresses = new Set<string>();
  const nodes: TopologyNode[] = req.nodes.map((spec, i) => {
    const eq = spec.indexOf('=');
    if (eq < 0) throw new TopologyError(`--node ${JSON.stringify(spec)}: expected name=address`);
    const name = spec.slice(0, eq);
    const underlay = spec.slice(eq + 1);
    if (!NODE_NAME.test(name))
      throw new TopologyError(
        `--node ${JSON.stringify(spec)}: a name is a lowercase letter then letters, digits or '-'`,
      );
    if (isIP(underlay) === 0 && !HOST_NAME.test(underlay))
      throw new TopologyError(
        `--node ${JSON.stringify(spec)}: ${JSON.stringify(underlay)} is neither an IP address nor a host name`,
      );
    if (seenNames.has(name)) throw new TopologyError(`--node: the name ${name} is given twice`);
    if (seenAddresses.has(underlay))
      throw new TopologyError(`--node: the address ${underlay} is given twice`);
    seenNames.add(name);
    seenAddresses.add(underlay);
    return {
      name,
      underlay,
      overlay: `${OVERLAY_PREFIX}${i + 1}`,
      role: name === req.master ? 'master' : 'replica',
    };
  });
  const master = nodes.find((n) => n.role === 'master');
  if (master === undefined)
    throw new TopologyError(
      `--master ${JSON.stringify(req.master)} is not one of the nodes (${nodes.map((n) => n.name).join(', ')})`,
    );
  return { nodes, master, vpnPort, redisPort, networkName };
}

function checkPort(flag: string, port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new TopologyError(`${flag} ${port}: not a port`);
  return port;
}
