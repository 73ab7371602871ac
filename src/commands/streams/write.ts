/**
 * XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value …]
 *   — appends an entry; replies its ID (nil with NOMKSTREAM on a missing key).
 * XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]      — trims the head; replies how many went.
 * XDEL key id [id …]                                        — deletes entries; replies how many.
 * XSETID key last-id [ENTRIESADDED n] [MAXDELETEDID id]     — sets the stream's last ID.
 *
 * Propagation is Redis 7.0's: XADD's `*` or `ms-*` ID goes out as the ID generated, and an
 * approximate trim (`~`, LIMIT) goes out as an exact one (`=`) at the length or first ID it left, so
 * a replica or the AOF ends with the same entries (streamRewriteApproxSpecifier /
 * streamRewriteTrimArgument). Master and AOF clients are not bound by LIMIT (mustObeyClient).
 */
import {
  bulk,
  ERR_NO_SUCH_KEY,
  ERR_STREAM_ELEMENTS_TOO_LARGE,
  ERR_STREAM_IDS_EXHAUSTED,
  ERR_STREAM_INVALID_ID,
  ERR_STREAM_LIMIT_NEGATIVE,
  ERR_STREAM_LIMIT_WITHOUT_APPROX,
  ERR_STREAM_LIMIT_WITHOUT_STRATEGY,
  ERR_STREAM_MAXLEN_AND_MINID,
  ERR_STREAM_MAXLEN_NEGATIVE,
  ERR_XADD_ID_NOT_GREATER,
  ERR_XADD_ID_ZERO,
  ERR_XSETID_BELOW_GIVEN_MAX_DELETED,
  ERR_XSETID_BELOW_TOP,
  ERR_XSETID_ENTRIES_ADDED_BELOW_LENGTH,
  ERR_XSETID_ENTRIES_ADDED_NEGATIVE,
  ERR_XTRIM_NO_STRATEGY,
  integer,
  NULL,
  OK,
  ZERO,
} from '../../resp/index.js';
import {
  Stream,
  compareIds,
  idText,
  incrId,
  UINT64_MAX,
  ZERO_ID,
  type StreamID,
  type StreamNodeLimits,
  type TrimStrategy,
} from '../../store/index.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, wrongArity } from '../../resp/index.js';
import { parseLong } from '../args.js';
import type { ArgCursor } from '../cursor.js';
import { defineCommand } from '../define.js';
import { fail } from '../typed.js';
import type { CommandContext } from '../types.js';
import { parseStreamId, readStream, strictId, writeStream } from './common.js';

interface TrimArgs {
  strategy: TrimStrategy | undefined;
  approx: boolean;
  /** The argv index of the threshold (rewritten for propagation); the `~`/`=` sits before it when given. */
  thresholdIndex: number;
  /** argv index of an explicit `~` or `=`, or -1. */
  specifierIndex: number;
  limit: number;
  limitGiven: boolean;
}

interface AddArgs extends TrimArgs {
  noMkstream: boolean;
  /** The ID argument's index in argv. */
  idIndex: number;
  id: StreamID | undefined;
  seqGiven: boolean;
}

const ERR_MAXLEN_MINID = ERR_STREAM_MAXLEN_AND_MINID;

