/**
 * Server-side request parser: RESP multibulk (`*N\r\n$len\r\n...`) and inline commands, with
 * Redis 7.0's limits and its exact `Protocol error: ...` texts (networking.c processMultibulkBuffer /
 * processInlineBuffer).
 *
 * It is pull-based: feed() appends bytes, next() returns one command at a time, so the server can stop
 * reading a client's pipeline while it is blocked. Incoming chunks are kept as a list until enough bytes
 * for the next step have arrived, so a 512 MB bulk arriving in 64 KB chunks is copied once, not
 * quadratically. Arguments are latin1 strings (one char per byte).
 */
import { splitArgs } from './sds.js';

/** Redis PROTO_INLINE_MAX_SIZE: the longest inline request or header line. */
export const PROTO_INLINE_MAX_SIZE = 64 * 1024;
/** Redis 7.0 rejects a multibulk count above INT_MAX (6.x used 1M; 7.0.15 accepts 1048577, see tests). */
export const PROTO_MAX_MULTIBULK_LEN = 2147483647;
/**
 * Redis client-query-buffer-limit (1 GB): a single command whose arguments grow past it closes the
 * connection without a reply, so `*2147483647` followed by endless empty bulks cannot exhaust memory.
 */
export const QUERY_BUFFER_LIMIT = 1024 * 1024 * 1024;
/** Before AUTH, Redis accepts at most this many arguments and this long a bulk (CVE-2021-32675). */
export const UNAUTH_MAX_MULTIBULK_LEN = 10;
export const UNAUTH_MAX_BULK_LEN = 16384;

export interface ParserLimits {
  /** proto-max-bulk-len, read on every bulk header so CONFIG SET applies at once. */
  maxBulkLen(): number;
  /** True while the connection must authenticate first: tighter limits apply then. */
  authRequired(): boolean;
}

/** A request the parser refuses; the server replies `-ERR <message>` and closes the connection. */
export interface ProtocolError {
  readonly kind: 'protocolError';
  readonly message: string;
  /** Close without replying (query buffer limit), as Redis does. */
  readonly silent?: boolean;
}

function protocolError(detail: string): ProtocolError {
  return { kind: 'protocolError', message: `Protocol error: ${detail}` };
}

const EMPTY = Buffer.alloc(0);
const CR = 13;
const LF = 10;
/** How far lineEnd scans in JS before handing over to indexOf. */
const SHORT_SCAN = 24;

/** Buffer's own latin1 decoder, without toString's encoding dispatch (present on every Node Buffer). */
type Latin1Slicer = Buffer & { latin1Slice(start: number, end: number): string };
const chr = String.fromCharCode;

/**
 * bytes [a, e) as a latin1 string. Arguments are mostly short (command names, keys, small values):
 * up to 24 bytes, String.fromCharCode builds the string without a native call (2–5× faster here).
 */
