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

/**
 * Known at 22:50 UTC on 2026-11-27; the PSUBSCRIBE `*` / empty channel, NUL-in-error and listpack
 * ZSCAN score entries were fixed at 04:10 UTC on 2026-11-28 (branch diffhunt) and removed.
 */
export const excludedSequences: readonly SequenceExclusion[] = [];

export const excludedCommands: readonly CommandExclusion[] = [];
