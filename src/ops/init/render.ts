/**
 * The files of one node's deployment, as text. Pure functions of the topology and the secrets, so the
 * tests read exactly what `redmesh init` writes.
 *
 * Where things go on a node (the install script puts them there):
 *   /etc/redmesh/peervpn.conf, /etc/redmesh/redis.conf   owned by user redmesh, mode 0600 (secrets)
 *   /var/lib/redmesh                                      the server's `dir` (RDB), systemd's StateDirectory
 *   /run/redmesh/vpn-peervpn0.sock                        the VPN's control socket (`redmesh status` reads it)
 *   /etc/systemd/system/redmesh-vpn.service, redmesh-server.service
 */
import type { FirewallPolicy } from '../firewall/index.js';
import { nftablesScript } from '../firewall/index.js';
import type { Topology, TopologyNode } from './topology.js';
import { OVERLAY_PREFIX_LENGTH, VPN_INTERFACE } from './topology.js';

export const CONFIG_DIR = '/etc/redmesh';
export const DATA_DIR = '/var/lib/redmesh';
export const SERVICE_USER = 'redmesh';
export const VPN_UNIT = 'redmesh-vpn.service';
export const SERVER_UNIT = 'redmesh-server.service';

export interface Secrets {
  /** The network's PeerVPN PSK, the same on every node. */
  readonly psk: string;
  /** requirepass of every node and masterauth of every replica (the same, so any node can be promoted). */
  readonly redisPassword: string;
}

export interface RenderOptions {
  /** The command that runs redmesh, as absolute paths: e.g. ['/usr/bin/node', '/usr/lib/node_modules/redmesh/dist/src/cli/main.js']. */
  readonly redmesh: readonly string[];
  /** Whether `appendonly yes` is honoured by this redmesh (no: the file says `appendonly no` and why). */
  readonly appendOnlySupported: boolean;
}

/** The tutorial's peervpn.conf for one node: every other node is an initpeer (PeerVPN wants them on one line). */
export function peervpnConf(t: Topology, node: TopologyNode, secrets: Secrets): string {
  const others = t.nodes.filter((n) => n !== node);
  return [
    `# redmesh VPN of node ${node.name} (PeerVPN format; written by redmesh init)`,
    `# run: redmesh vpn ${CONFIG_DIR}/peervpn.conf   (or: peervpn ${CONFIG_DIR}/peervpn.conf)`,
    `port ${t.vpnPort}`,
    `networkname ${t.networkName}`,
    `psk ${secrets.psk}`,
    'enabletunneling yes',
    `interface ${VPN_INTERFACE}`,
    `ifconfig4 ${node.overlay}/${OVERLAY_PREFIX_LENGTH}`,
    `initpeers ${others.map((n) => `${n.underlay} ${t.vpnPort}`).join(' ')}`,
    '',
  ].join('\n');
}

/**
 * redis.conf for one node, accepted by `redmesh server` and by redis-server 7.0: listening on loopback
 * and the node's VPN address only, a password on every node (masterauth too, so a promoted replica's
 * former master can follow it), the tutorial's keepalive, RDB save points.
 */
export function redisConf(t: Topology, node: TopologyNode, secrets: Secrets, options: RenderOptions): string {
  const lines = [
    `# redmesh server of node ${node.name}: ${node.role === 'master' ? 'the master' : `a replica of ${t.master.name}`} (written by redmesh init)`,
    `# run: redmesh server ${CONFIG_DIR}/redis.conf   (redis-server 7.0 reads this file too)`,
    `bind 127.0.0.1 ${node.overlay}`,
    'protected-mode yes',
    `port ${t.redisPort}`,
    'tcp-keepalive 300',
    `requirepass ${secrets.redisPassword}`,
    `masterauth ${secrets.redisPassword}`,
  ];
  if (node.role === 'replica') lines.push(`replicaof ${t.master.overlay} ${t.redisPort}`);
  lines.push(
    'replica-read-only yes',
    'supervised auto',
    `dir ${DATA_DIR}`,
    'dbfilename dump.rdb',
    'save 3600 1 300 100 60 10000',
  );
  if (options.appendOnlySupported) {
    lines.push('appendonly yes', 'appendfsync everysec');
  } else {
    lines.push(
      '# redmesh does not write an append-only file yet: RDB snapshots (save) only',
      'appendonly no',
    );
  }
  lines.push('');
  return lines.join('\n');
}

/** systemd quoting of one ExecStart word: bare when it is safe, else double-quoted. */
function execWord(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word) && !word.includes('%')) return word;
  return `"${word.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$')}"`;
}

function execLine(options: RenderOptions, args: readonly string[]): string {
  return [...options.redmesh, ...args].map(execWord).join(' ');
}

/** Sandboxing both services share. MemoryDenyWriteExecute is absent on purpose: V8's JIT needs W+X pages. */
const COMMON_HARDENING = [
  'NoNewPrivileges=yes',
  'ProtectSystem=strict',
  'ProtectHome=yes',
  'PrivateTmp=yes',
  'ProtectKernelModules=yes',
  'ProtectKernelLogs=yes',
  'ProtectControlGroups=yes',
  'ProtectClock=yes',
  'ProtectHostname=yes',
  'RestrictNamespaces=yes',
  'RestrictRealtime=yes',
  'RestrictSUIDSGID=yes',
  'LockPersonality=yes',
  'SystemCallArchitectures=native',
  'UMask=0077',
];

