/**
 * Serializing one store value (rdbSaveObjectType + rdbSaveObject), choosing the encoding Redis 7.0
 * would hold the value in, so OBJECT ENCODING agrees after real Redis loads the file: strings as type
 * 0; lists as quicklist 2 of listpack nodes; small hashes and sorted sets as listpacks; small
 * all-integer sets as intsets; the rest as hash tables and skiplists.
 */
import {
  idKey,
  stringText,
  STREAM_ITEM_FLAG_SAMEFIELDS,
  type Stream,
  type StreamNode,
  type Value,
} from '../../store/index.js';
import {
  QUICKLIST_NODE_CONTAINER_PACKED,
  RDB_TYPE_HASH,
  RDB_TYPE_HASH_LISTPACK,
  RDB_TYPE_LIST_QUICKLIST_2,
  RDB_TYPE_SET,
  RDB_TYPE_SET_INTSET,
  RDB_TYPE_STREAM_LISTPACKS_2,
  RDB_TYPE_STRING,
  RDB_TYPE_ZSET_2,
  RDB_TYPE_ZSET_LISTPACK,
} from './constants.js';
import { canonicalInt64 } from './int64.js';
import { buildIntset } from './intset.js';
import { buildListpack, listpackElementSize } from './listpack.js';
import type { RdbOutput } from './output.js';

/** The encoding thresholds in force (redis.conf names in camelCase). */
export interface EncodingLimits {
  readonly hashMaxListpackEntries: number;
  readonly hashMaxListpackValue: number;
  readonly setMaxIntsetEntries: number;
  readonly zsetMaxListpackEntries: number;
  readonly zsetMaxListpackValue: number;
  /** list-max-listpack-size: negative = node byte limit class (-2 = 8 KB), positive = elements per node. */
  readonly listMaxListpackSize: number;
}

/** Redis 7.0's defaults (as Debian's redis-server reports them with CONFIG GET). */
export const DEFAULT_ENCODING_LIMITS: EncodingLimits = {
  hashMaxListpackEntries: 512,
  hashMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
  listMaxListpackSize: -2,
};

/** quicklist.c optimization_level, SIZE_SAFETY_LIMIT and SIZE_ESTIMATE_OVERHEAD. */
const NODE_BYTE_LIMITS = [4096, 8192, 16384, 32768, 65536];
const SIZE_SAFETY_LIMIT = 8192;
const SIZE_ESTIMATE_OVERHEAD = 8;
const LP_HEADER_AND_END = 7;

/**
 * Splits list elements into quicklist nodes as Redis 7.0's _quicklistNodeAllowInsert fills them when
 * the list is built by RPUSH: a node takes the next element while its listpack bytes + the element's
 * length + 8 stay within the fill's byte limit (or, for a positive fill, within 8 KB and fill elements).
 */
function quicklistNodes(items: Iterable<string>, fill: number): string[][] {
  const nodes: string[][] = [];
  let current: string[] = [];
  let bytes = LP_HEADER_AND_END;
  for (const item of items) {
    const sz = listpackElementSize(item);
    const newSize = bytes + item.length + SIZE_ESTIMATE_OVERHEAD;
    let fits: boolean;
    if (current.length === 0) fits = true;
    else if (fill < 0) fits = newSize <= (NODE_BYTE_LIMITS[Math.min(-fill, 5) - 1] as number);
    else fits = newSize <= SIZE_SAFETY_LIMIT && current.length < fill;
    if (!fits || current.length >= 65535) {
      nodes.push(current);
      current = [];
      bytes = LP_HEADER_AND_END;
    }
    current.push(item);
    bytes += sz;
  }
  if (current.length > 0) nodes.push(current);
  return nodes;
}

