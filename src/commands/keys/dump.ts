/**
 * DUMP key — the value serialized as Redis does (RDB type + value, RDB version, CRC64), or nil.
 * RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency] — creates
 * the key from such a payload (from this server or from real Redis 7.0).
 *
 * The codec lives in the persistence room, reached through the persistence service (cluster.c
 * dumpCommand / restoreCommand for the rules and replies).
 */
import {
  ERR_BAD_DATA_FORMAT,
  ERR_BUSYKEY,
  ERR_DUMP_PAYLOAD,
  ERR_INVALID_FREQ,
  ERR_INVALID_IDLETIME,
  ERR_INVALID_TTL,
  ERR_NOT_INTEGER,
  ERR_NO_PERSISTENCE,
  ERR_SYNTAX,
  NULL,
  OK,
  bulk,
  error,
  restoreUnsupported,
  type Reply,
} from '../../resp/index.js';
import { isOption, parseInt64 } from '../args.js';
import type { EvictionPolicy } from '../../store/index.js';
import { tableCommand } from '../define.js';
import type { CommandContext, CommandSpec } from '../types.js';

function dump(ctx: CommandContext, argv: readonly string[]): Reply {
  const persistence = ctx.server.persistence;
  if (persistence === undefined) return error(ERR_NO_PERSISTENCE);
  const value = ctx.db.lookupRead(argv[1] as string, ctx.now);
  if (value === undefined) return NULL;
  return bulk(persistence.dump(value).toString('latin1'));
}

function int(text: string): number | undefined {
  const n = parseInt64(text);
  return typeof n === 'number' ? n : undefined;
}

function restore(ctx: CommandContext, argv: readonly string[]): Reply {
  let replace = false;
  let absttl = false;
  let idle = -1;
  let freq = -1;
  for (let j = 4; j < argv.length; j++) {
    const a = argv[j] as string;
    const additional = argv.length - j - 1;
    if (isOption(a, 'REPLACE')) replace = true;
    else if (isOption(a, 'ABSTTL')) absttl = true;
    else if (isOption(a, 'IDLETIME') && additional >= 1 && freq === -1) {
      const n = int(argv[++j] as string);
      if (n === undefined) return error(ERR_NOT_INTEGER);
      if (n < 0) return error(ERR_INVALID_IDLETIME);
      idle = n;
    } else if (isOption(a, 'FREQ') && additional >= 1 && idle === -1) {
      const n = int(argv[++j] as string);
      if (n === undefined) return error(ERR_NOT_INTEGER);
      if (n < 0 || n > 255) return error(ERR_INVALID_FREQ);
      freq = n;
    } else {
      return error(ERR_SYNTAX);
    }
  }
  const key = argv[1] as string;
  if (!replace && ctx.db.lookupWrite(key, ctx.now) !== undefined) return error(ERR_BUSYKEY);
  let ttl = int(argv[2] as string);
  if (ttl === undefined) return error(ERR_NOT_INTEGER);
  if (ttl < 0) return error(ERR_INVALID_TTL);
  const persistence = ctx.server.persistence;
  if (persistence === undefined) return error(ERR_NO_PERSISTENCE);
  const outcome = persistence.restore(Buffer.from(argv[3] as string, 'latin1'));
  if (outcome === undefined) return error(ERR_DUMP_PAYLOAD);
  if (outcome.kind === 'bad-format') return error(ERR_BAD_DATA_FORMAT);
  if (outcome.kind === 'unsupported') return error(restoreUnsupported(outcome.typeName));

  const deleted = replace && ctx.db.delete(key);
  if (ttl !== 0 && !absttl) ttl += ctx.now;
  if (ttl !== 0 && ttl <= ctx.now && !ctx.db.expiryIsMasterDriven) {
    if (deleted) {
      ctx.keyModified(key);
      ctx.notify('g', 'del', key);
      ctx.propagateAs([['DEL', key]]);
    }
    return OK;
  }
  ctx.db.add(key, outcome.value);
  if (ttl !== 0) {
    ctx.db.setExpire(key, ttl);
    if (!absttl) ctx.propagateAs([[argv[0] as string, key, String(ttl), ...argv.slice(3), 'ABSTTL']]);
  }
  if (idle >= 0 || freq >= 0) {
    const policy = ctx.server.config.getString('maxmemory-policy') as EvictionPolicy;
    ctx.server.eviction?.setAccess(
      policy,
      ctx.client.dbIndex,
      key,
      ctx.now,
      idle >= 0 ? idle : undefined,
      freq >= 0 ? freq : undefined,
    );
  }
  ctx.keyModified(key);
  ctx.notify('g', 'restore', key);
  return OK;
}

export const dumpCommand: CommandSpec = tableCommand('dump', dump);

export const restoreCommand: CommandSpec = tableCommand('restore', restore);
/** RESTORE-ASKING: RESTORE as a cluster node answers it after ASKING; the same without a cluster. */
export const restoreAskingCommand: CommandSpec = tableCommand('restore-asking', restore);
