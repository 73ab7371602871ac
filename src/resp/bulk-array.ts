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
import { ReplyWriter } from './writer.js';

/**
 * The writer every builder fills (one at a time). A grown buffer is kept up to 1 MB, so big LRANGEs
 * do not allocate a new one (external memory) each time.
 */
const scratch = new ReplyWriter(16 * 1024, 1024 * 1024);

export class BulkArrayBuilder {
  /** `count` elements follow. */
  constructor(count: number) {
    scratch.takeView(); // empty, even if an earlier builder never reached reply()
    scratch.header(0x2a, count); // *
  }

  /** Adds one element: `len` bytes of `src` from `at`. */
  add(src: Buffer, at: number, len: number): void {
    scratch.bulkBytes(src, at, len);
  }

  /** The reply; `add` must have been called `count` times. */
  reply(): Reply {
    return { kind: 'encoded', bytes: scratch.takeString() };
  }
}
