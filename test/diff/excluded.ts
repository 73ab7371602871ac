/**
 * What the CI run leaves out because it hits a known mismatch that was reported to its owner
 * (/work/wt/MISMATCHES-<family>.md, copied into the issue notes) and not fixed by the deadline.
 * Every entry is printed when the harness runs; nothing is excluded silently. Empty lists mean
 * every generated sequence and command runs.
 */

/** One generated sequence (by index under the CI seed) left out. */
export interface SequenceExclusion {
  readonly family: string;
  readonly index: number;
  readonly reason: string;
}

/** Units using this command are dropped from the family's sequences (for an unimplemented command). */
export interface CommandExclusion {
  readonly family: string;
  readonly command: string;
  readonly reason: string;
}

const GLOB =
  'PSUBSCRIBE * counts the empty channel; Redis 7.0 stringmatchlen("*", "") is 0 (MISMATCHES-pubsub.md #1)';

/** Known at 22:50 UTC on 2026-11-27, still unfixed then. */
export const excludedSequences: readonly SequenceExclusion[] = [
  ...[4, 13, 17, 19, 26, 30, 31].map((index) => ({ family: 'pubsub', index, reason: GLOB })),
  {
    family: 'protocol',
    index: 21,
    reason:
      'unknown-command error keeps bytes after a NUL; Redis prints C strings (MISMATCHES-protocol.md #1)',
  },
  {
    family: 'zsets',
    index: 37,
    reason:
      'ZSCAN on a listpack zset prints 1e17 as 1e+17; Redis returns the stored 100000000000000000 (MISMATCHES-zsets.md #1)',
  },
];

export const excludedCommands: readonly CommandExclusion[] = [
  { family: 'keys', command: 'DUMP', reason: 'DUMP not implemented (MISMATCHES-keys.md #1)' },
  { family: 'keys', command: 'SORT', reason: 'SORT not implemented (MISMATCHES-keys.md #2)' },
];
