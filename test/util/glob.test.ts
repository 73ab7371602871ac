import assert from 'node:assert/strict';
import { test } from 'node:test';
import { globMatch } from '../../src/util/index.js';

const cases: readonly (readonly [string, string, boolean])[] = [
  // Redis 7.0 stringmatchlen: the empty subject matches only the empty pattern (KEYS/SCAN short-cut `*`)
  ['*', '', false],
  ['**', '', false],
  ['', '', true],
  ['', 'a', false],
  ['*', 'anything', true],
  ['h?llo', 'hello', true],
  ['h?llo', 'hllo', false],
  ['h*llo', 'heeeello', true],
  ['h*llo', 'hellox', false],
  ['h[ae]llo', 'hallo', true],
  ['h[ae]llo', 'hillo', false],
  ['h[^e]llo', 'hallo', true],
  ['h[^e]llo', 'hello', false],
  ['h[a-b]llo', 'hbllo', true],
  ['h[a-b]llo', 'hcllo', false],
  ['h[b-a]llo', 'hallo', true], // reversed range
  ['h\\*llo', 'h*llo', true],
  ['h\\*llo', 'hello', false],
  ['[\\]]', ']', true],
  ['[abc', 'b', true], // unterminated set runs to the end
  ['[', 'a', false],
  ['a*b*c', 'aXXbYYc', true],
  ['a*b*c', 'aXXbYY', false],
  ['*a*a*a*a*a*a*a*b', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', false],
  ['trailing\\', 'trailing\\', true],
  ['\xff*', '\xff\x00', true],
  // CONFIG GET patterns
  ['max*', 'maxmemory-policy', true],
  ['*-policy', 'maxmemory-policy', true],
  ['max*', 'port', false],
];

for (const [pattern, subject, expected] of cases) {
  test(`glob ${JSON.stringify(pattern)} vs ${JSON.stringify(subject)} is ${expected}`, () => {
    assert.equal(globMatch(pattern, subject), expected);
  });
}

test('nocase folds ASCII letters only', () => {
  assert.equal(globMatch('HEL*', 'hello', true), true);
  assert.equal(globMatch('HEL*', 'hello'), false);
  assert.equal(globMatch('[A-C]x', 'bx', true), true);
});
