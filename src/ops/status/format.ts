/** `redmesh status` as text: one block for the VPN, one line per Redis node and per replica link. */
import type { ClusterStatus, RedisNodeStatus } from './collect.js';

function ago(seconds: number | undefined): string {
  return seconds === undefined ? '-' : `${seconds}s ago`;
}

function lastSave(n: RedisNodeStatus, now: number): string {
  if (n.lastSaveTime === undefined) return 'last save -';
  const age = Math.max(0, Math.round(now / 1000 - n.lastSaveTime));
  return `last save ${age}s ago (${n.changesSinceLastSave ?? 0} changes since, ${n.lastBgsaveStatus ?? '-'})`;
}

export function formatClusterStatus(s: ClusterStatus, problems: readonly string[], now = Date.now()): string {
  const out: string[] = [];
  if (s.vpn !== undefined) {
    if ('error' in s.vpn) out.push(`vpn      ${s.vpn.socket}: ${s.vpn.error}`);
    else {
      const r = s.vpn.report;
      out.push(`vpn      ${r.interface ?? '-'} network ${r.networkName}, ${r.peers.length} peer(s)`);
      for (const p of r.peers) {
        out.push(
          `  peer   ${p.endpoint ?? p.relayedVia ?? '?'}  in ${p.bytesIn} B  out ${p.bytesOut} B  last receive ${p.lastReceiveAgoMs === undefined ? '-' : `${Math.round(p.lastReceiveAgoMs)} ms ago`}`,
        );
      }
    }
  }
  for (const n of s.nodes) {
    if (n.error !== undefined) {
      out.push(`${n.address}  UNREACHABLE  ${n.error}`);
      continue;
    }
    const head = `${n.address}  ${n.role ?? '?'}  offset ${n.replOffset ?? '-'}  ${lastSave(n, now)}`;
    out.push(head);
    const m = n.master;
    if (m !== undefined) {
      const sync =
        m.syncInProgress && m.syncReadBytes !== undefined
          ? `  sync ${m.syncReadBytes}/${m.syncTotalBytes === undefined || m.syncTotalBytes < 0 ? '?' : m.syncTotalBytes} bytes`
          : '';
      out.push(
        `  master ${m.host}:${m.port}  link ${m.linkStatus}  last io ${ago(m.lastIoSecondsAgo)}  applied ${m.offset}${sync}`,
      );
    }
    for (const r of n.replicas ?? []) {
      out.push(
        `  replica ${r.host}:${r.port}  ${r.state}  offset ${r.offset}  lag ${r.lagBytes} B, ${r.lagSeconds} s`,
      );
    }
  }
  out.push(problems.length === 0 ? 'healthy' : `UNHEALTHY:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return out.join('\n') + '\n';
}
