/**
 * The argument cursor every command's parse step reads its arguments through, in order, like
 * mini-redis's Parse. Each read names what the argument is (a key, an integer, a float, an option)
 * and fails the command with Redis's own error when the argument is not that — "value is not an
 * integer or out of range", "value is not a valid float", "syntax error" — or with the message the
 * command passes (Redis has a few specialised ones, e.g. "timeout is not a float or out of range").
 *
 * Arity is checked by the server before parse runs, so reading a required argument never runs off
 * the end for a well-formed table row; reading past the end is a syntax error, which is what Redis
 * answers for an option missing its value.
 */
import {
  ERR_INVALID_CURSOR,
  ERR_NOT_FLOAT,
  ERR_NOT_INTEGER,
  ERR_SYNTAX,
  ERR_TIMEOUT_NEGATIVE,
  ERR_TIMEOUT_NOT_FLOAT,
  ERR_TIMEOUT_OUT_OF_RANGE,
} from '../resp/index.js';
import { parseInt64, parseLong, parseStrictDouble, parseTimeoutSeconds } from './args.js';
import { parseScanCursor } from './scan-cursor.js';
import { fail } from './typed.js';

export class ArgCursor {
  private pos: number;

  /**
   * `argv[0]` is the command name; reading starts at `start` (1: the first argument). `argv` stays
   * readable for what propagates the command line itself (SET … GET without the GET).
   */
  constructor(
    readonly argv: readonly string[],
    start = 1,
  ) {
    this.pos = start;
  }

  /** Arguments not read yet. */
  get remaining(): number {
    return this.argv.length - this.pos;
  }

  /** True when every argument has been read. */
  get done(): boolean {
    return this.pos >= this.argv.length;
  }

  /** The next argument without reading it; undefined at the end. */
  peek(): string | undefined {
    return this.argv[this.pos];
  }

  /** The next argument as given (a value, a member, a pattern…); a syntax error at the end. */
  string(): string {
    const arg = this.argv[this.pos];
    if (arg === undefined) return fail(ERR_SYNTAX);
    this.pos++;
    return arg;
  }

  /** The next argument, a key name. */
  key(): string {
    return this.string();
  }

  /** Every argument not read yet (keys of MGET, members of SADD…), consuming them. */
  rest(): string[] {
    const out = this.argv.slice(this.pos);
    this.pos = this.argv.length;
    return out;
  }

  /**
   * A signed 64-bit integer (Redis getLongLongFromObjectOrReply / getLongFromObjectOrReply), as a
   * number: beyond ±2^53 it is the nearest double, which is exact enough for the clamping callers
   * do. Fails with `message` when the argument is not one.
   */
  integer(message: string = ERR_NOT_INTEGER): number {
    const n = parseLong(this.string());
    return n === undefined ? fail(message) : n;
  }

  /** A signed 64-bit integer exactly: a number when safe, else a bigint (INCRBY, SETRANGE offsets…). */
  int64(message: string = ERR_NOT_INTEGER): number | bigint {
    const n = parseInt64(this.string());
    return n === undefined ? fail(message) : n;
  }

  /** A double the way Redis's getDoubleFromObjectOrReply reads one (strtod; no NaN, no overflow). */
  float(message: string = ERR_NOT_FLOAT): number {
    const n = parseStrictDouble(this.string());
    return n === undefined ? fail(message) : n;
  }

  /**
   * A blocking command's timeout in seconds (getTimeoutFromObjectOrReply), as the absolute deadline
   * in unix ms from `now` (0: wait forever), failing with Redis's timeout errors.
   */
  timeout(now: number): number {
    const deadline = parseTimeoutSeconds(this.string(), now);
    if (deadline === 'notFloat') return fail(ERR_TIMEOUT_NOT_FLOAT);
    if (deadline === 'negative') return fail(ERR_TIMEOUT_NEGATIVE);
    if (deadline === 'outOfRange') return fail(ERR_TIMEOUT_OUT_OF_RANGE);
    return deadline;
  }

  /** A SCAN/HSCAN/SSCAN/ZSCAN cursor (parseScanCursorOrReply), failing with "invalid cursor". */
  scanCursor(): bigint {
    const cursor = parseScanCursor(this.string());
    return cursor === undefined ? fail(ERR_INVALID_CURSOR) : cursor;
  }

  /**
   * Reads the next argument when it is the option `name` (upper case, matched case-insensitively)
   * and says whether it was; leaves it unread otherwise.
   */
  option(name: string): boolean {
    const arg = this.argv[this.pos];
    if (arg === undefined || arg.length !== name.length || arg.toUpperCase() !== name) return false;
    this.pos++;
    return true;
  }

  /**
   * Reads the next argument as one of `names` (upper case, matched case-insensitively) and returns
   * the matching name; a syntax error for anything else.
   */
  oneOf<const T extends string>(...names: readonly T[]): T {
    const upper = this.string().toUpperCase();
    const found = names.find((n) => n === upper);
    return found === undefined ? fail(ERR_SYNTAX) : found;
  }

  /** Asserts that every argument has been read: left-over arguments are a syntax error. */
  end(): void {
    if (this.pos < this.argv.length) fail(ERR_SYNTAX);
  }
}