export function latin1(u: Buffer, a: number, e: number): string {
  // One fromCharCode call per argument: concatenating pieces would make a rope that Map lookups flatten.
  switch (e - a) {
    case 0:
      return '';
    case 1:
      return chr(u[a] as number);
    case 2:
      return chr(u[a] as number, u[a + 1] as number);
    case 3:
      return chr(u[a] as number, u[a + 1] as number, u[a + 2] as number);
    case 4:
      return chr(u[a] as number, u[a + 1] as number, u[a + 2] as number, u[a + 3] as number);
    case 5:
      return chr(
        u[a] as number,
        u[a + 1] as number,
        u[a + 2] as number,
        u[a + 3] as number,
        u[a + 4] as number,
      );
    case 6:
      return chr(
        u[a] as number,
        u[a + 1] as number,
        u[a + 2] as number,
        u[a + 3] as number,
        u[a + 4] as number,
        u[a + 5] as number,
      );
    case 7:
      return chr(
        u[a] as number,
        u[a + 1] as number,
        u[a + 2] as number,
        u[a + 3] as number,
        u[a + 4] as number,
        u[a + 5] as number,
        u[a + 6] as number,
      );
    case 8:
      return chr(
        u[a] as number,
        u[a + 1] as number,
        u[a + 2] as number,
        u[a + 3] as number,
        u[a + 4] as number,
        u[a + 5] as number,
        u[a + 6] as number,
        u[a + 7] as number,
      );
    case 9:
      return chr(
        u[a] as number,
        u[a + 1] as number,
        u[a + 2] as number,
        u[a + 3] as number,
        u[a + 4] as number,
        u[a + 5] as number,
        u[a + 6] as number,
        u[a + 7] as number,
        u[a + 8] as number,
      );
    case 10:
      return chr(
        u[a] as number,
        u[a + 1] as number,
        u[a + 2] as number,
        u[a + 3] as number,
        u[a + 4] as number,
        u[a + 5] as number,
        u[a + 6] as number,
        u[a + 7] as number,
        u[a + 8] as number,
        u[a + 9] as number,
      );
    case 11:
      return chr(
        u[a] as number,
        u[a + 1] as number,
        u[a + 2] as number,
        u[a + 3] as number,
        u[a + 4] as number,
        u[a + 5] as number,
        u[a + 6] as number,
        u[a + 7] as number,
        u[a + 8] as number,
        u[a + 9] as number,
        u[a + 10] as number,
      );
    case 12:
      return chr(
        u[a] as number,
        u[a + 1] as number,
        u[a + 2] as number,
        u[a + 3] as number,
        u[a + 4] as number,
        u[a + 5] as number,
        u[a + 6] as number,
        u[a + 7] as number,
        u[a + 8] as number,
        u[a + 9] as number,
        u[a + 10] as number,
        u[a + 11] as number,
      );
    case 13:
      return chr(
        u[a] as number,
        u[a + 1] as number,
        u[a + 2] as number,
        u[a + 3] as number,
        u[a + 4] as number,
        u[a + 5] as number,
        u[a + 6] as number,
        u[a + 7] as number,
        u[a + 8] as number,
        u[a + 9] as number,
        u[a + 10] as number,
        u[a + 11] as number,
        u[a + 12] as number,
      );
    case 14:
      return chr(
        u[a] as number,
        u[a + 1] as number,
        u[a + 2] as number,
        u[a + 3] as number,
        u[a + 4] as number,
        u[a + 5] as number,
        u[a + 6] as number,
        u[a + 7] as number,
        u[a + 8] as number,
        u[a + 9] as number,
        u[a + 10] as number,
        u[a + 11] as number,
        u[a + 12] as number,
        u[a + 13] as number,
      );
    case 15:
      return chr(
        u[a] as number,
        u[a + 1] as number,
        u[a + 2] as number,
        u[a + 3] as number,
        u[a + 4] as number,
        u[a + 5] as number,
        u[a + 6] as number,
        u[a + 7] as number,
        u[a + 8] as number,
        u[a + 9] as number,
        u[a + 10] as number,
        u[a + 11] as number,
        u[a + 12] as number,
        u[a + 13] as number,
        u[a + 14] as number,
      );
    case 16:
      return chr(
        u[a] as number,
        u[a + 1] as number,
        u[a + 2] as number,
        u[a + 3] as number,
        u[a + 4] as number,
        u[a + 5] as number,
        u[a + 6] as number,
        u[a + 7] as number,
        u[a + 8] as number,
        u[a + 9] as number,
        u[a + 10] as number,
        u[a + 11] as number,
        u[a + 12] as number,
        u[a + 13] as number,
        u[a + 14] as number,
        u[a + 15] as number,
      );
    case 17:
      return chr(
        u[a] as number,
        u[a + 1] as number,
        u[a + 2] as number,
        u[a + 3] as number,
        u[a + 4] as number,
        u[a + 5] as number,
        u[a + 6] as number,
        u[a + 7] as number,
        u[a + 8] as number,
        u[a + 9] as number,
        u[a + 10] as number,
        u[a + 11] as number,
        u[a + 12] as number,
        u[a + 13] as number,
        u[a + 14] as number,
        u[a + 15] as number,
        u[a + 16] as number,
      );
    case 18:
      return chr(
        u[a] as number,
        u[a + 1] as number,
        u[a + 2] as number,
        u[a + 3] as number,
        u[a + 4] as number,
        u[a + 5] as number,
        u[a + 6] as number,
        u[a + 7] as number,
        u[a + 8] as number,
        u[a + 9] as number,
        u[a + 10] as number,
        u[a + 11] as number,
        u[a + 12] as number,
        u[a + 13] as number,
        u[a + 14] as number,
        u[a + 15] as number,
        u[a + 16] as number,
        u[a + 17] as number,
      );
    case 19:
      return chr(
        u[a] as number,
        u[a + 1] as number,
        u[a + 2] as number,
        u[a + 3] as number,
        u[a + 4] as number,
        u[a + 5] as number,
        u[a + 6] as number,
        u[a + 7] as number,
        u[a + 8] as number,
        u[a + 9] as number,
        u[a + 10] as number,
        u[a + 11] as number,
        u[a + 12] as number,
        u[a + 13] as number,
        u[a + 14] as number,
        u[a + 15] as number,
        u[a + 16] as number,
        u[a + 17] as number,
        u[a + 18] as number,
      );
    case 20:
      return chr(
        u[a] as number,
        u[a + 1] as number,
        u[a + 2] as number,
        u[a + 3] as number,
        u[a + 4] as number,
        u[a + 5] as number,
        u[a + 6] as number,
        u[a + 7] as number,
        u[a + 8] as number,
        u[a + 9] as number,
        u[a + 10] as number,
        u[a + 11] as number,
        u[a + 12] as number,
        u[a + 13] as number,
        u[a + 14] as number,
        u[a + 15] as number,
        u[a + 16] as number,
        u[a + 17] as number,
        u[a + 18] as number,
        u[a + 19] as number,
      );
    case 21:
      return chr(
        u[a] as number,
        u[a + 1] as number,
        u[a + 2] as number,
        u[a + 3] as number,
        u[a + 4] as number,
        u[a + 5] as number,
        u[a + 6] as number,
        u[a + 7] as number,
        u[a + 8] as number,
        u[a + 9] as number,
        u[a + 10] as number,
        u[a + 11] as number,
        u[a + 12] as number,
        u[a + 13] as number,
        u[a + 14] as number,
        u[a + 15] as number,
        u[a + 16] as number,
        u[a + 17] as number,
        u[a + 18] as number,
        u[a + 19] as number,
        u[a + 20] as number,
      );
    case 22:
      return chr(
        u[a] as number,
        u[a + 1] as number,
        u[a + 2] as number,
        u[a + 3] as number,
        u[a + 4] as number,
        u[a + 5] as number,
        u[a + 6] as number,
        u[a + 7] as number,
        u[a + 8] as number,
        u[a + 9] as number,
        u[a + 10] as number,
        u[a + 11] as number,
        u[a + 12] as number,
        u[a + 13] as number,
        u[a + 14] as number,
        u[a + 15] as number,
        u[a + 16] as number,
        u[a + 17] as number,
        u[a + 18] as number,
        u[a + 19] as number,
        u[a + 20] as number,
        u[a + 21] as number,
      );
    case 23:
      return chr(
        u[a] as number,
        u[a + 1] as number,
        u[a + 2] as number,
        u[a + 3] as number,
        u[a + 4] as number,
        u[a + 5] as number,
        u[a + 6] as number,
        u[a + 7] as number,
        u[a + 8] as number,
        u[a + 9] as number,
        u[a + 10] as number,
        u[a + 11] as number,
        u[a + 12] as number,
        u[a + 13] as number,
        u[a + 14] as number,
        u[a + 15] as number,
        u[a + 16] as number,
        u[a + 17] as number,
        u[a + 18] as number,
        u[a + 19] as number,
        u[a + 20] as number,
        u[a + 21] as number,
        u[a + 22] as number,
      );
    case 24:
      return chr(
        u[a] as number,
        u[a + 1] as number,
        u[a + 2] as number,
        u[a + 3] as number,
        u[a + 4] as number,
        u[a + 5] as number,
        u[a + 6] as number,
        u[a + 7] as number,
        u[a + 8] as number,
        u[a + 9] as number,
        u[a + 10] as number,
        u[a + 11] as number,
        u[a + 12] as number,
        u[a + 13] as number,
        u[a + 14] as number,
        u[a + 15] as number,
        u[a + 16] as number,
        u[a + 17] as number,
        u[a + 18] as number,
        u[a + 19] as number,
        u[a + 20] as number,
        u[a + 21] as number,
        u[a + 22] as number,
        u[a + 23] as number,
      );
    default:
      return (u as Latin1Slicer).latin1Slice(a, e);
  }
}

