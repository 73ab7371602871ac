/**
 * Building RDB bytes: the primitive encoders of src/rdb.c (rdbSaveLen, rdbSaveRawString with its
 * integer and LZF forms, rdbSaveBinaryDoubleValue, rdbSaveMillisecondTime), into a growing buffer.
 */
import {
  RDB_14BITLEN,
  RDB_32BITLEN,
  RDB_64BITLEN,
  RDB_ENCVAL,
  RDB_ENC_INT16,
  RDB_ENC_INT32,
  RDB_ENC_INT8,
  RDB_ENC_LZF,
} from './constants.js';
import { canonicalInt64 } from './int64.js';
import { lzfCompressInto } from './lzf.js';

/** Buffers kept for reuse by take(): enough for the writes a background save keeps queued. */
const MAX_SPARE = 64;

export class RdbOutput {
  private buf: Buffer;
  private size = 0;
  private scratchIn = Buffer.allocUnsafe(256);
  private scratchOut = Buffer.allocUnsafe(256);
  /** Buffers given back by recycle(), for take() to reuse. */
  private readonly spare: Buffer[] = [];

  constructor(
    /** rdbcompression: strings longer than 20 bytes are stored LZF-compressed when that saves 4+ bytes. */
    readonly compression: boolean,
    initialCapacity = 1 << 16,
  ) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
  }

  get length(): number {
    return this.size;
  }

  private room(n: number): void {
    if (this.size + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.size + n) cap *= 2;
    const grown = Buffer.allocUnsafe(cap);
    this.buf.copy(grown, 0, 0, this.size);
    this.buf = grown;
  }

  u8(b: number): void {
    this.room(1);
    this.buf[this.size++] = b;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.size);
    this.size += b.length;
  }

  latin1(s: string): void {
    this.room(s.length);
    this.size += this.buf.write(s, this.size, 'latin1');
  }

  len(n: number): void {
    if (n < 1 << 6) this.u8(n);
    else if (n < 1 << 14) {
      this.u8((RDB_14BITLEN << 6) | (n >> 8));
      this.u8(n & 0xff);
    } else if (n <= 0xffffffff) {
      this.room(5);
      this.buf[this.size++] = RDB_32BITLEN;
      this.buf.writeUInt32BE(n, this.size);
      this.size += 4;
    } else {
      this.bigLen(BigInt(n));
    }
  }

  bigLen(n: bigint): void {
    if (n <= 0xffffffffn) return this.len(Number(n));
    this.room(9);
    this.buf[this.size++] = RDB_64BITLEN;
    this.buf.writeBigUInt64BE(n, this.size);
    this.size += 8;
  }

  /** rdbSaveRawString of a latin1 string: int8/16/32 form for short canonical ints, LZF when worth it, else raw. */
  string(s: string): void {
    if (s.length <= 11 && this.intString(s)) return;
    if (this.compression && s.length > 20) {
      // The bytes go through a reused scratch buffer: no allocation per string.
      if (this.scratchIn.length < s.length) this.scratchIn = Buffer.allocUnsafe(s.length * 2);
      const n = this.scratchIn.write(s, 0, 'latin1');
      if (this.lzfString(this.scratchIn, n)) return;
      this.len(n);
      this.latin1(s);
      return;
    }
    this.len(s.length);
    this.latin1(s);
  }

  /** A binary blob (listpack, intset) as a string: LZF when worth it. */
  blob(b: Buffer): void {
    if (this.compression && b.length > 20 && this.lzfString(b, b.length)) return;
    this.len(b.length);
    this.bytes(b);
  }

  private intString(s: string): boolean {
    const v = canonicalInt64(s);
    if (typeof v !== 'number') return false;
    if (v >= -128 && v <= 127) {
      this.u8((RDB_ENCVAL << 6) | RDB_ENC_INT8);
      this.u8(v & 0xff);
    } else if (v >= -32768 && v <= 32767) {
      this.room(3);
      this.buf[this.size++] = (RDB_ENCVAL << 6) | RDB_ENC_INT16;
      this.buf.writeInt16LE(v, this.size);
      this.size += 2;
    } else if (v >= -2147483648 && v <= 2147483647) {
      this.room(5);
      this.buf[this.size++] = (RDB_ENCVAL << 6) | RDB_ENC_INT32;
      this.buf.writeInt32LE(v, this.size);
      this.size += 4;
    } else {
      return false;
    }
    return true;
  }

  /** rdbSaveLzfStringObject: kept only when it saves at least 4 bytes. */
  private lzfString(raw: Buffer, rawLength: number): boolean {
    if (rawLength <= 4) return false;
    if (this.scratchOut.length < rawLength + 8) this.scratchOut = Buffer.allocUnsafe(rawLength * 2 + 8);
    const size = lzfCompressInto(raw, rawLength, rawLength - 4, this.scratchOut);
    if (size === 0) return false;
    this.u8((RDB_ENCVAL << 6) | RDB_ENC_LZF);
    this.len(size);
    this.len(rawLength);
    this.room(size);
    const scratch = this.scratchOut;
    const buf = this.buf;
    // Short results (most values) are copied here: cheaper than a call into the runtime.
    if (size < 64) for (let i = 0, at = this.size; i < size; i++) buf[at + i] = scratch[i] as number;
    else scratch.copy(buf, this.size, 0, size);
    this.size += size;
    return true;
  }

  binaryDouble(x: number): void {
    this.room(8);
    this.buf.writeDoubleLE(x, this.size);
    this.size += 8;
  }

  millis(ms: number): void {
    this.room(8);
    this.buf.writeBigInt64LE(BigInt(ms), this.size);
    this.size += 8;
  }

  /** The bytes written so far, handed over, and the buffer emptied (a background save flushes slices). */
  take(): Buffer {
    // A mostly full buffer is handed over whole (no copy) and replaced; a mostly empty one is copied.
    const full = this.size >= this.buf.length >> 1;
    const out = full ? this.buf.subarray(0, this.size) : Buffer.from(this.buf.subarray(0, this.size));
    if (full) this.buf = this.spare.pop() ?? Buffer.allocUnsafe(this.buf.length);
    this.size = 0;
    return out;
  }

  /**
   * Gives back a chunk take() handed over, once its bytes are no longer needed (written to the file):
   * its memory serves a later take(). Without this, a save of gigabytes allocates as much memory
   * outside the heap, and V8 answers that growth with full collections (pauses) during the save.
   */
  recycle(chunk: Buffer): void {
    const whole = chunk.buffer;
    if (chunk.byteOffset !== 0 || whole.byteLength !== this.buf.length || this.spare.length >= MAX_SPARE) {
      return;
    }
    this.spare.push(Buffer.from(whole, 0, whole.byteLength));
  }

  /** The bytes written so far (a view: copy it if writing continues). */
  view(): Buffer {
    return this.buf.subarray(0, this.size);
  }
}
