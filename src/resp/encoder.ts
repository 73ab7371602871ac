/**
 * Reply → RESP2 or RESP3 bytes, as a latin1 string (write it with `socket.write(s, 'latin1')`).
 * RESP2 downgrades follow Redis 7.0: maps flatten to arrays, sets become arrays, doubles become bulk
 * strings, booleans become 1/0, nulls become `$-1` / `*-1`, pushes become arrays.
 */
import { formatDouble } from './double.js';
import type { Reply } from './reply.js';

export type Protocol = 2 | 3;

const CRLF = '\r\n';

/** `:N\r\n` for the integers replies carry most (counters, lengths, 0/1), built once like Redis's shared integers. */
const ENCODED_INTS: readonly string[] = Array.from({ length: 10000 }, (_, i) => ':' + String(i) + CRLF);

/** Redis strips CR/LF from error and status lines so a reply can never break the framing. */
function oneLine(s: string): string {
  return s.includes('\r') || s.includes('\n') ? s.replace(/[\r\n]/g, ' ') : s;
}

export function encodeBulk(value: string): string {
  return '$' + value.length + CRLF + value + CRLF;
}

export function encodeReply(reply: Reply, proto: Protocol): string {
  switch (reply.kind) {
    case 'bulk':
      return '$' + reply.value.length + CRLF + reply.value + CRLF;
    case 'simple':
      return reply.value === 'OK' ? '+OK\r\n' : '+' + oneLine(reply.value) + CRLF;
    case 'int': {
      const v = reply.value;
      if (typeof v === 'number' && v >= 0 && v < ENCODED_INTS.length && Number.isInteger(v)) {
        return ENCODED_INTS[v] as string;
      }
      return ':' + String(v) + CRLF;
    }
    case 'error':
      return '-' + oneLine(reply.message) + CRLF;
    case 'null':
      return proto === 3 ? '_\r\n' : '$-1\r\n';
    case 'nullArray':
      return proto === 3 ? '_\r\n' : '*-1\r\n';
    case 'array':
      return encodeItems('*', reply.items, proto);
    case 'set':
      return encodeItems(proto === 3 ? '~' : '*', reply.items, proto);
    case 'push':
      return encodeItems(proto === 3 ? '>' : '*', reply.items, proto);
    case 'map':
      return encodeMap(reply.entries, proto);
    case 'double': {
      const text = formatDouble(reply.value);
      return proto === 3 ? ',' + text + CRLF : encodeBulk(text);
    }
    case 'bool':
      if (proto === 3) return reply.value ? '#t\r\n' : '#f\r\n';
      return reply.value ? ':1\r\n' : ':0\r\n';
    case 'verbatim':
      if (proto === 3) {
        const body = reply.format + ':' + reply.value;
        return '=' + body.length + CRLF + body + CRLF;
      }
      return encodeBulk(reply.value);
    case 'bignum':
      return proto === 3 ? '(' + reply.value + CRLF : encodeBulk(reply.value);
    case 'raw':
      return reply.bytes;
  }
}

function encodeItems(prefix: string, items: readonly Reply[], proto: Protocol): string {
  let out = prefix + items.length + CRLF;
  for (const item of items) out += encodeReply(item, proto);
  return out;
}

function encodeMap(entries: readonly (readonly [Reply, Reply])[], proto: Protocol): string {
  let out = proto === 3 ? '%' + entries.length + CRLF : '*' + entries.length * 2 + CRLF;
  for (const [k, v] of entries) out += encodeReply(k, proto) + encodeReply(v, proto);
  return out;
}

/**
 * A double the way Redis 7.0's addReplyDouble prints it (`%.17g`, inf/-inf/nan): one implementation,
 * in double.ts, which also rounds exact ties to even like glibc (toExponential does not).
 */
export { formatDouble };

/** C printf `%.<precision>g` for a finite non-zero double. */
export function formatG(d: number, precision: number): string {
  const exp = d.toExponential(precision - 1); // "-1.2345e+5": digits already correctly rounded
  const ePos = exp.indexOf('e');
  const x = Number(exp.slice(ePos + 1));
  if (x < -4 || x >= precision) {
    const mantissa = stripZeros(exp.slice(0, ePos));
    const sign = x < 0 ? '-' : '+';
    const abs = Math.abs(x);
    return mantissa + 'e' + sign + (abs < 10 ? '0' + abs : String(abs));
  }
  return stripZeros(d.toFixed(precision - 1 - x));
}

function stripZeros(s: string): string {
  if (!s.includes('.')) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 0x30) end--;
  if (s.charCodeAt(end - 1) === 0x2e) end--;
  return s.slice(0, end);
}
