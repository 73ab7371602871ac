/**
 * CRC-64 "Jones" as Redis's src/crc64.c computes it: reflected polynomial 0x95ac9329ac4bc9b5,
 * reflected in and out, initial value 0, no final xor. crc64(0, "123456789") = 0xe9c6d914c4b8d9ca.
 *
 * The 64-bit state is kept as two uint32 halves (BigInt per byte would be far too slow for a whole
 * RDB file), with Redis's table form `crc = T[(crc ^ b) & 0xff] ^ (crc >> 8)`, eight bytes at a time
 * (slicing-by-8: T[k][b] is the CRC of byte b followed by k zero bytes).
 */
const TABLE_LO = new Uint32Array(256 * 8);
const TABLE_HI = new Uint32Array(256 * 8);
{
  const POLY_LO = 0xac4bc9b5;
  const POLY_HI = 0x95ac9329;
  for (let n = 0; n < 256; n++) {
    let lo = n;
    let hi = 0;
    for (let k = 0; k < 8; k++) {
      const carry = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (carry !== 0) {
        lo = (lo ^ POLY_LO) >>> 0;
        hi = (hi ^ POLY_HI) >>> 0;
      }
    }
    TABLE_LO[n] = lo;
    TABLE_HI[n] = hi;
  }
  for (let k = 1; k < 8; k++) {
    for (let n = 0; n < 256; n++) {
      const plo = TABLE_LO[(k - 1) * 256 + n] as number;
      const phi = TABLE_HI[(k - 1) * 256 + n] as number;
      const i = plo & 0xff;
      TABLE_LO[k * 256 + n] = (((plo >>> 8) | (phi << 24)) ^ (TABLE_LO[i] as number)) >>> 0;
      TABLE_HI[k * 256 + n] = ((phi >>> 8) ^ (TABLE_HI[i] as number)) >>> 0;
    }
  }
}

/** The same tables read as int32: the update loop stays in int32 arithmetic (no boxed doubles). */
const TABLE_LO_I32 = new Int32Array(TABLE_LO.buffer);
const TABLE_HI_I32 = new Int32Array(TABLE_HI.buffer);

/** A running CRC-64 over several chunks (the RDB writer feeds it as it writes). */
export class Crc64 {
  private lo = 0;
  private hi = 0;

  update(bytes: Uint8Array, start = 0, end = bytes.length): void {
    // The halves are kept as int32 (`| 0`), not uint32 (`>>> 0`): a uint32 above 2^31 is a double in
    // V8, and the loop then boxed one per 8 bytes (~60 bytes of garbage per key a snapshot writes).
    let lo = this.lo | 0;
    let hi = this.hi | 0;
    const tl = TABLE_LO_I32;
    const th = TABLE_HI_I32;
    let i = start;
    for (; i + 8 <= end; i += 8) {
      const xl =
        lo ^
        ((bytes[i] as number) |
          ((bytes[i + 1] as number) << 8) |
          ((bytes[i + 2] as number) << 16) |
          ((bytes[i + 3] as number) << 24));
      const xh =
        hi ^
        ((bytes[i + 4] as number) |
          ((bytes[i + 5] as number) << 8) |
          ((bytes[i + 6] as number) << 16) |
          ((bytes[i + 7] as number) << 24));
      const a = 7 * 256 + (xl & 0xff);
      const b = 6 * 256 + ((xl >>> 8) & 0xff);
      const c = 5 * 256 + ((xl >>> 16) & 0xff);
      const d = 4 * 256 + ((xl >>> 24) & 0xff);
      const e = 3 * 256 + (xh & 0xff);
      const f = 2 * 256 + ((xh >>> 8) & 0xff);
      const g = 256 + ((xh >>> 16) & 0xff);
      const h = (xh >>> 24) & 0xff;
      lo =
        (tl[a] as number) ^
        (tl[b] as number) ^
        (tl[c] as number) ^
        (tl[d] as number) ^
        (tl[e] as number) ^
        (tl[f] as number) ^
        (tl[g] as number) ^
        (tl[h] as number);
      hi =
        (th[a] as number) ^
        (th[b] as number) ^
        (th[c] as number) ^
        (th[d] as number) ^
        (th[e] as number) ^
        (th[f] as number) ^
        (th[g] as number) ^
        (th[h] as number);
    }
    for (; i < end; i++) {
      const idx = (lo ^ (bytes[i] as number)) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ (tl[idx] as number);
      hi = (hi >>> 8) ^ (th[idx] as number);
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  /** The 8 bytes Redis appends: the CRC as a little-endian uint64. */
  digestLE(): Buffer {
    const out = Buffer.alloc(8);
    out.writeUInt32LE(this.lo, 0);
    out.writeUInt32LE(this.hi, 4);
    return out;
  }

  value(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }
}

/** CRC-64 of `bytes[start, end)` as the 8 little-endian bytes Redis stores. */
export function crc64LE(bytes: Uint8Array, start = 0, end = bytes.length): Buffer {
  const c = new Crc64();
  c.update(bytes, start, end);
  return c.digestLE();
}

export function crc64(bytes: Uint8Array): bigint {
  const c = new Crc64();
  c.update(bytes);
  return c.value();
}
