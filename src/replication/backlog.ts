/**
 * The replication backlog (Redis repl_backlog): the last `size` bytes of the replication stream, so a
 * replica that lost its link can continue from its offset (PSYNC) instead of a full resync.
 *
 * Offsets are 1-based stream byte numbers: after N bytes fed since the backlog was created at offset
 * O, `firstByteOffset` .. `firstByteOffset + histlen - 1` are held and the master's offset is O+N-1.
 */
export class ReplicationBacklog {
  private chunks: Buffer[] = [];
  private held = 0;
  /** Offset of the first byte held (repl_backlog_first_byte_offset). */
  firstByteOffset: number;

  constructor(
    public size: number,
    /** The master offset + 1 when the backlog is created: the offset its first byte will have. */
    startOffset: number,
  ) {
    this.firstByteOffset = startOffset;
  }

  /** repl_backlog_histlen: bytes held. */
  get histlen(): number {
    return this.held;
  }

  /** Appends stream bytes and drops the oldest ones beyond `size`. */
  append(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.held += bytes.length;
    this.trim();
  }

  /** CONFIG SET repl-backlog-size: keeps the newest bytes that fit. */
  resize(size: number): void {
    this.size = size;
    this.trim();
  }

  private trim(): void {
    while (this.held > this.size) {
      const first = this.chunks[0] as Buffer;
      const excess = this.held - this.size;
      if (first.length <= excess) {
        this.chunks.shift();
        this.held -= first.length;
        this.firstByteOffset += first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.held -= excess;
        this.firstByteOffset += excess;
      }
    }
  }

  /** True when every byte from `offset` on is held (masterTryPartialResynchronization's range check). */
  covers(offset: number): boolean {
    return offset >= this.firstByteOffset && offset <= this.firstByteOffset + this.held;
  }

  /** The bytes from `offset` to the end (addReplyReplicationBacklog); `covers(offset)` must hold. */
  from(offset: number): Buffer {
    let skip = offset - this.firstByteOffset;
    const out: Buffer[] = [];
    for (const c of this.chunks) {
      if (skip >= c.length) {
        skip -= c.length;
        continue;
      }
      out.push(skip > 0 ? c.subarray(skip) : c);
      skip = 0;
    }
    return Buffer.concat(out);
  }
}
