/**
 * The replication commands. Each answers through the server's replication port; a server without
 * one (a bare test runner) answers as a master with no replicas.
 *
 * ROLE                          — master: [master, offset, [[ip, port, ack offset]…]];
 *                                 replica: [slave, host, port, link state, offset]
 * REPLICAOF host port | NO ONE  — become a replica of host:port, or a master again (SLAVEOF: same)
 * REPLCONF option value …       — a replica's facts and ACKs (listening-port, ip-address, capa, ack,
 *                                 getack, rdb-only, rdb-filter-only)
 * SYNC / PSYNC replid offset    — turn this connection into a replica (full or partial resync)
 * WAIT numreplicas timeout      — block until that many replicas acknowledged this client's writes
 * FAILOVER [TO host port [FORCE]] [TIMEOUT ms] | ABORT — hand the master role to a caught-up replica
 */
import {
  ERR_NOT_INTEGER,
  ERR_NO_REPLICATION,
  ERR_TIMEOUT_NOT_INTEGER,
  ERR_TIMEOUT_NEGATIVE,
  ERR_WAIT_ON_REPLICA,
  array,
  bulk,
  error,
  integer,
  type Reply,
} from '../../resp/index.js';
import { tableCommand } from '../define.js';
import type { BlockRequest, CommandContext, CommandResult, CommandSpec } from '../types.js';

const NO_REPLY: Reply = Object.freeze({ kind: 'raw', bytes: '' });

function role(ctx: CommandContext): Reply {
  const port = ctx.server.replication;
  if (port !== undefined) return port.roleReply();
  return array([bulk('master'), integer(0), array([])]);
}

function replicaOf(ctx: CommandContext, argv: readonly string[]): Reply {
  const port = ctx.server.replication;
  if (port === undefined) return error(ERR_NO_REPLICATION);
  return port.replicaOf(ctx.client, argv);
}

function replconf(ctx: CommandContext, argv: readonly string[]): Reply {
  const port = ctx.server.replication;
  if (port === undefined) return error(ERR_NO_REPLICATION);
  return port.replconf(ctx.client, argv) ?? NO_REPLY;
}

function sync(ctx: CommandContext, argv: readonly string[]): Reply {
  const port = ctx.server.replication;
  if (port === undefined) return error(ERR_NO_REPLICATION);
  return port.sync(ctx.client, argv) ?? NO_REPLY;
}

function failover(ctx: CommandContext, argv: readonly string[]): Reply {
  const port = ctx.server.replication;
  if (port === undefined) return error(ERR_NO_REPLICATION);
  return port.failover(argv);
}

/** Redis getTimeoutFromObjectOrReply for WAIT: integer milliseconds, 0 = forever. */
function wait(ctx: CommandContext, argv: readonly string[]): CommandResult {
  const port = ctx.server.replication;
  if (port?.isReplica() === true) return error(ERR_WAIT_ON_REPLICA);
  const wanted = Number(argv[1]);
  const timeoutText = argv[2] as string;
  if (!/^-?\d+$/.test(argv[1] as string) || !Number.isSafeInteger(wanted)) return error(ERR_NOT_INTEGER);
  if (!/^-?\d+$/.test(timeoutText)) return error(ERR_TIMEOUT_NOT_INTEGER);
  const timeout = Number(timeoutText);
  if (timeout < 0) return error(ERR_TIMEOUT_NEGATIVE);
  if (port === undefined) return integer(0);
  const target = port.masterReplOffset;
  const acked = port.ackedReplicas(target);
  if (acked >= wanted || ctx.client.inMulti) return integer(acked);
  port.requestAcks();
  const request: BlockRequest = {
    kind: 'block',
    keys: [],
    deadlineMs: timeout === 0 ? 0 : ctx.now + timeout,
    onReplicaAck: true,
    retry: () => {
      const n = port.ackedReplicas(target);
      return n >= wanted ? integer(n) : undefined;
    },
    onTimeout: () => integer(port.ackedReplicas(target)),
  };
  return request;
}

export const replicationCommands: readonly CommandSpec[] = [
  tableCommand('role', role),
  tableCommand('replicaof', replicaOf),
  tableCommand('slaveof', replicaOf),
  tableCommand('replconf', replconf),
  tableCommand('sync', sync),
  tableCommand('psync', sync),
  tableCommand('wait', wait),
  tableCommand('failover', failover),
];
