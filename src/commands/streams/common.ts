/**
 * What the stream commands share (t_stream.c): ID parsing with Redis's error strings, entry replies,
 * the stream lookups, and the propagation forms of consumer-group changes (streamPropagateXCLAIM,
 * streamPropagateGroupID, streamPropagateConsumerCreation).
 */
import {
  array,
  bulk,
  bulkArray,
  ERR_NOGROUP,
  ERR_STREAM_INVALID_ID,
  NULL_ARRAY,
  type Reply,
} from '../../resp/index.js';
import {
  INVALID_ENTRIES_READ,
  MAX_ID,
  Stream,
  StreamConsumer,
  StreamGroup,
  UINT64_MAX,
  ZERO_ID,
  idText,
  type StreamID,
  type StreamNack,
  type StreamValue,
} from '../../store/index.js';
import { fail } from '../typed.js';
import { readTyped, writeTyped } from '../typed.js';
import type { CommandContext } from '../types.js';

/** strtoull in base 10 as string2ull uses it: spaces, a sign, digits, nothing after; no overflow. */
function string2ull(s: string): bigint | undefined {
  if (/^(?:0|-?[1-9][0-9]*)$/.test(s) && s.length <= 20) {
    const v = BigInt(s);
    if (v >= -9223372036854775808n && v <= 9223372036854775807n) return v < 0n ? undefined : v;
  }
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/.exec(s);
  if (m === null) return undefined;
  const v = BigInt(m[2] as string);
  if (v > UINT64_MAX) return undefined;
  return m[1] === '-' ? (UINT64_MAX + 1n - v) % (UINT64_MAX + 1n) : v;
}

export interface ParsedId {
  readonly id: StreamID;
  /** False for the `ms-*` form (XADD): the sequence is to be chosen. */
  readonly seqGiven: boolean;
}

/**
 * streamGenericParseIDOrReply: `ms-seq`, `ms` (seq = missingSeq), `-` and `+` unless strict, and
 * `ms-*` when allowed. Undefined when invalid.
 */
export function parseStreamId(
  text: string,
  missingSeq: bigint,
  strict: boolean,
  allowAutoSeq = false,
): ParsedId | undefined {
  if (text.length > 127) return undefined;
  if (text === '-' || text === '+') {
    if (strict) return undefined;
    return { id: text === '-' ? ZERO_ID : MAX_ID, seqGiven: true };
  }
  const dash = text.indexOf('-');
  const msText = dash < 0 ? text : text.slice(0, dash);
  const ms = string2ull(msText);
  if (ms === undefined) return undefined;
  if (dash < 0) return { id: { ms, seq: missingSeq }, seqGiven: true };
  const seqText = text.slice(dash + 1);
  if (allowAutoSeq && seqText === '*') return { id: { ms, seq: 0n }, seqGiven: false };
  const seq = string2ull(seqText);
  if (seq === undefined) return undefined;
  return { id: { ms, seq }, seqGiven: true };
}

/** streamParseStrictIDOrReply. */
export function strictId(text: string, missingSeq = 0n): StreamID {
  const parsed = parseStreamId(text, missingSeq, true);
  return parsed === undefined ? fail(ERR_STREAM_INVALID_ID) : parsed.id;
}

/** streamParseIDOrReply (`-` and `+` allowed). */
export function looseId(text: string, missingSeq = 0n): StreamID {
  const parsed = parseStreamId(text, missingSeq, false);
  return parsed === undefined ? fail(ERR_STREAM_INVALID_ID) : parsed.id;
}

/** streamParseIntervalIDOrReply: an ID, or `(ID` exclusive (strict after the parenthesis). */
export function intervalId(text: string, missingSeq: bigint): { id: StreamID; exclusive: boolean } {
  if (text.length > 1 && text[0] === '(') return { id: strictId(text.slice(1), missingSeq), exclusive: true };
  return { id: looseId(text, missingSeq), exclusive: false };
}

