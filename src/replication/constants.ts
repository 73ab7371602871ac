/**
 * Protocol constants of Redis 7.0 replication (src/server.h, src/replication.c), with Redis's names.
 */

/** CONFIG_RUN_ID_SIZE: a replication id is 40 hex characters. */
export const CONFIG_RUN_ID_SIZE = 40;
/** An unset replid2 (clearReplicationId2). */
export const ZERO_REPLID = '0'.repeat(CONFIG_RUN_ID_SIZE);
/** RDB_EOF_MARK_SIZE: the random delimiter of a diskless payload (`$EOF:<mark>`). */
export const RDB_EOF_MARK_SIZE = 40;
/** CONFIG_REPL_SYNCIO_TIMEOUT: a handshake reply must come within 5 s. */
export const REPL_SYNCIO_TIMEOUT_MS = 5000;
/** replicationCron runs once per second. */
export const REPLICATION_CRON_MS = 1000;
/** Above this, the replica's reads of the payload are logged as progress (not a protocol limit). */
export const PAYLOAD_CHUNK_BYTES = 1 << 20;

/** shared.ping as the master feeds it to replicas (lower case, as 7.0 sends it). */
export const PING_ARGV: readonly string[] = Object.freeze(['ping']);
export const GETACK_ARGV: readonly string[] = Object.freeze(['REPLCONF', 'GETACK', '*']);

/** What ROLE reports for a replica's link (replicaStateToString / roleCommand). */
export type ReplicaLinkState = 'none' | 'connect' | 'connecting' | 'handshake' | 'sync' | 'connected';

/** A replica connection's state on the master (SLAVE_STATE_*), as INFO's slaveN state= shows it. */
export type ReplicaState = 'wait_bgsave' | 'send_bulk' | 'online';
