/**
 * Differential test (redmesh vs real redis-server 7.0): seeded command sequences per family, replies
 * compared byte for byte (normalised only where Redis leaves order or choice open).
 *
 * CI runs the families in CI_FAMILIES with a fixed seed. By hand:
 *   DIFF_SEED=7 DIFF_COUNT=500 DIFF_FAMILIES=strings,lists node --test dist/test/diff/diff.test.js
 * DIFF_LENGTH sets units per sequence; DIFF_ORACLE_ONLY=1 runs real Redis against a second real Redis
 * (the harness itself must then report nothing).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startRedis, startRedmesh, stopAll } from '../helpers/servers.js';
import type { RunningServer } from '../helpers/servers.js';
import { excluded } from './excluded.js';
import { allFamilies } from './families/index.js';
import { runFamily } from './harness.js';

/** Families whose commands are on main; the rest run by hand until they land. */
const CI_FAMILIES: readonly string[] = [];
const CI_SEED = 20261127;
const CI_COUNT = 25;
const REDIS_PORT = 17600;
const REDMESH_PORT = 17601;

const env = process.env;
const families = (env.DIFF_FAMILIES ?? CI_FAMILIES.join(',')).split(',').filter((f) => f !== '');
const baseSeed = Number(env.DIFF_SEED ?? CI_SEED);
const count = Number(env.DIFF_COUNT ?? CI_COUNT);
const length = Number(env.DIFF_LENGTH ?? 25);
const oracleOnly = env.DIFF_ORACLE_ONLY === '1';

let redis: RunningServer | undefined;
let other: RunningServer | undefined;

before(async () => {
  const notRun = allFamilies.map((f) => f.name).filter((f) => !families.includes(f));
  console.log(
    `diff: seed ${baseSeed}, ${count} sequences x ${length} units per family, families: ${families.join(',')}`,
  );
  if (notRun.length > 0) console.log(`diff: families NOT run: ${notRun.join(',')}`);
  if (excluded.length > 0) {
    console.log(`diff: EXCLUDED sequences (known mismatches reported to their owners):`);
    for (const e of excluded) console.log(`  ${e.family} #${e.index}: ${e.reason}`);
  }
  if (families.length === 0) return;
  redis = await startRedis(REDIS_PORT);
  other = oracleOnly ? await startRedis(REDMESH_PORT) : await startRedmesh(REDMESH_PORT);
});

after(async () => {
  await stopAll(redis, other);
});

for (const name of families) {
  const family = allFamilies.find((f) => f.name === name);
  test(`redmesh answers like redis 7.0: ${name}`, { timeout: 180_000 }, async () => {
    assert.ok(family, `unknown family ${name}; known: ${allFamilies.map((f) => f.name).join(',')}`);
    const skip = new Set(
      excluded.filter((e) => e.family === name && baseSeed === CI_SEED).map((e) => e.index),
    );
    const t0 = Date.now();
    const report = await runFamily(family, {
      baseSeed,
      count,
      length,
      redisPort: REDIS_PORT,
      redmeshPort: REDMESH_PORT,
      excluded: skip,
      maxMismatches: 3,
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
