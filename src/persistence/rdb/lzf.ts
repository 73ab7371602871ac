/**
 * LZF as Redis ships it (src/lzf_c.c, src/lzf_d.c): the compressor Redis uses for strings longer than
 * 20 bytes when rdbcompression is on, and the decompressor for every LZF string in a file.
 *
 * Format: a control byte < 32 starts a run of ctrl+1 literal bytes; otherwise it is a back-reference
 * of (ctrl >> 5) + 2 bytes (7 means a length byte follows and is added) at distance
 * ((ctrl & 0x1f) << 8 | next byte) + 1 behind the output position.
 */
import { RdbError } from './constants.js';

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

/** lzfP.h IDX with VERY_FAST: the hash slot of a rolling 3-byte value (32-bit unsigned arithmetic). */
function idx(h: number): number {
  return ((h >>> (3 * 8 - HLOG)) - Math.imul(h, 5)) & (HSIZE - 1);
}

/**
 * One hash table for every call (Redis keeps it uninitialised on the stack; allocating and clearing
 * 256 KB per string would dominate the cost of saving small values). Each call stores positions
 * offset by `epoch`, which then moves past them, so older entries read as negative, i.e. empty.
 */
const HTAB = new Int32Array(HSIZE).fill(-1);
let epoch = 0;
const EPOCH_LIMIT = 2 ** 30;

function hashTable(inputLength: number): Int32Array {
  if (epoch + inputLength + 1 >= EPOCH_LIMIT) {
    HTAB.fill(-1);
    epoch = 0;
  }
  return HTAB;
}

/** Should be called when a compression ends, so its slots read as empty to the next one. */
function nextEpoch(inputLength: number): void {
  epoch += inputLength + 1;
}

/**
 * lzf_c.c's match extension: with maxlen > 16 it first compares 16 more bytes unrolled, without the
 * maxlen bound (so near the end of the input a match may run up to 2 bytes past maxlen, still inside
 * the input), then continues bounded.
 */
function matchLength(input: Uint8Array, ref: number, ip: number, maxlen: number): number {
  let len = 2;
  if (maxlen > 16) {
    for (let k = 0; k < 16; k++) {
      len++;
      if (input[ref + len] !== input[ip + len]) return len;
    }
  }
  do len++;
  while (len < maxlen && input[ref + len] === input[ip + len]);
  return len;
}

/**
 * Compresses `input`; returns undefined when the result would not fit in `maxOut` bytes (Redis then
 * stores the string as it is). With `scratch` (at least maxOut + 8 bytes) the result is a view of it,
 * valid until the next call. A line-by-line port of lzf_c.c with Redis's settings (HLOG 16,
 * VERY_FAST, and no `ip + 4 < in_end` test: that arrived after 7.0), so the bytes equal Redis 7.0's and DUMP payloads match byte for byte. (Redis leaves the
 * hash table uninitialised; an empty slot here never matches, which is what garbage does in
 * practice.)
 */
export function lzfCompress(input: Uint8Array, maxOut: number, scratch?: Buffer): Buffer | undefined {
  const out =
    scratch !== undefined && scratch.length >= maxOut + 8 ? scratch : Buffer.allocUnsafe(maxOut + 8);
  const size = lzfCompressInto(input, input.length, maxOut, out);
  return size === 0 ? undefined : out.subarray(0, size);
}

/**
 * lzfCompress of input[0, inputLength) into `out` (at least maxOut + 8 bytes), without allocating:
 * the compressed size, or 0 when it would not fit in `maxOut` bytes.
 */
export function lzfCompressInto(input: Uint8Array, inputLength: number, maxOut: number, out: Buffer): number {
  if (inputLength === 0 || maxOut <= 0) return 0;
  const size = compress(input, inputLength, maxOut, out);
  nextEpoch(inputLength);
  return size;
}

