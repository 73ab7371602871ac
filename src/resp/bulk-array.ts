/**
 * An array of bulk strings encoded as it is built, from bytes the caller already holds (a list's
 * packed chunks): no JS string and no reply object per element. LRANGE of hundreds of elements spent
 * most of its time making those and then encoding them again.
 *
 * The bytes are assembled in one scratch buffer shared by every builder (builders never overlap: one
 * is made, filled and finished within one command) and the result is one latin1 string, an `encoded`
 * reply: `*N\r\n` then `$len\r\n<bytes>\r\n` per element, the same in RESP2 and RESP3. A string
 * rather than a fresh Buffer per reply: V8 counts Buffers' memory as external and a stream of them
 * brings on full garbage collections, which cost more than the copy (measured: LRANGE of 600
 * elements took twice the CPU with a Buffer per reply). It is a copy, so later writes to the source do
 * not change it (a reply can wait in a MULTI's results or a script's call while the data changes).
 */
import type { Reply } from './reply.js';

const CR = 13;
const LF = 10;
/** Up to this many bytes an element is copied by a JS loop; longer ones by Buffer#copy (a native call). */
const SHORT_COPY = 32;
const INITIAL_BYTES = 16 * 1024;
const KEEP_BYTES = 1024 * 1024;

type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string };

/** The buffer every builder fills (one at a time); replaced when one grows it. */
let scratch: Buffer = Buffer.allocUnsafeSlow(INITIAL_BYTES);

export class BulkArrayBuilder {
  private buf: Buffer = scratch;
  private pos = 0;

  /** `count` elements follow. */
  constructor(count: number) {
    this.pos = this.writeHeader(0x2a, count, 0); // *
  }

  /** Adds one element: `len` bytes of `src` from `at`. */
  add(src: Buffer, at: number, len: number): void {
    this.ensure(len + 24);
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
    const bytes = (this.buf as Latin1Buffer).latin1Slice(0, this.pos);
    // A scratch grown by a huge reply is not kept.
    scratch = this.buf.length > KEEP_BYTES ? Buffer.allocUnsafeSlow(INITIAL_BYTES) : this.buf;
    return { kind: 'encoded', bytes };
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
    const grown = Buffer.allocUnsafeSlow(size);
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}
