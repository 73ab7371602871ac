import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeRunner } from '../../helpers/exec.js';

test('GETRANGE clamps like Redis and SUBSTR is the same command', () => {
  const r = makeRunner();
  r.run('SET', 'k', 'Hello World');
  const cases: [string, string, string][] = [
    ['0', '4', 'Hello'],
    ['-5', '-1', 'World'],
    ['-1', '-5', ''],
    ['5', '3', ''],
    ['0', '100', 'Hello World'],
    ['-100', '2', 'Hel'],
  ];
  for (const [s, e, want] of cases) {
    assert.deepEqual(r.run('GETRANGE', 'k', s, e), { kind: 'bulk', value: want }, `${s} ${e}`);
    assert.deepEqual(r.run('SUBSTR', 'k', s, e), { kind: 'bulk', value: want });
  }
  assert.deepEqual(r.run('GETRANGE', 'nokey', '0', '1'), { kind: 'bulk', value: '' });
});

test('SETRANGE pads with zero bytes, refuses past proto-max-bulk-len', () => {
  const r = makeRunner();
  assert.deepEqual(r.run('SETRANGE', 'k', '3', 'ab'), { kind: 'int', value: 5 });
  assert.deepEqual(r.run('GET', 'k'), { kind: 'bulk', value: '\0\0\0ab' });
  assert.deepEqual(r.run('SETRANGE', 'k', '1', 'X'), { kind: 'int', value: 5 });
  assert.deepEqual(r.run('GET', 'k'), { kind: 'bulk', value: '\0X\0ab' });
  assert.deepEqual(r.run('SETRANGE', 'e', '10', ''), { kind: 'int', value: 0 });
  assert.deepEqual(r.run('EXISTS', 'e'), { kind: 'int', value: 0 });
  assert.deepEqual(r.run('SETRANGE', 'k', '-1', 'a'), {
    kind: 'error',
    message: 'ERR offset is out of range',
  });
  assert.deepEqual(r.run('SETRANGE', 'k', '536870911', 'ab'), {
    kind: 'error',
    message: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
  });
  assert.deepEqual(r.run('APPEND', 'k', 'cd'), { kind: 'int', value: 7 });
  assert.deepEqual(r.run('STRLEN', 'k'), { kind: 'int', value: 7 });
});

test('LCS: string, LEN, IDX with MINMATCHLEN and WITHMATCHLEN', () => {
  const r = makeRunner();
  r.run('MSET', 'key1', 'ohmytext', 'key2', 'mynewtext');
  assert.deepEqual(r.run('LCS', 'key1', 'key2'), { kind: 'bulk', value: 'mytext' });
  assert.deepEqual(r.run('LCS', 'key1', 'key2', 'LEN'), { kind: 'int', value: 6 });
  const idx = r.run('LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN');
  const pair = (a: number, b: number): unknown => ({
    kind: 'array',
    items: [
      { kind: 'int', value: a },
      { kind: 'int', value: b },
    ],
  });
  assert.deepEqual(idx, {
    kind: 'map',
    entries: [
      [
        { kind: 'bulk', value: 'matches' },
        {
          kind: 'array',
          items: [{ kind: 'array', items: [pair(4, 7), pair(5, 8), { kind: 'int', value: 4 }] }],
        },
      ],
      [
        { kind: 'bulk', value: 'len' },
        { kind: 'int', value: 6 },
      ],
    ],
  });
  assert.deepEqual(r.run('LCS', 'key1', 'key2', 'IDX', 'LEN'), {
    kind: 'error',
    message: 'ERR If you want both the length and indexes, please just use IDX.',
  });
});
