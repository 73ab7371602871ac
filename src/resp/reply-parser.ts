/**
 * Client-side reply parser: what a server sends back, RESP2 and RESP3 (the replica link reading its
 * master, `redmesh status`, tests that compare servers byte for byte). Pure, no I/O.
 *
 * Replies are kept as bytes, not decoded into JS values: a node holds the type byte and its line, its
 * bulk payload or its children as Buffer slices of the input, so a reply can be re-encoded exactly
 * (encodeReplyNode) and binary payloads stay binary. Parsing a buffer that ends inside a reply is not
 * an error: `parseReply` returns undefined ("need more") and the caller retries once more bytes came.
 * Malformed input (unknown type byte, bad length, payload not followed by CRLF, a non-integer `:`)
 * throws ReplyProtocolError: the stream cannot be resynchronised after that.
 */

/** Types whose payload is the rest of the line. `_` null, `,` double, `#` boolean, `(` big number. */
export type LineType = '+' | '-' | ':' | '_' | ',' | '#' | '(';
/** Length-prefixed payloads: `$` bulk string, `!` bulk error, `=` verbatim string. */
export type BulkType = '$' | '!' | '=';
/** Aggregates: `*` array, `~` set, `>` push, `%` map and `|` attribute (those two hold key, value, …). */
export type AggregateType = '*' | '~' | '>' | '%' | '|';

/** One reply. A null bulk (`$-1`) or null array (`*-1`) of RESP2 has `bulk` / `items` null. */
export type ReplyNode =
  | { readonly type: LineType; readonly line: Buffer }
  | { readonly type: BulkType; readonly bulk: Buffer | null }
  | { readonly type: AggregateType; readonly items: readonly ReplyNode[] | null };

/** The byte stream is not RESP; the connection should be dropped. */
export class ReplyProtocolError extends Error {
  constructor(
    message: string,
    /** Offset in the buffer where the bad reply element starts. */
    readonly offset: number,
  ) {
    super(`Protocol error: ${message} at offset ${offset}`);
    this.name = 'ReplyProtocolError';
  }
}

export interface ReplyParserLimits {
  /** The longest bulk payload accepted (default 512 MB, Redis's proto-max-bulk-len). */
  readonly maxBulkLength: number;
  /** The most elements of one aggregate (default 2^31-1). */
  readonly maxAggregateLength: number;
  /** The deepest nesting of aggregates (default 1000), so hostile input cannot overflow the stack. */
  readonly maxDepth: number;
}

export const DEFAULT_REPLY_LIMITS: ReplyParserLimits = {
  maxBulkLength: 512 * 1024 * 1024,
  maxAggregateLength: 2147483647,
  maxDepth: 1000,
};

const TYPE_BYTES = '+-:_,#($!=*~>%|';
const CR = 0x0d;
const LF = 0x0a;
const INTEGER = /^-?\d+$/;
const DOUBLE = /^[-+]?(?:inf|nan|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)$/i;

/** Thrown inside the parse when the buffer ends before the reply does (never escapes this module). */
class NeedMore extends Error {}
const NEED_MORE = new NeedMore('need more');

class Cursor {
  constructor(
    readonly buf: Buffer,
    readonly limits: ReplyParserLimits,
  ) {}

  /** Index of the CR of the CRLF ending the line that starts at `from`. */
  lineEnd(from: number): number {
    const cr = this.buf.indexOf(CR, from);
    if (cr < 0 || cr + 1 >= this.buf.length) throw NEED_MORE;
    if (this.buf[cr + 1] !== LF) throw new ReplyProtocolError('CR not followed by LF', cr);
    return cr;
  }

  length(line: Buffer, at: number, max: number, what: string): number {
    const text = line.toString('latin1');
    if (!INTEGER.test(text)) throw new ReplyProtocolError(`invalid ${what} length '${text}'`, at);
    const n = Number(text);
    if (n < -1) throw new ReplyProtocolError(`invalid ${what} length '${text}'`, at);
    if (n > max) throw new ReplyProtocolError(`${what} length ${n} above the limit ${max}`, at);
    return n;
  }

  node(pos: number, depth: number): [ReplyNode, number] {
    if (pos >= this.buf.length) throw NEED_MORE;
    const type = String.fromCharCode(this.buf[pos] as number);
    if (!TYPE_BYTES.includes(type)) {
      throw new ReplyProtocolError(
        `unknown reply type byte 0x${(this.buf[pos] as number).toString(16)}`,
        pos,
      );
    }
    const cr = this.lineEnd(pos + 1);
    const line = this.buf.subarray(pos + 1, cr);
    const next = cr + 2;
    switch (type) {
      case '+':
      case '-':
        return [{ type, line }, next];
      case ':':
      case '(':
        if (!INTEGER.test(line.toString('latin1'))) {
          throw new ReplyProtocolError(`invalid integer '${line.toString('latin1')}'`, pos);
        }
        return [{ type, line }, next];
      case ',':
        if (!DOUBLE.test(line.toString('latin1'))) {
          throw new ReplyProtocolError(`invalid double '${line.toString('latin1')}'`, pos);
        }
        return [{ type, line }, next];
      case '#':
        if (line.length !== 1 || (line[0] !== 0x74 && line[0] !== 0x66)) {
          throw new ReplyProtocolError(`invalid boolean '${line.toString('latin1')}'`, pos);
        }
        return [{ type, line }, next];
      case '_':
        if (line.length !== 0) throw new ReplyProtocolError('null with a payload', pos);
        return [{ type, line }, next];
      case '$':
      case '!':
      case '=':
        return this.bulk(type, line, pos, next);
      case '*':
      case '~':
      case '>':
      case '%':
      case '|':
        return this.aggregate(type, line, pos, next, depth);
      default:
        throw new ReplyProtocolError(
          `unknown reply type byte 0x${(this.buf[pos] as number).toString(16)}`,
          pos,
        );
    }
  }

