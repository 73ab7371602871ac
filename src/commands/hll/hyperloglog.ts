/**
 * Redis 7.0's HyperLogLog (hyperloglog.c), byte for byte: the value is an ordinary string, so a HLL
 * built here and one built by redis-server from the same PFADDs are the same bytes, and either side
 * can read the other's (GET/SET, DUMP/RESTORE, RDB).
 *
 * Layout: a 16-byte header
 *
 *   +------+---+-----+----------+
 *   | HYLL | E | N/U | Cardin.  |
 *   +------+---+-----+----------+
 *
 * ("HYLL", encoding 0 dense / 1 sparse, three unused bytes, the cached cardinality as a 64-bit
 * little-endian integer whose top bit set means "stale"), then the registers:
 *  - dense: 16384 6-bit registers packed LSB first (12288 bytes);
 *  - sparse: run-length opcodes. ZERO 00xxxxxx = xxxxxx+1 zero registers; XZERO 01xxxxxx yyyyyyyy =
 *    a 14-bit run of zero registers (+1); VAL 1vvvvvxx = xx+1 registers of value vvvvv+1 (1..32).
 *
 * A sparse HLL becomes dense for good when a register needs a value above 32 or when it would grow
 * past hll-sparse-max-bytes. Everything here is pure: functions of bytes in, bytes out.
 */
import { libm } from '../../platform/index.js';
import {
  ERR_HLL_TEST_DISAGREE,
  ERR_HLL_TEST_ERROR,
  ERR_HLL_TEST_REGISTER,
  ERR_HLL_TEST_SPARSE,
} from '../../resp/index.js';

export const HLL_P = 14;
/** Bits of the hash left for the run of zeros: 64 - P. */
const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
const HLL_P_MASK = HLL_REGISTERS - 1;
const HLL_BITS = 6;
const HLL_REGISTER_MAX = (1 << HLL_BITS) - 1;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + Math.floor((HLL_REGISTERS * HLL_BITS + 7) / 8);
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
const HLL_MAX_ENCODING = 1;
/** 0.5 / ln(2): the estimator's alpha for m → ∞. */
const HLL_ALPHA_INF = 0.72134752044448170368;

const SPARSE_XZERO_BIT = 0x40;
const SPARSE_VAL_BIT = 0x80;
const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const SPARSE_XZERO_MAX_LEN = 16384;

/** Redis's seed for MurmurHash64A in hllPatLen. */
const HLL_HASH_SEED = 0xadc83b19;

// --- MurmurHash64A (endian-neutral, as Redis modified it) on 32-bit halves --------------------------

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;

