import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quoteArg, splitArgs } from '../../src/config/index.js';
import { globMatch } from '../../src/store/index.js';

test('splitArgs splits on blanks and reads both quote styles like sdssplitargs', () => {
  assert.deepEqual(splitArgs('  bind 127.0.0.1   -::1 '), ['bind', '127.0.0.1', '-::1']);
  assert.deepEqual(splitArgs('requirepass "a b\\"c"'), ['requirepass', 'a b"c']);
  assert.deepEqual(splitArgs('x "\\x41\\n\\t\\r\\a\\b\\q"'), ['x', 'A\n\t\r\x07\bq']);
  assert.deepEqual(splitArgs("x 'it\\'s \\n'"), ['x', "it's \\n"]);
  assert.deepEqual(splitArgs('save ""'), ['save', '']);
  assert.deepEqual(splitArgs('a"b c"'), ['ab c']);
  assert.deepEqual(splitArgs(''), []);
  assert.deepEqual(splitArgs('\t \v'), []);
  assert.deepEqual(splitArgs('x "\\xZZ"'), ['x', 'xZZ']);
});

test('splitArgs rejects unbalanced quotes and text glued after a closing quote', () => {
  for (const bad of ['"abc', "'abc", '"abc"def', "'a'b", 'x "a\\"'])
    assert.equal(splitArgs(bad), undefined, bad);
});

test('quoteArg writes what splitArgs reads back (sdscatrepr)', () => {
  assert.equal(quoteArg('a b"c\\'), '"a b\\"c\\\\"');
  assert.equal(quoteArg('\n\x01\xff'), '"\\n\\x01\\xff"');
  for (const v of ['', 'plain', 'sp ace', '"q"', "'", '\x00\x7f\x80\xfe', 'tab\there']) {
    assert.deepEqual(splitArgs(`k ${quoteArg(v)}`), ['k', v], JSON.stringify(v));
  }
});

test('globMatch follows stringmatchlen: stars, ?, classes, ranges, negation, escapes, nocase', () => {
  assert.ok(globMatch('*', ''));
  assert.ok(globMatch('max*', 'maxmemory-policy'));
  assert.ok(globMatch('*-policy', 'maxmemory-policy'));
  assert.ok(!globMatch('max*', 'port'));
  assert.ok(globMatch('h?llo', 'hello'));
  assert.ok(globMatch('h[ae]llo', 'hallo'));
  assert.ok(!globMatch('h[^e]llo', 'hello'));
  assert.ok(globMatch('h[a-c]llo', 'hbllo'));
  assert.ok(globMatch('h[c-a]llo', 'hbllo'));
  assert.ok(globMatch('h\\*llo', 'h*llo'));
  assert.ok(!globMatch('h\\*llo', 'hello'));
  assert.ok(globMatch('PORT', 'port', true));
  assert.ok(!globMatch('PORT', 'port'));
  assert.ok(globMatch('a*b*c', 'axxbyyc'));
  assert.ok(!globMatch('a*b*c', 'axxbyy'));
});
