/**
 * XRANGE key start end [COUNT count]       — entries from start to end (`-`, `+`, `(id` exclusive).
 * XREVRANGE key end start [COUNT count]    — the same, newest first.
 * XREAD [COUNT count] [BLOCK ms] STREAMS key [key …] id [id …]
 *   — entries after each ID (`$`: after the last one now); with BLOCK, waits for an XADD.
 * XREADGROUP GROUP group consumer [COUNT count] [BLOCK ms] [NOACK] STREAMS key [key …] id [id …]
 *   — `>`: entries never delivered to the group (added to the consumer's PEL unless NOACK);
 *     an ID: the consumer's own pending history after it.
 *
 * Blocking uses the server's blocking machinery (BlockRequest): XADD signals the key ready, a
 * deleted stream or destroyed group ends an XREADGROUP with the error Redis 7.0 gives. XREAD
 * never propagates; XREADGROUP propagates its PEL changes as XCLAIM … and, with NOACK, the group's
 * new last ID as XGROUP SETID (and a consumer it created as XGROUP CREATECONSUMER), as 7.0 does.
 */
import {
  array,
  bulk,
  ERR_NOGROUP_BLOCKED,
  ERR_NOGROUP_XREADGROUP,
  ERR_NOT_INTEGER,
  ERR_STREAM_INVALID_END_ID,
  ERR_STREAM_INVALID_START_ID,
  ERR_SYNTAX,
  ERR_TIMEOUT_NEGATIVE,
  ERR_TIMEOUT_NOT_INTEGER,
  ERR_TIMEOUT_OUT_OF_RANGE,
  ERR_UNBLOCKED_STREAM_DELETED,
  ERR_XREAD_GROUP_OPTION,
  ERR_XREAD_GT_ID,
  ERR_XREAD_NOACK_OPTION,
  ERR_XREAD_UNBALANCED,
  ERR_XREADGROUP_DOLLAR,
  ERR_XREADGROUP_MISSING_GROUP,
  map,
  NULL_ARRAY,
  type Reply,
} from '../../resp/index.js';
import {
  INVALID_ENTRIES_READ,
  MAX_ID,
  compareIds,
  idKey,
  idText,
  incrId,
  decrId,
  ZERO_ID,
  type Stream,
  type StreamConsumer,
  type StreamGroup,
  type StreamID,
  type StreamNack,
} from '../../store/index.js';
import { parseLong } from '../args.js';
import { defineCommand } from '../define.js';
import { fail } from '../typed.js';
import type { BlockRequest, CommandContext, CommandResult } from '../types.js';
import {
  createConsumer,
  createConsumerPropagation,
  entryReply,
  intervalId,
  rangeItems,
  rangeReply,
  readStream,
  setIdPropagation,
  singleEntry,
  strictId,
  xclaimPropagation,
} from './common.js';

// ---- XRANGE / XREVRANGE ----

function rangeCommand(name: string, rev: boolean) {
  return defineCommand({
    name,
    parse(args) {
      const key = args.key();
      const first = args.string();
      const second = args.string();
      const [startArg, endArg] = rev ? [second, first] : [first, second];
      const start = intervalId(startArg, 0n);
      let startId: StreamID | undefined = start.id;
      if (start.exclusive) startId = incrId(start.id);
      if (startId === undefined) fail(ERR_STREAM_INVALID_START_ID);
      const end = intervalId(endArg, 18446744073709551615n);
      let endId: StreamID | undefined = end.id;
      if (end.exclusive) endId = decrId(end.id);
      if (endId === undefined) fail(ERR_STREAM_INVALID_END_ID);
      let count = -1;
      while (!args.done) {
        if (args.remaining >= 2 && args.option('COUNT')) {
          count = Math.max(0, args.integer());
        } else {
          fail(ERR_SYNTAX);
        }
      }
      return { key, start: startId, end: endId, count };
    },
    apply(ctx, { key, start, end, count }) {
      const value = readStream(ctx, key);
      if (value === undefined) return array([]);
      if (count === 0) return NULL_ARRAY;
      return rangeReply(value.stream, start, end, count === -1 ? 0 : count, rev);
    },
  });
}

export const xrange = rangeCommand('xrange', false);
export const xrevrange = rangeCommand('xrevrange', true);

// ---- XREAD / XREADGROUP ----