export class RequestParser {
  private buf: Buffer = EMPTY;
  private pos = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes (counted from pos) that must be buffered before parsing can make progress. */
  private need = 0;
  /** The multibulk being read: arguments so far and how many are still to come. */
  private argv: string[] | undefined;
  private remaining = 0;
  /** Bytes of the multibulk being read, counted with a per-argument overhead, for QUERY_BUFFER_LIMIT. */
  private argvBytes = 0;
  private failed = false;

  constructor(private readonly limits: ParserLimits) {}

  /** Bytes received but not yet consumed as commands (CLIENT LIST qbuf). */
  get buffered(): number {
    return this.buf.length - this.pos + this.pendingBytes;
  }

  feed(chunk: Buffer): void {
    if (this.failed || chunk.length === 0) return;
    if (this.pos >= this.buf.length && this.pendingBytes === 0) {
      this.buf = chunk;
      this.pos = 0;
    } else {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
    }
  }

  /**
   * `chunk`, fed earlier, lives in a read buffer its owner is about to reuse: copy out the part of it
   * not yet consumed (only that part, so a big argument arriving over many reads is copied once).
   */
  ownBytes(chunk: Buffer): void {
    if (this.buf === chunk) {
      if (this.pos >= chunk.length) this.release();
      else {
        this.buf = Buffer.from(chunk.subarray(this.pos));
        this.pos = 0;
      }
      return;
    }
    const last = this.pending.length - 1;
    if (last >= 0 && this.pending[last] === chunk) this.pending[last] = Buffer.from(chunk);
  }

