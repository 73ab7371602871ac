/**
 * Redis's error strings have one home, src/resp/errors.ts: the lint rule of eslint.config.js
 * (errorStringConfig, run by `npm run lint`) refuses a string or template that starts like an error
 * reply anywhere else in src/, and every constant there is defined once.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import * as errors from '../../src/resp/errors.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

async function errorStringMessages(file: string, source: string): Promise<string[]> {
  const config = (await import(pathToFileURL(join(ROOT, 'eslint.config.js')).href)) as {
    errorStringConfig(): Linter.Config;
  };
  const linter = new Linter({ cwd: ROOT });
  const messages = linter.verify(
    source,
    [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, config.errorStringConfig()],
    { filename: join(ROOT, file) },
  );
  return messages.map((m) => m.message);
}

test('lint refuses Redis error strings written outside src/resp/errors.ts', async () => {
  const refused = [
    "export const e = 'ERR syntax error';",
    'export const e = "ERR no such key";',
    "export const e = '-ERR max number of clients reached\\r\\n';",
    "export const e = 'WRONGTYPE Operation against a key holding the wrong kind of value';",
    "export const e = 'NOAUTH Authentication required.';",
    'export const e = (n: string): string => `ERR unknown command ${n}`;',
    'export const e = (n: string): string => `-NOPROTO ${n}`;',
  ];
  for (const file of ['src/commands/keys/x.ts', 'src/server/x.ts', 'src/persistence/x.ts']) {
    for (const source of refused) {
      const messages = await errorStringMessages(file, source);
      assert.equal(messages.length, 1, `${file}: ${source} → ${messages.join('; ')}`);
      assert.match(messages[0] as string, /defined once, in src\/resp\/errors\.ts/);
    }
  }
  for (const source of refused) {
    assert.deepEqual(await errorStringMessages('src/resp/errors.ts', source), [], source);
  }
  const allowed = [
    "export const code = 'ERR';", // an error code alone (errorstats), not a message
    "export const e = 'Error: bad input';",
    "export const e = 'error while reading';",
    'export const e = (m: string): string => `bad ${m} ERR x`;',
  ];
  for (const source of allowed) {
    assert.deepEqual(await errorStringMessages('src/server/x.ts', source), [], source);
  }
});

test('every error string of src/resp/errors.ts is defined once', () => {
  const byText = new Map<string, string>();
  for (const [name, value] of Object.entries(errors)) {
    if (typeof value !== 'string') continue;
    assert.equal(byText.get(value), undefined, `${name} repeats ${byText.get(value) ?? ''}: ${value}`);
    byText.set(value, name);
  }
  assert.ok(byText.size > 80, `only ${byText.size} error strings`);
});
