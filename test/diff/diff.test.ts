/**
 * Differential test (redmesh vs real redis-server 7.0): seeded command sequences per family, replies
 * compared byte for byte (normalised only where Redis leaves order or choice open).
 *
 * CI runs the families in CI_FAMILIES with a fixed seed. By hand:
 *   DIFF_SEED=7 DIFF_COUNT=500 DIFF_FAMILIES=strings,lists node --test dist/test/diff/diff.test.js
 * DIFF_PORT=P runs real Redis on P and redmesh on P+1 (default: free ports). DIFF_LENGTH sets units per
 * sequence; DIFF_ORACLE_ONLY=1 runs real Redis against a second real Redis
 * (the harness itself must then report nothing).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startRedis, startRedmesh, stopAll } from '../helpers/servers.js';
import type { RunningServer } from '../helpers/servers.js';
import { excludedCommands, excludedSequences } from './excluded.js';
import { allFamilies } from './families/index.js';
import { runFamily } from './harness.js';
import { ALL_TYPES, TYPE_OF_FAMILY } from './gen.js';
import type { ValueType } from './gen.js';

/** Every family (all are on main); known, reported mismatches are listed in excluded.ts and printed. */
const CI_FAMILIES: readonly string[] = [
  'strings',
  'keys',
  'expiry',
  'lists',
  'hashes',
  'sets',
  'zsets',
  'geo',
  'hll',
  'streams',
  'pubsub',
  'transactions',
  'protocol',
];
const CI_SEED = 20261127;
const CI_COUNT = 40;
const env = process.env;
/** DIFF_PORT=P uses P (real Redis) and P+1 (redmesh); without it both servers take free ports. */
const DIFF_PORT = Number(env.DIFF_PORT ?? 0);
const families = (env.DIFF_FAMILIES ?? CI_FAMILIES.join(',')).split(',').filter((f) => f !== '');
const baseSeed = Number(env.DIFF_SEED ?? CI_SEED);
const count = Number(env.DIFF_COUNT ?? CI_COUNT);
const length = Number(env.DIFF_LENGTH ?? 25);
const oracleOnly = env.DIFF_ORACLE_ONLY === '1';
/** Exclusions apply to the CI seed only; any other seed runs everything. */
const ciRun = baseSeed === CI_SEED;
const omit = new Set(
  (env.DIFF_OMIT ?? '')
    .toUpperCase()
    .split(',')
    .filter((c) => c !== ''),
);
/**
 * Value types that cross-type commands (WRONGTYPE checks, TYPE, COPY...) may create: those of the
 * CI families and the families being run, unless DIFF_TYPES=string,list,... says otherwise.
 */
const types: ValueType[] =
  env.DIFF_TYPES !== undefined
    ? (env.DIFF_TYPES.split(',').filter((t) => ALL_TYPES.includes(t as ValueType)) as ValueType[])
    : ALL_TYPES.filter((t) => [...CI_FAMILIES, ...families].some((f) => TYPE_OF_FAMILY[f] === t));

let redis: RunningServer | undefined;
let other: RunningServer | undefined;

before(async () => {
  const notRun = allFamilies.map((f) => f.name).filter((f) => !families.includes(f));
  console.log(
    `diff: seed ${baseSeed}, ${count} sequences x ${length} units per family, families: ${families.join(',')}; ` +
      `value types: ${types.join(',')}`,
  );
  if (notRun.length > 0) console.log(`diff: families NOT run: ${notRun.join(',')}`);
  if (omit.size > 0) console.log(`diff: OMITTING units with commands: ${[...omit].join(',')} (DIFF_OMIT)`);
  if (ciRun && excludedSequences.length + excludedCommands.length > 0) {
    console.log(`diff: EXCLUDED (known mismatches reported to their owners, see test/diff/excluded.ts):`);
    for (const e of excludedSequences) console.log(`  ${e.family} sequence #${e.index}: ${e.reason}`);
    for (const e of excludedCommands) console.log(`  ${e.family} command ${e.command}: ${e.reason}`);
  }
  if (families.length === 0) return;
  const otherPort = DIFF_PORT === 0 ? 0 : DIFF_PORT + 1;
  redis = await startRedis(DIFF_PORT);
  other = oracleOnly ? await startRedis(otherPort) : await startRedmesh(otherPort);
});

after(async () => {
  await stopAll(redis, other);
});

for (const name of families) {
  const family = allFamilies.find((f) => f.name === name);
  test(`redmesh answers like redis 7.0: ${name}`, { timeout: 180_000 }, async () => {
    assert.ok(family, `unknown family ${name}; known: ${allFamilies.map((f) => f.name).join(',')}`);
    const skip = new Set(excludedSequences.filter((e) => ciRun && e.family === name).map((e) => e.index));
    const familyOmit = new Set([
      ...omit,
      ...excludedCommands.filter((e) => ciRun && e.family === name).map((e) => e.command.toUpperCase()),
    ]);
    const t0 = Date.now();
    const report = await runFamily(family, {
      baseSeed,
      count,
      length,
      redisPort: redis?.port ?? 0,
      redmeshPort: other?.port ?? 0,
      excluded: skip,
      maxMismatches: 3,
      types,
      omit: familyOmit,
    });
    console.log(
      `diff ${name}: ${report.sequences} sequences, ${report.commands} commands, ${report.mismatches.length} mismatching, ` +
        `${report.skipped.length} excluded, ${Date.now() - t0} ms (owner: ${family.owner})`,
    );
    for (const m of report.mismatches) console.log(m);
    assert.equal(report.mismatches.length, 0, report.mismatches.join('\n\n'));
    assert.ok(report.sequences > 0);
  });
}
