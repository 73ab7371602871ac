/**
 * Replies as latin1 strings, for callers outside a connection's output (pub/sub message bodies, tests,
 * the maxclients error). The encoding itself is ReplyWriter's (writer.ts), the one RESP encoder.
 */
import { formatDouble } from './double.js';
import type { Reply } from './reply.js';
import { ReplyWriter, type Protocol } from './writer.js';

export type { Protocol };

/** Shared by encodeReply: encoding is synchronous and never re-enters, so one writer serves all. */
const scratch = new ReplyWriter();

/** One reply as a latin1 string, by the one encoder (writer.ts). */
export function encodeReply(reply: Reply, proto: Protocol): string {
  if (reply.kind === 'raw') return reply.bytes;
  scratch.reply(reply, proto);
  return scratch.takeString();
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
