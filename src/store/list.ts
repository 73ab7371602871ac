/**
 * The list container: a deque of latin1 byte strings, packed like Redis's quicklist.
 *
 * Elements live in byte chunks (Redis's listpack nodes), not as one JavaScript string each: a string
 * costs 16 bytes of header and a pointer (24+ bytes for a 3-byte element, where a listpack spends 5),
 * which made a list of a million small elements take 3.7× Redis's memory. Each chunk is a Buffer of at
 * most CHUNK_BYTES (list-max-listpack-size's default, 8 KB) holding entries back to back between
 * `start` and `end`, with room kept at both ends so pushes and pops at either end are O(1):
 *
 *   entry = len (1 byte, < 0x80) · bytes · len          when the element is shorter than 128 bytes
 *         = 0x80 · len (u32 LE) · bytes · len (u32 LE) · 0x80   otherwise
 *
 * The trailing copy of the length lets the tail be read backwards (Redis's backlen). A chunk starts
 * small and doubles up to CHUNK_BYTES, so a short list costs about what its elements do. Indexing
 * walks the chunks from the nearer end, then the entries of one chunk, as quicklistGetIteratorAtIdx
 * does; middle edits (LINSERT, LSET to another size, LREM, LTRIM) rewrite the chunks they touch.
 *
 * Indexes here are always 0-based from the head and in range; the Redis negative-index rules live
 * with the commands (see commands/lists/). Elements are latin1 strings (one char per byte).
 */
import { listElementBytes, listpackEntryBytes } from './alloc-model.js';

/** Largest chunk built by pushes (a bigger element gets a chunk of its own size). */
const CHUNK_BYTES = 8192;
/**
 * Node's own latin1 codec methods (Buffer.prototype.latin1Slice / latin1Write): toString('latin1')
 * and write(…, 'latin1') check and dispatch their arguments on every call, which dominated LRANGE.
 */
interface Latin1Buffer {
  latin1Slice(start: number, end: number): string;
  latin1Write(value: string, offset: number, length: number): number;
}
const MIN_CHUNK = 32;
const BIG = 0x80;

/**
 * Elements up to this long are decoded char by char: a native slice costs ~200 ns a call, and V8
 * makes concatenations this short flat strings, not cons strings.
 */
const SHORT = 12;
const fromCharCode = String.fromCharCode;

function shortString(d: Buffer, at: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += fromCharCode(d[at + i] as number);
  return s;
}

/** Scratch for range(): where each element of one chunk's span starts (relative) and its length. */
const SPAN_AT = new Int32Array(4096);
const SPAN_LEN = new Int32Array(4096);

/** Bytes one entry of an element of `len` bytes takes in a chunk. */
function entrySize(len: number): number {
  return len < BIG ? len + 2 : len + 10;
}

class Chunk {
  constructor(
    public data: Buffer,
    /** Entries occupy [start, end). */
    public start: number,
    public end: number,
    public count = 0,
  ) {}

  get used(): number {
    return this.end - this.start;
  }

  /** Offset of the entry after the one at `off`. */
  next(off: number): number {
    const b = this.data[off] as number;
    return b < BIG ? off + b + 2 : off + this.data.readUInt32LE(off + 1) + 10;
  }

  /** Offset of the entry that ends at `end`. */
  prev(end: number): number {
    const b = this.data[end - 1] as number;
    return b < BIG ? end - b - 2 : end - this.data.readUInt32LE(end - 5) - 10;
  }

  /** The element of the entry at `off`. */
  read(off: number): string {
    const b = this.data[off] as number;
    const d = this.data;
    if (b <= SHORT) return shortString(d, off + 1, b);
    return b < BIG
      ? (d as unknown as Latin1Buffer).latin1Slice(off + 1, off + 1 + b)
      : (d as unknown as Latin1Buffer).latin1Slice(off + 5, off + 5 + d.readUInt32LE(off + 1));
  }

  /** Writes the entry of `v` at `off` (room checked by the caller); returns the offset after it. */
  write(off: number, v: string): number {
    const d = this.data;
    const len = v.length;
    if (len < BIG) {
      d[off] = len;
      if (len <= 16) for (let i = 0; i < len; i++) d[off + 1 + i] = v.charCodeAt(i);
      else (d as unknown as Latin1Buffer).latin1Write(v, off + 1, len);
      d[off + 1 + len] = len;
      return off + len + 2;
    }
    d[off] = BIG;
    d.writeUInt32LE(len, off + 1);
    (d as unknown as Latin1Buffer).latin1Write(v, off + 5, len);
    d.writeUInt32LE(len, off + 5 + len);
    d[off + 9 + len] = BIG;
    return off + len + 10;
  }

