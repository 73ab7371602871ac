/**
 * Consumer groups.
 *
 * XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD n]   — a group whose last delivered ID is id.
 * XGROUP SETID key group id|$ [ENTRIESREAD n]               — moves the group's last delivered ID.
 * XGROUP DESTROY key group                                  — 1 if it existed (blocked readers get NOGROUP).
 * XGROUP CREATECONSUMER key group consumer                  — 1 if created.
 * XGROUP DELCONSUMER key group consumer                     — the consumer's pending count it dropped.
 * XACK key group id [id …]                                  — removes IDs from the PEL.
 * XPENDING key group [[IDLE ms] start end count [consumer]] — the PEL, summarized or listed.
 * XCLAIM key group consumer min-idle id [id …] [IDLE ms] [TIME ms] [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id]
 * XAUTOCLAIM key group consumer min-idle start [COUNT n] [JUSTID]
 *   — [next cursor, claimed entries, IDs found deleted] (7.0's three-element reply).
 *
 * XCLAIM and XAUTOCLAIM propagate each PEL change as the idempotent XCLAIM of streamPropagateXCLAIM.
 */
import {
  array,
  bulk,
  ERR_BUSYGROUP,
  ERR_NOGROUP,
  ERR_NOGROUP_FOR_KEY,
  ERR_NOT_INTEGER,
  ERR_STREAM_INVALID_END_ID,
  ERR_STREAM_INVALID_START_ID,
  ERR_SUBCOMMAND_SYNTAX,
  ERR_SYNTAX,
  ERR_GEO_COUNT,
  ERR_XAUTOCLAIM_MIN_IDLE,
  ERR_XCLAIM_IDLE,
  ERR_XCLAIM_MIN_IDLE,
  ERR_XCLAIM_OPTION,
  ERR_XCLAIM_RETRYCOUNT,
  ERR_XCLAIM_TIME,
  ERR_XGROUP_ENTRIESREAD,
  ERR_XGROUP_KEY_REQUIRED,
  integer,
  NULL,
  NULL_ARRAY,
  OK,
  ONE,
  ZERO,
  type Reply,
} from '../../resp/index.js';
import {
  INVALID_ENTRIES_READ,
  MAX_ID,
  SortedMap,
  Stream,
  StreamGroup,
  compareIds,
  idFromKey,
  idKey,
  idText,
  incrId,
  decrId,
  type StreamID,
  type StreamNack,
} from '../../store/index.js';
import { parseLong } from '../args.js';
import { defineCommand } from '../define.js';
import { fail } from '../typed.js';
import type { CommandContext } from '../types.js';
import {
  intervalId,
  looseId,
  lookupOrCreateConsumer,
  noGroupError,
  readStream,
  setIdPropagation,
  singleEntry,
  strictId,
  writeStream,
  xclaimPropagation,
} from './common.js';
import { parseStreamId } from './common.js';

// ---- XGROUP ----

interface GroupTarget {
  readonly key: string;
  readonly group: string;
  readonly mkstream: boolean;
  readonly entriesRead: bigint;
  readonly argv: readonly string[];
}

/** The shared part of xgroupCommand: options after the 5th argument, the key and group checks. */
function parseGroupOptions(argv: readonly string[], sub: 'CREATE' | 'SETID' | 'OTHER'): GroupTarget {
  let mkstream = false;
  let entriesRead = INVALID_ENTRIES_READ;
  for (let i = 5; i < argv.length;) {
    const opt = (argv[i] as string).toUpperCase();
    if (sub === 'CREATE' && opt === 'MKSTREAM') {
      mkstream = true;
      i++;
    } else if ((sub === 'CREATE' || sub === 'SETID') && opt === 'ENTRIESREAD' && i + 1 < argv.length) {
      const n = parseLong(argv[i + 1] as string);
      if (n === undefined) fail(ERR_NOT_INTEGER);
      if (n < 0 && n !== -1) fail(ERR_XGROUP_ENTRIESREAD);
      entriesRead = BigInt(n);
      i += 2;
    } else {
      fail(ERR_SUBCOMMAND_SYNTAX(argv[1] as string, argv[0] as string));
    }
  }
  return { key: argv[2] as string, group: argv[3] as string, mkstream, entriesRead, argv };
}

