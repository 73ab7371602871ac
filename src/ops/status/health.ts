/**
 * When the deployment is unhealthy, in words an operator can act on. `redmesh status` exits non-zero
 * when this finds anything, so monitoring can run it.
 */
import type { ClusterStatus } from './collect.js';

export interface HealthLimits {
  /** A replica further behind than this many bytes is a problem. */
  readonly maxLagBytes: number;
  /** A replica whose last acknowledgement is older than this is a problem. */
  readonly maxLagSeconds: number;
}

export const DEFAULT_HEALTH_LIMITS: HealthLimits = { maxLagBytes: 1024 * 1024, maxLagSeconds: 10 };

export function healthProblems(s: ClusterStatus, limits: HealthLimits = DEFAULT_HEALTH_LIMITS): string[] {
  const problems: string[] = [];
  if (s.vpn !== undefined) {
    if ('error' in s.vpn) problems.push(`vpn: control socket ${s.vpn.socket}: ${s.vpn.error}`);
    else if (s.vpn.report.peers.length === 0) problems.push('vpn: no peer connected');
  }
  const reachable = s.nodes.filter((n) => n.error === undefined);
  for (const n of s.nodes) if (n.error !== undefined) problems.push(`${n.address}: unreachable: ${n.error}`);
  const masters = reachable.filter((n) => n.role === 'master');
  if (reachable.length > 0 && masters.length === 0) problems.push('no reachable master');
  if (masters.length > 1)
    problems.push(
      `${masters.length} masters (${masters.map((m) => m.address).join(', ')}): writes may go to different nodes`,
    );
  for (const n of reachable) {
    const m = n.master;
    if (m !== undefined) {
      if (m.linkStatus !== 'up') {
        const since = m.linkDownSinceSeconds === undefined ? '' : ` for ${m.linkDownSinceSeconds} s`;
        problems.push(`${n.address}: link to master ${m.host}:${m.port} is ${m.linkStatus}${since}`);
      }
      if (m.syncInProgress) problems.push(`${n.address}: full sync from ${m.host}:${m.port} in progress`);
    }
    for (const r of n.replicas ?? []) {
      const who = `${n.address}: replica ${r.host}:${r.port}`;
      if (r.state !== 'online') problems.push(`${who} is ${r.state}`);
      if (r.lagBytes > limits.maxLagBytes) problems.push(`${who} is ${r.lagBytes} bytes behind`);
      if (r.lagSeconds > limits.maxLagSeconds)
        problems.push(`${who} last acknowledged ${r.lagSeconds} s ago`);
    }
    if (n.lastBgsaveStatus !== undefined && n.lastBgsaveStatus !== 'ok')
      problems.push(`${n.address}: last background save ${n.lastBgsaveStatus}`);
  }
  return problems;
}