  /** Offset of the `i`-th entry (0-based, in range), walking from the nearer end. */
  offsetOf(i: number): number {
    if (i <= this.count >> 1) {
      let off = this.start;
      for (let k = 0; k < i; k++) off = this.next(off);
      return off;
    }
    let off = this.end;
    for (let k = this.count; k > i; k--) off = this.prev(off);
    return off;
  }

  /** Every element, in order. */
  elements(out: string[]): void {
    for (let off = this.start; off < this.end; off = this.next(off)) out.push(this.read(off));
  }

  /** A chunk holding `values` (already known to fit a reasonable size). */
  static of(values: readonly string[], from = 0, to = values.length): Chunk {
    let size = 0;
    for (let i = from; i < to; i++) size += entrySize((values[i] as string).length);
    const c = new Chunk(Buffer.allocUnsafeSlow(Math.max(MIN_CHUNK, size)), 0, 0);
    for (let i = from; i < to; i++) c.end = c.write(c.end, values[i] as string);
    c.count = to - from;
    return c;
  }
}

/** Splits `values` into chunks of at most CHUNK_BYTES (one element per chunk when it is bigger). */
function chunksOf(values: readonly string[]): Chunk[] {
  const out: Chunk[] = [];
  let from = 0;
  let size = 0;
  for (let i = 0; i < values.length; i++) {
    const e = entrySize((values[i] as string).length);
    if (i > from && size + e > CHUNK_BYTES) {
      out.push(Chunk.of(values, from, i));
      from = i;
      size = 0;
    }
    size += e;
  }
  if (from < values.length) out.push(Chunk.of(values, from, values.length));
  return out;
}

/** Receives elements as bytes: `len` bytes of `src` from `at`, valid only during the call. */
export interface ByteSink {
  add(src: Buffer, at: number, len: number): void;
}

export class Quicklist {
  private chunks: Chunk[] = [];
  private count = 0;
  /** Sum of listElementBytes over the elements: the list's part of the keyspace's byte count. */
  private packed = 0;

  /** A list holding `values` in order, head first. */
  static from(values: Iterable<string>): Quicklist {
    const arr = Array.isArray(values) ? (values as readonly string[]) : [...values];
    const q = new Quicklist();
    q.replaceAll(arr);
    return q;
  }

  get length(): number {
    return this.count;
  }

  /** The elements' bytes as Redis's listpacks would hold them (memory.ts). */
  get packedBytes(): number {
    return this.packed;
  }

  /** Bytes the chunks hold (their buffers' sizes): what the list really takes outside V8's heap. */
  get allocatedBytes(): number {
    let n = 0;
    for (const c of this.chunks) n += c.data.length;
    return n;
  }

  pushTail(v: string): void {
    const need = entrySize(v.length);
    let c = this.chunks[this.chunks.length - 1];
    if (c === undefined || c.end + need > c.data.length) c = this.roomAtTail(c, need);
    c.end = c.write(c.end, v);
    c.count++;
    this.count++;
    this.packed += listElementBytes(v);
  }

  pushHead(v: string): void {
    const need = entrySize(v.length);
    let c = this.chunks[0];
    if (c === undefined || c.start < need) c = this.roomAtHead(c, need);
    c.start -= need;
    c.write(c.start, v);
    c.count++;
    this.count++;
    this.packed += listElementBytes(v);
  }

  popHead(): string | undefined {
    const c = this.chunks[0];
    if (c === undefined) return undefined;
    const v = c.read(c.start);
    c.start = c.next(c.start);
    if (--c.count === 0) this.chunks.shift();
    this.count--;
    this.packed -= listElementBytes(v);
    return v;
  }

  popTail(): string | undefined {
    const c = this.chunks[this.chunks.length - 1];
    if (c === undefined) return undefined;
    c.end = c.prev(c.end);
    const v = c.read(c.end);
    if (--c.count === 0) this.chunks.pop();
    this.count--;
    this.packed -= listElementBytes(v);
    return v;
  }

  /** The element at 0-based `index` from the head, or undefined when out of range. */
  at(index: number): string | undefined {
    if (index < 0 || index >= this.count) return undefined;
    const [c, i] = this.locate(index);
    return c.read(c.offsetOf(i));
  }

  /** Replaces the element at an in-range index. */
  set(index: number, v: string): void {
    if (index < 0 || index >= this.count) throw new RangeError(`list index ${index} out of range`);
    const ci = this.chunkIndexOf(index);
    const c = this.chunks[ci] as Chunk;
    const off = c.offsetOf(this.within);
    const old = c.read(off);
    this.packed += listElementBytes(v) - listElementBytes(old);
    if (entrySize(old.length) === entrySize(v.length)) {
      c.write(off, v);
      return;
    }
    const values: string[] = [];
    c.elements(values);
    values[this.within] = v;
    this.chunks.splice(ci, 1, ...chunksOf(values));
  }

