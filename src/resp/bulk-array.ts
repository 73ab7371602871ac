/**
 * An array of bulk strings encoded as it is built, from bytes the caller already holds (a list's
 * packed chunks): no JS string and no reply object per element. LRANGE of hundreds of elements spent
 * most of its time making those and then encoding them again.
 *
 * The result is an `encoded` reply: `*N\r\n` then `$len\r\n<bytes>\r\n` per element, the same bytes
 * in RESP2 and RESP3. It is a copy, so later writes to the source do not change it (a reply can wait
 * in a MULTI's results or a script's call while the data changes).
 */
import type { Reply } from './reply.js';

const CR = 13;
const LF = 10;
/** Up to this many bytes an element is copied by a JS loop; longer ones by Buffer#copy (a native call). */
const SHORT_COPY = 32;

export class BulkArrayBuilder {
  private buf: Buffer;
  private pos = 0;

  /** `count` elements of about `bytesHint` bytes in all follow. */
  constructor(count: number, bytesHint: number) {
    this.buf = Buffer.allocUnsafe(16 + bytesHint + count * 8);
    this.pos = this.writeHeader(0x2a, count, 0); // *
  }

  /** Adds one element: `len` bytes of `src` from `at`. */
  add(src: Buffer, at: number, len: number): void {
    this.ensure(len + 16);
    const b = this.buf;
    let p = this.writeHeader(0x24, len, this.pos); // $
    if (len <= SHORT_COPY) for (let i = 0; i < len; i++) b[p++] = src[at + i] as number;
    else p += src.copy(b, p, at, at + len);
    b[p++] = CR;
    b[p++] = LF;
    this.pos = p;
  }

  /** The reply; `add` must have been called `count` times. */
  reply(): Reply {
    return { kind: 'encoded', bytes: this.buf.subarray(0, this.pos) };
  }

  private writeHeader(prefix: number, n: number, at: number): number {
    const b = this.buf;
    let p = at;
    b[p++] = prefix;
    if (n < 10) {
      b[p++] = 0x30 + n;
    } else if (n < 100) {
      b[p++] = 0x30 + ((n / 10) | 0);
      b[p++] = 0x30 + (n % 10);
    } else {
      const digits = String(n);
      for (let i = 0; i < digits.length; i++) b[p++] = digits.charCodeAt(i);
    }
    b[p++] = CR;
    b[p++] = LF;
    return p;
  }

  private ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}
