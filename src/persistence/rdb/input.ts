/**
 * A cursor over RDB bytes: the primitive decoders of src/rdb.c (rdbLoadLen, rdbGenericLoadStringObject,
 * rdbLoadBinaryDoubleValue, rdbLoadDoubleValue, rdbLoadMillisecondTime). Every read is bounds-checked
 * and a short file is an RdbError saying what was being read.
 */
import {
  RDB_14BITLEN,
  RDB_32BITLEN,
  RDB_64BITLEN,
  RDB_6BITLEN,
  RDB_ENCVAL,
  RDB_ENC_INT16,
  RDB_ENC_INT32,
  RDB_ENC_INT8,
  RDB_ENC_LZF,
  RdbError,
} from './constants.js';
import { lzfDecompress, lzfDecompressInto } from './lzf.js';

/**
 * The data ended inside what was being read. A reader of bytes still arriving (a replica's payload)
 * takes it as "wait for more"; for a whole file it is the error it says.
 */
export class RdbShortRead extends RdbError {}

/**
 * Buffer's own latin1 decoder (present on every Node Buffer): toString('latin1', …) checks and
 * dispatches its arguments in JS first, on each of the two strings per key of a load.
 */
type Latin1Slicer = Buffer & { latin1Slice(start: number, end: number): string };

