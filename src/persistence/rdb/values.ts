/**
 * Decoding of one serialized value (rdbLoadObject): every type and encoding Redis 7.0 loads, into a
 * plain form the store loader, DUMP/RESTORE and the file describer share. Strings are latin1 JS
 * strings, one char per byte, as in the store.
 */
import {
  QUICKLIST_NODE_CONTAINER_PACKED,
  QUICKLIST_NODE_CONTAINER_PLAIN,
  RDB_TYPE_HASH,
  RDB_TYPE_HASH_LISTPACK,
  RDB_TYPE_HASH_ZIPLIST,
  RDB_TYPE_HASH_ZIPMAP,
  RDB_TYPE_LIST,
  RDB_TYPE_LIST_QUICKLIST,
  RDB_TYPE_LIST_QUICKLIST_2,
  RDB_TYPE_LIST_ZIPLIST,
  RDB_TYPE_MODULE,
  RDB_TYPE_MODULE_2,
  RDB_TYPE_SET,
  RDB_TYPE_SET_INTSET,
  RDB_TYPE_STREAM_LISTPACKS,
  RDB_TYPE_STREAM_LISTPACKS_2,
  RDB_TYPE_STRING,
  RDB_TYPE_ZSET,
  RDB_TYPE_ZSET_2,
  RDB_TYPE_ZSET_LISTPACK,
  RDB_TYPE_ZSET_ZIPLIST,
  RdbError,
  STREAM_ITEM_FLAG_DELETED,
  STREAM_ITEM_FLAG_SAMEFIELDS,
} from './constants.js';
import { RdbInput, parseScore } from './input.js';
import { intsetMembers } from './intset.js';
import { listpackEntries } from './listpack.js';
import { ziplistEntries } from './ziplist.js';
import { zipmapPairs } from './zipmap.js';

/** A stream ID as "ms-seq". */
export type StreamId = string;

export interface RdbStreamGroup {
  readonly name: string;
  readonly lastId: StreamId;
  /** entries_read; 2^64-1 means unknown (SCG_INVALID_ENTRIES_READ); undefined in type 15. */
  readonly entriesRead: bigint | undefined;
  /** Pending entries: id, last delivery (unix ms), delivery count. */
  readonly pel: readonly (readonly [StreamId, number, number])[];
  readonly consumers: readonly {
    readonly name: string;
    readonly seenTime: number;
    readonly pel: readonly StreamId[];
  }[];
}

/** One listpack node as saved: its master entry and every entry in it, deleted ones included. */
export interface RdbStreamNode {
  readonly master: StreamId;
  readonly masterFields: readonly string[];
  /** id, flags (STREAM_ITEM_FLAG_*), field-value pairs. */
  readonly entries: readonly (readonly [StreamId, number, readonly string[]])[];
}

export interface RdbStream {
  /** The live entries, in order. */
  readonly entries: readonly (readonly [StreamId, readonly string[]])[];
  /** The nodes as saved, so a loader can keep Redis's node boundaries and deleted entries. */
  readonly nodes: readonly RdbStreamNode[];
  readonly length: number;
  readonly lastId: StreamId;
  readonly firstId: StreamId | undefined;
  readonly maxDeletedId: StreamId | undefined;
  readonly entriesAdded: bigint | undefined;
  readonly groups: readonly RdbStreamGroup[];
}

export type RdbValue =
  | { readonly kind: 'string'; readonly value: string }
  /** `nodes`: element count of each quicklist node, when the encoding has nodes. */
  | { readonly kind: 'list'; readonly items: string[]; readonly nodes?: readonly number[] }
  /** `intsetWidth`: bytes per element when the set was an intset. */
  | { readonly kind: 'set'; readonly members: string[]; readonly intsetWidth?: number }
  | { readonly kind: 'hash'; readonly fields: [string, string][] }
  | { readonly kind: 'zset'; readonly entries: [string, number][] }
  | { readonly kind: 'stream'; readonly stream: RdbStream };

/** The name of each object type, as the describer prints it. */
export const TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [RDB_TYPE_STRING, 'string'],
  [RDB_TYPE_LIST, 'list'],
  [RDB_TYPE_SET, 'set'],
  [RDB_TYPE_ZSET, 'zset'],
  [RDB_TYPE_HASH, 'hash'],
  [RDB_TYPE_ZSET_2, 'zset2'],
  [RDB_TYPE_MODULE, 'module'],
  [RDB_TYPE_MODULE_2, 'module2'],
  [RDB_TYPE_HASH_ZIPMAP, 'hash_zipmap'],
  [RDB_TYPE_LIST_ZIPLIST, 'list_ziplist'],
  [RDB_TYPE_SET_INTSET, 'set_intset'],
  [RDB_TYPE_ZSET_ZIPLIST, 'zset_ziplist'],
  [RDB_TYPE_HASH_ZIPLIST, 'hash_ziplist'],
  [RDB_TYPE_LIST_QUICKLIST, 'list_quicklist'],
  [RDB_TYPE_STREAM_LISTPACKS, 'stream_listpacks'],
  [RDB_TYPE_HASH_LISTPACK, 'hash_listpack'],
  [RDB_TYPE_ZSET_LISTPACK, 'zset_listpack'],
  [RDB_TYPE_LIST_QUICKLIST_2, 'list_quicklist2'],
  [RDB_TYPE_STREAM_LISTPACKS_2, 'stream_listpacks2'],
]);