  /**
   * Elements from `start` to `stop` inclusive (both clamped in range by the caller). The bytes each
   * chunk contributes are decoded with one native call and cut into elements with substring, not one
   * decode per element (LRANGE of hundreds of elements spent most of its time there).
   */
  range(start: number, stop: number): string[] {
    const out: string[] = [];
    if (start > stop || start >= this.count) return out;
    let ci = this.chunkIndexOf(start);
    let c = this.chunks[ci] as Chunk;
    let off = c.offsetOf(this.within);
    let n = stop - start + 1;
    while (n > 0) {
      while (off >= c.end) {
        c = this.chunks[++ci] as Chunk;
        off = c.start;
      }
      const spanStart = off;
      let k = 0;
      for (; n > 0 && off < c.end; n--, k++) {
        const b = c.data[off] as number;
        const len = b < BIG ? b : c.data.readUInt32LE(off + 1);
        const at = b < BIG ? off + 1 : off + 5;
        SPAN_AT[k] = at - spanStart;
        SPAN_LEN[k] = len;
        off = at + len + (b < BIG ? 1 : 5);
        if (k + 1 === SPAN_AT.length) {
          k++;
          n--;
          break;
        }
      }
      if (k === 1) {
        out.push(c.read(spanStart));
        continue;
      }
      const text = (c.data as unknown as Latin1Buffer).latin1Slice(spanStart, off);
      for (let i = 0; i < k; i++) {
        const a = SPAN_AT[i] as number;
        out.push(text.substring(a, a + (SPAN_LEN[i] as number)));
      }
    }
    return out;
  }

  /**
   * Hands the elements from `start` to `stop` inclusive (clamped in range by the caller) to `sink` as
   * byte ranges of the chunks, in order, without making strings (LRANGE's reply is built from them).
   */
  rangeInto(start: number, stop: number, sink: ByteSink): void {
    if (start > stop || start >= this.count) return;
    let ci = this.chunkIndexOf(start);
    let c = this.chunks[ci] as Chunk;
    let off = c.offsetOf(this.within);
    for (let n = stop - start + 1; n > 0; n--) {
      while (off >= c.end) {
        c = this.chunks[++ci] as Chunk;
        off = c.start;
      }
      const d = c.data;
      const b = d[off] as number;
      if (b < BIG) {
        sink.add(d, off + 1, b);
        off += b + 2;
      } else {
        const len = d.readUInt32LE(off + 1);
        sink.add(d, off + 5, len);
        off += len + 10;
      }
    }
  }

  toArray(): string[] {
    const out: string[] = [];
    for (const c of this.chunks) c.elements(out);
    return out;
  }

  *[Symbol.iterator](): IterableIterator<string> {
    // Reads the chunk list as it goes, like the ring buffer it replaced: callers do not edit while iterating.
    for (let ci = 0; ci < this.chunks.length; ci++) {
      const c = this.chunks[ci] as Chunk;
      for (let off = c.start; off < c.end; off = c.next(off)) yield c.read(off);
    }
  }

  /**
   * Visits the elements from the head (or from the tail) with their 0-based index from the head,
   * until `visit` returns false (LPOS). O(visited), unlike a loop of at().
   */
  walk(fromTail: boolean, visit: (value: string, index: number) => boolean): void {
    if (!fromTail) {
      let i = 0;
      for (const c of this.chunks)
        for (let off = c.start; off < c.end; off = c.next(off)) if (!visit(c.read(off), i++)) return;
      return;
    }
    let i = this.count - 1;
    for (let ci = this.chunks.length - 1; ci >= 0; ci--) {
      const c = this.chunks[ci] as Chunk;
      for (let end = c.end; end > c.start;) {
        end = c.prev(end);
        if (!visit(c.read(end), i--)) return;
      }
    }
  }

  /** Inserts `v` so that it ends up at `index` (0..length). O(chunk). */
  insertAt(index: number, v: string): void {
    if (index < 0 || index > this.count) throw new RangeError(`list insert index ${index} out of range`);
    if (index === 0) return this.pushHead(v);
    if (index === this.count) return this.pushTail(v);
    const ci = this.chunkIndexOf(index);
    const values: string[] = [];
    (this.chunks[ci] as Chunk).elements(values);
    values.splice(this.within, 0, v);
    this.chunks.splice(ci, 1, ...chunksOf(values));
    this.count++;
    this.packed += listElementBytes(v);
  }

  /** Keeps only the elements for which `keep` returns true; returns how many were removed. O(n). */
  retain(keep: (value: string, index: number) => boolean): number {
    const kept: string[] = [];
    let i = 0;
    for (const c of this.chunks) {
      for (let off = c.start; off < c.end; off = c.next(off)) {
        const v = c.read(off);
        if (keep(v, i++)) kept.push(v);
      }
    }
    const removed = this.count - kept.length;
    if (removed > 0) this.replaceAll(kept);
    return removed;
  }