  /**
   * The next complete command (an argv, possibly empty for `*0` or a blank line — callers skip those),
   * a ProtocolError (after which the parser accepts nothing more), or undefined when more bytes are needed.
   */
  next(): string[] | ProtocolError | undefined {
    if (this.failed) return undefined;
    if (this.pendingBytes > 0) {
      if (this.buffered < this.need) return undefined;
      this.compact();
    }
    if (this.pos >= this.buf.length) return undefined;
    const result = this.argv !== undefined || this.buf[this.pos] === 0x2a ? this.multibulk() : this.inline();
    if (result !== undefined && 'kind' in result) this.fail();
    else if (this.pos >= this.buf.length) this.release();
    return result;
  }

  private compact(): void {
    this.buf = Buffer.concat([this.buf.subarray(this.pos), ...this.pending]);
    this.pos = 0;
    this.pending = [];
    this.pendingBytes = 0;
  }

  private release(): void {
    this.buf = EMPTY;
    this.pos = 0;
  }

  private fail(): void {
    this.failed = true;
    this.buf = EMPTY;
    this.pending = [];
    this.pendingBytes = 0;
    this.argv = undefined;
  }

  private waitFor(bytesFromPos: number): undefined {
    this.need = bytesFromPos;
    return undefined;
  }

  /** Reads a `<prefix><integer>\r\n` header at pos; returns the line end index or -1 if incomplete. */
  private lineEnd(): number {
    const buf = this.buf;
    const len = buf.length;
    // Headers are a few bytes: a JS scan beats the native indexOf call; long garbage takes indexOf.
    const scanEnd = Math.min(len, this.pos + SHORT_SCAN);
    let cr = -1;
    for (let i = this.pos; i < scanEnd; i++) {
      if (buf[i] === CR) {
        cr = i;
        break;
      }
    }
    if (cr < 0 && scanEnd < len) cr = buf.indexOf(CR, scanEnd);
    if (cr < 0 || cr + 1 >= len) return -1;
    return cr;
  }

