/**
 * `redmesh status` reading INFO as Redis 7.0 prints it while a replica is in its first full sync (the
 * fields only appear then, so the live tests rarely see them): sync progress, link down, problems.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatClusterStatus, healthProblems, nodeStatusFromInfo } from '../../src/ops/index.js';

/** INFO replication of a redis-server 7.0 replica right after SLAVEOF, during the transfer (CRLF lines). */
const SYNCING = [
  '# Replication',
  'role:slave',
  'master_host:127.0.0.1',
  'master_port:6379',
  'master_link_status:down',
  'master_last_io_seconds_ago:-1',
  'master_sync_in_progress:1',
  'slave_read_repl_offset:0',
  'slave_repl_offset:0',
  'master_sync_total_bytes:-1',
  'master_sync_read_bytes:4096',
  'master_sync_left_bytes:-1',
  'master_sync_perc:-0.00',
  'master_sync_last_io_seconds_ago:0',
  'master_link_down_since_seconds:-1',
  'slave_priority:100',
  'slave_read_only:1',
  'replica_announced:1',
  'connected_slaves:0',
  'master_failover_state:no-failover',
  'master_replid:b3f6f4263e52c3be442a1fa9740c6ac197f30b30',
  'master_replid2:0000000000000000000000000000000000000000',
  'master_repl_offset:0',
  'second_repl_offset:-1',
  '',
].join('\r\n');

test('a replica in its first full sync: progress read, link down, both reported as problems', () => {
  const node = nodeStatusFromInfo('127.0.0.1:6380', SYNCING);
  assert.equal(node.role, 'replica');
  assert.deepEqual(
    {
      link: node.master?.linkStatus,
      syncing: node.master?.syncInProgress,
      read: node.master?.syncReadBytes,
      total: node.master?.syncTotalBytes,
      lastIo: node.master?.lastIoSecondsAgo,
      downSince: node.master?.linkDownSinceSeconds,
    },
    { link: 'down', syncing: true, read: 4096, total: -1, lastIo: undefined, downSince: undefined },
  );
  const status = { at: '', vpn: undefined, nodes: [node] };
  const problems = healthProblems(status);
  assert.deepEqual(problems, [
    'no reachable master',
    '127.0.0.1:6380: link to master 127.0.0.1:6379 is down',
    '127.0.0.1:6380: full sync from 127.0.0.1:6379 in progress',
  ]);
  assert.match(
    formatClusterStatus(status, problems),
    /link down {2}last io - {2}applied 0 {2}sync 4096\/\? bytes/,
  );
});