let mulHi = 0;
/** (ah:al) * (bh:bl) mod 2^64; returns the low word, leaves the high word in `mulHi`. */
function mul64(ah: number, al: number, bh: number, bl: number): number {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const mid = a0 * b1 + a1 * b0; // < 2^33
  const lo = a0 * b0 + (mid % 65536) * 65536; // < 2^33
  const hi = a1 * b1 + Math.floor(mid / 65536) + Math.floor(lo / 4294967296);
  mulHi = (hi + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
  return lo >>> 0;
}

let hashHi = 0;
/** MurmurHash64A(bytes of `s` as latin1, seed); returns the low 32 bits, the high ones in `hashHi`. */
function murmurHash64A(s: string, seed: number): number {
  const len = s.length;
  let hl = mul64(0, len, M_HI, M_LO);
  let hh = mulHi;
  hl = (hl ^ seed) >>> 0;
  const end = len - (len & 7);
  let i = 0;
  for (; i < end; i += 8) {
    let kl =
      (s.charCodeAt(i) |
        (s.charCodeAt(i + 1) << 8) |
        (s.charCodeAt(i + 2) << 16) |
        (s.charCodeAt(i + 3) << 24)) >>>
      0;
    let kh =
      (s.charCodeAt(i + 4) |
        (s.charCodeAt(i + 5) << 8) |
        (s.charCodeAt(i + 6) << 16) |
        (s.charCodeAt(i + 7) << 24)) >>>
      0;
    kl = mul64(kh, kl, M_HI, M_LO);
    kh = mulHi;
    kl = (kl ^ (kh >>> 15)) >>> 0; // k ^= k >> 47
    kl = mul64(kh, kl, M_HI, M_LO);
    kh = mulHi;
    hl = (hl ^ kl) >>> 0;
    hh = (hh ^ kh) >>> 0;
    hl = mul64(hh, hl, M_HI, M_LO);
    hh = mulHi;
  }
  const rest = len & 7;
  if (rest > 0) {
    for (let j = rest - 1; j >= 0; j--) {
      const byte = s.charCodeAt(i + j);
      if (j >= 4) hh = (hh ^ (byte << (8 * (j - 4)))) >>> 0;
      else hl = (hl ^ (byte << (8 * j))) >>> 0;
    }
    hl = mul64(hh, hl, M_HI, M_LO);
    hh = mulHi;
  }
  hl = (hl ^ (hh >>> 15)) >>> 0;
  hl = mul64(hh, hl, M_HI, M_LO);
  hh = mulHi;
  hl = (hl ^ (hh >>> 15)) >>> 0;
  hashHi = hh;
  return hl;
}

/** The 64-bit MurmurHash64A of `s` with Redis's HLL seed, as a bigint (tests and debugging). */
export function hllHash(s: string): bigint {
  const lo = murmurHash64A(s, HLL_HASH_SEED);
  return (BigInt(hashHi) << 32n) | BigInt(lo);
}

function ctz32(v: number): number {
  return 31 - Math.clz32(v & -v);
}

let patIndex = 0;
/**
 * hllPatLen: the register an element goes to (left in `patIndex`) and the length of the 000…1
 * pattern of the rest of its hash (1..Q+1).
 */
function patLen(element: string): number {
  const lo = murmurHash64A(element, HLL_HASH_SEED);
  const hi = hashHi;
  patIndex = lo & HLL_P_MASK;
  const low = lo >>> HLL_P; // hash bits 14..31 → pattern bits 0..17
  if (low !== 0) return ctz32(low) + 1;
  if (hi !== 0) return 32 - HLL_P + ctz32(hi) + 1;
  return HLL_Q + 1;
}

// --- the value as a growable byte buffer --------------------------------------------------------------

/**
 * A HLL being read or changed: `bytes[0, length)` is the string value. There is always one spare zero
 * byte after `length` (Redis reads one byte past the last dense register: the sds terminator).
 */
export class HllValue {
  constructor(
    public bytes: Buffer,
    public length: number,
  ) {}

  static fromString(s: string): HllValue {
    const bytes = Buffer.alloc(s.length + 1);
    bytes.write(s, 0, 'latin1');
    return new HllValue(bytes, s.length);
  }

  /** createHLLObject: an empty sparse HLL (one XZERO opcode for all 16384 registers). */
  static empty(): HllValue {
    const v = new HllValue(Buffer.alloc(HLL_HDR_SIZE + 2 + 1), HLL_HDR_SIZE + 2);
    v.bytes.write('HYLL', 0, 'latin1');
    v.bytes[4] = HLL_SPARSE;
    setXZero(v.bytes, HLL_HDR_SIZE, SPARSE_XZERO_MAX_LEN); // exactly HLL_REGISTERS
    return v;
  }

  toString(): string {
    return this.bytes.toString('latin1', 0, this.length);
  }

  get encoding(): number {
    return this.bytes[4] as number;
  }

  /** Room for `extra` more bytes (plus the spare terminator byte). */
  reserve(extra: number): void {
    const need = this.length + extra + 1;
    if (need <= this.bytes.length) return;
    const grown = Buffer.alloc(Math.max(need, this.bytes.length * 2));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }

  invalidateCache(): void {
    this.bytes[15] = (this.bytes[15] as number) | 0x80;
  }

  cacheIsValid(): boolean {
    return ((this.bytes[15] as number) & 0x80) === 0;
  }

  /** The cached cardinality (little endian; meaningful when cacheIsValid()). */
  cachedCardinality(): number | bigint {
    const n = this.bytes.readBigUInt64LE(8);
    return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
  }

  setCachedCardinality(card: number): void {
    this.bytes.writeBigUInt64LE(BigInt(card), 8);
  }
}

/**
 * isHLLObjectOrReply's checks on a string value: long enough for the header, "HYLL", a known
 * encoding, and exactly the dense size when dense. (The sparse opcodes are checked when read.)
 */
export function isValidHll(s: string): boolean {
  if (s.length < HLL_HDR_SIZE) return false;
  if (!s.startsWith('HYLL')) return false;
  const encoding = s.charCodeAt(4);
  if (encoding > HLL_MAX_ENCODING) return false;
  return encoding !== HLL_DENSE || s.length === HLL_DENSE_SIZE;
}

// --- dense registers ----------------------------------------------------------------------------

function denseGet(p: Buffer, offset: number, regnum: number): number {
  const byte = offset + ((regnum * HLL_BITS) >>> 3);
  const fb = (regnum * HLL_BITS) & 7;
  const b0 = p[byte] as number;
  const b1 = p[byte + 1] ?? 0;
  return ((b0 >>> fb) | (b1 << (8 - fb))) & HLL_REGISTER_MAX;
}

function denseSetRegister(p: Buffer, offset: number, regnum: number, val: number): void {
  const byte = offset + ((regnum * HLL_BITS) >>> 3);
  const fb = (regnum * HLL_BITS) & 7;
  const fb8 = 8 - fb;
  p[byte] = ((p[byte] as number) & ~(HLL_REGISTER_MAX << fb) & 0xff) | ((val << fb) & 0xff);
  if (byte + 1 < p.length) {
    p[byte + 1] = ((p[byte + 1] as number) & ~(HLL_REGISTER_MAX >>> fb8) & 0xff) | (val >>> fb8);
  }
}

/** hllDenseSet: raises register `index` to `count`; 1 when it changed. */
function denseSet(p: Buffer, index: number, count: number): 0 | 1 {
  if (count > denseGet(p, HLL_HDR_SIZE, index)) {
    denseSetRegister(p, HLL_HDR_SIZE, index, count);
    return 1;
  }
  return 0;
}

// --- sparse opcodes ------------------------------------------------------------------------------

const isZero = (b: number): boolean => (b & 0xc0) === 0;
const isXZero = (b: number): boolean => (b & 0xc0) === SPARSE_XZERO_BIT;
const isVal = (b: number): boolean => (b & SPARSE_VAL_BIT) !== 0;
const zeroLen = (b: number): number => (b & 0x3f) + 1;
const xzeroLen = (b: number, b2: number): number => (((b & 0x3f) << 8) | b2) + 1;
const valValue = (b: number): number => ((b >>> 2) & 0x1f) + 1;
const valLen = (b: number): number => (b & 0x3) + 1;
const valOpcode = (val: number, len: number): number =>
  (((val - 1) << 2) | (len - 1) | SPARSE_VAL_BIT) & 0xff;

function setXZero(p: Buffer | Uint8Array, at: number, len: number): void {
  const l = len - 1;
  p[at] = (l >>> 8) | SPARSE_XZERO_BIT;
  p[at + 1] = l & 0xff;
}

/**
 * hllSparseToDense: the same registers, dense (header and cached cardinality copied). Undefined when
 * the opcodes do not cover exactly 16384 registers (a corrupted HLL). A dense input is returned as is.
 */
export function sparseToDense(hll: HllValue): HllValue | undefined {
  if (hll.encoding === HLL_DENSE) return hll;
  const dense = Buffer.alloc(HLL_DENSE_SIZE + 1);
  hll.bytes.copy(dense, 0, 0, HLL_HDR_SIZE);
  dense[4] = HLL_DENSE;
  const p = hll.bytes;
  const end = hll.length;
  let idx = 0;
  for (let i = HLL_HDR_SIZE; i < end;) {
    const b = p[i] as number;
    if (isZero(b)) {
      idx += zeroLen(b);
      i++;
    } else if (isXZero(b)) {
      idx += xzeroLen(b, p[i + 1] ?? 0);
      i += 2;
    } else {
      let runlen = valLen(b);
      const regval = valValue(b);
      if (runlen + idx > HLL_REGISTERS) return undefined; // overflow (7.0.15 refuses it outright)
      while (runlen-- > 0) denseSetRegister(dense, HLL_HDR_SIZE, idx++, regval);
      i++;
    }
  }
  if (idx !== HLL_REGISTERS) return undefined;
  return new HllValue(dense, HLL_DENSE_SIZE);
}

/** What an add/set did: 1 changed, 0 unchanged, -1 corrupted; `value` may be a new (dense) buffer. */
export interface SetOutcome {
  readonly result: -1 | 0 | 1;
  readonly value: HllValue;
}

/**
 * hllSparseSet: raises register `index` to `count` in a sparse HLL, splitting the opcode that covers
 * it and merging equal neighbours afterwards; promotes to dense when `count` > 32 or the result would
 * exceed `sparseMaxBytes`. Invalidates the cached cardinality when something changed.
 */
export function sparseSet(hll: HllValue, index: number, count: number, sparseMaxBytes: number): SetOutcome {
  if (count > SPARSE_VAL_MAX_VALUE) return promote(hll, index, count);
  hll.reserve(3);
  let p = hll.bytes;
  const sparse = HLL_HDR_SIZE;
  let end = hll.length;

  // Step 1: find the opcode covering `index`.
  let pos = sparse;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (pos < end) {
    const b = p[pos] as number;
    let oplen = 1;
    if (isZero(b)) span = zeroLen(b);
    else if (isVal(b)) span = valLen(b);
    else {
      span = xzeroLen(b, p[pos + 1] ?? 0);
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = pos;
    pos += oplen;
    first += span;
  }
  if (span === 0 || pos >= end) return { result: -1, value: hll };

  const op = p[pos] as number;
  let next = isXZero(op) ? pos + 2 : pos + 1;
  if (next >= end) next = -1;
  const opIsZero = isZero(op);
  const opIsXZero = isXZero(op);
  const opIsVal = !opIsZero && !opIsXZero;
  const runlen = opIsZero ? zeroLen(op) : opIsXZero ? xzeroLen(op, p[pos + 1] as number) : valLen(op);

  // Step 2: the trivial cases (A: VAL already ≥ count; B: VAL of one register; C: ZERO of one).
  let updatedInPlace = false;
  if (opIsVal) {
    if (valValue(op) >= count) return { result: 0, value: hll };
    if (runlen === 1) {
      p[pos] = valOpcode(count, 1);
      updatedInPlace = true;
    }
  }
  if (!updatedInPlace && opIsZero && runlen === 1) {
    p[pos] = valOpcode(count, 1);
    updatedInPlace = true;
  }

  if (!updatedInPlace) {
    // D: split the opcode into up to three (worst case XZERO-VAL-XZERO, 5 bytes).
    const seq: number[] = [];
    const last = first + span - 1;
    const pushZeros = (len: number): void => {
      if (len > SPARSE_ZERO_MAX_LEN) {
        const l = len - 1;
        seq.push((l >>> 8) | SPARSE_XZERO_BIT, l & 0xff);
      } else {
        seq.push(len - 1);
      }
    };
    if (opIsZero || opIsXZero) {
      if (index !== first) pushZeros(index - first);
      seq.push(valOpcode(count, 1));
      if (index !== last) pushZeros(last - index);
    } else {
      const curval = valValue(op);
      if (index !== first) seq.push(valOpcode(curval, index - first));
      seq.push(valOpcode(count, 1));
      if (index !== last) seq.push(valOpcode(curval, last - index));
    }
    // Step 3: substitute the new sequence for the old opcode.
    const oldlen = opIsXZero ? 2 : 1;
    const deltalen = seq.length - oldlen;
    if (deltalen > 0 && hll.length + deltalen > sparseMaxBytes) return promote(hll, index, count);
    if (deltalen !== 0 && next !== -1) p.copyWithin(next + deltalen, next, end);
    hll.length += deltalen;
    for (let j = 0; j < seq.length; j++) p[pos + j] = seq[j] as number;
    end += deltalen;
    if (deltalen < 0) p.fill(0, end, end - deltalen + 1);
  }

  // Step 4: merge adjacent VAL opcodes of equal value, scanning up to 5 opcodes from prev.
  p = hll.bytes;
  let q = prev !== -1 ? prev : sparse;
  let scanlen = 5;
  while (q < end && scanlen-- > 0) {
    const b = p[q] as number;
    if (isXZero(b)) {
      q += 2;
      continue;
    } else if (isZero(b)) {
      q++;
      continue;
    }
    if (q + 1 < end && isVal(p[q + 1] as number)) {
      const v1 = valValue(b);
      const v2 = valValue(p[q + 1] as number);
      if (v1 === v2) {
        const len = valLen(b) + valLen(p[q + 1] as number);
        if (len <= SPARSE_VAL_MAX_LEN) {
          p[q + 1] = valOpcode(v1, len);
          p.copyWithin(q, q + 1, end);
          hll.length--;
          end--;
          p[end] = 0;
          continue;
        }
      }
    }
    q++;
  }
  hll.invalidateCache();
  return { result: 1, value: hll };
}

/** The `promote:` path of hllSparseSet: to dense, then set the register there (always a change). */
function promote(hll: HllValue, index: number, count: number): SetOutcome {
  const dense = sparseToDense(hll);
  if (dense === undefined) return { result: -1, value: hll };
  denseSet(dense.bytes, index, count);
  return { result: 1, value: dense };
}

/** hllAdd: adds one element (PFADD); may promote a sparse HLL. */
export function hllAdd(hll: HllValue, element: string, sparseMaxBytes: number): SetOutcome {
  const count = patLen(element);
  const index = patIndex;
  if (hll.encoding === HLL_DENSE) return { result: denseSet(hll.bytes, index, count), value: hll };
  if (hll.encoding === HLL_SPARSE) return sparseSet(hll, index, count, sparseMaxBytes);
  return { result: -1, value: hll };
}

/** The value of every register after promotion to dense (PFDEBUG GETREG reads them). */
export function denseRegisters(dense: HllValue): number[] {
  const out = new Array<number>(HLL_REGISTERS);
  for (let i = 0; i < HLL_REGISTERS; i++) out[i] = denseGet(dense.bytes, HLL_HDR_SIZE, i);
  return out;
}

/** hllDenseSet on a dense value (PFMERGE into a dense destination). */
export function denseRaise(dense: HllValue, index: number, count: number): void {
  denseSet(dense.bytes, index, count);
}

/**
 * hllMerge: max[i] = MAX(max[i], register i) over one HLL. False when a sparse HLL is corrupted
 * (its opcodes overflow or do not cover every register).
 */
export function hllMerge(max: Uint8Array, hll: HllValue): boolean {
  const p = hll.bytes;
  if (hll.encoding === HLL_DENSE) {
    const raise = (i: number, val: number): void => {
      if (val > (max[i] as number)) max[i] = val;
    };
    for (let b = HLL_HDR_SIZE, i = 0; b < HLL_DENSE_SIZE; b += 3, i += 4) {
      const b0 = p[b] as number;
      const b1 = p[b + 1] as number;
      const b2 = p[b + 2] as number;
      raise(i, b0 & 63);
      raise(i + 1, ((b0 >>> 6) | (b1 << 2)) & 63);
      raise(i + 2, ((b1 >>> 4) | (b2 << 4)) & 63);
      raise(i + 3, b2 >>> 2);
    }
    return true;
  }
  let i = 0;
  for (let pos = HLL_HDR_SIZE; pos < hll.length;) {
    const b = p[pos] as number;
    if (isZero(b)) {
      i += zeroLen(b);
      pos++;
    } else if (isXZero(b)) {
      i += xzeroLen(b, p[pos + 1] ?? 0);
      pos += 2;
    } else {
      let runlen = valLen(b);
      const regval = valValue(b);
      if (runlen + i > HLL_REGISTERS) return false; // overflow (7.0.15 refuses it outright)
      while (runlen-- > 0) {
        if (regval > (max[i] as number)) max[i] = regval;
        i++;
      }
      pos++;
    }
  }
  return i === HLL_REGISTERS;
}

// --- cardinality (Ertl's estimator, as Redis 5.0+ computes it) ------------------------------------

/** hllSigma from "New cardinality estimation algorithms for HyperLogLog sketches" (Ertl). */
function hllSigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

function hllTau(x: number): number {
  const { pow } = libm(); // glibc's pow, as Redis: not always x*x to the last bit
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    z -= pow(1 - x, 2) * y;
  } while (zPrime !== z);
  return z / 3;
}

function bump(histogram: Int32Array, index: number, by: number): void {
  histogram[index] = (histogram[index] as number) + by;
}

/** The estimate from a register histogram (hllCount's common part). */
function estimate(reghisto: Int32Array): number {
  const m = HLL_REGISTERS;
  let z = m * hllTau((m - (reghisto[HLL_Q + 1] as number)) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += reghisto[j] as number;
    z *= 0.5;
  }
  z += m * hllSigma((reghisto[0] as number) / m);
  return Math.round((HLL_ALPHA_INF * m * m) / z);
}

/** hllDenseRegHisto: four 6-bit registers per three bytes, as Redis's unrolled loop reads them. */
function denseHistogram(p: Buffer, reghisto: Int32Array): void {
  for (let b = HLL_HDR_SIZE; b < HLL_DENSE_SIZE; b += 3) {
    const b0 = p[b] as number;
    const b1 = p[b + 1] as number;
    const b2 = p[b + 2] as number;
    bump(reghisto, b0 & 63, 1);
    bump(reghisto, ((b0 >>> 6) | (b1 << 2)) & 63, 1);
    bump(reghisto, ((b1 >>> 4) | (b2 << 4)) & 63, 1);
    bump(reghisto, b2 >>> 2, 1);
  }
}

/**
 * hllCount on a dense or sparse HLL; undefined when a sparse HLL's opcodes do not cover exactly
 * 16384 registers (Redis then replies INVALIDOBJ).
 */
export function hllCount(hll: HllValue): number | undefined {
  const reghisto = new Int32Array(64);
  const p = hll.bytes;
  if (hll.encoding === HLL_DENSE) {
    denseHistogram(p, reghisto);
    return estimate(reghisto);
  }
  let idx = 0;
  for (let pos = HLL_HDR_SIZE; pos < hll.length;) {
    const b = p[pos] as number;
    if (isZero(b)) {
      const runlen = zeroLen(b);
      idx += runlen;
      bump(reghisto, 0, runlen);
      pos++;
    } else if (isXZero(b)) {
      const runlen = xzeroLen(b, p[pos + 1] ?? 0);
      idx += runlen;
      bump(reghisto, 0, runlen);
      pos += 2;
    } else {
      const runlen = valLen(b);
      idx += runlen;
      bump(reghisto, valValue(b), runlen);
      pos++;
    }
  }
  return idx === HLL_REGISTERS ? estimate(reghisto) : undefined;
}

/** hllCount of the HLL_RAW encoding: one byte per register (PFCOUNT of several keys). */
export function rawCount(registers: Uint8Array): number {
  const reghisto = new Int32Array(64);
  for (let i = 0; i < HLL_REGISTERS; i++) bump(reghisto, (registers[i] as number) & 63, 1);
  return estimate(reghisto);
}

/** PFDEBUG DECODE: the sparse opcodes as text ("Z:16384", "z:3", "v:2,1"), space separated. */
export function decodeSparse(hll: HllValue): string {
  const parts: string[] = [];
  const p = hll.bytes;
  for (let pos = HLL_HDR_SIZE; pos < hll.length;) {
    const b = p[pos] as number;
    if (isZero(b)) {
      parts.push(`z:${zeroLen(b)}`);
      pos++;
    } else if (isXZero(b)) {
      parts.push(`Z:${xzeroLen(b, p[pos + 1] ?? 0)}`);
      pos += 2;
    } else {
      parts.push(`v:${valValue(b)},${valLen(b)}`);
      pos++;
    }
  }
  return parts.join(' ');
}

/**
 * PFSELFTEST's checks: registers read back what was written without disturbing neighbours, and the
 * estimate stays within 6 standard errors up to 10M elements, dense and sparse agreeing. Returns an
 * error message (ERR TESTFAILED …) or undefined.
 */
export function selfTest(sparseMaxBytes: number): string | undefined {
  const dense = Buffer.alloc(HLL_DENSE_SIZE + 1);
  const expected = new Uint8Array(HLL_REGISTERS);
  for (let cycle = 0; cycle < 1000; cycle++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const r = Math.floor(Math.random() * 64);
      expected[i] = r;
      denseSetRegister(dense, HLL_HDR_SIZE, i, r);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const val = denseGet(dense, HLL_HDR_SIZE, i);
      if (val !== expected[i]) return ERR_HLL_TEST_REGISTER(i, expected[i] as number, val);
    }
  }
  dense.fill(0, HLL_HDR_SIZE);
  dense[4] = HLL_DENSE;
  const denseHll = new HllValue(dense, HLL_DENSE_SIZE);
  let sparse = HllValue.empty();
  const relerr = 1.04 / Math.sqrt(HLL_REGISTERS);
  let checkpoint = 1;
  const seedHi = Math.floor(Math.random() * 2 ** 32);
  const seedLo = Math.floor(Math.random() * 2 ** 32);
  const ele = Buffer.alloc(8);
  for (let j = 1; j <= 10_000_000; j++) {
    ele.writeUInt32LE((j ^ seedLo) >>> 0, 0);
    ele.writeUInt32LE(seedHi, 4);
    const s = ele.toString('latin1');
    hllAdd(denseHll, s, sparseMaxBytes);
    sparse = hllAdd(sparse, s, sparseMaxBytes).value;
    if (j !== checkpoint) continue;
    if (j < sparseMaxBytes / 2 && sparse.encoding !== HLL_SPARSE) return ERR_HLL_TEST_SPARSE;
    const card = hllCount(denseHll) ?? -1;
    if (card !== hllCount(sparse)) return ERR_HLL_TEST_DISAGREE;
    let maxerr = Math.ceil(relerr * 6 * checkpoint);
    if (j === 10) maxerr = 1;
    const abserr = Math.abs(checkpoint - card);
    if (abserr > maxerr) return ERR_HLL_TEST_ERROR(checkpoint, abserr);
    checkpoint *= 10;
  }
  return undefined;
}
