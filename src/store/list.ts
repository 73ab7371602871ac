/**
 * The list container: a deque of latin1 byte strings.
 *
 * A growable ring buffer: push and pop at both ends are O(1) amortised, indexing is O(1), and
 * middle edits (LINSERT, LREM, LTRIM) are O(n) like Redis's quicklist. The name is kept from the
 * Redis structure it stands in for; the RDB layer converts to/from real quicklists on disk.
 *
 * Indexes here are always 0-based from the head and in range; the Redis negative-index rules live
 * with the commands (see commands/lists/).
 */
import { listElementBytes } from './alloc-model.js';

const MIN_CAPACITY = 4;

export class Quicklist {
  private slots: (string | undefined)[];
  /** Slot of the head element. */
  private head = 0;
  private count = 0;
  /** Sum of listElementBytes over the elements: the list's part of the keyspace's byte count. */
  private packed = 0;

  constructor(capacity = MIN_CAPACITY) {
    this.slots = new Array<string | undefined>(Math.max(MIN_CAPACITY, capacity));
  }

  /** A list holding `values` in order, head first. */
  static from(values: Iterable<string>): Quicklist {
    const arr = Array.isArray(values) ? (values as readonly string[]) : [...values];
    const q = new Quicklist(arr.length);
    for (const v of arr) q.pushTail(v);
    return q;
  }

  get length(): number {
    return this.count;
  }

  /** The elements' bytes as Redis's listpacks would hold them (memory.ts). */
  get packedBytes(): number {
    return this.packed;
  }

  pushTail(v: string): void {
    if (this.count === this.slots.length) this.grow();
    this.slots[(this.head + this.count) % this.slots.length] = v;
    this.count++;
    this.packed += listElementBytes(v);
  }

  pushHead(v: string): void {
    if (this.count === this.slots.length) this.grow();
    this.head = (this.head - 1 + this.slots.length) % this.slots.length;
    this.slots[this.head] = v;
    this.count++;
    this.packed += listElementBytes(v);
  }

  popHead(): string | undefined {
    if (this.count === 0) return undefined;
    const v = this.slots[this.head];
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.slots.length;
    this.count--;
    this.packed -= listElementBytes(v as string);
    this.shrinkIfSparse();
    return v;
  }

  popTail(): string | undefined {
    if (this.count === 0) return undefined;
    const slot = (this.head + this.count - 1) % this.slots.length;
    const v = this.slots[slot];
    this.slots[slot] = undefined;
    this.count--;
    this.packed -= listElementBytes(v as string);
    this.shrinkIfSparse();
    return v;
  }

  /** The element at 0-based `index` from the head, or undefined when out of range. */
  at(index: number): string | undefined {
    if (index < 0 || index >= this.count) return undefined;
    return this.slots[(this.head + index) % this.slots.length];
  }

  /** Replaces the element at an in-range index. */
  set(index: number, v: string): void {
    if (index < 0 || index >= this.count) throw new RangeError(`list index ${index} out of range`);
    const slot = (this.head + index) % this.slots.length;
    this.packed += listElementBytes(v) - listElementBytes(this.slots[slot] as string);
    this.slots[slot] = v;
  }

  /** Elements from `start` to `stop` inclusive (both clamped in range by the caller). */
  range(start: number, stop: number): string[] {
    const out: string[] = [];
    for (let i = start; i <= stop; i++) out.push(this.slots[(this.head + i) % this.slots.length] as string);
    return out;
  }

  toArray(): string[] {
    return this.count === 0 ? [] : this.range(0, this.count - 1);
  }

  *[Symbol.iterator](): IterableIterator<string> {
    for (let i = 0; i < this.count; i++) yield this.slots[(this.head + i) % this.slots.length] as string;
  }

  /** Inserts `v` so that it ends up at `index` (0..length). O(n). */
  insertAt(index: number, v: string): void {
    if (index < 0 || index > this.count) throw new RangeError(`list insert index ${index} out of range`);
    if (index === 0) return this.pushHead(v);
    if (index === this.count) return this.pushTail(v);
    const items = this.toArray();
    items.splice(index, 0, v);
    this.replaceAll(items);
  }

  /** Keeps only the elements for which `keep` returns true; returns how many were removed. O(n). */
  retain(keep: (value: string, index: number) => boolean): number {
    const items = this.toArray();
    const kept = items.filter(keep);
    if (kept.length !== items.length) this.replaceAll(kept);
    return items.length - kept.length;
  }

  /** Keeps elements start..stop inclusive (in range, start <= stop) and drops the rest. */
  trim(start: number, stop: number): void {
    const dropTail = this.count - 1 - stop;
    for (let i = 0; i < dropTail; i++) this.popTail();
    for (let i = 0; i < start; i++) this.popHead();
  }

  clear(): void {
    this.replaceAll([]);
  }

  clone(): Quicklist {
    return Quicklist.from(this.toArray());
  }

  private replaceAll(items: readonly string[]): void {
    this.slots = new Array<string | undefined>(Math.max(MIN_CAPACITY, items.length));
    this.packed = 0;
    for (let i = 0; i < items.length; i++) {
      this.slots[i] = items[i];
      this.packed += listElementBytes(items[i] as string);
    }
    this.head = 0;
    this.count = items.length;
  }

  private grow(): void {
    this.resize(this.slots.length * 2);
  }

  /** Gives memory back when a large list has been mostly drained (keeps amortised O(1)). */
  private shrinkIfSparse(): void {
    if (this.slots.length > 64 && this.count < this.slots.length / 4) this.resize(this.slots.length / 2);
  }

  private resize(capacity: number): void {
    const next = new Array<string | undefined>(capacity);
    for (let i = 0; i < this.count; i++) next[i] = this.slots[(this.head + i) % this.slots.length];
    this.slots = next;
    this.head = 0;
  }
}
