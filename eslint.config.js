// @ts-check
import tseslint from 'typescript-eslint';

/** Text that starts like a Redis error reply: an error code and a space ('ERR …', 'WRONGTYPE …'), optionally after '-'. */
const REDIS_ERROR_TEXT =
  '/^-?(ERR|WRONGTYPE|NOAUTH|WRONGPASS|READONLY|OOM|EXECABORT|NOPROTO|UNBLOCKED|DENIED|BUSY|BUSYKEY|NOSCRIPT|LOADING|MASTERDOWN|MISCONF|NOREPLICAS|NOPERM|CROSSSLOT|NOGOODSLAVE) /';

/**
 * The rooms of src/ and the rooms each may import (../shared/DESIGN.md, docs/architecture.md). Arrows
 * compose downward: cli → ops → {server, vpn}; server → {commands, replication, persistence};
 * commands → store; replication → {persistence, store, resp}; persistence → store; config is used by
 * server and commands (and what sits above them); anything may use resp, util and platform. vpn and
 * the Redis side (config, store, commands, server, persistence, replication) never import each other:
 * they meet only in ops/ (and cli/ above it). A room is reached only through its index.ts.
 */
const BASE = ['resp', 'util', 'platform'];
const REDIS = ['server', 'commands', 'replication', 'persistence', 'store', 'config'];
/** @type {Record<string, string[]>} */
const ALLOWED = {
  util: [],
  resp: ['util'],
  platform: ['util'],
  config: BASE,
  store: BASE,
  persistence: [...BASE, 'store'],
  replication: [...BASE, 'persistence', 'store'],
  commands: [...BASE, 'store', 'config'],
  server: [...BASE, 'commands', 'replication', 'persistence', 'store', 'config'],
  vpn: BASE,
  ops: [...BASE, 'vpn', ...REDIS],
  cli: [...BASE, 'ops', 'vpn', ...REDIS],
};
const ROOMS = Object.keys(ALLOWED);

/**
 * Files that break a boundary today because another branch is moving what they import (the rule for
 * them lists the extra room; remove the entry when the move lands). None at the moment.
 * @type {{ file: string; also: string[] }[]}
 */
const PENDING_MOVES = [];

const escape = (/** @type {string} */ s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * no-restricted-imports patterns for a file of `room` that sits `depth` folders below src/; the rooms
 * in `extra` are left unchecked (PENDING_MOVES).
 */
function boundaryPatterns(
  /** @type {string} */ room,
  /** @type {number} */ depth,
  /** @type {string[]} */ extra,
) {
  const up = escape('../'.repeat(depth));
  const allowed = new Set(ALLOWED[room]);
  const patterns = [];
  for (const other of ROOMS) {
    if (other === room || extra.includes(other)) continue;
    if (allowed.has(other)) {
      patterns.push({
        regex: `^${up}${other}/(?!index\\.js$)`,
        message: `Other rooms are reached only through their index.ts: import '${'../'.repeat(depth)}${other}/index.js'.`,
      });
    } else {
      patterns.push({
        regex: `^${up}${other}(/|$)`,
        message: `${room}/ may not import ${other}/ (allowed directions: docs/architecture.md).`,
      });
    }
  }
  return patterns;
}

/** One config object per room and folder depth (the relative prefix to src/ depends on the depth). */
export function boundaryConfigs() {
  const configs = [];
  for (const room of ROOMS) {
    for (let depth = 1; depth <= 5; depth++) {
      const files = [`src/${room}/${'*/'.repeat(depth - 1)}*.ts`];
      configs.push({
        files,
        ignores: PENDING_MOVES.map((p) => p.file),
        rules: { 'no-restricted-imports': ['error', { patterns: boundaryPatterns(room, depth, []) }] },
      });
    }
  }
  for (const { file, also } of PENDING_MOVES) {
    const [, room] = file.split('/');
    const depth = file.split('/').length - 2;
    configs.push({
      files: [file],
      rules: {
        'no-restricted-imports': [
          'error',
          { patterns: boundaryPatterns(/** @type {string} */ (room), depth, also) },
        ],
      },
    });
  }
  return configs;
}

const ERROR_STRING_MESSAGE =
  'Redis error strings are defined once, in src/resp/errors.ts: use (or add) a constant there.';

/**
 * Redis's error strings are wire text that clients match on: each is defined once, in
 * src/resp/errors.ts, and everything else in src/ uses the constant (STYLE.md: shared replies defined
 * once). A string or template starting with an error code and a space is refused anywhere else.
 */
export function errorStringConfig() {
  return {
    files: ['src/**/*.ts'],
    ignores: ['src/resp/errors.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: `Literal[value=${REDIS_ERROR_TEXT}]`, message: ERROR_STRING_MESSAGE },
        {
          selector: `TemplateLiteral > TemplateElement:first-child[value.raw=${REDIS_ERROR_TEXT}]`,
          message: ERROR_STRING_MESSAGE,
        },
      ],
    },
  };
}

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
  errorStringConfig(),
  {
    // node:test's test()/describe() return promises the runner itself awaits.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
  ...boundaryConfigs(),
);