/** XREAD_BLOCKED_DEFAULT_COUNT: a blocked reader without COUNT gets at most this many entries. */
const BLOCKED_DEFAULT_COUNT = 1000;

interface ReadRequest {
  readonly group: string | undefined;
  readonly consumer: string;
  readonly count: number;
  /** Absolute unix ms; 0 forever; -1 no BLOCK. */
  readonly deadlineMs: number;
  readonly noack: boolean;
  readonly keys: readonly string[];
  readonly idArgs: readonly string[];
}

function parseRead(argv: readonly string[], now: number, xreadgroup: boolean): ReadRequest {
  let deadlineMs = -1;
  let count = 0;
  let streamsArg = 0;
  let group: string | undefined;
  let consumer = '';
  let noack = false;
  const commandName = xreadgroup ? 'xreadgroup' : 'xread';
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - i - 1;
    const opt = (argv[i] as string).toUpperCase();
    if (opt === 'BLOCK' && more > 0) {
      i++;
      const t = parseLong(argv[i] as string);
      if (t === undefined) fail(ERR_TIMEOUT_NOT_INTEGER);
      if (t < 0) fail(ERR_TIMEOUT_NEGATIVE);
      if (t > 0 && t > Number.MAX_SAFE_INTEGER - now) fail(ERR_TIMEOUT_OUT_OF_RANGE);
      deadlineMs = t === 0 ? 0 : now + t;
    } else if (opt === 'COUNT' && more > 0) {
      i++;
      const n = parseLong(argv[i] as string);
      if (n === undefined) fail(ERR_NOT_INTEGER);
      count = Math.max(0, n);
    } else if (opt === 'STREAMS' && more > 0) {
      streamsArg = i + 1;
      const n = argv.length - streamsArg;
      if (n % 2 !== 0) {
        const symbol = xreadgroup ? '>' : '$';
        fail(ERR_XREAD_UNBALANCED(commandName, symbol));
      }
      break;
    } else if (opt === 'GROUP' && more >= 2) {
      if (!xreadgroup) fail(ERR_XREAD_GROUP_OPTION);
      group = argv[i + 1];
      consumer = argv[i + 2] as string;
      i += 2;
    } else if (opt === 'NOACK') {
      if (!xreadgroup) fail(ERR_XREAD_NOACK_OPTION);
      noack = true;
    } else {
      fail(ERR_SYNTAX);
    }
  }
  if (streamsArg === 0) fail(ERR_SYNTAX);
  if (xreadgroup && group === undefined) fail(ERR_XREADGROUP_MISSING_GROUP);
  const n = (argv.length - streamsArg) / 2;
  return {
    group,
    consumer,
    count,
    deadlineMs,
    noack,
    keys: argv.slice(streamsArg, streamsArg + n),
    idArgs: argv.slice(streamsArg + n),
  };
}

/** Where a reader of one stream stands: after `gt` (`>` is MAX_ID until resolved against the group). */
interface ReadPoint {
  readonly key: string;
  gt: StreamID;
  readonly group: StreamGroup | undefined;
}

/** What one call of the group read changed, to propagate. */
type Propagation = string[][];

/**
 * streamReplyWithRange with a group: entries after `start`, adding each to the PELs (unless NOACK)
 * and moving the group's last ID and entries-read as Redis does.
 */
function groupRead(
  ctx: CommandContext,
  s: Stream,
  key: string,
  groupName: string,
  group: StreamGroup,
  consumer: StreamConsumer,
  start: StreamID,
  count: number,
  noack: boolean,
  out: Propagation,
): Reply[] {
  const items: Reply[] = [];
  let propagateLastId = false;
  for (const [id, pairs] of s.range(start, MAX_ID)) {
    if (compareIds(id, group.lastId) > 0) {
      if (group.entriesRead !== INVALID_ENTRIES_READ && !s.rangeHasTombstones(id, undefined)) {
        group.entriesRead++;
      } else if (s.entriesAdded !== 0n) {
        group.entriesRead = s.estimateEntriesRead(id);
      }
      group.lastId = id;
      if (noack) propagateLastId = true;
    }
    items.push(entryReply(id, pairs));
    if (!noack) {
      const k = idKey(id);
      let nack = group.pel.get(k);
      if (nack === undefined) {
        nack = { deliveryTime: ctx.now, deliveryCount: 1, consumer };
        group.pel.set(k, nack);
        consumer.pel.set(k, nack);
      } else {
        nack.consumer.pel.delete(k);
        nack.consumer = consumer;
        nack.deliveryTime = ctx.now;
        nack.deliveryCount = 1;
        consumer.pel.set(k, nack);
      }
      out.push(xclaimPropagation(key, groupName, group, idText(id), nack));
    }
    if (count !== 0 && items.length === count) break;
  }
  if (propagateLastId) out.push(setIdPropagation(key, groupName, group));
  return items;
}