export function isObjectType(t: number): boolean {
  return TYPE_NAMES.has(t);
}

/** A value of a type this server cannot hold or even parse (modules). */
export class RdbUnsupportedType extends RdbError {
  constructor(readonly typeName: string) {
    super(`values of type ${typeName} are not supported`);
  }
}

function pairs(flat: readonly string[], what: string): [string, string][] {
  if (flat.length % 2 !== 0) throw new RdbError(`${what} with an odd number of elements`);
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i] as string, flat[i + 1] as string]);
  return out;
}

function scored(flat: readonly string[], what: string): [string, number][] {
  return pairs(flat, what).map(([m, s]) => [m, parseScore(s)]);
}

/** Reads the value of object type `type` at the cursor (rdbLoadObject). */
export function readValue(input: RdbInput, type: number): RdbValue {
  switch (type) {
    case RDB_TYPE_STRING:
      return { kind: 'string', value: input.text('a string value') };
    case RDB_TYPE_LIST: {
      const n = input.len('a list length');
      const items: string[] = [];
      for (let i = 0; i < n; i++) items.push(input.text('a list element'));
      return { kind: 'list', items };
    }
    case RDB_TYPE_SET: {
      const n = input.len('a set size');
      const members: string[] = [];
      for (let i = 0; i < n; i++) members.push(input.text('a set member'));
      return { kind: 'set', members };
    }
    case RDB_TYPE_ZSET:
    case RDB_TYPE_ZSET_2: {
      const n = input.len('a sorted set size');
      const entries: [string, number][] = [];
      for (let i = 0; i < n; i++) {
        const member = input.text('a sorted set member');
        const score = type === RDB_TYPE_ZSET_2 ? input.binaryDouble() : input.textDouble();
        if (Number.isNaN(score)) throw new RdbError('sorted set score is NaN');
        entries.push([member, score]);
      }
      return { kind: 'zset', entries };
    }
    case RDB_TYPE_HASH: {
      const n = input.len('a hash size');
      const fields: [string, string][] = [];
      for (let i = 0; i < n; i++) fields.push([input.text('a hash field'), input.text('a hash value')]);
      return { kind: 'hash', fields };
    }
    case RDB_TYPE_HASH_ZIPMAP:
      return { kind: 'hash', fields: zipmapPairs(input.string('a zipmap')) };
    case RDB_TYPE_LIST_ZIPLIST: {
      const items = ziplistEntries(input.string('a ziplist'));
      return { kind: 'list', items };
    }
    case RDB_TYPE_SET_INTSET: {
      const { width, members } = intsetMembers(input.string('an intset'));
      return { kind: 'set', members, intsetWidth: width };
    }
    case RDB_TYPE_ZSET_ZIPLIST:
      return { kind: 'zset', entries: scored(ziplistEntries(input.string('a ziplist')), 'zset ziplist') };
    case RDB_TYPE_HASH_ZIPLIST:
      return { kind: 'hash', fields: pairs(ziplistEntries(input.string('a ziplist')), 'hash ziplist') };
    case RDB_TYPE_HASH_LISTPACK:
      return { kind: 'hash', fields: pairs(listpackEntries(input.string('a listpack')), 'hash listpack') };
    case RDB_TYPE_ZSET_LISTPACK:
      return { kind: 'zset', entries: scored(listpackEntries(input.string('a listpack')), 'zset listpack') };
    case RDB_TYPE_LIST_QUICKLIST:
    case RDB_TYPE_LIST_QUICKLIST_2:
      return readQuicklist(input, type);
    case RDB_TYPE_STREAM_LISTPACKS:
    case RDB_TYPE_STREAM_LISTPACKS_2:
      return { kind: 'stream', stream: readStream(input, type) };
    case RDB_TYPE_MODULE:
    case RDB_TYPE_MODULE_2:
      throw new RdbUnsupportedType('module');
    default:
      throw new RdbError(`unknown object type ${type}`);
  }
}

function readQuicklist(input: RdbInput, type: number): RdbValue {
  const nodeCount = input.len('a quicklist node count');
  const items: string[] = [];
  const nodes: number[] = [];
  for (let i = 0; i < nodeCount; i++) {
    let container = QUICKLIST_NODE_CONTAINER_PACKED;
    if (type === RDB_TYPE_LIST_QUICKLIST_2) {
      container = input.len('a quicklist node container');
      if (container !== QUICKLIST_NODE_CONTAINER_PACKED && container !== QUICKLIST_NODE_CONTAINER_PLAIN) {
        throw new RdbError(`quicklist node container ${container} is unknown`);
      }
    }
    const blob = input.string('a quicklist node');
    if (container === QUICKLIST_NODE_CONTAINER_PLAIN) {
      items.push(blob.toString('latin1'));
      nodes.push(1);
      continue;
    }
    const elements = type === RDB_TYPE_LIST_QUICKLIST_2 ? listpackEntries(blob) : ziplistEntries(blob);
    // Redis skips empty nodes (a listpack with no element is "empty keys" garbage).
    if (elements.length === 0) continue;
    for (const e of elements) items.push(e);
    nodes.push(elements.length);
  }
  return { kind: 'list', items, nodes };
}