  private multibulk(): string[] | ProtocolError | undefined {
    if (this.argv === undefined) {
      const cr = this.lineEnd();
      if (cr < 0) {
        if (this.buf.length - this.pos > PROTO_INLINE_MAX_SIZE) {
          return protocolError('too big mbulk count string');
        }
        return this.waitFor(this.buf.length - this.pos + 1);
      }
      const count = parseStrictInt(this.buf, this.pos + 1, cr);
      if (count === undefined || count > PROTO_MAX_MULTIBULK_LEN) {
        return protocolError('invalid multibulk length');
      }
      if (count > UNAUTH_MAX_MULTIBULK_LEN && this.limits.authRequired()) {
        return protocolError('unauthenticated multibulk length');
      }
      this.pos = cr + 2;
      if (count <= 0) return [];
      this.argv = [];
      this.remaining = count;
      this.argvBytes = 0;
    }
    return this.bulks();
  }

  private bulks(): string[] | ProtocolError | undefined {
    const argv = this.argv as string[];
    while (this.remaining > 0) {
      if (this.pos >= this.buf.length) return this.waitFor(1);
      const cr = this.lineEnd();
      if (cr < 0) {
        if (this.buf.length - this.pos > PROTO_INLINE_MAX_SIZE) {
          return protocolError('too big bulk count string');
        }
        return this.waitFor(this.buf.length - this.pos + 1);
      }
      const first = this.buf[this.pos] as number;
      if (first !== 0x24) {
        return protocolError(`expected '$', got '${String.fromCharCode(first)}'`);
      }
      const len = parseStrictInt(this.buf, this.pos + 1, cr);
      if (len === undefined || len < 0 || len > this.limits.maxBulkLen()) {
        return protocolError('invalid bulk length');
      }
      if (len > UNAUTH_MAX_BULK_LEN && this.limits.authRequired()) {
        return protocolError('unauthenticated bulk length');
      }
      const start = cr + 2;
      // Like Redis, the two bytes after the payload are skipped without being checked.
      if (this.buf.length < start + len + 2) return this.waitFor(start + len + 2 - this.pos);
      argv.push(latin1(this.buf, start, start + len));
      this.argvBytes += len + 16;
      if (this.argvBytes > QUERY_BUFFER_LIMIT) {
        return { kind: 'protocolError', message: 'query buffer limit reached', silent: true };
      }
      this.pos = start + len + 2;
      this.remaining--;
    }
    this.argv = undefined;
    this.need = 0;
    return argv;
  }

  private inline(): string[] | ProtocolError | undefined {
    const lf = this.buf.indexOf(LF, this.pos);
    if (lf < 0) return this.inlineIncomplete();
    let end = lf;
    if (end > this.pos && this.buf[end - 1] === CR) end--;
    const line = this.buf.toString('latin1', this.pos, end);
    // Redis finds the end of an inline request with strchr(querybuf, '\n'), which stops at a NUL:
    // a NUL before the newline means no complete request ever, so the connection answers nothing
    // until 64 KB are pending, then gets "too big inline request" (checked against 7.0.15).
    if (line.includes('\0')) return this.inlineIncomplete();
    this.pos = lf + 1;
    this.need = 0;
    const argv = splitArgs(line);
    if (argv === undefined) return protocolError('unbalanced quotes in request');
    return argv;
  }

  /** No complete inline request yet: wait for more bytes, unless more than Redis's limit are pending. */
  private inlineIncomplete(): ProtocolError | undefined {
    if (this.buf.length - this.pos > PROTO_INLINE_MAX_SIZE) return protocolError('too big inline request');
    return this.waitFor(this.buf.length - this.pos + 1);
  }
}

/**
 * Redis string2ll over bytes [start, end): optional '-', no '+', no leading zeros, no spaces.
 * Values beyond 2^53 are refused too (every limit they are checked against is far smaller).
 */
export function parseStrictInt(buf: Buffer, start: number, end: number): number | undefined {
  if (start >= end) return undefined;
  let i = start;
  let negative = false;
  if (buf[i] === 0x2d) {
    negative = true;
    i++;
    if (i >= end) return undefined;
  }
  if (buf[i] === 0x30) return i + 1 === end && !negative ? 0 : undefined;
  let n = 0;
  for (; i < end; i++) {
    const d = (buf[i] as number) - 0x30;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  if (n > Number.MAX_SAFE_INTEGER) return undefined;
  return negative ? -n : n;
}
