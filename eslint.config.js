// @ts-check
import tseslint from 'typescript-eslint';

/** Text that starts like a Redis error reply: an error code and a space ('ERR …', 'WRONGTYPE …'), optionally after '-'. */
const REDIS_ERROR_TEXT =
  '/^-?(ERR|WRONGTYPE|NOAUTH|WRONGPASS|READONLY|OOM|EXECABORT|NOPROTO|UNBLOCKED|DENIED|BUSY|BUSYKEY|NOSCRIPT|LOADING|MASTERDOWN|MISCONF|NOREPLICAS|NOPERM|CROSSSLOT|NOGOODSLAVE) /';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'scripts/**', 'eslint.config.js'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Redis's error strings are wire text that clients match on: each is defined once, in
    // src/resp/errors.ts, and everything else uses the constant (STYLE.md: shared replies defined once).
    files: ['src/**/*.ts'],
    ignores: ['src/resp/errors.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: `Literal[value=${REDIS_ERROR_TEXT}]`,
          message:
            'Redis error strings are defined once, in src/resp/errors.ts: use (or add) a constant there.',
        },
        {
          selector: `TemplateLiteral > TemplateElement:first-child[value.raw=${REDIS_ERROR_TEXT}]`,
          message:
            'Redis error strings are defined once, in src/resp/errors.ts: use (or add) a constant there.',
        },
      ],
    },
  },
  {
    // node:test's test()/describe() return promises the runner itself awaits.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
);