const ERR_KEY_REQUIRED = ERR_XGROUP_KEY_REQUIRED;

/** Looks the key (and for some subcommands the group) up as xgroupCommand does before dispatching. */
function groupStream(ctx: CommandContext, t: GroupTarget, needGroup: boolean): Stream | undefined {
  const value = writeStream(ctx, t.key);
  if (t.mkstream) return value?.stream;
  if (value === undefined) return fail(ERR_KEY_REQUIRED);
  if (needGroup && value.stream.group(t.group) === undefined) {
    fail(ERR_NOGROUP_FOR_KEY(t.group, t.key));
  }
  return value.stream;
}

export const xgroupCreate = defineCommand({
  name: 'xgroup|create',
  parse: (args) => parseGroupOptions(args.argv, 'CREATE'),
  apply(ctx, t) {
    if (t.argv.length > 8) return fail(ERR_SUBCOMMAND_SYNTAX(t.argv[1] as string, t.argv[0] as string));
    let s = groupStream(ctx, t, false);
    const idArg = t.argv[4] as string;
    const id: StreamID = idArg === '$' ? (s?.lastId ?? { ms: 0n, seq: 0n }) : strictId(idArg);
    if (s === undefined) {
      s = new Stream();
      ctx.db.add(t.key, { type: 'stream', stream: s });
      ctx.db.signalModified(t.key);
    }
    if (s.group(t.group) !== undefined) return fail(ERR_BUSYGROUP);
    s.groups ??= new SortedMap();
    s.groups.set(t.group, new StreamGroup(t.group, id, t.entriesRead));
    ctx.keyModified(t.key);
    ctx.notify('t', 'xgroup-create', t.key);
    return OK;
  },
});

export const xgroupSetid = defineCommand({
  name: 'xgroup|setid',
  parse: (args) => parseGroupOptions(args.argv, 'SETID'),
  apply(ctx, t) {
    const s = groupStream(ctx, t, true) as Stream;
    if (t.argv.length !== 5 && t.argv.length !== 7) {
      return fail(ERR_SUBCOMMAND_SYNTAX(t.argv[1] as string, t.argv[0] as string));
    }
    const idArg = t.argv[4] as string;
    const id = idArg === '$' ? s.lastId : looseId(idArg);
    const g = s.group(t.group) as StreamGroup;
    g.lastId = id;
    g.entriesRead = t.entriesRead;
    ctx.keyModified(t.key);
    ctx.notify('t', 'xgroup-setid', t.key);
    return OK;
  },
});

export const xgroupDestroy = defineCommand({
  name: 'xgroup|destroy',
  parse: (args) => parseGroupOptions(args.argv, 'OTHER'),
  apply(ctx, t) {
    const s = groupStream(ctx, t, false) as Stream;
    if (s.group(t.group) === undefined) return ZERO;
    s.groups?.delete(t.group);
    ctx.keyModified(t.key);
    ctx.notify('t', 'xgroup-destroy', t.key);
    ctx.db.signalReady(t.key);
    return ONE;
  },
});

export const xgroupCreateconsumer = defineCommand({
  name: 'xgroup|createconsumer',
  parse: (args) => parseGroupOptions(args.argv, 'OTHER'),
  apply(ctx, t) {
    const s = groupStream(ctx, t, true) as Stream;
    const g = s.group(t.group) as StreamGroup;
    const name = t.argv[4] as string;
    if (g.consumers.has(name)) return ZERO;
    lookupOrCreateConsumer(ctx, t.key, g, name);
    return ONE;
  },
});

export const xgroupDelconsumer = defineCommand({
  name: 'xgroup|delconsumer',
  parse: (args) => parseGroupOptions(args.argv, 'OTHER'),
  apply(ctx, t) {
    const s = groupStream(ctx, t, true) as Stream;
    const g = s.group(t.group) as StreamGroup;
    const consumer = g.consumers.get(t.argv[4] as string);
    if (consumer === undefined) return ZERO;
    const pending = consumer.pel.size;
    for (const [k] of consumer.pel.entries()) g.pel.delete(k);
    g.consumers.delete(consumer.name);
    ctx.keyModified(t.key);
    ctx.notify('t', 'xgroup-delconsumer', t.key);
    return integer(pending);
  },
});

