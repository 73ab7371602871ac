/**
 * The strings, keys and expiry families of the differential harness, run against a real
 * redis-server 7.0 now, before the other families land: units that use a command redmesh does not
 * have yet (RPUSH, HSET… to create other types) are dropped from each sequence, so every remaining
 * step exercises these families (and WRONGTYPE paths once the other types exist). Replies are
 * compared byte for byte by the harness's runner.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { allCommands } from '../../src/commands/index.js';
import { buildSequence } from '../diff/harness.js';
import { allFamilies } from '../diff/families/index.js';
import { describeMismatch, minimise, runUnits } from '../diff/runner.js';
import type { Unit } from '../diff/sequence.js';
import { startRedis, startRedmesh, stopAll } from '../helpers/servers.js';
import type { RunningServer } from '../helpers/servers.js';

const SEED = 20261127;
const SEQUENCES = 30;
const LENGTH = 25;

const known = new Set(allCommands.map((c) => c.name.toLowerCase()));

function implemented(unit: Unit): boolean {
  return unit.every((step) => !('argv' in step) || known.has((step.argv[0] ?? '').toLowerCase()));
}

let redis: RunningServer | undefined;
let redmesh: RunningServer | undefined;
/** Free ports, known once `before` started the servers. */
let redisPort = 0;
let redmeshPort = 0;

before(async () => {
  redis = await startRedis(0);
  redmesh = await startRedmesh(0);
  redisPort = redis.port;
  redmeshPort = redmesh.port;
});

after(async () => {
  await stopAll(redis, redmesh);
});

for (const name of ['strings', 'keys', 'expiry']) {
  test(`${name} commands answer like redis-server 7.0, byte for byte`, { timeout: 120_000 }, async () => {
    const family = allFamilies.find((f) => f.name === name);
    assert.ok(family, `family ${name}`);
    let commands = 0;
    for (let i = 0; i < SEQUENCES; i++) {
      const seq = buildSequence(family, SEED, i, LENGTH);
      const units = seq.units.filter(implemented);
      const result = await runUnits(units, redisPort, redmeshPort);
      commands += result.commands;
      if (result.mismatch !== undefined) {
        const small = await minimise(units, result.mismatch, redisPort, redmeshPort);
        assert.fail(describeMismatch({ ...seq, units }, small.units, small.mismatch));
      }
    }
    assert.ok(commands > SEQUENCES * 5, `only ${commands} commands ran`);
  });
}