  private bulk(type: BulkType, line: Buffer, pos: number, next: number): [ReplyNode, number] {
    const len = this.length(line, pos, this.limits.maxBulkLength, 'bulk');
    if (len < 0) return [{ type, bulk: null }, next];
    if (this.buf.length < next + len + 2) throw NEED_MORE;
    if (this.buf[next + len] !== CR || this.buf[next + len + 1] !== LF) {
      throw new ReplyProtocolError('bulk payload not followed by CRLF', next + len);
    }
    return [{ type, bulk: this.buf.subarray(next, next + len) }, next + len + 2];
  }

  private aggregate(
    type: AggregateType,
    line: Buffer,
    pos: number,
    next: number,
    depth: number,
  ): [ReplyNode, number] {
    const n = this.length(line, pos, this.limits.maxAggregateLength, 'aggregate');
    if (n < 0) return [{ type, items: null }, next];
    if (depth >= this.limits.maxDepth) {
      throw new ReplyProtocolError(`nesting deeper than ${this.limits.maxDepth}`, pos);
    }
    const count = type === '%' || type === '|' ? n * 2 : n;
    const items: ReplyNode[] = [];
    let at = next;
    for (let i = 0; i < count; i++) {
      const [item, after] = this.node(at, depth + 1);
      items.push(item);
      at = after;
    }
    return [{ type, items }, at];
  }
}

/**
 * Parses the reply that starts at `pos`: the node and the offset just past it, or undefined when the
 * buffer ends first. Throws ReplyProtocolError on malformed input.
 */
export function parseReply(
  buf: Buffer,
  pos = 0,
  limits: ReplyParserLimits = DEFAULT_REPLY_LIMITS,
): { readonly node: ReplyNode; readonly end: number } | undefined {
  try {
    const [node, end] = new Cursor(buf, limits).node(pos, 0);
    return { node, end };
  } catch (e) {
    if (e === NEED_MORE) return undefined;
    throw e;
  }
}

/**
 * A reply stream: feed() the bytes as they arrive, next() takes whole replies in order. Nodes refer to
 * the bytes they were parsed from; keep them (or copy what you need) as you like, the reader does not
 * reuse its buffers.
 */
export class ReplyReader {
  private pending: Buffer = Buffer.alloc(0);
  private failed: ReplyProtocolError | undefined;

  constructor(private readonly limits: ReplyParserLimits = DEFAULT_REPLY_LIMITS) {}

  feed(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
  }

  /** The next whole reply with its exact bytes, or undefined until more bytes arrive. Throws once broken. */
  nextWithBytes(): { readonly node: ReplyNode; readonly bytes: Buffer } | undefined {
    if (this.failed !== undefined) throw this.failed;
    let parsed;
    try {
      parsed = parseReply(this.pending, 0, this.limits);
    } catch (e) {
      if (e instanceof ReplyProtocolError) this.failed = e;
      throw e;
    }
    if (parsed === undefined) return undefined;
    const bytes = this.pending.subarray(0, parsed.end);
    this.pending = parsed.end === this.pending.length ? Buffer.alloc(0) : this.pending.subarray(parsed.end);
    return { node: parsed.node, bytes };
  }

  next(): ReplyNode | undefined {
    return this.nextWithBytes()?.node;
  }

  /** Bytes received that do not make a whole reply yet. */
  get buffered(): number {
    return this.pending.length;
  }
}

const CRLF = Buffer.from('\r\n');

/** The RESP bytes of a node (after normalising children, or to forward a reply unchanged). */
export function encodeReplyNode(node: ReplyNode): Buffer {
  if ('line' in node) return Buffer.concat([Buffer.from(node.type), node.line, CRLF]);
  if ('bulk' in node) {
    if (node.bulk === null) return Buffer.from(`${node.type}-1\r\n`);
    return Buffer.concat([Buffer.from(`${node.type}${node.bulk.length}\r\n`), node.bulk, CRLF]);
  }
  if (node.items === null) return Buffer.from(`${node.type}-1\r\n`);
  const n = node.type === '%' || node.type === '|' ? node.items.length / 2 : node.items.length;
  return Buffer.concat([Buffer.from(`${node.type}${n}\r\n`), ...node.items.map(encodeReplyNode)]);
}

/** The text of a simple string, error, bulk or verbatim reply (latin1); undefined for other types. */
export function replyNodeText(node: ReplyNode): string | undefined {
  if ('line' in node)
    return node.type === '+' || node.type === '-' ? node.line.toString('latin1') : undefined;
  if ('bulk' in node) return node.bulk === null ? undefined : node.bulk.toString('latin1');
  return undefined;
}