// ---- XACK ----

export const xack = defineCommand({
  name: 'xack',
  parse: (args) => ({ key: args.key(), group: args.string(), ids: args.rest() }),
  apply(ctx, { key, group, ids }) {
    const value = writeStream(ctx, key);
    const g = value?.stream.group(group);
    // 7.0 answers 0 for a missing key or group before it looks at the IDs.
    if (g === undefined) return ZERO;
    const parsed = ids.map((t) => strictId(t));
    let acked = 0;
    for (const id of parsed) {
      const k = idKey(id);
      const nack = g.pel.get(k);
      if (nack === undefined) continue;
      g.pel.delete(k);
      nack.consumer.pel.delete(k);
      acked++;
    }
    if (acked > 0) ctx.keyModified(key);
    return integer(acked);
  },
});

// ---- XPENDING ----

interface PendingArgs {
  readonly key: string;
  readonly group: string;
  readonly range?: {
    readonly start: StreamID;
    readonly end: StreamID;
    readonly count: number;
    readonly minIdle: number;
    readonly consumer: string | undefined;
  };
}

export const xpending = defineCommand({
  name: 'xpending',
  parse(args): PendingArgs {
    const argv = args.argv;
    const key = argv[1] as string;
    const group = argv[2] as string;
    if (argv.length !== 3 && (argv.length < 6 || argv.length > 9)) fail(ERR_SYNTAX);
    if (argv.length === 3) return { key, group };
    let startIdx = 3;
    let minIdle = 0;
    if ((argv[3] as string).toUpperCase() === 'IDLE') {
      const n = parseLong(argv[4] as string);
      if (n === undefined) fail(ERR_NOT_INTEGER);
      minIdle = n;
      if (argv.length < 8) fail(ERR_SYNTAX);
      startIdx += 2;
    }
    const c = parseLong(argv[startIdx + 2] as string);
    if (c === undefined) fail(ERR_NOT_INTEGER);
    const count = Math.max(0, c);
    const s = intervalId(argv[startIdx] as string, 0n);
    const start = s.exclusive ? incrId(s.id) : s.id;
    if (start === undefined) fail(ERR_STREAM_INVALID_START_ID);
    const e = intervalId(argv[startIdx + 1] as string, 18446744073709551615n);
    const end = e.exclusive ? decrId(e.id) : e.id;
    if (end === undefined) fail(ERR_STREAM_INVALID_END_ID);
    const consumer = startIdx + 3 < argv.length ? (argv[startIdx + 3] as string) : undefined;
    return { key, group, range: { start, end, count, minIdle, consumer } };
  },
  apply(ctx, { key, group, range }) {
    const value = readStream(ctx, key);
    const g = value?.stream.group(group);
    if (g === undefined) return fail(ERR_NOGROUP(key, group));
    if (range === undefined) {
      if (g.pel.size === 0) return array([integer(0), NULL, NULL, NULL_ARRAY]);
      const consumers: Reply[] = [];
      for (const [name, c] of g.consumers.entries()) {
        if (c.pel.size === 0) continue;
        consumers.push(array([bulk(name), bulk(String(c.pel.size))]));
      }
      return array([
        integer(g.pel.size),
        bulk(idText(idFromKey(g.pel.first() as string))),
        bulk(idText(idFromKey(g.pel.last() as string))),
        array(consumers),
      ]);
    }
    let pel = g.pel;
    if (range.consumer !== undefined) {
      const c = g.consumers.get(range.consumer);
      if (c === undefined) return array([]);
      pel = c.pel;
    }
    const items: Reply[] = [];
    let count = range.count;
    if (count === 0) return array([]);
    for (const [k, nack] of pel.range(idKey(range.start), idKey(range.end))) {
      if (range.minIdle !== 0 && ctx.now - nack.deliveryTime < range.minIdle) continue;
      items.push(
        array([
          bulk(idText(idFromKey(k))),
          bulk(nack.consumer.name),
          integer(Math.max(0, ctx.now - nack.deliveryTime)),
          integer(nack.deliveryCount),
        ]),
      );
      if (--count === 0) break;
    }
    return array(items);
  },
});

