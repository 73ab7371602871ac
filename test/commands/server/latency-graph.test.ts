/**
 * LATENCY GRAPH's sparkline against text captured from redis-server 7.0.15 (two DEBUG SLEEPs a second
 * apart, 20 and 33 ms; then one sample).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latencyGraph } from '../../../src/commands/server/latency-graph.js';

const RULE = '-'.repeat(80);

test('two samples a second apart draw as Redis draws them', () => {
  const now = 1_800_000_000;
  const graph = latencyGraph(
    'command',
    [
      { time: now - 1, latencyMs: 20 },
      { time: now, latencyMs: 33 },
    ],
    33,
    now,
  );
  assert.equal(
    graph,
    `command - high 33 ms, low 20 ms (all time high 33 ms)\n${RULE}\n #\n |\n |\n_|\n  \n10\nss\n`,
  );
});

test('one sample draws a flat line with its age under it', () => {
  const now = 1_800_000_000;
  const graph = latencyGraph('command', [{ time: now, latencyMs: 20 }], 20, now);
  assert.equal(
    graph,
    `command - high 20 ms, low 20 ms (all time high 20 ms)\n${RULE}\n \n \n \n_\n \n0\ns\n`,
  );
});

test('ages in minutes, hours and days label the columns', () => {
  const now = 1_800_000_000;
  const graph = latencyGraph(
    'x',
    [
      { time: now - 2 * 86400, latencyMs: 1 },
      { time: now - 3 * 3600, latencyMs: 5 },
      { time: now - 120, latencyMs: 9 },
    ],
    9,
    now,
  );
  const labelRows = graph.split('\n').slice(-3, -1);
  assert.deepEqual(labelRows, ['232', 'dhm']);
});
