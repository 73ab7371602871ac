import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quoteArg, splitArgs } from '../../src/resp/index.js';

test('splitArgs splits on blanks and reads both quote styles like sdssplitargs', () => {
  assert.deepEqual(splitArgs('  bind 127.0.0.1   -::1 '), ['bind', '127.0.0.1', '-::1']);
  assert.deepEqual(splitArgs('requirepass "a b\\"c"'), ['requirepass', 'a b"c']);
  assert.deepEqual(splitArgs('x "\\x41\\n\\t\\r\\a\\b\\q"'), ['x', 'A\n\t\r\x07\bq']);
  assert.deepEqual(splitArgs("x 'it\\'s \\n'"), ['x', "it's \\n"]);
  assert.deepEqual(splitArgs('save ""'), ['save', '']);
  assert.deepEqual(splitArgs('""'), ['']);
  assert.deepEqual(splitArgs('a"b c"'), ['ab c']);
  assert.deepEqual(splitArgs(''), []);
  assert.deepEqual(splitArgs(' \t '), []);
  assert.deepEqual(splitArgs('\t \v'), []);
  assert.deepEqual(splitArgs('x "\\xZZ"'), ['x', 'xZZ']);
  assert.deepEqual(splitArgs('"\\xzz"'), ['xzz']);
  assert.deepEqual(splitArgs('"\\x4"'), ['x4']);
  assert.deepEqual(splitArgs('"\\xfF"'), ['\xff']);
  assert.deepEqual(splitArgs("'a\\nb'"), ['a\\nb']);
});

test('blanks before a word are C isspace, but a word ends only at space, \\t, \\r, \\n', () => {
  // Real Redis answers `ECHO a\vb` with "a\vb" (checked against redis-server 7.0.15).
  assert.deepEqual(splitArgs('a\tb\x0bc\x0cd\re\n f'), ['a', 'b\x0bc\x0cd', 'e', 'f']);
  assert.deepEqual(splitArgs('\x0b\x0c a\x0bb'), ['a\x0bb']);
  assert.deepEqual(splitArgs('"q" a\x0cb'), ['q', 'a\x0cb']);
  // After a closing quote any isspace is a separator, \v and \f included.
  assert.deepEqual(splitArgs('"q"\x0bb'), ['q', 'b']);
  assert.deepEqual(splitArgs("'q'\x0cb"), ['q', 'b']);
  assert.deepEqual(splitArgs('\xff \x80'), ['\xff', '\x80']);
});

test('splitArgs rejects unbalanced quotes and text glued after a closing quote', () => {
  for (const bad of ['"abc', "'abc", '"abc"def', "'a'b", 'x "a\\"', 'a"b c"d', '"a\\', "'a\\'"]) {
    assert.equal(splitArgs(bad), undefined, bad);
  }
});

test('a NUL byte ends the line, as it ends the C string sdssplitargs reads', () => {
  assert.deepEqual(splitArgs('\xff\x00 \x80'), ['\xff']);
  assert.deepEqual(splitArgs('a\x00b c'), ['a']);
  assert.deepEqual(splitArgs('a \x00 b'), ['a']);
  assert.deepEqual(splitArgs('"a" b\x00"c'), ['a', 'b']);
  assert.equal(splitArgs('"a\x00b"'), undefined); // the quote is never closed
  assert.deepEqual(splitArgs('"\\x00"'), ['\x00']); // an escaped NUL is data
});

/** Deterministic pseudo-random bytes (xorshift32), so a failure is reproducible. */
function* randomLines(seed: number, count: number): Generator<string> {
  const alphabet = 'ab \t\n\r\x0b\x0c\x00\\x4\xff';
  let x = seed;
  for (let i = 0; i < count; i++) {
    let line = '';
    const length = i % 13;
    for (let j = 0; j < length; j++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      line += alphabet[(x >>> 0) % alphabet.length];
    }
    yield line;
  }
}

test('the unquoted fast path splits exactly like the full sdssplitargs loop', () => {
  // Appending ` ""` sends a line through the quoted loop and adds one empty word at its end (none when
  // a NUL ended the line first).
  for (const line of randomLines(0x5eed, 5000)) {
    const fast = splitArgs(line);
    const full = splitArgs(line + ' ""');
    const expected = fast === undefined ? undefined : line.includes('\0') ? fast : [...fast, ''];
    assert.deepEqual(full, expected, JSON.stringify(line));
  }
});

test('quoteArg writes what splitArgs reads back (sdscatrepr)', () => {
  assert.equal(quoteArg('a b"c\\'), '"a b\\"c\\\\"');
  assert.equal(quoteArg('\n\x01\xff'), '"\\n\\x01\\xff"');
  for (const v of [
    '',
    'plain',
    'sp ace',
    '"q"',
    "'",
    '\x00\x7f\x80\xfe',
    'tab\there',
    '\x0b\x0c\r\n\x07\b',
  ]) {
    assert.deepEqual(splitArgs(`k ${quoteArg(v)}`), ['k', v], JSON.stringify(v));
  }
});