/** streamParseAddOrTrimArgsOrReply: the options up to the ID (XADD) or the end (XTRIM). */
function parseAddOrTrim(argv: readonly string[], ctx: CommandContext, xadd: boolean): AddArgs {
  const a: AddArgs = {
    strategy: undefined,
    approx: false,
    thresholdIndex: -1,
    specifierIndex: -1,
    limit: 0,
    limitGiven: false,
    noMkstream: false,
    idIndex: argv.length,
    id: undefined,
    seqGiven: true,
  };
  let i = 2;
  for (; i < argv.length; i++) {
    const moreargs = argv.length - 1 - i;
    const opt = argv[i] as string;
    const upper = opt.toUpperCase();
    if (xadd && opt === '*') break;
    if ((upper === 'MAXLEN' || upper === 'MINID') && moreargs > 0) {
      if (a.strategy !== undefined) fail(ERR_MAXLEN_MINID);
      a.approx = false;
      a.specifierIndex = -1;
      const next = argv[i + 1] as string;
      if (moreargs >= 2 && (next === '~' || next === '=')) {
        a.approx = next === '~';
        a.specifierIndex = i + 1;
        i++;
      }
      const threshold = argv[i + 1] as string;
      if (upper === 'MAXLEN') {
        const n = integerArg(threshold);
        if (n < 0) fail(ERR_STREAM_MAXLEN_NEGATIVE);
        a.strategy = { kind: 'maxlen', maxlen: n };
      } else {
        a.strategy = { kind: 'minid', minid: strictId(threshold) };
      }
      i++;
      a.thresholdIndex = i;
    } else if (upper === 'LIMIT' && moreargs > 0) {
      const n = integerArg(argv[i + 1] as string);
      if (n < 0) fail(ERR_STREAM_LIMIT_NEGATIVE);
      a.limit = n;
      a.limitGiven = true;
      i++;
    } else if (xadd && upper === 'NOMKSTREAM') {
      a.noMkstream = true;
    } else if (xadd) {
      const parsed = parseStreamId(opt, 0n, true, true);
      if (parsed === undefined) fail(ERR_STREAM_INVALID_ID);
      a.id = parsed.id;
      a.seqGiven = parsed.seqGiven;
      break;
    } else {
      fail(ERR_SYNTAX);
    }
  }
  a.idIndex = i;
  if (a.limit !== 0 && a.strategy === undefined) {
    fail(ERR_STREAM_LIMIT_WITHOUT_STRATEGY);
  }
  if (!xadd && a.strategy === undefined) fail(ERR_XTRIM_NO_STRATEGY);
  if (ctx.client.obeysPrimary === true) {
    a.limit = 0;
  } else if (a.limitGiven) {
    if (!a.approx) fail(ERR_STREAM_LIMIT_WITHOUT_APPROX);
  } else if (a.approx) {
    a.limit = 100 * ctx.server.config.getNumber('stream-node-max-entries');
    if (a.limit <= 0) a.limit = 10000;
  } else {
    a.limit = 0;
  }
  return a;
}

/** getLongLongFromObjectOrReply. */
function integerArg(text: string): number {
  const n = parseLong(text);
  return n === undefined ? fail(ERR_NOT_INTEGER) : n;
}

function nodeLimits(ctx: CommandContext): StreamNodeLimits {
  return {
    maxBytes: ctx.server.config.getNumber('stream-node-max-bytes'),
    maxEntries: ctx.server.config.getNumber('stream-node-max-entries'),
  };
}

/**
 * After an approximate trim, the argv that reproduces it exactly: `~` becomes `=` and the threshold
 * becomes the length (MAXLEN) or the first entry's ID (MINID) the trim left. LIMIT stays, as in Redis.
 */
function rewriteApproxTrim(argv: string[], a: TrimArgs, s: Stream): void {
  if (a.specifierIndex >= 0) argv[a.specifierIndex] = '=';
  if (a.strategy?.kind === 'maxlen') argv[a.thresholdIndex] = String(s.length);
  else argv[a.thresholdIndex] = idText(s.edgeId(true) ?? ZERO_ID);
}

export const xadd = defineCommand({
  name: 'xadd',
  parse(args: ArgCursor, ctx) {
    const a = parseAddOrTrim(args.argv, ctx, true);
    const fieldPos = a.idIndex + 1;
    const n = args.argv.length - fieldPos;
    if (n < 2 || n % 2 === 1) fail(wrongArity('xadd'));
    if (a.id !== undefined && a.seqGiven && a.id.ms === 0n && a.id.seq === 0n) {
      fail(ERR_XADD_ID_ZERO);
    }
    return { ...a, argv: args.argv };
  },
  apply(ctx, a) {
    const argv = a.argv;
    const key = argv[1] as string;
    let value = writeStream(ctx, key);
    if (value === undefined) {
      if (a.noMkstream) return NULL;
      value = { type: 'stream', stream: new Stream() };
      ctx.db.add(key, value);
    }
    const s = value.stream;
    if (s.lastId.ms === UINT64_MAX && s.lastId.seq === UINT64_MAX) {
      return fail(ERR_STREAM_IDS_EXHAUSTED);
    }
    let id: StreamID | undefined;
    if (a.id === undefined) {
      const now = BigInt(ctx.now);
      id = now > s.lastId.ms ? { ms: now, seq: 0n } : incrId(s.lastId);
    } else if (a.seqGiven) {
      id = a.id;
    } else if (s.lastId.ms === a.id.ms) {
      id = s.lastId.seq === UINT64_MAX ? undefined : { ms: a.id.ms, seq: s.lastId.seq + 1n };
    } else {
      id = a.id;
    }
    if (id === undefined || compareIds(id, s.lastId) <= 0) {
      return fail(ERR_XADD_ID_NOT_GREATER);
    }
    if (!s.append(id, argv.slice(a.idIndex + 1), nodeLimits(ctx))) {
      return fail(ERR_STREAM_ELEMENTS_TOO_LARGE);
    }
    ctx.keyModified(key);
    ctx.notify('t', 'xadd', key);
    const propagated = [...argv];
    if (a.strategy !== undefined) {
      if (s.trim(a.strategy, a.approx, a.limit) > 0) ctx.notify('t', 'xtrim', key);
      if (a.approx) rewriteApproxTrim(propagated, a, s);
    }
    if (a.id === undefined || !a.seqGiven) propagated[a.idIndex] = idText(id);
    ctx.propagateAs([propagated]);
    ctx.db.signalReady(key);
    return bulk(idText(id));
  },
});

