import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArgCursor } from '../../src/commands/cursor.js';
import { CommandError } from '../../src/commands/typed.js';

/** The error message a cursor read fails with, or undefined when it succeeds. */
function failure(read: () => unknown): string | undefined {
  try {
    read();
    return undefined;
  } catch (e) {
    if (e instanceof CommandError && e.reply.kind === 'error') return e.reply.message;
    throw e;
  }
}

test('the cursor reads arguments in order after the command name', () => {
  const args = new ArgCursor(['SET', 'k', 'v', 'ex', '10']);
  assert.equal(args.remaining, 4);
  assert.equal(args.key(), 'k');
  assert.equal(args.string(), 'v');
  assert.equal(args.option('PX'), false, 'a different option is left unread');
  assert.equal(args.option('EX'), true, 'options match case-insensitively');
  assert.equal(args.integer(), 10);
  assert.equal(args.done, true);
  args.end();
});

test('integers follow string2ll and fail with "value is not an integer or out of range"', () => {
  const n = (s: string): unknown => new ArgCursor(['X', s]).integer();
  assert.equal(n('-12'), -12);
  assert.equal(new ArgCursor(['X', '9223372036854775807']).int64(), 9223372036854775807n);
  for (const bad of ['', '+1', ' 1', '1 ', '01', '1.0', 'abc', '9223372036854775808']) {
    assert.equal(
      failure(() => n(bad)),
      'ERR value is not an integer or out of range',
      JSON.stringify(bad),
    );
  }
  assert.equal(
    failure(() => new ArgCursor(['X', 'y']).integer('ERR timeout is not an integer or out of range')),
    'ERR timeout is not an integer or out of range',
  );
});

test('floats follow getDoubleFromObject and fail with "value is not a valid float"', () => {
  const f = (s: string): unknown => new ArgCursor(['X', s]).float();
  assert.equal(f('1.5'), 1.5);
  assert.equal(f('-inf'), -Infinity);
  assert.equal(f('1e3'), 1000);
  for (const bad of ['', 'nan', 'abc', ' 1', '1x']) {
    assert.equal(
      failure(() => f(bad)),
      'ERR value is not a valid float',
      JSON.stringify(bad),
    );
  }
});

test('left-over arguments, a missing argument and an unknown keyword are syntax errors', () => {
  assert.equal(
    failure(() => new ArgCursor(['X', 'a']).end()),
    'ERR syntax error',
  );
  assert.equal(
    failure(() => new ArgCursor(['X']).string()),
    'ERR syntax error',
  );
  assert.equal(new ArgCursor(['X', 'left']).oneOf('LEFT', 'RIGHT'), 'LEFT');
  assert.equal(
    failure(() => new ArgCursor(['X', 'up']).oneOf('LEFT', 'RIGHT')),
    'ERR syntax error',
  );
});

test('rest() takes every argument not read yet; scan cursors fail with "invalid cursor"', () => {
  const args = new ArgCursor(['MGET', 'a', 'b', 'c']);
  args.key();
  assert.deepEqual(args.rest(), ['b', 'c']);
  assert.equal(args.done, true);
  assert.equal(new ArgCursor(['SCAN', '5\0x']).scanCursor(), 5n);
  assert.equal(
    failure(() => new ArgCursor(['SCAN', ' 5']).scanCursor()),
    'ERR invalid cursor',
  );
});
