/**
 * The shape of a differential test: a sequence of units, each a few steps run in lockstep on redmesh
 * and on real Redis. A unit is the smallest thing the minimiser may drop: a blocking scenario (block,
 * wait until blocked, push, read) is one unit, so removing part of it never leaves a dangling read.
 */

/** How two replies are compared. Everything is byte-exact except where Redis leaves order or value open. */
export type Check =
  /** Byte for byte. */
  | 'exact'
  /** A DUMP payload: byte for byte, except hash-table sets and hashes, compared by content (see compare.ts). */
  | 'dump'
  /** An aggregate whose element order Redis does not specify (SMEMBERS, KEYS, RESP3 maps): sort, then compare bytes. */
  | 'unordered'
  /** A flat field/value array (HGETALL in RESP2) or a map: sort the pairs, then compare bytes. */
  | 'pairs'
  /** Random choice with repeats allowed (RANDOMKEY, negative counts): compare types and lengths. */
  | 'shape'
  /** Random choice of distinct elements (positive counts, SPOP): types, lengths and the number of distinct elements. */
  | 'sample'
  /** TTL-like integers: negatives exact, non-negatives within `tolerance`. */
  | 'ttl'
  /** HELLO: the map with the connection id masked. */
  | 'hello';

/** Arguments are latin1 strings: one char per byte, so any byte 0-255 can be sent. */
export type Argv = readonly string[];

export type Step =
  /** Send argv on connection `conn`, read `replies` replies (default 1). */
  | {
      readonly op: 'call';
      readonly conn: number;
      readonly argv: Argv;
      readonly check: Check;
      readonly replies?: number;
      readonly tolerance?: number;
    }
  /** Send without reading (a blocking command whose reply is read later by a 'read' step). */
  | { readonly op: 'send'; readonly conn: number; readonly argv: Argv }
  /** Read the next reply on `conn` (a blocked command's answer). */
  | { readonly op: 'read'; readonly conn: number; readonly check: Check }
  /** Write raw bytes and read `replies` replies; records a close if the server closes. */
  | { readonly op: 'raw'; readonly conn: number; readonly bytes: string; readonly replies: number }
  /** Wait (bounded) until INFO's blocked_clients equals `count`. */
  | { readonly op: 'waitBlocked'; readonly count: number }
  /** Wait (bounded) until `key` no longer exists (a short TTL ran out). */
  | { readonly op: 'waitGone'; readonly conn: number; readonly key: string }
  /**
   * Send PING on `conn` and collect every reply up to and including its answer: the pub/sub messages
   * delivered before it. Messages from several patterns arrive in an unspecified order, so they are sorted.
   */
  | { readonly op: 'drain'; readonly conn: number }
  /**
   * Iterate a SCAN-family command to cursor 0 (`argv` holds '{cursor}' where the cursor goes) and compare
   * the deduplicated, sorted set of elements (field/value pairs when `pairs`).
   */
  | { readonly op: 'scanAll'; readonly conn: number; readonly argv: Argv; readonly pairs: boolean };

export type Unit = readonly Step[];

export interface Sequence {
  readonly family: string;
  readonly seed: number;
  readonly units: readonly Unit[];
}

/** A single call step, the common case. */
export function call(argv: Argv, check: Check = 'exact', conn = 0): Step {
  return { op: 'call', conn, argv, check };
}