/** One entry as replied: [id, [field, value, …]]. */
export function entryReply(id: StreamID, pairs: readonly string[]): Reply {
  return array([bulk(idText(id)), bulkArray(pairs)]);
}

/** streamReplyWithRange without a group: the entries of [start, end], at most count (0: all). */
export function rangeReply(s: Stream, start: StreamID, end: StreamID, count: number, rev: boolean): Reply {
  return array(rangeItems(s, start, end, count, rev));
}

export function rangeItems(s: Stream, start: StreamID, end: StreamID, count: number, rev: boolean): Reply[] {
  const items: Reply[] = [];
  for (const [id, pairs] of s.range(start, end, rev)) {
    items.push(entryReply(id, pairs));
    if (count !== 0 && items.length >= count) break;
  }
  return items;
}

/** The entry with exactly `id`, as a reply, or undefined when absent. */
export function singleEntry(s: Stream, id: StreamID): Reply | undefined {
  for (const [eid, pairs] of s.range(id, id)) return entryReply(eid, pairs);
  return undefined;
}

export function readStream(ctx: CommandContext, key: string): StreamValue | undefined {
  return readTyped(ctx, key, 'stream');
}

export function writeStream(ctx: CommandContext, key: string): StreamValue | undefined {
  return writeTyped(ctx, key, 'stream');
}

export function noGroupError(key: string, group: string): never {
  return fail(ERR_NOGROUP(key, group));
}

/** streamCreateConsumer with SCC_DEFAULT: notifies xgroup-createconsumer and counts one change. */
export function createConsumer(
  ctx: CommandContext,
  key: string,
  group: StreamGroup,
  name: string,
): StreamConsumer {
  const consumer = new StreamConsumer(name, ctx.now);
  group.consumers.set(name, consumer);
  ctx.notify('t', 'xgroup-createconsumer', key);
  ctx.keyModified(key);
  return consumer;
}

/** streamLookupConsumer (SLC_DEFAULT refreshes seen-time) or create it. */
export function lookupOrCreateConsumer(
  ctx: CommandContext,
  key: string,
  group: StreamGroup,
  name: string,
): StreamConsumer {
  const found = group.consumers.get(name);
  if (found !== undefined) {
    found.seenTime = ctx.now;
    return found;
  }
  return createConsumer(ctx, key, group, name);
}

/** streamPropagateXCLAIM: the idempotent XCLAIM a replica or the AOF replays for one PEL change. */
export function xclaimPropagation(
  key: string,
  groupName: string,
  group: StreamGroup,
  id: string,
  nack: StreamNack,
): string[] {
  return [
    'XCLAIM',
    key,
    groupName,
    nack.consumer.name,
    '0',
    id,
    'TIME',
    String(nack.deliveryTime),
    'RETRYCOUNT',
    String(nack.deliveryCount),
    'FORCE',
    'JUSTID',
    'LASTID',
    idText(group.lastId),
  ];
}

/** streamPropagateGroupID: XGROUP SETID key group last-id ENTRIESREAD n. */
export function setIdPropagation(key: string, groupName: string, group: StreamGroup): string[] {
  return ['XGROUP', 'SETID', key, groupName, idText(group.lastId), 'ENTRIESREAD', String(group.entriesRead)];
}

/** streamPropagateConsumerCreation. */
export function createConsumerPropagation(key: string, groupName: string, consumer: string): string[] {
  return ['XGROUP', 'CREATECONSUMER', key, groupName, consumer];
}

/** streamReplyWithCGLag's value: the group's lag, or undefined when it cannot be known. */
export function groupLag(s: Stream, g: StreamGroup): bigint | undefined {
  if (s.entriesAdded === 0n) return 0n;
  if (g.entriesRead !== INVALID_ENTRIES_READ && !s.rangeHasTombstones(g.lastId, undefined)) {
    return s.entriesAdded - g.entriesRead;
  }
  const estimated = s.estimateEntriesRead(g.lastId);
  return estimated === INVALID_ENTRIES_READ ? undefined : s.entriesAdded - estimated;
}

export { NULL_ARRAY };
