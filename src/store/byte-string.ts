/**
 * A string value that SETRANGE, SETBIT and BITFIELD change in place, like Redis's sds with spare room
 * (sdsMakeRoomFor): growth doubles the capacity below 1 MB and adds 1 MB above, so a run of writes
 * that extend a string costs amortised O(bytes written) instead of a full copy per write. Plain
 * strings stay bare JS strings (see types.ts); a key becomes a ByteString on its first in-place
 * write and a bare string again when something replaces it.
 *
 * Contract: mutate only a value obtained through Database.lookupWrite (a snapshot copies it first,
 * with cloneValue). Readers take the latin1 text with text(), which is cached until the next change.
 */

/** Redis SDS_MAX_PREALLOC: above this, grow by this much instead of doubling. */
const MAX_PREALLOC = 1024 * 1024;

export class ByteString {
  readonly type = 'string';
  private bytes: Buffer;
  private size: number;
  private cached: string | undefined;

  private constructor(bytes: Buffer, size: number, cached: string | undefined) {
    this.bytes = bytes;
    this.size = size;
    this.cached = cached;
  }

  /** A mutable copy of a latin1 string, with room for `minLength` bytes (zero-padded). */
  static from(text: string, minLength = 0): ByteString {
    const size = Math.max(text.length, minLength);
    const bytes = Buffer.alloc(size);
    bytes.write(text, 0, 'latin1');
    return new ByteString(bytes, size, size === text.length ? text : undefined);
  }

  get length(): number {
    return this.size;
  }

  /** Bytes reserved (for memory accounting). */
  get capacity(): number {
    return this.bytes.length;
  }

  /** Byte `i` (0 past the end). */
  byteAt(i: number): number {
    return i < this.size ? (this.bytes[i] as number) : 0;
  }

  /** The value as a latin1 string (what GET replies). */
  text(): string {
    this.cached ??= this.bytes.toString('latin1', 0, this.size);
    return this.cached;
  }

  /** Bytes [start, end) as latin1 text (GETRANGE), without building the whole text. */
  slice(start: number, end: number): string {
    return this.cached !== undefined
      ? this.cached.slice(start, end)
      : this.bytes.toString('latin1', start, end);
  }

  /**
   * The live bytes [0, length) after growing to at least `minLength` (zero-padded). Writes through
   * the returned view change the value; call changed() after them.
   */
  writable(minLength: number): Buffer {
    if (minLength > this.bytes.length) {
      const room = minLength < MAX_PREALLOC ? minLength * 2 : minLength + MAX_PREALLOC;
      const grown = Buffer.alloc(room);
      this.bytes.copy(grown, 0, 0, this.size);
      this.bytes = grown;
    }
    if (minLength > this.size) {
      this.bytes.fill(0, this.size, minLength);
      this.size = minLength;
      this.cached = undefined;
    }
    return this.bytes.subarray(0, this.size);
  }

  /** Should be called after writing through writable(): drops the cached text. */
  changed(): void {
    this.cached = undefined;
  }

  /** SETRANGE: writes latin1 `patch` at `offset`, zero-padding up to it. */
  writeAt(offset: number, patch: string): void {
    const view = this.writable(offset + patch.length);
    view.write(patch, offset, 'latin1');
    this.cached = undefined;
  }

  /** An independent copy (COPY, snapshot copy-on-write). */
  clone(): ByteString {
    return new ByteString(Buffer.from(this.bytes.subarray(0, this.size)), this.size, this.cached);
  }
}
