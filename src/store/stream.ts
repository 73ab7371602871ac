/**
 * The stream type (Redis 7.0 t_stream.c / stream.h): entries keyed by ms-seq IDs in increasing order,
 * the last generated ID, the first entry's ID, the greatest deleted ID, the count of entries ever
 * added, and consumer groups with their pending entries lists (PEL) and consumers.
 *
 * Structure. Redis keeps the entries in a radix tree of listpack nodes; here the nodes are a sorted
 * array of the same nodes (StreamNode), each holding up to stream-node-max-entries entries or
 * stream-node-max-bytes of listpack, deleted entries included, exactly as streamAppendItem fills
 * them. A lookup is a binary search over the nodes' first IDs, then over the node's IDs: O(log n)
 * for XADD (always at the tail), XRANGE seeks, XDEL; XTRIM drops whole nodes from the head. Keeping
 * Redis's node boundaries (not some other chunking) is what makes the approximate trims (`~`, LIMIT)
 * remove exactly the entries Redis removes, and lets XINFO report the same radix-tree-keys; the
 * byte size of each node's listpack is modelled (lpBytes) for the node-full rule and for memory.
 * Each node packs its entries into one Buffer much as the listpack does (see StreamNode), so the
 * process holds about what Redis holds per entry, not an object graph per entry.
 *
 * IDs are pairs of bigints (both parts are unsigned 64-bit); inside a node they are stored as
 * varints relative to the node's master ID and read back exactly. Mutate a stream only after
 * Database.lookupWrite (snapshot copy-on-write), like every other type.
 */
import { allocSize } from './alloc-model.js';

export interface StreamID {
  readonly ms: bigint;
  readonly seq: bigint;
}

export const UINT64_MAX = 18446744073709551615n;
export const ZERO_ID: StreamID = { ms: 0n, seq: 0n };
export const MAX_ID: StreamID = { ms: UINT64_MAX, seq: UINT64_MAX };

export function compareIds(a: StreamID, b: StreamID): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

export function idText(id: StreamID): string {
  return `${id.ms}-${id.seq}`;
}

/** The ID as a 16-byte big-endian latin1 string: sorts like the ID (rax keys, PEL keys). */
export function idKey(id: StreamID): string {
  const b = Buffer.allocUnsafe(16);
  b.writeBigUInt64BE(id.ms, 0);
  b.writeBigUInt64BE(id.seq, 8);
  return b.toString('latin1');
}

export function idFromKey(key: string): StreamID {
  const b = Buffer.from(key, 'latin1');
  return { ms: b.readBigUInt64BE(0), seq: b.readBigUInt64BE(8) };
}

/** streamIncrID: the next ID after `id`, or undefined past the last possible one. */
export function incrId(id: StreamID): StreamID | undefined {
  if (id.seq === UINT64_MAX) {
    if (id.ms === UINT64_MAX) return undefined;
    return { ms: id.ms + 1n, seq: 0n };
  }
  return { ms: id.ms, seq: id.seq + 1n };
}

/** streamDecrID. */
export function decrId(id: StreamID): StreamID | undefined {
  if (id.seq === 0n) {
    if (id.ms === 0n) return undefined;
    return { ms: id.ms - 1n, seq: UINT64_MAX };
  }
  return { ms: id.ms, seq: id.seq - 1n };
}

// --- listpack sizes (listpack.c lpEncodeGetType / lpEncodeBacklen) --------------------------------