/** Redis 7.0 d2string: integers within ±2^52 as integers, else "%.17g"; inf as "inf". */
export function d2string(x: number): string {
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  if (x > -4503599627370495 && x < 4503599627370496 && Number.isInteger(x)) return String(x);
  const [m, e] = x.toExponential(16).split('e') as [string, string];
  const exp = Number(e);
  const strip = (t: string): string => (t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t);
  if (exp < -4 || exp >= 17) {
    const abs = Math.abs(exp);
    return `${strip(m)}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  return strip(x.toFixed(16 - exp));
}

/** LLONG_MAX / 2 as a double: Redis double2ll's range. */
const DOUBLE2LL_LIMIT = 4611686018427387903;

/**
 * A score as a listpack zset stores it (t_zset.c zzlInsertAt): an integral score within
 * ±LLONG_MAX/2 as an integer (so -0 becomes 0), anything else as d2string's text.
 */
export function listpackScore(x: number): string {
  if (Number.isInteger(x) && x >= -DOUBLE2LL_LIMIT && x <= DOUBLE2LL_LIMIT) return BigInt(x).toString();
  return d2string(x);
}

function hashIsListpack(fields: ReadonlyMap<string, string>, outgrown: boolean, l: EncodingLimits): boolean {
  if (outgrown || fields.size > l.hashMaxListpackEntries) return false;
  for (const [f, v] of fields) {
    if (f.length > l.hashMaxListpackValue || v.length > l.hashMaxListpackValue) return false;
  }
  return true;
}

function setIsIntset(members: ReadonlySet<string>, outgrown: boolean, l: EncodingLimits): boolean {
  if (outgrown || members.size > l.setMaxIntsetEntries) return false;
  for (const m of members) if (canonicalInt64(m) === undefined) return false;
  return true;
}

/** Writes the value's type byte (then the caller writes the key) — split so the key sits between. */
export function valueType(value: Value, l: EncodingLimits): number {
  if (typeof value === 'string') return RDB_TYPE_STRING;
  switch (value.type) {
    case 'string':
      return RDB_TYPE_STRING;
    case 'list':
      return RDB_TYPE_LIST_QUICKLIST_2;
    case 'hash':
      return hashIsListpack(value.fields, value.outgrown === true, l)
        ? RDB_TYPE_HASH_LISTPACK
        : RDB_TYPE_HASH;
    case 'set':
      return setIsIntset(value.members, value.outgrown === true, l) ? RDB_TYPE_SET_INTSET : RDB_TYPE_SET;
    case 'zset':
      return value.zset.encoding === 'listpack' ? RDB_TYPE_ZSET_LISTPACK : RDB_TYPE_ZSET_2;
    case 'stream':
      return RDB_TYPE_STREAM_LISTPACKS_2;
  }
}

/** Writes the value in the encoding `type` (from valueType). */
export function writeValue(out: RdbOutput, value: Value, type: number, l: EncodingLimits): void {
  if (typeof value === 'string' || value.type === 'string') {
    out.string(stringText(value));
    return;
  }
  switch (value.type) {
    case 'list': {
      const nodes = quicklistNodes(value.items, l.listMaxListpackSize);
      out.len(nodes.length);
      for (const node of nodes) {
        out.len(QUICKLIST_NODE_CONTAINER_PACKED);
        out.blob(buildListpack(node));
      }
      return;
    }
    case 'hash':
      if (type === RDB_TYPE_HASH_LISTPACK) {
        out.blob(buildListpack(flatPairs(value.fields)));
      } else {
        out.len(value.fields.size);
        for (const [f, v] of value.fields) {
          out.string(f);
          out.string(v);
        }
      }
      return;
    case 'set':
      if (type === RDB_TYPE_SET_INTSET) {
        out.blob(buildIntset(value.members));
      } else {
        out.len(value.members.size);
        for (const m of value.members) out.string(m);
      }
      return;
    case 'zset': {
      const entries = [...value.zset.entries()];
      if (type === RDB_TYPE_ZSET_LISTPACK) {
        out.blob(buildListpack(entries.flatMap((e) => [e.member, listpackScore(e.score)])));
      } else {
        // Highest score first, so the loader can insert each at the head of the skiplist.
        out.len(entries.length);
        for (let i = entries.length - 1; i >= 0; i--) {
          const e = entries[i] as { member: string; score: number };
          out.string(e.member);
          out.binaryDouble(e.score);
        }
      }
      return;
    }
    case 'stream':
      writeStream(out, value.stream);
      return;
  }
}

/** One node's listpack as streamAppendItem built it: master entry, then each entry (deleted ones too). */
function nodeListpack(node: StreamNode): Buffer {
  const els: string[] = [String(node.live), String(node.deleted), String(node.masterFields.length)];
  els.push(...node.masterFields, '0');
  for (let i = 0; i < node.count; i++) {
    const id = node.idAt(i);
    const flags = node.flagsAt(i);
    const pairs = node.pairsAt(i);
    const same = (flags & STREAM_ITEM_FLAG_SAMEFIELDS) !== 0;
    els.push(
      String(flags),
      String(BigInt.asIntN(64, id.ms - node.master.ms)),
      String(BigInt.asIntN(64, id.seq - node.master.seq)),
    );
    if (!same) els.push(String(pairs.length / 2));
    for (let j = 0; j < pairs.length; j++) if (!same || j % 2 === 1) els.push(pairs[j] as string);
    els.push(String(same ? pairs.length / 2 + 3 : pairs.length + 4));
  }
  return buildListpack(els);
}

function writeId(out: RdbOutput, id: { ms: bigint; seq: bigint }): void {
  out.bigLen(id.ms);
  out.bigLen(id.seq);
}

/** rdbSaveObject for OBJ_STREAM as RDB_TYPE_STREAM_LISTPACKS_2 (Redis 7.0). */
function writeStream(out: RdbOutput, s: Stream): void {
  out.len(s.nodes.length);
  for (const node of s.nodes) {
    out.blob(Buffer.from(idKey(node.master), 'latin1'));
    out.blob(nodeListpack(node));
  }
  out.len(s.length);
  writeId(out, s.lastId);
  writeId(out, s.firstId);
  writeId(out, s.maxDeletedId);
  out.bigLen(s.entriesAdded);
  const groups = s.groups === undefined ? [] : [...s.groups.entries()];
  out.len(groups.length);
  for (const [name, g] of groups) {
    out.string(name);
    writeId(out, g.lastId);
    out.bigLen(BigInt.asUintN(64, g.entriesRead));
    out.len(g.pel.size);
    for (const [k, nack] of g.pel.entries()) {
      out.bytes(Buffer.from(k, 'latin1'));
      out.millis(nack.deliveryTime);
      out.len(nack.deliveryCount);
    }
    const consumers = [...g.consumers.entries()];
    out.len(consumers.length);
    for (const [cname, c] of consumers) {
      out.string(cname);
      out.millis(c.seenTime);
      out.len(c.pel.size);
      for (const [k] of c.pel.entries()) out.bytes(Buffer.from(k, 'latin1'));
    }
  }
}

function* flatPairs(fields: ReadonlyMap<string, string>): IterableIterator<string> {
  for (const [f, v] of fields) {
    yield f;
    yield v;
  }
}
