/**
 * Sequences left out of the CI seed list because they hit a known mismatch that was reported to its
 * owner and not fixed by the deadline. Every entry is printed when the harness runs; nothing is
 * excluded silently. Empty means every generated sequence runs.
 */
export interface Exclusion {
  readonly family: string;
  readonly index: number;
  readonly reason: string;
}

export const excluded: readonly Exclusion[] = [];