  /** Keeps elements start..stop inclusive (in range, start <= stop) and drops the rest. */
  trim(start: number, stop: number): void {
    const dropTail = this.count - 1 - stop;
    // Whole chunks go at once; what remains of a cut chunk is popped entry by entry.
    this.dropWhole(dropTail, false);
    this.dropWhole(start, true);
  }

  clear(): void {
    this.chunks = [];
    this.count = 0;
    this.packed = 0;
  }

  clone(): Quicklist {
    const q = new Quicklist();
    q.chunks = this.chunks.map((c) => new Chunk(Buffer.from(c.data), c.start, c.end, c.count));
    q.count = this.count;
    q.packed = this.packed;
    return q;
  }

  /** Drops `n` elements from the head (or the tail), whole chunks without reading them. */
  private dropWhole(n: number, fromHead: boolean): void {
    while (n > 0) {
      const c = (fromHead ? this.chunks[0] : this.chunks[this.chunks.length - 1]) as Chunk;
      if (c.count > n) break;
      for (let off = c.start; off < c.end; off = c.next(off)) this.packed -= listpackBytesAt(c, off);
      if (fromHead) this.chunks.shift();
      else this.chunks.pop();
      this.count -= c.count;
      n -= c.count;
    }
    for (; n > 0; n--) {
      if (fromHead) this.popHead();
      else this.popTail();
    }
  }

  /** Set by chunkIndexOf: the index within the chunk it found. */
  private within = 0;

  /** The chunk holding element `index` (in range); the index inside it is left in `within`. */
  private chunkIndexOf(index: number): number {
    if (index < this.count >> 1) {
      let i = index;
      for (let ci = 0; ; ci++) {
        const c = this.chunks[ci] as Chunk;
        if (i < c.count) {
          this.within = i;
          return ci;
        }
        i -= c.count;
      }
    }
    let fromTail = this.count - 1 - index;
    for (let ci = this.chunks.length - 1; ; ci--) {
      const c = this.chunks[ci] as Chunk;
      if (fromTail < c.count) {
        this.within = c.count - 1 - fromTail;
        return ci;
      }
      fromTail -= c.count;
    }
  }

  private locate(index: number): [Chunk, number] {
    const ci = this.chunkIndexOf(index);
    return [this.chunks[ci] as Chunk, this.within];
  }

  /** The tail chunk with `need` bytes free after its end: grown, recentred or a new one. */
  private roomAtTail(c: Chunk | undefined, need: number): Chunk {
    if (c !== undefined && c.used + need <= CHUNK_BYTES) {
      // Half the free room stays before the entries, so alternating ends do not move them every time.
      this.recentre(c, need, (free) => (free - need) >> 1);
      return c;
    }
    const fresh = new Chunk(Buffer.allocUnsafeSlow(grownSize(0, need)), 0, 0);
    this.chunks.push(fresh);
    return fresh;
  }

  /** The head chunk with `need` bytes free before its start: grown, recentred or a new one. */
  private roomAtHead(c: Chunk | undefined, need: number): Chunk {
    if (c !== undefined && c.used + need <= CHUNK_BYTES) {
      this.recentre(c, need, (free) => need + ((free - need) >> 1));
      return c;
    }
    const size = grownSize(0, need);
    const fresh = new Chunk(Buffer.allocUnsafeSlow(size), size, size);
    this.chunks.unshift(fresh);
    return fresh;
  }

  /** Moves c's entries to `startAt(free room)` of its buffer, doubled first when `need` more would not fit. */
  private recentre(c: Chunk, need: number, startAt: (free: number) => number): void {
    const used = c.used;
    const size = used + need <= c.data.length ? c.data.length : grownSize(c.data.length, used + need);
    const data = size === c.data.length ? c.data : Buffer.allocUnsafeSlow(size);
    const start = startAt(size - used);
    c.data.copy(data, start, c.start, c.end);
    c.data = data;
    c.start = start;
    c.end = start + used;
  }

  private replaceAll(items: readonly string[]): void {
    this.chunks = chunksOf(items);
    this.count = items.length;
    this.packed = 0;
    for (const v of items) this.packed += listElementBytes(v);
  }
}

/** listElementBytes of the entry at `off`, without making its string. */
function listpackBytesAt(c: Chunk, off: number): number {
  const b = c.data[off] as number;
  return listpackEntryBytes(b < BIG ? b : c.data.readUInt32LE(off + 1));
}

/** A chunk size for `needed` bytes: doubling from `current`, at most CHUNK_BYTES unless one entry needs more. */
function grownSize(current: number, needed: number): number {
  let size = Math.max(MIN_CHUNK, current);
  while (size < needed && size < CHUNK_BYTES) size *= 2;
  return Math.max(size, needed);
}
