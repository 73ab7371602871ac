/**
 * `redmesh status`: what an operator checks by hand in the tutorial (`INFO replication` on each node,
 * the VPN's peers), gathered from any one node. Starting from the addresses given (by default the local
 * server), it follows the replication graph both ways — a replica names its master, a master lists its
 * replicas — asking each node INFO over RESP, and the local VPN daemon its peers over its control socket.
 * Field names are those Redis 7.0 prints (`slave0:ip=…,port=…,state=online,offset=…,lag=…`).
 */
import type { StatusReport } from '../../vpn/index.js';
import { readStatus } from '../../vpn/index.js';
import type { RedisAddress } from '../redis/index.js';
import { describe, parseInfo, withConnection } from '../redis/index.js';

export interface ReplicaLink {
  /** As the master sees it (`slaveN:ip=…,port=…`). */
  readonly host: string;
  readonly port: number;
  /** `online`, `wait_bgsave`, `send_bulk`… */
  readonly state: string;
  readonly offset: number;
  /** Bytes the replica has not acknowledged yet: the master's offset minus the replica's. */
  readonly lagBytes: number;
  /** Seconds since the replica's last acknowledgement. */
  readonly lagSeconds: number;
}

export interface MasterLink {
  readonly host: string;
  readonly port: number;
  /** `up` or `down`. */
  readonly linkStatus: string;
  readonly lastIoSecondsAgo: number | undefined;
  readonly linkDownSinceSeconds: number | undefined;
  readonly syncInProgress: boolean;
  /** While a full sync loads: bytes read of the total (total is -1 with a diskless EOF-marked transfer). */
  readonly syncReadBytes: number | undefined;
  readonly syncTotalBytes: number | undefined;
  /** `slave_repl_offset`: how far this replica has applied the master's stream. */
  readonly offset: number;
}

export interface RedisNodeStatus {
  readonly address: string;
  /** Undefined when the node answered. */
  readonly error: string | undefined;
  readonly runId?: string;
  readonly version?: string;
  readonly role?: 'master' | 'replica';
  readonly replId?: string;
  readonly replOffset?: number;
  readonly master?: MasterLink;
  readonly replicas?: readonly ReplicaLink[];
  readonly lastSaveTime?: number;
  readonly changesSinceLastSave?: number;
  readonly lastBgsaveStatus?: string;
  readonly aofEnabled?: boolean;
}

export type VpnStatus =
  | { readonly socket: string; readonly report: StatusReport }
  | { readonly socket: string; readonly error: string };

export interface StatusOptions {
  /** Where to start; every node reachable through replication is added. */
  readonly seeds: readonly RedisAddress[];
  readonly password?: string;
  /** The VPN's control socket, or undefined to leave the VPN out. */
  readonly vpnSocket?: string;
  readonly timeoutMs?: number;
}

export interface ClusterStatus {
  readonly at: string;
  readonly vpn: VpnStatus | undefined;
  readonly nodes: readonly RedisNodeStatus[];
}

/** Redis prints -1 for "never" (`master_last_io_seconds_ago` while the link is down). */
function seconds(v: string | undefined): number | undefined {
  const n = num(v);
  return n === undefined || n < 0 ? undefined : n;
}

function num(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** `ip=127.0.0.1,port=6380,state=online,offset=42,lag=0` → fields. */
function parseReplicaLine(value: string): Map<string, string> {
  return new Map(value.split(',').map((kv) => kv.split('=', 2) as [string, string]));
}

/** One node's status from its INFO text (exported for unit tests against captured Redis output). */
export function nodeStatusFromInfo(address: string, info: string): RedisNodeStatus {
  const f = parseInfo(info);
  const role = f.get('role') === 'slave' ? 'replica' : 'master';
  const replOffset = num(f.get('master_repl_offset')) ?? 0;
  const replicas: ReplicaLink[] = [];
  for (let i = 0; f.has(`slave${i}`); i++) {
    const r = parseReplicaLine(f.get(`slave${i}`) ?? '');
    const offset = num(r.get('offset')) ?? 0;
    replicas.push({
      host: r.get('ip') ?? '',
      port: num(r.get('port')) ?? 0,
      state: r.get('state') ?? '',
      offset,
      lagBytes: Math.max(0, replOffset - offset),
      lagSeconds: num(r.get('lag')) ?? 0,
    });
  }
  const master: MasterLink | undefined =
    role === 'replica'
      ? {
          host: f.get('master_host') ?? '',
          port: num(f.get('master_port')) ?? 0,
          linkStatus: f.get('master_link_status') ?? 'down',
          lastIoSecondsAgo: seconds(f.get('master_last_io_seconds_ago')),
          linkDownSinceSeconds: seconds(f.get('master_link_down_since_seconds')),
          syncInProgress: f.get('master_sync_in_progress') === '1',
          syncReadBytes: num(f.get('master_sync_read_bytes')),
          syncTotalBytes: num(f.get('master_sync_total_bytes')),
          offset: num(f.get('slave_repl_offset')) ?? 0,
        }
      : undefined;
  return {
    address,
    error: undefined,
    runId: f.get('run_id'),
    version: f.get('redis_version'),
    role,
    replId: f.get('master_replid'),
    replOffset,
    master,
    replicas,
    lastSaveTime: num(f.get('rdb_last_save_time')),
    changesSinceLastSave: num(f.get('rdb_changes_since_last_save')),
    lastBgsaveStatus: f.get('rdb_last_bgsave_status'),
    aofEnabled: f.get('aof_enabled') === '1',
  };
}

/** Gathers the status of every node reachable from the seeds, and of the local VPN. */
export async function collectStatus(options: StatusOptions): Promise<ClusterStatus> {
  const timeoutMs = options.timeoutMs ?? 2000;
  const queue: RedisAddress[] = [...options.seeds];
  const seenAddresses = new Set<string>();
  const seenRunIds = new Set<string>();
  const nodes: RedisNodeStatus[] = [];
  const vpnPromise = options.vpnSocket === undefined ? undefined : vpnStatus(options.vpnSocket, timeoutMs);
  while (queue.length > 0) {
    const next = queue.shift() as RedisAddress;
    const address = describe(next);
    if (seenAddresses.has(address)) continue;
    seenAddresses.add(address);
    let node: RedisNodeStatus;
    try {
      const info = await withConnection(
        { ...next, password: options.password },
        (c) => c.text('INFO', 'all'),
        timeoutMs,
      );
      node = nodeStatusFromInfo(address, info);
    } catch (err) {
      nodes.push({ address, error: (err as Error).message });
      continue;
    }
    // The same server seen under another address (127.0.0.1 and its VPN address): keep the first.
    if (node.runId !== undefined && seenRunIds.has(node.runId)) continue;
    if (node.runId !== undefined) seenRunIds.add(node.runId);
    nodes.push(node);
    if (node.master !== undefined) queue.push({ host: node.master.host, port: node.master.port });
    for (const r of node.replicas ?? []) queue.push({ host: r.host, port: r.port });
  }
  return {
    at: new Date().toISOString(),
    vpn: vpnPromise === undefined ? undefined : await vpnPromise,
    nodes,
  };
}

async function vpnStatus(socket: string, timeoutMs: number): Promise<VpnStatus> {
  try {
    return { socket, report: await readStatus(socket, timeoutMs) };
  } catch (err) {
    return { socket, error: (err as Error).message };
  }
}
