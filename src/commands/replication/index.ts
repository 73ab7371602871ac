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
 */
import {
  ERR_NOT_INTEGER,
  ERR_TIMEOUT_NEGATIVE,
  ERR_WAIT_ON_REPLICA,
  array,
  bulk,
  error,
  integer,
  type Reply,
} from '../../resp/index.js';
import type { BlockRequest, CommandContext, CommandFlag, CommandResult, CommandSpec } from '../types.js';

const NO_REPLY: Reply = Object.freeze({ kind: 'raw', bytes: '' });

function command(
  name: string,
  arity: number,
  flags: readonly CommandFlag[],
  categories: readonly string[],
  run: (ctx: CommandContext, argv: readonly string[]) => CommandResult,
): CommandSpec {
  return { name, arity, flags, firstKey: 0, lastKey: 0, step: 0, categories, run };
}

function role(ctx: CommandContext): Reply {
  const port = ctx.server.replication;
  if (port !== undefined) return port.roleReply();
  return array([bulk('master'), integer(0), array([])]);
}

function replicaOf(ctx: CommandContext, argv: readonly string[]): Reply {
  const port = ctx.server.replication;
  if (port === undefined) return error('ERR this server has no replication');
  return port.replicaOf(ctx.client, argv);
}

function replconf(ctx: CommandContext, argv: readonly string[]): Reply {
  const port = ctx.server.replication;
  if (port === undefined) return error('ERR this server has no replication');
  return port.replconf(ctx.client, argv) ?? NO_REPLY;
}

function sync(ctx: CommandContext, argv: readonly string[]): Reply {
  const port = ctx.server.replication;
  if (port === undefined) return error('ERR this server has no replication');
  return port.sync(ctx.client, argv) ?? NO_REPLY;
}

/** Redis getTimeoutFromObjectOrReply for WAIT: integer milliseconds, 0 = forever. */
function wait(ctx: CommandContext, argv: readonly string[]): CommandResult {
  const port = ctx.server.replication;
  if (port?.isReplica() === true) return error(ERR_WAIT_ON_REPLICA);
  const wanted = Number(argv[1]);
  const timeoutText = argv[2] as string;
  if (!/^-?\d+$/.test(argv[1] as string) || !Number.isSafeInteger(wanted)) return error(ERR_NOT_INTEGER);
  if (!/^-?\d+$/.test(timeoutText)) return error('ERR timeout is not an integer or out of range');
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
  command('role', 1, ['noscript', 'loading', 'stale', 'fast'], ['admin', 'fast', 'dangerous'], role),
  command('replicaof', 3, ['admin', 'noscript', 'stale'], ['admin', 'slow', 'dangerous'], replicaOf),
  command('slaveof', 3, ['admin', 'noscript', 'stale'], ['admin', 'slow', 'dangerous'], replicaOf),
  command(
    'replconf',
    -1,
    ['admin', 'noscript', 'loading', 'stale', 'allow_busy'],
    ['admin', 'slow', 'dangerous'],
    replconf,
  ),
  command('sync', 1, ['admin', 'noscript', 'no_multi'], ['admin', 'slow', 'dangerous'], sync),
  command('psync', -3, ['admin', 'noscript', 'no_multi'], ['admin', 'slow', 'dangerous'], sync),
  command('wait', 3, ['noscript'], ['slow', 'connection'], wait),
];
