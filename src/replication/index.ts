/**
 * Replication (master and replica sides, PSYNC2), interchangeable with Redis 7.0. The server builds a
 * Replication with a ReplicationHost, feeds it every propagated write, and answers the replication
 * commands through it.
 */
export { Replication } from './replication.js';
export type { CommandTraits, InfoField } from './replication.js';
export type {
  DecodedPayload,
  LoadingProgress,
  MasterClient,
  PayloadLoader,
  ReplicaChannel,
  ReplicationHost,
  ReplicationRdb,
  ReplicationSettings,
  SnapshotWriter,
} from './types.js';
export { ReplicationBacklog } from './backlog.js';
export { encodeCommand } from './stream.js';