/**
 * The VPN: runs as the unprivileged service user with CAP_NET_ADMIN only (TUNSETIFF, addresses through
 * iproute2, which inherits the ambient capability), /dev/net/tun as its only device, and the control
 * socket's directory kept across restarts (the server unit must not remove it either).
 */
export function vpnUnit(node: TopologyNode, options: RenderOptions): string {
  return [
    '[Unit]',
    `Description=redmesh mesh VPN (PeerVPN-compatible) of node ${node.name}`,
    'Wants=network-online.target',
    'After=network-online.target',
    `Before=${SERVER_UNIT}`,
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${execLine(options, ['vpn', `${CONFIG_DIR}/peervpn.conf`])}`,
    'Restart=on-failure',
    'RestartSec=2',
    `User=${SERVICE_USER}`,
    `Group=${SERVICE_USER}`,
    'AmbientCapabilities=CAP_NET_ADMIN',
    'CapabilityBoundingSet=CAP_NET_ADMIN',
    'RuntimeDirectory=redmesh',
    'RuntimeDirectoryMode=0750',
    'RuntimeDirectoryPreserve=yes',
    'DevicePolicy=closed',
    'DeviceAllow=/dev/net/tun rw',
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK',
    ...COMMON_HARDENING,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/**
 * The server: Type=notify (it sends READY=1 once it accepts connections), started after the VPN and
 * only once the VPN address it binds exists (ExecStartPre waits for it, at most 30 s); it keeps running
 * when the VPN restarts (Wants, not Requires), so local clients keep their data. No capabilities at all;
 * it may write its data directory and /etc/redmesh (CONFIG REWRITE, which `redmesh promote` uses).
 */
export function serverUnit(node: TopologyNode, options: RenderOptions): string {
  const waitForAddress = `/usr/bin/timeout 30 /bin/sh -c 'until ip -o -4 addr show dev ${VPN_INTERFACE} 2>/dev/null | grep -qF " ${node.overlay}/"; do sleep 0.2; done'`;
  return [
    '[Unit]',
    `Description=redmesh server (Redis 7.0-compatible) of node ${node.name}`,
    `Wants=${VPN_UNIT}`,
    `After=${VPN_UNIT} network-online.target`,
    '',
    '[Service]',
    'Type=notify',
    `ExecStartPre=${waitForAddress}`,
    `ExecStart=${execLine(options, ['server', `${CONFIG_DIR}/redis.conf`])}`,
    'TimeoutStartSec=120',
    'TimeoutStopSec=120',
    'Restart=always',
    'RestartSec=2',
    `User=${SERVICE_USER}`,
    `Group=${SERVICE_USER}`,
    'StateDirectory=redmesh',
    'StateDirectoryMode=0700',
    `ReadWritePaths=${CONFIG_DIR}`,
    'LimitNOFILE=65535',
    'CapabilityBoundingSet=',
    'PrivateDevices=yes',
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6',
    ...COMMON_HARDENING,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/** The firewall policy of a node: the VPN port open, Redis only through the VPN interface and loopback. */
export function firewallPolicy(t: Topology): FirewallPolicy {
  return {
    vpnPort: t.vpnPort,
    redisPort: t.redisPort,
    vpnInterface: VPN_INTERFACE,
    redisSources: [],
  };
}

/** The nftables rules file of a node (`nft -f firewall.nft`; idempotent, `redmesh firewall` applies the same). */
export function firewallNft(t: Topology): string {
  return nftablesScript(firewallPolicy(t));
}

/**
 * A shell script run as root on the node from the directory holding its files: creates the service user,
 * installs the files with their owners and modes, applies the firewall, and enables both units.
 */
export function installScript(t: Topology, node: TopologyNode, options: RenderOptions): string {
  const fw = firewallPolicy(t);
  const redmesh = options.redmesh.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  return [
    '#!/bin/sh',
    `# Installs redmesh node ${node.name} (${node.role}); run as root from this directory. Written by redmesh init.`,
    'set -eu',
    'cd "$(dirname "$0")"',
    `id -u ${SERVICE_USER} >/dev/null 2>&1 || useradd --system --home-dir ${DATA_DIR} --shell /usr/sbin/nologin ${SERVICE_USER}`,
    `install -d -o ${SERVICE_USER} -g ${SERVICE_USER} -m 0700 ${CONFIG_DIR}`,
    `install -o ${SERVICE_USER} -g ${SERVICE_USER} -m 0600 peervpn.conf redis.conf ${CONFIG_DIR}/`,
    `install -m 0644 ${VPN_UNIT} ${SERVER_UNIT} /etc/systemd/system/`,
    `${redmesh} firewall --apply --vpn-port ${fw.vpnPort} --redis-port ${fw.redisPort} --interface ${fw.vpnInterface} ${fw.redisSources.map((s) => `--source ${s}`).join(' ')}`,
    'systemctl daemon-reload',
    `systemctl enable --now ${VPN_UNIT} ${SERVER_UNIT}`,
    '',
  ].join('\n');
}