// ---- XCLAIM ----

interface ClaimOptions {
  force: boolean;
  justid: boolean;
  deliveryTime: number;
  retryCount: number;
  lastId: StreamID;
}

export const xclaim = defineCommand({
  name: 'xclaim',
  parse: (args) => args.argv,
  apply(ctx, argv) {
    const key = argv[1] as string;
    const groupName = argv[2] as string;
    const value = writeStream(ctx, key);
    const group = value?.stream.group(groupName);
    if (value === undefined || group === undefined) return noGroupError(key, groupName);
    const s = value.stream;
    const idle = parseLong(argv[4] as string);
    if (idle === undefined) return fail(ERR_XCLAIM_MIN_IDLE);
    const minIdle = Math.max(0, idle);
    let j = 5;
    for (; j < argv.length; j++) if (parseStreamId(argv[j] as string, 0n, true) === undefined) break;
    const lastIdArg = j - 1;
    const now = ctx.now;
    const o: ClaimOptions = {
      force: false,
      justid: false,
      deliveryTime: -1,
      retryCount: -1,
      lastId: { ms: 0n, seq: 0n },
    };
    for (; j < argv.length; j++) {
      const more = argv.length - 1 - j;
      const opt = argv[j] as string;
      const upper = opt.toUpperCase();
      if (upper === 'FORCE') o.force = true;
      else if (upper === 'JUSTID') o.justid = true;
      else if (upper === 'IDLE' && more > 0) {
        const n = parseLong(argv[++j] as string);
        if (n === undefined) return fail(ERR_XCLAIM_IDLE);
        o.deliveryTime = now - n;
      } else if (upper === 'TIME' && more > 0) {
        const n = parseLong(argv[++j] as string);
        if (n === undefined) return fail(ERR_XCLAIM_TIME);
        o.deliveryTime = n;
      } else if (upper === 'RETRYCOUNT' && more > 0) {
        const n = parseLong(argv[++j] as string);
        if (n === undefined) return fail(ERR_XCLAIM_RETRYCOUNT);
        o.retryCount = n;
      } else if (upper === 'LASTID' && more > 0) {
        o.lastId = strictId(argv[++j] as string);
      } else {
        return fail(ERR_XCLAIM_OPTION(opt));
      }
    }
    const propagation: string[][] = [];
    let propagateLastId = false;
    if (compareIds(o.lastId, group.lastId) > 0) {
      group.lastId = o.lastId;
      propagateLastId = true;
    }
    if (o.deliveryTime === -1 || o.deliveryTime < 0 || o.deliveryTime > now) o.deliveryTime = now;
    const items: Reply[] = [];
    let consumer = undefined as ReturnType<typeof lookupOrCreateConsumer> | undefined;
    for (let i = 5; i <= lastIdArg; i++) {
      const idArg = argv[i] as string;
      const id = strictId(idArg);
      const k = idKey(id);
      let nack: StreamNack | undefined = group.pel.get(k);
      if (s.find(id) === undefined) {
        if (nack !== undefined) {
          propagation.push(xclaimPropagation(key, groupName, group, idArg, nack));
          propagateLastId = false;
          ctx.keyModified(key);
          group.pel.delete(k);
          nack.consumer.pel.delete(k);
        }
        continue;
      }
      let fresh = false;
      if (o.force && nack === undefined) {
        fresh = true;
      }
      if (nack === undefined && !fresh) continue;
      if (!fresh && nack !== undefined && minIdle !== 0 && now - nack.deliveryTime < minIdle) continue;
      consumer ??= lookupOrCreateConsumer(ctx, key, group, argv[3] as string);
      if (nack === undefined) {
        // streamCreateNACK: a NACK made by FORCE starts delivered once.
        nack = { deliveryTime: o.deliveryTime, deliveryCount: 1, consumer };
        group.pel.set(k, nack);
      } else if (nack.consumer !== consumer) {
        nack.consumer.pel.delete(k);
      }
      nack.deliveryTime = o.deliveryTime;
      if (o.retryCount >= 0) nack.deliveryCount = o.retryCount;
      else if (!o.justid) nack.deliveryCount++;
      if (nack.consumer !== consumer || fresh) {
        consumer.pel.set(k, nack);
        nack.consumer = consumer;
      }
      items.push(o.justid ? bulk(idText(id)) : (singleEntry(s, id) ?? NULL));
      propagation.push(xclaimPropagation(key, groupName, group, idArg, nack));
      propagateLastId = false;
      ctx.keyModified(key);
    }
    if (propagateLastId) {
      propagation.push(setIdPropagation(key, groupName, group));
      ctx.keyModified(key);
    }
    ctx.propagateAs(propagation);
    return array(items);
  },
});

