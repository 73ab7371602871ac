/**
 * The replication backlog (Redis repl_backlog): the last `size` bytes of the replication stream, so a
 * replica that lost its link can continue from its offset (PSYNC) instead of a full resync.
 *
 * Offsets are 1-based stream byte numbers: after N bytes fed since the backlog was created at offset
 * O, `firstByteOffset` .. `firstByteOffset + histlen - 1` are held and the master's offset is O+N-1.
 *
 * A circular buffer, as Redis's: appending copies the bytes in (no object per command, nothing to
 * drop one by one when it is full). It starts small and doubles up to `size`, so a large
 * repl-backlog-size costs memory only once the stream has filled it.
 */

/** Bytes a backlog holds room for at first. */
const INITIAL_CAPACITY = 64 * 1024;

export class ReplicationBacklog {
  private ring: Buffer;
  /** Where the next byte goes in `ring`. */
  private next = 0;
  private held = 0;
  /** Offset of the first byte held (repl_backlog_first_byte_offset). */
  firstByteOffset: number;

  constructor(
    public size: number,
    /** The master offset + 1 when the backlog is created: the offset its first byte will have. */
    startOffset: number,
  ) {
    this.firstByteOffset = startOffset;
    this.ring = Buffer.allocUnsafe(Math.max(1, Math.min(size, INITIAL_CAPACITY)));
  }

  /** repl_backlog_histlen: bytes held. */
  get histlen(): number {
    return this.held;
  }

  /** Appends stream bytes; the oldest ones beyond `size` are dropped. */
  append(bytes: Buffer): void {
    const len = bytes.length;
    if (len === 0) return;
    if (this.held + len > this.ring.length && this.ring.length < this.size) {
      this.regrow(Math.min(this.size, Math.max(this.ring.length * 2, this.held + len)));
    }
    const capacity = this.ring.length;
    // Only the last `capacity` bytes of a write larger than the ring can stay.
    const src = len > capacity ? bytes.subarray(len - capacity) : bytes;
    const first = Math.min(src.length, capacity - this.next);
    src.copy(this.ring, this.next, 0, first);
    if (first < src.length) src.copy(this.ring, 0, first);
    this.next = (this.next + src.length) % capacity;
    const held = Math.min(this.held + len, capacity);
    this.firstByteOffset += this.held + len - held;
    this.held = held;
  }

  /** CONFIG SET repl-backlog-size: keeps the newest bytes that fit. */
  resize(size: number): void {
    this.size = size;
    const keep = Math.min(this.held, size);
    this.firstByteOffset += this.held - keep;
    this.regrow(Math.max(1, Math.min(size, Math.max(keep, INITIAL_CAPACITY))), keep);
  }

  /** A new ring of `capacity` bytes holding the newest `keep` bytes, from its start. */
  private regrow(capacity: number, keep = this.held): void {
    const ring = Buffer.allocUnsafe(capacity);
    this.copyNewest(keep, ring);
    this.ring = ring;
    this.held = keep;
    this.next = keep % capacity;
  }

  /** Copies the newest `n` bytes held into `target` from its start. */
  private copyNewest(n: number, target: Buffer): void {
    const capacity = this.ring.length;
    const start = (this.next - n + capacity) % capacity;
    const first = Math.min(n, capacity - start);
    this.ring.copy(target, 0, start, start + first);
    if (first < n) this.ring.copy(target, first, 0, n - first);
  }

  /** True when every byte from `offset` on is held (masterTryPartialResynchronization's range check). */
  covers(offset: number): boolean {
    return offset >= this.firstByteOffset && offset <= this.firstByteOffset + this.held;
  }

  /** The bytes from `offset` to the end (addReplyReplicationBacklog); `covers(offset)` must hold. */
  from(offset: number): Buffer {
    const n = this.firstByteOffset + this.held - offset;
    const out = Buffer.allocUnsafe(n);
    this.copyNewest(n, out);
    return out;
  }
}