function rawStreamId(raw: Buffer): StreamId {
  if (raw.length !== 16) throw new RdbError(`stream ID of ${raw.length} bytes, 16 expected`);
  return `${raw.readBigUInt64BE(0)}-${raw.readBigUInt64BE(8)}`;
}

function lpInt(entries: readonly string[], i: number): bigint {
  const e = entries[i];
  if (e === undefined || !/^-?\d+$/.test(e)) throw new RdbError('stream listpack entry is not an integer');
  return BigInt(e);
}

/** Stream listpack node (t_stream.c streamAppendItem layout): master entry, then entries. */
function streamNodeEntries(
  master: StreamId,
  lp: readonly string[],
  out: [StreamId, string[]][],
): RdbStreamNode {
  const all: [StreamId, number, string[]][] = [];
  const [msText, seqText] = master.split('-') as [string, string];
  const masterMs = BigInt(msText);
  const masterSeq = BigInt(seqText);
  const count = Number(lpInt(lp, 0));
  const deleted = Number(lpInt(lp, 1));
  const masterFieldCount = Number(lpInt(lp, 2));
  const masterFields = lp.slice(3, 3 + masterFieldCount);
  let p = 3 + masterFieldCount + 1; // the master entry ends with a 0
  for (let n = 0; n < count + deleted; n++) {
    const flags = Number(lpInt(lp, p));
    // The deltas are (int64)(id − master) per part: wrap back into unsigned 64 bits (streamDecodeID).
    const id = `${BigInt.asUintN(64, masterMs + lpInt(lp, p + 1))}-${BigInt.asUintN(64, masterSeq + lpInt(lp, p + 2))}`;
    p += 3;
    const fields: string[] = [];
    if ((flags & STREAM_ITEM_FLAG_SAMEFIELDS) !== 0) {
      for (const f of masterFields) fields.push(f, lp[p++] ?? '');
    } else {
      const k = Number(lpInt(lp, p++));
      for (let i = 0; i < k * 2; i++) fields.push(lp[p++] ?? '');
    }
    p++; // lp-count
    if (p > lp.length) throw new RdbError('stream listpack entry runs past the end');
    if ((flags & STREAM_ITEM_FLAG_DELETED) === 0) out.push([id, fields]);
    all.push([id, flags, fields]);
  }
  return { master, masterFields, entries: all };
}

function readStream(input: RdbInput, type: number): RdbStream {
  const v2 = type === RDB_TYPE_STREAM_LISTPACKS_2;
  const entries: [StreamId, string[]][] = [];
  const nodes: RdbStreamNode[] = [];
  const nodeCount = input.len('a stream node count');
  for (let i = 0; i < nodeCount; i++) {
    const master = rawStreamId(input.string('a stream node key'));
    const lp = listpackEntries(input.string('a stream listpack'));
    if (lp.length === 0) throw new RdbError('empty stream listpack');
    nodes.push(streamNodeEntries(master, lp, entries));
  }
  const length = input.len('a stream length');
  const id = (): StreamId => `${input.bigLen('a stream ID')}-${input.bigLen('a stream ID')}`;
  const lastId = id();
  let firstId: StreamId | undefined;
  let maxDeletedId: StreamId | undefined;
  let entriesAdded: bigint | undefined;
  if (v2) {
    firstId = id();
    maxDeletedId = id();
    entriesAdded = input.bigLen('stream entries_added');
  }
  const groups: RdbStreamGroup[] = [];
  const groupCount = input.len('a consumer group count');
  for (let g = 0; g < groupCount; g++) {
    const name = input.text('a consumer group name');
    const groupLastId = id();
    const entriesRead = v2 ? input.bigLen('entries_read') : undefined;
    const pel: [StreamId, number, number][] = [];
    const pelSize = input.len('a PEL size');
    for (let i = 0; i < pelSize; i++) {
      const pid = rawStreamId(input.raw(16, 'a PEL ID'));
      pel.push([pid, input.millis('a delivery time'), input.len('a delivery count')]);
    }
    const consumers: { name: string; seenTime: number; pel: StreamId[] }[] = [];
    const consumerCount = input.len('a consumer count');
    for (let c = 0; c < consumerCount; c++) {
      const cname = input.text('a consumer name');
      const seenTime = input.millis('a consumer seen time');
      const cpel: StreamId[] = [];
      const n = input.len('a consumer PEL size');
      for (let i = 0; i < n; i++) cpel.push(rawStreamId(input.raw(16, 'a consumer PEL ID')));
      consumers.push({ name: cname, seenTime, pel: cpel });
    }
    groups.push({ name, lastId: groupLastId, entriesRead, pel, consumers });
  }
  return { entries, nodes, length, lastId, firstId, maxDeletedId, entriesAdded, groups };
}