function compress(input: Uint8Array, inEnd: number, maxOut: number, out: Buffer): number {
  const htab = hashTable(inEnd);
  const base = epoch;
  let ip = 0;
  let op = 1; // start run: the first literal run's control byte is reserved at out[0]
  let lit = 0;
  let hval = (((input[0] as number) << 8) | (inEnd > 1 ? (input[1] as number) : 0)) >>> 0;
  while (ip < inEnd - 2) {
    hval = ((hval << 8) | (input[ip + 2] as number)) >>> 0;
    const slot = idx(hval);
    const ref = (htab[slot] as number) - base; // negative: a slot of an earlier call, i.e. empty
    htab[slot] = base + ip;
    const off = ip - ref - 1;
    if (
      ref >= 0 &&
      ref < ip &&
      off < MAX_OFF &&
      ref > 0 &&
      input[ref] === input[ip] &&
      input[ref + 1] === input[ip + 1] &&
      input[ref + 2] === input[ip + 2]
    ) {
      let len: number;
      const maxlen = Math.min(inEnd - ip - 2, MAX_REF);
      out[op - lit - 1] = lit - 1; // stop run
      if (lit === 0) op--; // undo run if length is zero
      if (op + 3 + 1 >= maxOut) return 0;
      len = matchLength(input, ref, ip, maxlen);
      len -= 2; // len is now #octets - 1
      ip++;
      if (len < 7) {
        out[op++] = (off >> 8) + (len << 5);
      } else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // start run
      ip += len + 1;
      if (ip >= inEnd - 2) break;
      ip -= 2;
      hval = (((input[ip] as number) << 8) | (input[ip + 1] as number)) >>> 0;
      hval = ((hval << 8) | (input[ip + 2] as number)) >>> 0;
      htab[idx(hval)] = base + ip;
      ip++;
      hval = ((hval << 8) | (input[ip + 2] as number)) >>> 0;
      htab[idx(hval)] = base + ip;
      ip++;
    } else {
      if (op >= maxOut) return 0;
      lit++;
      out[op++] = input[ip++] as number;
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > maxOut) return 0;
  while (ip < inEnd) {
    lit++;
    out[op++] = input[ip++] as number;
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1; // end run
  if (lit === 0) op--;
  return op;
}

/**
 * Decompresses the LZF stream input[start, end) that must expand to exactly `outLen` bytes, into
 * `into` (at offset 0, when it is big enough: a loader's reused scratch buffer) or a new buffer.
 */
export function lzfDecompress(
  input: Uint8Array,
  outLen: number,
  into?: Buffer,
  start = 0,
  end = input.length,
): Buffer {
  const out = into !== undefined && into.length >= outLen ? into : Buffer.allocUnsafe(outLen);
  lzfDecompressInto(input, start, end, out, outLen);
  return out === into ? out.subarray(0, outLen) : out;
}

/**
 * Back-references at least this long are copied with one native call (copyWithin, or fill for a
 * run of one byte); shorter ones byte by byte, which costs less than the call.
 */
const NATIVE_COPY_MIN = 16;

/**
 * lzfDecompress writing out[0, outLen) (out must hold outLen bytes) and nothing else: no view of the
 * result is made, so a loader decoding millions of values makes no garbage here.
 */
export function lzfDecompressInto(
  input: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  outLen: number,
): void {
  let ip = start;
  let op = 0;
  while (ip < end) {
    const ctrl = input[ip++] as number;
    if (ctrl < 32) {
      const run = ctrl + 1;
      if (op + run > outLen) throw new RdbError('LZF data expands past its stated length');
      if (ip + run > end) throw new RdbError('LZF literal run past the end of the input');
      for (let i = 0; i < run; i++) out[op++] = input[ip++] as number;
    } else {
      let len = ctrl >> 5;
      if (len === 7) {
        if (ip >= end) throw new RdbError('LZF back-reference cut short');
        len += input[ip++] as number;
      }
      if (ip >= end) throw new RdbError('LZF back-reference cut short');
      const distance = (((ctrl & 0x1f) << 8) | (input[ip++] as number)) + 1;
      const ref = op - distance;
      len += 2;
      if (op + len > outLen) throw new RdbError('LZF data expands past its stated length');
      if (ref < 0) throw new RdbError('LZF back-reference before the start of the output');
      if (len < NATIVE_COPY_MIN) {
        for (let i = 0; i < len; i++) out[op + i] = out[ref + i] as number;
      } else if (distance >= len) {
        out.copyWithin(op, ref, ref + len);
      } else if (distance === 1) {
        out.fill(out[ref] as number, op, op + len);
      } else {
        // An overlapping copy repeats the `distance` bytes before op: byte by byte, as LZF means it.
        for (let i = 0; i < len; i++) out[op + i] = out[ref + i] as number;
      }
      op += len;
    }
  }
  if (op !== outLen) throw new RdbError(`LZF data expands to ${op} bytes, ${outLen} stated`);
}
