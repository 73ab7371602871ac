/**
 * The differential harness: generates seeded sequences per family, runs them on real Redis and on
 * redmesh, and collects minimised mismatches. Used by diff.test.ts (CI: fixed seed, bounded count)
 * and by hand with DIFF_SEED / DIFF_COUNT / DIFF_FAMILIES.
 */
import { Gen, Rng, sequenceSeed } from './gen.js';
import type { Family } from './gen.js';
import { describeMismatch, minimise, runUnits } from './runner.js';
import type { Sequence } from './sequence.js';

export interface HarnessOptions {
  readonly baseSeed: number;
  /** Sequences per family. */
  readonly count: number;
  /** Units per sequence. */
  readonly length: number;
  readonly redisPort: number;
  readonly redmeshPort: number;
  /** Sequence indexes not run, with the reason (printed, never silent). */
  readonly excluded: ReadonlySet<number>;
  /** Stop the family after this many mismatching sequences. */
  readonly maxMismatches: number;
}

export interface FamilyReport {
  readonly family: string;
  readonly sequences: number;
  readonly commands: number;
  readonly mismatches: readonly string[];
  readonly skipped: readonly number[];
}

export function buildSequence(family: Family, baseSeed: number, index: number, length: number): Sequence {
  const seed = sequenceSeed(baseSeed, family.name, index);
  const g = new Gen(new Rng(seed), family.keys);
  return { family: family.name, seed, units: family.build(g, length) };
}

export async function runFamily(family: Family, o: HarnessOptions): Promise<FamilyReport> {
  let commands = 0;
  let sequences = 0;
  const mismatches: string[] = [];
  const skipped: number[] = [];
  for (let i = 0; i < o.count && mismatches.length < o.maxMismatches; i++) {
    if (o.excluded.has(i)) {
      skipped.push(i);
      continue;
    }
    const seq = buildSequence(family, o.baseSeed, i, o.length);
    const r = await runUnits(seq.units, o.redisPort, o.redmeshPort);
    sequences++;
    commands += r.commands;
    if (r.mismatch) {
      const small = await minimise(seq.units, r.mismatch, o.redisPort, o.redmeshPort);
      mismatches.push(`[sequence #${i}] ${describeMismatch(seq, small.units, small.mismatch)}`);
    }
  }
  return { family: family.name, sequences, commands, mismatches, skipped };
}