// ---- XAUTOCLAIM ----

const ATTEMPTS_FACTOR = 10;

export const xautoclaim = defineCommand({
  name: 'xautoclaim',
  parse(args) {
    const argv = args.argv;
    const idle = parseLong(argv[4] as string);
    if (idle === undefined) fail(ERR_XAUTOCLAIM_MIN_IDLE);
    const start = intervalId(argv[5] as string, 0n);
    const startId = start.exclusive ? incrId(start.id) : start.id;
    if (startId === undefined) fail(ERR_STREAM_INVALID_START_ID);
    let count = 100;
    let justid = false;
    for (let j = 6; j < argv.length; j++) {
      const more = argv.length - 1 - j;
      const opt = (argv[j] as string).toUpperCase();
      if (opt === 'COUNT' && more > 0) {
        const n = parseLong(argv[j + 1] as string);
        const maxCount = Math.floor(9223372036854775807 / 16);
        if (n === undefined || n < 1 || n > maxCount) fail(ERR_GEO_COUNT);
        count = n;
        j++;
      } else if (opt === 'JUSTID') {
        justid = true;
      } else {
        fail(ERR_SYNTAX);
      }
    }
    return { argv, minIdle: Math.max(0, idle), start: startId, count, justid };
  },
  apply(ctx, { argv, minIdle, start, count, justid }) {
    const key = argv[1] as string;
    const groupName = argv[2] as string;
    const value = writeStream(ctx, key);
    const group = value?.stream.group(groupName);
    if (value === undefined || group === undefined) return noGroupError(key, groupName);
    const s = value.stream;
    let attempts = count * ATTEMPTS_FACTOR;
    const now = ctx.now;
    const claimed: Reply[] = [];
    const deleted: Reply[] = [];
    const propagation: string[][] = [];
    let consumer = undefined as ReturnType<typeof lookupOrCreateConsumer> | undefined;
    let i = group.pel.lowerBound(idKey(start));
    let left = count;
    while (attempts-- > 0 && left > 0) {
      const k = group.pel.keyAt(i);
      if (k === undefined) break;
      const nack = group.pel.get(k) as StreamNack;
      const id = idFromKey(k);
      if (s.find(id) === undefined) {
        propagation.push(xclaimPropagation(key, groupName, group, idText(id), nack));
        ctx.keyModified(key);
        group.pel.delete(k);
        nack.consumer.pel.delete(k);
        deleted.push(bulk(idText(id)));
        left--;
        continue; // the next key slid into position i
      }
      i++;
      if (minIdle !== 0 && now - nack.deliveryTime < minIdle) continue;
      consumer ??= lookupOrCreateConsumer(ctx, key, group, argv[3] as string);
      if (nack.consumer !== consumer) nack.consumer.pel.delete(k);
      nack.deliveryTime = now;
      if (!justid) nack.deliveryCount++;
      if (nack.consumer !== consumer) {
        consumer.pel.set(k, nack);
        nack.consumer = consumer;
      }
      claimed.push(justid ? bulk(idText(id)) : (singleEntry(s, id) as Reply));
      left--;
      propagation.push(xclaimPropagation(key, groupName, group, idText(id), nack));
      ctx.keyModified(key);
    }
    const next = group.pel.keyAt(i);
    ctx.propagateAs(propagation);
    return array([
      bulk(next === undefined ? '0-0' : idText(idFromKey(next))),
      array(claimed),
      array(deleted),
    ]);
  },
});

export { MAX_ID };