export class RdbInput {
  pos: number;
  /** Where LZF strings read as text are decompressed (grown as needed, reused). */
  private scratch = Buffer.allocUnsafe(4096);
  constructor(
    readonly bytes: Buffer,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.end) {
      throw new RdbShortRead(`unexpected end of data at offset ${this.pos} reading ${what}`);
    }
  }

  u8(what = 'a byte'): number {
    this.need(1, what);
    return this.bytes[this.pos++] as number;
  }

  raw(n: number, what = 'raw bytes'): Buffer {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** rdbLoadLenByRef as a bigint: `encoded` when the top bits are 11 (a special string encoding). */
  lenOrEncoding(): { readonly len: bigint; readonly encoded: boolean } {
    const first = this.u8('a length');
    const kind = (first & 0xc0) >> 6;
    if (kind === RDB_ENCVAL) return { len: BigInt(first & 0x3f), encoded: true };
    if (kind === RDB_6BITLEN) return { len: BigInt(first & 0x3f), encoded: false };
    if (kind === RDB_14BITLEN)
      return { len: BigInt(((first & 0x3f) << 8) | this.u8('a length')), encoded: false };
    if (first === RDB_32BITLEN) {
      this.need(4, 'a 32-bit length');
      const v = this.bytes.readUInt32BE(this.pos);
      this.pos += 4;
      return { len: BigInt(v), encoded: false };
    }
    if (first === RDB_64BITLEN) {
      this.need(8, 'a 64-bit length');
      const v = this.bytes.readBigUInt64BE(this.pos);
      this.pos += 8;
      return { len: v, encoded: false };
    }
    throw new RdbError(`unknown length encoding 0x${first.toString(16)} at offset ${this.pos - 1}`);
  }

  /** A length or count (must fit in a JS safe integer). */
  len(what = 'a length'): number {
    // The 6-, 14- and 32-bit forms without the bigint of lenOrEncoding (one per string on a load).
    if (this.pos < this.end) {
      const first = this.bytes[this.pos] as number;
      const kind = first >> 6;
      if (kind === RDB_6BITLEN) {
        this.pos++;
        return first & 0x3f;
      }
      if (kind === RDB_14BITLEN && this.pos + 1 < this.end) {
        this.pos += 2;
        return ((first & 0x3f) << 8) | (this.bytes[this.pos - 1] as number);
      }
      if (first === RDB_32BITLEN && this.pos + 4 < this.end) {
        const v = this.bytes.readUInt32BE(this.pos + 1);
        this.pos += 5;
        return v;
      }
    }
    const { len, encoded } = this.lenOrEncoding();
    if (encoded) throw new RdbError(`${what} at offset ${this.pos - 1} has a string encoding`);
    if (len > BigInt(Number.MAX_SAFE_INTEGER)) throw new RdbError(`${what} ${len} is too large`);
    return Number(len);
  }

  /** A length read as an unsigned 64-bit number (stream IDs, entries_read). */
  bigLen(what = 'a length'): bigint {
    const { len, encoded } = this.lenOrEncoding();
    if (encoded) throw new RdbError(`${what} at offset ${this.pos - 1} has a string encoding`);
    return len;
  }

  /** rdbGenericLoadStringObject: raw, int8/16/32 (as decimal text) or LZF. */
  string(what = 'a string'): Buffer {
    const at = this.pos;
    const { len, encoded } = this.lenOrEncoding();
    if (!encoded) {
      if (len > BigInt(this.end - this.pos)) {
        throw new RdbShortRead(`${what} at offset ${at} claims ${len} bytes, past the end of the data`);
      }
      return this.raw(Number(len), what);
    }
    switch (Number(len)) {
      case RDB_ENC_INT8:
        this.need(1, what);
        return Buffer.from(String(this.bytes.readInt8(this.pos++)), 'latin1');
      case RDB_ENC_INT16: {
        this.need(2, what);
        const v = this.bytes.readInt16LE(this.pos);
        this.pos += 2;
        return Buffer.from(String(v), 'latin1');
      }
      case RDB_ENC_INT32: {
        this.need(4, what);
        const v = this.bytes.readInt32LE(this.pos);
        this.pos += 4;
        return Buffer.from(String(v), 'latin1');
      }
      case RDB_ENC_LZF: {
        const clen = this.len('an LZF compressed length');
        const ulen = this.len('an LZF original length');
        const compressed = this.raw(clen, `${what} (LZF)`);
        try {
          return lzfDecompress(compressed, ulen);
        } catch (err) {
          throw new RdbError(`${what} at offset ${at}: ${(err as Error).message}`);
        }
      }
      default:
        throw new RdbError(`unknown string encoding ${len} at offset ${at}`);
    }
  }

  /** A string as a latin1 JS string (the store's representation of bytes). */
  text(what = 'a string'): string {
    // Fast paths for raw strings up to 16 KB and for LZF strings: no intermediate Buffer per string.
    const bytes = this.bytes;
    const first = this.pos < this.end ? (bytes[this.pos] as number) : 0xff;
    const kind = first >> 6;
    if (kind === RDB_6BITLEN || (kind === RDB_14BITLEN && this.pos + 1 < this.end)) {
      const len =
        kind === RDB_6BITLEN ? first & 0x3f : ((first & 0x3f) << 8) | (bytes[this.pos + 1] as number);
      const from = this.pos + (kind === RDB_6BITLEN ? 1 : 2);
      if (from + len <= this.end) {
        this.pos = from + len;
        return (bytes as Latin1Slicer).latin1Slice(from, from + len);
      }
    } else if (first === ((RDB_ENCVAL << 6) | RDB_ENC_LZF)) {
      return this.lzfText(what);
    }
    return this.string(what).toString('latin1');
  }

  /** An LZF string decompressed into a reused scratch buffer, then made a latin1 string. */
  private lzfText(what: string): string {
    const at = this.pos;
    this.pos++;
    const clen = this.len('an LZF compressed length');
    const ulen = this.len('an LZF original length');
    this.need(clen, `${what} (LZF)`);
    if (this.scratch.length < ulen)
      this.scratch = Buffer.allocUnsafe(Math.max(ulen, this.scratch.length * 2));
    try {
      lzfDecompressInto(this.bytes, this.pos, this.pos + clen, this.scratch, ulen);
    } catch (err) {
      throw new RdbError(`${what} at offset ${at}: ${(err as Error).message}`);
    }
    this.pos += clen;
    return (this.scratch as Latin1Slicer).latin1Slice(0, ulen);
  }

  /** rdbLoadBinaryDoubleValue: 8 bytes IEEE-754 little endian. */
  binaryDouble(): number {
    this.need(8, 'a binary double');
    const v = this.bytes.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** rdbLoadDoubleValue (RDB_TYPE_ZSET): length byte + ASCII; 253 NaN, 254 +inf, 255 -inf. */
  textDouble(): number {
    const len = this.u8('a double length');
    if (len === 253) return NaN;
    if (len === 254) return Infinity;
    if (len === 255) return -Infinity;
    return parseScore(this.raw(len, 'a double').toString('latin1'));
  }

  /** rdbLoadMillisecondTime: int64 little endian. */
  millis(what = 'a millisecond time'): number {
    this.need(8, what);
    const v = this.bytes.readBigInt64LE(this.pos);
    this.pos += 8;
    return Number(v);
  }

  /** rdbLoadTime: int32 little endian seconds (old EXPIRETIME). */
  seconds(): number {
    this.need(4, 'a time in seconds');
    const v = this.bytes.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
}

/** strtod as Redis's listpack/ziplist scores use it: decimal, exponent, inf/-inf/nan. */
export function parseScore(text: string): number {
  const t = text.toLowerCase();
  if (t === 'inf' || t === '+inf' || t === 'infinity' || t === '+infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  const v = Number(text);
  if (text.trim() === '' || Number.isNaN(v)) throw new RdbError(`invalid score ${JSON.stringify(text)}`);
  return v;
}
