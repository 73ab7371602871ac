/**
 * The differential harness: generates seeded sequences per family, runs them on real Redis and on
 * redmesh, and collects minimised mismatches. Used by diff.test.ts (CI: fixed seed, bounded count)
 * and by hand with DIFF_SEED / DIFF_COUNT / DIFF_FAMILIES.
 */
import { ALL_TYPES, Gen, Rng, sequenceSeed } from './gen.js';
import type { Family, ValueType } from './gen.js';
import { describeMismatch, minimise, runUnits } from './runner.js';
import type { Sequence, Step } from './sequence.js';

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
  /** Value types cross-type commands may create (default: all). */
  readonly types?: readonly ValueType[];
  /**
   * Commands whose units are dropped (upper case), to look past a known mismatch by hand
   * (DIFF_OMIT=DUMP,SORT). Printed by the caller; CI never sets it.
   */
  readonly omit?: ReadonlySet<string>;
}

export interface FamilyReport {
  readonly family: string;
  readonly sequences: number;
  readonly commands: number;
  readonly mismatches: readonly string[];
  readonly skipped: readonly number[];
}

export function buildSequence(
  family: Family,
  baseSeed: number,
  index: number,
  length: number,
  types: readonly ValueType[] = ALL_TYPES,
): Sequence {
  const seed = sequenceSeed(baseSeed, family.name, index);
  const g = new Gen(new Rng(seed), family.keys, types);
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
    const built = buildSequence(family, o.baseSeed, i, o.length, o.types);
    const omit = o.omit ?? new Set<string>();
    const seq =
      omit.size === 0
        ? built
        : { ...built, units: built.units.filter((u) => !u.some((st) => omitted(st, omit))) };
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

function omitted(step: Step, omit: ReadonlySet<string>): boolean {
  return (step.op === 'call' || step.op === 'send') && omit.has((step.argv[0] ?? '').toUpperCase());
}