function backlenBytes(l: number): number {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

function intEntryBytes(v: bigint | number): number {
  const n = typeof v === 'number' ? v : Number(v);
  let enc: number;
  if (n >= 0 && n <= 127) enc = 1;
  else if (n >= -4096 && n <= 4095) enc = 2;
  else if (n >= -32768 && n <= 32767) enc = 3;
  else if (n >= -8388608 && n <= 8388607) enc = 4;
  else if (n >= -2147483648 && n <= 2147483647) enc = 5;
  else enc = 9;
  return enc + 1;
}

const INT_LIKE = /^(?:0|-?[1-9][0-9]{0,18})$/;

/** Bytes one string element takes in a listpack (integers are stored as integers). */
export function lpElementBytes(s: string): number {
  if (s.length <= 20 && INT_LIKE.test(s)) {
    const v = BigInt(s);
    if (v >= -9223372036854775808n && v <= 9223372036854775807n) return intEntryBytes(v);
  }
  const len = s.length;
  const enc = (len < 64 ? 1 : len < 4096 ? 2 : 5) + len;
  return enc + backlenBytes(enc);
}

/** Whether the delta fits the int64 listpack integer Redis writes (it writes (int64)(a-b)). */
function deltaBytes(d: bigint): number {
  return intEntryBytes(BigInt.asIntN(64, d));
}

const LP_HEADER_AND_END = 7;
export const STREAM_ITEM_FLAG_DELETED = 1;
export const STREAM_ITEM_FLAG_SAMEFIELDS = 2;
/** t_stream.c STREAM_LISTPACK_MAX_SIZE: a listpack never grows past 1 GB. */
const STREAM_LISTPACK_MAX_SIZE = 1 << 30;

// --- packed entries --------------------------------------------------------------------------------

/**
 * An unsigned or signed integer as a number when it is a safe integer, else as a bigint. Relational
 * operators compare a number with a bigint exactly, so two such values compare with < and >.
 */
type Int = number | bigint;

function intOf(n: bigint): Int {
  return n >= -9007199254740991n && n <= 9007199254740991n ? Number(n) : n;
}

function cmpInt(a: Int, b: Int): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function varintBytes(v: Int): number {
  let n = 1;
  if (typeof v === 'number') {
    while (v >= 128) {
      v = Math.floor(v / 128);
      n++;
    }
  } else {
    while (v >= 128n) {
      v >>= 7n;
      n++;
    }
  }
  return n;
}

/** Writes v (≥ 0) as an unsigned LEB128 varint at pos; returns the position after it. */
function writeVarint(buf: Buffer, pos: number, v: Int): number {
  if (typeof v === 'number') {
    while (v >= 128) {
      buf[pos++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    buf[pos++] = v;
    return pos;
  }
  while (v >= 128n) {
    buf[pos++] = Number(v & 127n) | 128;
    v >>= 7n;
  }
  buf[pos++] = Number(v);
  return pos;
}

/** Where the last readVarint stopped (one reader at a time: the main thread). */
let varintEnd = 0;

/** Reads an unsigned LEB128 varint at pos (sets varintEnd); past 2^53 it is a bigint. */
function readVarint(buf: Buffer, pos: number): Int {
  let b = buf[pos] as number;
  if (b < 128) {
    varintEnd = pos + 1;
    return b;
  }
  let v = b & 127;
  let mul = 128;
  // Seven bytes hold 49 bits: exact as a number. Longer varints are decoded as bigints.
  for (let k = 1; k < 7; k++) {
    b = buf[pos + k] as number;
    v += (b & 127) * mul;
    if (b < 128) {
      varintEnd = pos + k + 1;
      return v;
    }
    mul *= 128;
  }
  let big = 0n;
  let shift = 0n;
  let p = pos;
  for (;;) {
    b = buf[p++] as number;
    big |= BigInt(b & 127) << shift;
    shift += 7n;
    if (b < 128) break;
  }
  varintEnd = p;
  return intOf(big);
}

function skipVarint(buf: Buffer, pos: number): number {
  while ((buf[pos++] as number) >= 128);
  return pos;
}

function writeLatin1(buf: Buffer, pos: number, s: string): number {
  const len = s.length;
  pos = writeVarint(buf, pos, len);
  if (len < 32) {
    for (let i = 0; i < len; i++) buf[pos + i] = s.charCodeAt(i);
  } else {
    buf.write(s, pos, len, 'latin1');
  }
  return pos + len;
}

function latin1Bytes(s: string): number {
  return varintBytes(s.length) + s.length;
}

/** Reads a length-prefixed latin1 string at pos (sets varintEnd past it). */
function readLatin1(buf: Buffer, pos: number): string {
  const len = readVarint(buf, pos) as number;
  const from = varintEnd;
  varintEnd = from + len;
  return buf.toString('latin1', from, from + len);
}

const EMPTY_BUFFER = Buffer.alloc(0);
const EMPTY_OFFSETS = new Uint16Array(0);
/** Offsets fit a Uint16Array while the node's packed bytes stay below this (the default 4096 does). */
const SHORT_OFFSETS_LIMIT = 65536;

/**
 * One listpack node of the radix tree: its master entry and every entry added to it, deleted ones too.
 *
 * The entries are packed the way a listpack packs them, into one Buffer per node, so an entry costs
 * its field and value bytes plus a few bytes, not objects and bigints. Each entry is:
 *   flags byte (STREAM_ITEM_FLAG_*), varint ms − master.ms, varint seq,
 *   same fields: varint-length value per master field;
 *   otherwise:   varint field count, then varint-length field and value for each.
 * `offsets` holds where each entry starts, so lookups binary-search by decoding the IDs in place.
 * Varints are unsigned LEB128 (the ID parts are unsigned 64-bit; seq is stored whole, not as a
 * delta, so every stored number is ≥ 0). The last node grows its buffer by doubling; seal() trims a
 * node to its exact size once no more entries will come to it. `bytes` is still the size of the
 * listpack Redis would hold (the memory model and the node-full rule), not of this buffer.
 */
export class StreamNode {
  /** The rax key: the ID of the node's first entry (deleted or not). */
  readonly master: StreamID;
  readonly masterFields: readonly string[];
  live = 0;
  deleted = 0;
  /** Bytes of the entries in Redis's listpack (not the master entry and header). */
  entryBytes = 0;
  private readonly masterFieldBytes: number;
  private data: Buffer = EMPTY_BUFFER;
  private used = 0;
  /** Where each entry starts in `data`: 16-bit while they fit (2 bytes an entry), else 32-bit. */
  private offsets: Uint16Array | Uint32Array = EMPTY_OFFSETS;

  constructor(master: StreamID, masterFields: readonly string[]) {
    this.master = master;
    this.masterFields = masterFields;
    let b = 0;
    for (const f of masterFields) b += lpElementBytes(f);
    this.masterFieldBytes = b;
  }

  /** Entries in the node, deleted ones included. */
  get count(): number {
    return this.live + this.deleted;
  }

  /** lpBytes of the node's listpack. */
  get bytes(): number {
    return (
      LP_HEADER_AND_END +
      intEntryBytes(this.live) +
      intEntryBytes(this.deleted) +
      intEntryBytes(this.masterFields.length) +
      this.masterFieldBytes +
      1 + // the master entry's 0 terminator
      1 +
      this.entryBytes
    );
  }

  get lastId(): StreamID {
    return this.idAt(this.count - 1);
  }

  /** Entry i's flags (STREAM_ITEM_FLAG_DELETED / _SAMEFIELDS). */
  flagsAt(i: number): number {
    return this.data[this.offsets[i] as number] as number;
  }

  isDeleted(i: number): boolean {
    return ((this.data[this.offsets[i] as number] as number) & STREAM_ITEM_FLAG_DELETED) !== 0;
  }

  idAt(i: number): StreamID {
    const data = this.data;
    const dMs = readVarint(data, (this.offsets[i] as number) + 1);
    const seq = readVarint(data, varintEnd);
    return {
      ms: dMs === 0 ? this.master.ms : this.master.ms + BigInt(dMs),
      seq: BigInt(seq),
    };
  }

  /** Entry i's field-value pairs, flat (a new array). */
  pairsAt(i: number): string[] {
    const data = this.data;
    const at = this.offsets[i] as number;
    let p = skipVarint(data, skipVarint(data, at + 1));
    const out: string[] = [];
    if (((data[at] as number) & STREAM_ITEM_FLAG_SAMEFIELDS) !== 0) {
      const fields = this.masterFields;
      for (let f = 0; f < fields.length; f++) {
        out.push(fields[f] as string, readLatin1(data, p));
        p = varintEnd;
      }
      return out;
    }
    const nf = readVarint(data, p) as number;
    p = varintEnd;
    for (let k = 0; k < nf * 2; k++) {
      out.push(readLatin1(data, p));
      p = varintEnd;
    }
    return out;
  }

  /** Entry i's ID against `id` (as compareIds), reading it in place. */
  compareAt(i: number, id: StreamID): number {
    return this.compareRel(i, intOf(id.ms - this.master.ms), intOf(id.seq));
  }

  /** Entry i against the ID (master.ms + dMs, seq). */
  private compareRel(i: number, dMs: Int, seq: Int): number {
    const data = this.data;
    const c = cmpInt(readVarint(data, (this.offsets[i] as number) + 1), dMs);
    if (c !== 0) return c;
    return cmpInt(readVarint(data, varintEnd), seq);
  }

  /** Index of the first entry with ID ≥ id (deleted entries included). */
  lowerBound(id: StreamID): number {
    return this.search(id, 0);
  }

  /** Index of the first entry with ID > id (deleted entries included). */
  upperBound(id: StreamID): number {
    return this.search(id, 1);
  }

  /** The first index whose entry compares ≥ `atLeast` against id. */
  private search(id: StreamID, atLeast: number): number {
    const dMs = intOf(id.ms - this.master.ms);
    if (dMs < 0) return 0;
    const seq = intOf(id.seq);
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.compareRel(mid, dMs, seq) < atLeast) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  sameFields(pairs: readonly string[]): boolean {
    if (pairs.length !== this.masterFields.length * 2) return false;
    for (let i = 0; i < this.masterFields.length; i++)
      if (pairs[i * 2] !== this.masterFields[i]) return false;
    return true;
  }

  /** Adds an entry after the last one (`id` greater than every ID in the node). */
  append(id: StreamID, pairs: readonly string[], sameFields: boolean): void {
    const lpDeltaMs = id.ms - this.master.ms;
    let b =
      intEntryBytes(sameFields ? STREAM_ITEM_FLAG_SAMEFIELDS : 0) +
      deltaBytes(lpDeltaMs) +
      deltaBytes(id.seq - this.master.seq);
    const nf = pairs.length / 2;
    if (!sameFields) b += intEntryBytes(nf);
    for (let i = 0; i < pairs.length; i++) {
      if (!sameFields || i % 2 === 1) b += lpElementBytes(pairs[i] as string);
    }
    b += intEntryBytes(sameFields ? nf + 3 : nf * 2 + 4);
    this.entryBytes += b;

    const dMs = intOf(lpDeltaMs);
    const seq = intOf(id.seq);
    let size = 1 + varintBytes(dMs) + varintBytes(seq);
    if (!sameFields) size += varintBytes(nf);
    for (let i = sameFields ? 1 : 0; i < pairs.length; i += sameFields ? 2 : 1)
      size += latin1Bytes(pairs[i] as string);
    const n = this.count;
    this.reserve(size, n + 1);
    const data = this.data;
    let p = this.used;
    this.offsets[n] = p;
    data[p++] = sameFields ? STREAM_ITEM_FLAG_SAMEFIELDS : 0;
    p = writeVarint(data, p, dMs);
    p = writeVarint(data, p, seq);
    if (sameFields) {
      for (let i = 1; i < pairs.length; i += 2) p = writeLatin1(data, p, pairs[i] as string);
    } else {
      p = writeVarint(data, p, nf);
      for (let i = 0; i < pairs.length; i++) p = writeLatin1(data, p, pairs[i] as string);
    }
    this.used = p;
    this.live++;
  }

  /**
   * Room for `bytes` more packed bytes and `entries` offsets, growing by doubling (from the size
   * presize() expects), and widening the offsets once an entry starts past 16 bits.
   */
  private reserve(bytes: number, entries: number): void {
    const need = this.used + bytes;
    if (need > this.data.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(need, this.data.length * 2, 64));
      this.data.copy(grown, 0, 0, this.used);
      this.data = grown;
    }
    const wide = this.used >= SHORT_OFFSETS_LIMIT;
    if (entries > this.offsets.length || (wide && this.offsets instanceof Uint16Array)) {
      const length = Math.max(entries, entries > this.offsets.length ? this.offsets.length * 2 : 0, 4);
      const grown = wide ? new Uint32Array(length) : new Uint16Array(length);
      grown.set(this.offsets.subarray(0, this.count));
      this.offsets = grown;
    }
  }

  /**
   * Sizes an empty node's storage for `bytes` packed bytes and `entries` entries (the size of the
   * node before it, usually): one allocation per node instead of a doubling series.
   */
  presize(bytes: number, entries: number): void {
    if (this.count !== 0) return;
    this.data = Buffer.allocUnsafeSlow(Math.max(64, bytes));
    this.offsets = bytes >= SHORT_OFFSETS_LIMIT ? new Uint32Array(entries) : new Uint16Array(entries);
  }

  /** Bytes of packed entries. */
  get packedBytes(): number {
    return this.used;
  }

  /**
   * No entry will be appended any more: trims the storage to its exact size, unless the slack is
   * under an eighth (not worth an allocation and a copy).
   */
  seal(): void {
    if (this.data.length - this.used > this.used >> 3) {
      const exact = Buffer.allocUnsafeSlow(this.used);
      this.data.copy(exact, 0, 0, this.used);
      this.data = exact;
    }
    if (this.offsets.length !== this.count) this.offsets = this.offsets.slice(0, this.count);
  }

  /** Marks entry `i` deleted (it stays in the listpack, as in Redis). */
  markDeleted(i: number): void {
    const at = this.offsets[i] as number;
    this.data[at] = (this.data[at] as number) | STREAM_ITEM_FLAG_DELETED;
    this.live--;
    this.deleted++;
  }

  /** A copy (snapshot copy-on-write) that shares nothing mutable with this node; sealed. */
  clone(): StreamNode {
    const n = new StreamNode(this.master, this.masterFields);
    n.data = Buffer.allocUnsafeSlow(this.used);
    this.data.copy(n.data, 0, 0, this.used);
    n.used = this.used;
    n.offsets = this.offsets.slice(0, this.count);
    n.live = this.live;
    n.deleted = this.deleted;
    n.entryBytes = this.entryBytes;
    return n;
  }
}

/** A pending entry (streamNACK): delivered to `consumer`, not acknowledged yet. */
export interface StreamNack {
  deliveryTime: number;
  deliveryCount: number;
  consumer: StreamConsumer;
}

/**
 * A sorted map keyed by latin1 strings (IDs as idKey, consumer and group names), standing in for
 * Redis's rax: ordered iteration and seeks by binary search over a sorted key array. Keys mostly
 * arrive in increasing order (a PEL grows at its end), which is an append.
 */
export class SortedMap<V> {
  private readonly map = new Map<string, V>();
  private keys: string[] = [];

  get size(): number {
    return this.map.size;
  }

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  set(key: string, value: V): void {
    if (!this.map.has(key)) {
      const last = this.keys[this.keys.length - 1];
      if (last === undefined || last < key) this.keys.push(key);
      else this.keys.splice(this.lowerBound(key), 0, key);
    }
    this.map.set(key, value);
  }

  delete(key: string): boolean {
    if (!this.map.delete(key)) return false;
    const i = this.lowerBound(key);
    if (i === 0) this.keys.shift();
    else this.keys.splice(i, 1);
    return true;
  }

  /** Index of the first key ≥ key. */
  lowerBound(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.keys[mid] as string) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  keyAt(i: number): string | undefined {
    return this.keys[i];
  }

  /** Entries with from ≤ key ≤ to, ascending (a snapshot: the map may change while iterating). */
  *range(from: string, to: string): Generator<[string, V]> {
    const start = this.lowerBound(from);
    const keys = this.keys;
    for (let i = start; i < keys.length; i++) {
      const k = keys[i] as string;
      if (k > to) return;
      const v = this.map.get(k);
      if (v !== undefined) yield [k, v];
    }
  }

  *entries(): Generator<[string, V]> {
    for (const k of [...this.keys]) {
      const v = this.map.get(k);
      if (v !== undefined) yield [k, v];
    }
  }

  first(): string | undefined {
    return this.keys[0];
  }

  last(): string | undefined {
    return this.keys[this.keys.length - 1];
  }
}

export class StreamConsumer {
  /** Consumer PEL: the same NACK objects as the group's PEL. */
  readonly pel = new SortedMap<StreamNack>();
  constructor(
    readonly name: string,
    /** Unix ms of the consumer's last attempted interaction (seen-time). */
    public seenTime: number,
  ) {}
}

/** SCG_INVALID_ENTRIES_READ: the group's entries-read counter is unknown. */
export const INVALID_ENTRIES_READ = -1n;

export class StreamGroup {
  readonly pel = new SortedMap<StreamNack>();
  readonly consumers = new SortedMap<StreamConsumer>();
  constructor(
    readonly name: string,
    public lastId: StreamID,
    public entriesRead: bigint,
  ) {}
}

/** The limits a stream's appends follow (stream-node-max-bytes / -entries). */
export interface StreamNodeLimits {
  readonly maxBytes: number;
  readonly maxEntries: number;
}

export type TrimStrategy =
  { readonly kind: 'maxlen'; readonly maxlen: number } | { readonly kind: 'minid'; readonly minid: StreamID };

export class Stream {
  nodes: StreamNode[] = [];
  length = 0;
  lastId: StreamID = ZERO_ID;
  firstId: StreamID = ZERO_ID;
  maxDeletedId: StreamID = ZERO_ID;
  entriesAdded = 0n;
  /** Created on first use, like Redis's cgroups rax. */
  groups: SortedMap<StreamGroup> | undefined;

  /** Memory model of the entries: the nodes' listpack allocations, kept as nodes change (O(1) to read). */
  nodesBytes = 0;

  /** Runs a change of `node` and keeps nodesBytes in step with its allocation. */
  private resized(node: StreamNode, change: () => void): void {
    this.nodesBytes -= allocSize(node.bytes);
    change();
    this.nodesBytes += allocSize(node.bytes);
  }

  /**
   * streamAppendItem: adds an entry with `id` (already validated greater than lastId). Returns false
   * when the fields are too large for a listpack ("Elements are too large to be stored").
   */
  append(id: StreamID, pairs: readonly string[], limits: StreamNodeLimits): boolean {
    let total = 0;
    for (const p of pairs) total += p.length;
    if (total > STREAM_LISTPACK_MAX_SIZE) return false;
    let node = this.nodes[this.nodes.length - 1];
    if (node !== undefined) {
      let maxBytes = limits.maxBytes;
      if (maxBytes === 0 || maxBytes > STREAM_LISTPACK_MAX_SIZE) maxBytes = STREAM_LISTPACK_MAX_SIZE;
      if (node.bytes + total >= maxBytes) node = undefined;
      else if (limits.maxEntries !== 0 && node.live + node.deleted >= limits.maxEntries) node = undefined;
    }
    let same: boolean;
    if (node === undefined) {
      const prev = this.nodes[this.nodes.length - 1];
      prev?.seal();
      const fields: string[] = [];
      for (let i = 0; i < pairs.length; i += 2) fields.push(pairs[i] as string);
      node = new StreamNode(id, fields);
      // The next node most likely fills like the one before it.
      if (prev !== undefined) node.presize(prev.packedBytes + (prev.packedBytes >> 4), prev.count + 1);
      this.nodes.push(node);
      this.nodesBytes += allocSize(node.bytes);
      same = true;
    } else {
      same = node.sameFields(pairs);
    }
    const target = node;
    this.resized(target, () => target.append(id, pairs, same));
    if (this.length === 0) this.firstId = id;
    this.length++;
    this.entriesAdded++;
    this.lastId = id;
    return true;
  }

  /**
   * Appends a whole node as loaded from an RDB (its entries already in place, deleted ones marked):
   * keeps Redis's node boundaries. The caller sets length and the IDs afterwards.
   */
  adoptNode(node: StreamNode): void {
    node.seal();
    this.nodes.push(node);
    this.nodesBytes += allocSize(node.bytes);
  }

  /** Index of the node that would hold `id`: the last node whose master ≤ id (0 when none). */
  private nodeIndexFor(id: StreamID): number {
    let lo = 0;
    let hi = this.nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareIds((this.nodes[mid] as StreamNode).master, id) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return Math.max(0, lo - 1);
  }

  /** The live entry with exactly `id`, as [node, index]. */
  find(id: StreamID): [StreamNode, number] | undefined {
    if (this.nodes.length === 0) return undefined;
    const node = this.nodes[this.nodeIndexFor(id)] as StreamNode;
    const i = node.lowerBound(id);
    if (i < node.count && node.compareAt(i, id) === 0 && !node.isDeleted(i)) return [node, i];
    return undefined;
  }

  /** The live entries with start ≤ id ≤ end, ascending (or descending with `rev`). */
  *range(start: StreamID, end: StreamID, rev = false): Generator<[StreamID, readonly string[]]> {
    if (this.nodes.length === 0 || compareIds(start, end) > 0) return;
    if (!rev) {
      for (let n = this.nodeIndexFor(start); n < this.nodes.length; n++) {
        const node = this.nodes[n] as StreamNode;
        if (compareIds(node.master, end) > 0) return;
        const stop = node.upperBound(end);
        for (let i = node.lowerBound(start); i < stop; i++) {
          if (!node.isDeleted(i)) yield [node.idAt(i), node.pairsAt(i)];
        }
        if (stop < node.count) return;
      }
    } else {
      for (let n = this.nodeIndexFor(end); n >= 0; n--) {
        const node = this.nodes[n] as StreamNode;
        const first = node.lowerBound(start);
        for (let i = node.upperBound(end) - 1; i >= first; i--) {
          if (!node.isDeleted(i)) yield [node.idAt(i), node.pairsAt(i)];
        }
        if (first > 0) return;
      }
    }
  }

  /** The first or last live entry's ID (streamGetEdgeID), undefined when empty. */
  edgeId(first: boolean): StreamID | undefined {
    if (this.length === 0) return undefined;
    const it = first ? this.range(ZERO_ID, MAX_ID) : this.range(ZERO_ID, MAX_ID, true);
    const next = it.next();
    return next.done === true ? undefined : next.value[0];
  }

  /**
   * streamIteratorRemoveEntry via XDEL: marks the entry deleted; a node left with no live entry is
   * dropped. Returns whether the entry existed.
   */
  delete(id: StreamID): boolean {
    if (this.nodes.length === 0) return false;
    const n = this.nodeIndexFor(id);
    const node = this.nodes[n] as StreamNode;
    const i = node.lowerBound(id);
    if (i >= node.count || node.compareAt(i, id) !== 0 || node.isDeleted(i)) return false;
    if (node.live === 1) {
      this.nodes.splice(n, 1);
      this.nodesBytes -= allocSize(node.bytes);
    } else {
      this.resized(node, () => node.markDeleted(i));
    }
    this.length--;
    return true;
  }

  /** After deletions: the first entry's ID as Redis records it (0-0 when empty). */
  refreshFirstId(): void {
    this.firstId = this.edgeId(true) ?? ZERO_ID;
  }

  /**
   * streamTrim: removes entries from the head by MAXLEN or MINID. `approx` removes whole nodes only;
   * `limit` (0: none) bounds how many entries whole-node removal may take. Returns how many went.
   */
  trim(strategy: TrimStrategy, approx: boolean, limit: number): number {
    let deleted = 0;
    let removeNodes = 0;
    for (let n = 0; n < this.nodes.length; n++) {
      if (strategy.kind === 'maxlen' && this.length <= strategy.maxlen) break;
      const node = this.nodes[n] as StreamNode;
      const entries = node.live;
      if (limit !== 0 && deleted + entries > limit) break;
      const removeNode =
        strategy.kind === 'maxlen'
          ? this.length - entries >= strategy.maxlen
          : compareIds(node.lastId, strategy.minid) < 0;
      if (removeNode) {
        removeNodes++;
        this.nodesBytes -= allocSize(node.bytes);
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (approx) break;
      this.resized(node, () => {
        for (let i = 0; i < node.count; i++) {
          const stop =
            strategy.kind === 'maxlen'
              ? this.length <= strategy.maxlen
              : node.compareAt(i, strategy.minid) >= 0;
          if (stop) break;
          if (!node.isDeleted(i)) {
            node.markDeleted(i);
            this.length--;
            deleted++;
          }
        }
      });
      break;
    }
    if (removeNodes > 0) this.nodes.splice(0, removeNodes);
    // A node left with no live entry after marking stays, as in Redis (streamTrim does not drop it).
    this.refreshFirstId();
    return deleted;
  }

  group(name: string): StreamGroup | undefined {
    return this.groups?.get(name);
  }

  /**
   * streamEstimateDistanceFromFirstEverEntry: the entries-read counter a group would have with
   * last-delivered `id`, or INVALID_ENTRIES_READ when it cannot be known.
   */
  estimateEntriesRead(id: StreamID): bigint {
    if (this.entriesAdded === 0n) return 0n;
    if (this.length === 0 && compareIds(id, this.lastId) < 1) return this.entriesAdded;
    const cmpLast = compareIds(id, this.lastId);
    if (cmpLast === 0) return this.entriesAdded;
    if (cmpLast > 0) return INVALID_ENTRIES_READ;
    const cmpIdFirst = compareIds(id, this.firstId);
    if (compareIds(this.maxDeletedId, ZERO_ID) === 0 || compareIds(this.maxDeletedId, this.firstId) < 0) {
      // No fragmentation ahead: the counter follows from the entries added and the length.
      if (cmpIdFirst < 0) return this.entriesAdded - BigInt(this.length);
      if (cmpIdFirst === 0) return this.entriesAdded - BigInt(this.length) + 1n;
    }
    return INVALID_ENTRIES_READ;
  }

  /** streamRangeHasTombstones. */
  rangeHasTombstones(start: StreamID | undefined, end: StreamID | undefined): boolean {
    if (this.length === 0 || compareIds(this.maxDeletedId, ZERO_ID) === 0) return false;
    if (compareIds(this.firstId, this.maxDeletedId) > 0) return false;
    const s = start ?? ZERO_ID;
    const e = end ?? MAX_ID;
    return compareIds(s, this.maxDeletedId) <= 0 && compareIds(e, this.maxDeletedId) >= 0;
  }

  clone(): Stream {
    const s = new Stream();
    s.nodes = this.nodes.map((n) => n.clone());
    s.nodesBytes = this.nodesBytes;
    s.length = this.length;
    s.lastId = this.lastId;
    s.firstId = this.firstId;
    s.maxDeletedId = this.maxDeletedId;
    s.entriesAdded = this.entriesAdded;
    if (this.groups !== undefined) {
      s.groups = new SortedMap();
      for (const [name, g] of this.groups.entries()) {
        const ng = new StreamGroup(name, g.lastId, g.entriesRead);
        const byName = new Map<string, StreamConsumer>();
        for (const [cname, c] of g.consumers.entries()) {
          const nc = new StreamConsumer(cname, c.seenTime);
          ng.consumers.set(cname, nc);
          byName.set(cname, nc);
        }
        for (const [k, nack] of g.pel.entries()) {
          const consumer = byName.get(nack.consumer.name) as StreamConsumer;
          const copy: StreamNack = { ...nack, consumer };
          ng.pel.set(k, copy);
          consumer.pel.set(k, copy);
        }
        s.groups.set(name, ng);
      }
    }
    return s;
  }

  /**
   * The rax's node count (XINFO radix-tree-nodes) for the nodes' 16-byte keys: a compressed radix
   * tree has a node at the root, at every key, at every branching prefix and at each child of one.
   */
  raxNodeCount(): number {
    const keys = this.nodes.map((n) => idKey(n.master));
    const prefixes = new Set<string>(['']);
    for (const k of keys) prefixes.add(k);
    for (let i = 0; i + 1 < keys.length; i++) {
      const a = keys[i] as string;
      const b = keys[i + 1] as string;
      let l = 0;
      while (l < a.length && a.charCodeAt(l) === b.charCodeAt(l)) l++;
      prefixes.add(a.slice(0, l));
      prefixes.add(a.slice(0, l + 1));
      prefixes.add(b.slice(0, l + 1));
    }
    return prefixes.size;
  }
}

/** Bytes of a stream in the keyspace's count: the stream struct, rax nodes, listpacks, groups. */
export function streamMemoryBytes(s: Stream): number {
  let bytes = 64 + s.nodes.length * 48 + s.nodesBytes;
  if (s.groups !== undefined) {
    for (const [, g] of s.groups.entries()) {
      bytes += 64 + g.pel.size * 64;
      for (const [name] of g.consumers.entries()) bytes += 48 + allocSize(name.length + 3);
    }
  }
  return bytes;
}
