/**
 * MEMORY PURGE compacts: after deletes scattered over many objects, V8's own full collection leaves
 * its old-space pages partly empty (and resident); compactGarbage evacuates them and gives them back.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getHeapSpaceStatistics } from 'node:v8';
import { collectGarbage, compactGarbage } from '../../src/platform/index.js';

const MB = 2 ** 20;

function oldSpace(): { size: number; used: number } {
  const s = getHeapSpaceStatistics().find((x) => x.space_name === 'old_space');
  assert.ok(s !== undefined, 'V8 reports an old_space');
  return { size: s.space_size, used: s.space_used_size };
}

test('compactGarbage gives back old-space pages that every-other deletes left half empty', () => {
  // 300k strings of ~110 bytes (~36 MB), kept through two collections so they sit in old space.
  const held: (string | undefined)[] = [];
  for (let i = 0; i < 300_000; i++) held.push(`${'v'.repeat(100)}${i}`);
  assert.ok(collectGarbage() && collectGarbage(), 'the collector is exposed');
  for (let i = 0; i < held.length; i += 2) held[i] = undefined;
  collectGarbage();
  const fragmented = oldSpace();
  assert.ok(
    fragmented.size - fragmented.used >= 12 * MB,
    `a plain full collection leaves the freed half in place (size ${fragmented.size}, used ${fragmented.used})`,
  );
  assert.ok(compactGarbage());
  const compacted = oldSpace();
  assert.ok(
    compacted.size <= fragmented.size - 10 * MB,
    `old space ${fragmented.size} -> ${compacted.size} bytes after compaction`,
  );
  assert.equal(held[1], `${'v'.repeat(100)}1`, 'what is still referenced survives the move');
});