/** streamReplyWithRangeFromConsumerPEL: the consumer's pending entries after `start`. */
function historyRead(
  ctx: CommandContext,
  s: Stream,
  consumer: StreamConsumer,
  start: StreamID,
  count: number,
): Reply[] {
  const items: Reply[] = [];
  for (const [k, nack] of consumer.pel.range(idKey(start), idKey(MAX_ID))) {
    if (count !== 0 && items.length >= count) break;
    const id = idFromNack(k);
    const entry = singleEntry(s, id);
    if (entry === undefined) {
      items.push(array([bulk(idText(id)), NULL_ARRAY]));
    } else {
      items.push(entry);
      nack.deliveryTime = ctx.now;
      nack.deliveryCount++;
    }
  }
  return items;
}

function idFromNack(k: string): StreamID {
  const b = Buffer.from(k, 'latin1');
  return { ms: b.readBigUInt64BE(0), seq: b.readBigUInt64BE(8) };
}

function streamsReply(ctx: CommandContext, entries: (readonly [string, Reply])[]): Reply {
  if (ctx.client.protocol === 3) return map(entries.map(([k, r]) => [bulk(k), r] as const));
  return array(entries.map(([k, r]) => array([bulk(k), r])));
}

function lastValidId(s: Stream): StreamID {
  return s.edgeId(false) ?? ZERO_ID;
}

function readCommand(ctx: CommandContext, req: ReadRequest): CommandResult {
  const xreadgroup = req.group !== undefined;
  const points: ReadPoint[] = [];
  for (let i = 0; i < req.keys.length; i++) {
    const key = req.keys[i] as string;
    const idArg = req.idArgs[i] as string;
    const value = readStream(ctx, key);
    let group: StreamGroup | undefined;
    if (req.group !== undefined) {
      group = value?.stream.group(req.group);
      if (group === undefined) {
        fail(ERR_NOGROUP_XREADGROUP(key, req.group));
      }
    }
    if (idArg === '$') {
      if (xreadgroup) {
        fail(ERR_XREADGROUP_DOLLAR);
      }
      points.push({ key, gt: value?.stream.lastId ?? ZERO_ID, group });
      continue;
    }
    if (idArg === '>') {
      if (!xreadgroup) {
        fail(ERR_XREAD_GT_ID);
      }
      points.push({ key, gt: MAX_ID, group });
      continue;
    }
    points.push({ key, gt: strictId(idArg), group });
  }

  const served: (readonly [string, Reply])[] = [];
  const propagation: Propagation = [];
  for (const point of points) {
    const value = readStream(ctx, point.key);
    if (value === undefined) continue;
    const s = value.stream;
    let serve = false;
    let history = false;
    let consumer: StreamConsumer | undefined;
    const group = point.group;
    if (group !== undefined && req.group !== undefined) {
      if (compareIds(point.gt, MAX_ID) !== 0) {
        serve = true;
        history = true;
      } else if (s.length > 0 && compareIds(lastValidId(s), group.lastId) > 0) {
        serve = true;
        point.gt = group.lastId;
      }
    } else if (s.length > 0 && compareIds(lastValidId(s), point.gt) > 0) {
      serve = true;
    }
    if (!serve) continue;
    // 7.0 looks the consumer up (creating it) only for a stream it serves now.
    if (group !== undefined && req.group !== undefined) {
      consumer = group.consumers.get(req.consumer);
      if (consumer === undefined) {
        consumer = createConsumer(ctx, point.key, group, req.consumer);
        if (req.noack) propagation.push(createConsumerPropagation(point.key, req.group, req.consumer));
      }
      consumer.seenTime = ctx.now;
    }
    const start = incrId(point.gt) ?? MAX_ID;
    let items: Reply[];
    if (group === undefined || consumer === undefined || req.group === undefined) {
      items = rangeItems(s, start, MAX_ID, req.count, false);
    } else if (history) {
      items = historyRead(ctx, s, consumer, start, req.count);
    } else {
      items = groupRead(
        ctx,
        s,
        point.key,
        req.group,
        group,
        consumer,
        start,
        req.count,
        req.noack,
        propagation,
      );
    }
    if (group !== undefined) ctx.keyModified(point.key);
    served.push([point.key, array(items)]);
  }
  ctx.propagateAs(propagation);
  if (served.length > 0) return streamsReply(ctx, served);
  if (req.deadlineMs === -1 || ctx.client.inMulti) return NULL_ARRAY;
  return blockRead(req, points);
}