export const xtrim = defineCommand({
  name: 'xtrim',
  parse: (args: ArgCursor, ctx) => ({ ...parseAddOrTrim(args.argv, ctx, false), argv: args.argv }),
  apply(ctx, a) {
    const argv = a.argv;
    const key = argv[1] as string;
    const value = writeStream(ctx, key);
    if (value === undefined) return ZERO;
    const s = value.stream;
    const deleted = s.trim(a.strategy as TrimStrategy, a.approx, a.limit);
    if (deleted > 0) {
      ctx.notify('t', 'xtrim', key);
      const propagated = [...argv];
      if (a.approx) rewriteApproxTrim(propagated, a, s);
      ctx.propagateAs([propagated]);
      ctx.keyModified(key);
    }
    return integer(deleted);
  },
});

export const xdel = defineCommand({
  name: 'xdel',
  parse: (args) => ({ key: args.key(), ids: args.rest() }),
  apply(ctx, { key, ids }) {
    const value = writeStream(ctx, key);
    if (value === undefined) return ZERO;
    const parsed = ids.map((t) => strictId(t));
    const s = value.stream;
    let deleted = 0;
    for (const id of parsed) {
      if (!s.delete(id)) continue;
      if (compareIds(id, s.maxDeletedId) > 0) s.maxDeletedId = id;
      deleted++;
    }
    if (deleted > 0) {
      s.refreshFirstId();
      ctx.keyModified(key);
      ctx.notify('t', 'xdel', key);
    }
    return integer(deleted);
  },
});

export const xlen = defineCommand({
  name: 'xlen',
  parse: (args) => args.key(),
  apply(ctx, key) {
    const value = readStream(ctx, key);
    return value === undefined ? ZERO : integer(value.stream.length);
  },
});

export const xsetid = defineCommand({
  name: 'xsetid',
  parse(args) {
    const key = args.key();
    const id = strictId(args.string());
    let entriesAdded = -1n;
    let maxDeleted: StreamID = ZERO_ID;
    while (!args.done) {
      const more = args.remaining - 1;
      const opt = args.string().toUpperCase();
      if (opt === 'ENTRIESADDED' && more > 0) {
        const n = args.int64();
        if (BigInt(n) < 0n) fail(ERR_XSETID_ENTRIES_ADDED_NEGATIVE);
        entriesAdded = BigInt(n);
      } else if (opt === 'MAXDELETEDID' && more > 0) {
        maxDeleted = strictId(args.string());
        if (compareIds(id, maxDeleted) < 0) {
          fail(ERR_XSETID_BELOW_GIVEN_MAX_DELETED);
        }
      } else {
        fail(ERR_SYNTAX);
      }
    }
    return { key, id, entriesAdded, maxDeleted };
  },
  apply(ctx, { key, id, entriesAdded, maxDeleted }) {
    const value = writeStream(ctx, key);
    if (value === undefined) return fail(ERR_NO_SUCH_KEY);
    const s = value.stream;
    if (s.length > 0) {
      const top = s.edgeId(false) as StreamID;
      if (compareIds(id, top) < 0) {
        return fail(ERR_XSETID_BELOW_TOP);
      }
      if (entriesAdded !== -1n && BigInt(s.length) > entriesAdded) {
        return fail(ERR_XSETID_ENTRIES_ADDED_BELOW_LENGTH);
      }
    }
    s.lastId = id;
    if (entriesAdded !== -1n) s.entriesAdded = entriesAdded;
    if (compareIds(maxDeleted, ZERO_ID) !== 0) s.maxDeletedId = maxDeleted;
    ctx.keyModified(key);
    ctx.notify('t', 'xsetid', key);
    return OK;
  },
});
