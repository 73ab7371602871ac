/**
 * The one parser of SCAN, HSCAN, SSCAN and ZSCAN cursors, with Redis 7.0's rules
 * (db.c parseScanCursorOrReply): C `strtoul(arg, &end, 10)` over the argument as a C string, refused
 * when the first byte is white space, when `end` is not the string's end, or on ERANGE.
 *
 * So, as redis-server 7.0 answers (test/commands/scan-cursor.test.ts compares them): the argument
 * stops at its first NUL byte ("5\0x" is 5, "\0" is 0); "" is 0; one '+' or '-' sign may lead and
 * '-' wraps modulo 2^64 ("-1" is 2^64-1, "-0" is 0); leading zeros are fine; anything beyond
 * 2^64-1 in magnitude, a space, a tab, "0x5", "1e3", "5 " or a bare sign is "invalid cursor".
 */
import { UINT64_MAX } from '../resp/index.js';

const CURSOR = /^([+-]?)([0-9]+)$/;

/** The cursor as an unsigned 64-bit value, or undefined when Redis replies "invalid cursor". */
export function parseScanCursor(arg: string): bigint | undefined {
  const nul = arg.indexOf('\0');
  const text = nul < 0 ? arg : arg.slice(0, nul);
  if (text === '') return 0n;
  const m = CURSOR.exec(text);
  if (m === null) return undefined;
  const magnitude = BigInt(m[2] as string);
  if (magnitude > UINT64_MAX) return undefined;
  return m[1] === '-' ? BigInt.asUintN(64, -magnitude) : magnitude;
}