/** Parks the reader; served by serveBlockedStream when one of its streams gets new entries. */
function blockRead(req: ReadRequest, points: readonly ReadPoint[]): BlockRequest {
  const gts = new Map(points.map((p) => [p.key, p.gt]));
  return {
    kind: 'block',
    keys: points.map((p) => p.key),
    deadlineMs: req.deadlineMs,
    retry: (ctx) => {
      for (const p of points) {
        const reply = serveBlockedStream(ctx, req, p.key, gts);
        if (reply !== undefined) return reply;
      }
      return undefined;
    },
    onTimeout: () => NULL_ARRAY,
  };
}

/** serveClientsBlockedOnStreamKey for one blocked reader and one of its keys. */
function serveBlockedStream(
  ctx: CommandContext,
  req: ReadRequest,
  key: string,
  gts: Map<string, StreamID>,
): Reply | undefined {
  const value = ctx.db.lookupQuiet(key, ctx.now);
  if (value === undefined || typeof value === 'string' || value.type !== 'stream') {
    // 7.0 ends a group reader whose stream went away (deleted or overwritten by another type).
    if (req.group !== undefined) return errorReply(ERR_UNBLOCKED_STREAM_DELETED);
    return undefined;
  }
  const s = value.stream;
  let gt = gts.get(key) ?? ZERO_ID;
  let group: StreamGroup | undefined;
  if (req.group !== undefined) {
    group = s.group(req.group);
    if (group === undefined) {
      return errorReply(ERR_NOGROUP_BLOCKED);
    }
    gt = group.lastId;
  }
  if (compareIds(s.lastId, gt) <= 0) return undefined;
  const start = incrId(gt) ?? MAX_ID;
  const count = req.count !== 0 ? req.count : BLOCKED_DEFAULT_COUNT;
  const propagation: Propagation = [];
  let items: Reply[];
  if (group !== undefined && req.group !== undefined) {
    let consumer = group.consumers.get(req.consumer);
    if (consumer === undefined) {
      consumer = createConsumer(ctx, key, group, req.consumer);
      propagation.push(createConsumerPropagation(key, req.group, req.consumer));
    } else {
      consumer.seenTime = ctx.now;
    }
    items = groupRead(ctx, s, key, req.group, group, consumer, start, count, req.noack, propagation);
    ctx.keyModified(key);
  } else {
    items = rangeItems(s, start, MAX_ID, count, false);
  }
  ctx.propagateAs(propagation);
  return streamsReply(ctx, [[key, array(items)]]);
}

function errorReply(message: string): Reply {
  return { kind: 'error', message };
}

export const xread = defineCommand({
  name: 'xread',
  keys: (argv) => streamKeys(argv),
  parse: (args, ctx) => parseRead(args.argv, ctx.now, false),
  apply: readCommand,
});

export const xreadgroup = defineCommand({
  name: 'xreadgroup',
  keys: (argv) => streamKeys(argv),
  parse: (args, ctx) => parseRead(args.argv, ctx.now, true),
  apply: readCommand,
});

/** The keys after STREAMS (COMMAND GETKEYS). */
function streamKeys(argv: readonly string[]): readonly string[] | undefined {
  for (let i = 1; i < argv.length; i++) {
    if ((argv[i] as string).toUpperCase() === 'STREAMS') {
      const rest = argv.length - i - 1;
      if (rest % 2 !== 0 || rest === 0) return undefined;
      return argv.slice(i + 1, i + 1 + rest / 2);
    }
  }
  return undefined;
}

export type { StreamNack };
