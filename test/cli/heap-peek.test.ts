/**
 * `redmesh server` sizes V8's young generation from maxmemory before its config is loaded
 * (cli/heap-peek.ts): the look at the command line must find what the real load will find.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { peekMaxmemory, peekMemoryValue } from '../../src/cli/heap-peek.js';
import { parseMemory } from '../../src/config/index.js';

test('a memory value reads as the config loader reads it (memtoull units)', () => {
  for (const v of ['0', '1', '100', '512k', '512kb', '50mb', '50MB', '1m', '2g', '2gb', '3GB', '7b']) {
    assert.equal(peekMemoryValue(v), parseMemory(v), v);
  }
  assert.equal(peekMemoryValue('"64mb"'), 64 * 2 ** 20);
  for (const v of ['', 'lots', '1tb', '-5mb', '1.5gb']) {
    assert.equal(parseMemory(v), undefined, v);
    assert.equal(peekMemoryValue(v), 0, v);
  }
});

test('maxmemory comes from the last line of the config file, and a --maxmemory option wins', () => {
  const dir = mkdtempSync(join(tmpdir(), 'heap-peek-'));
  try {
    const file = join(dir, 'redis.conf');
    writeFileSync(
      file,
      '# maxmemory 1gb\nport 6380\n  MAXMEMORY 100mb\nmaxmemory-policy allkeys-lru\nmaxmemory 256mb\n',
    );
    assert.equal(peekMaxmemory([file]), 256 * 2 ** 20);
    assert.equal(peekMaxmemory([file, '--port', '1', '--maxmemory', '50mb']), 50 * 2 ** 20);
    assert.equal(peekMaxmemory(['--port', '1', '--maxmemory', '2gb']), 2 * 2 ** 30);
    assert.equal(peekMaxmemory(['--port', '1']), 0);
    assert.equal(peekMaxmemory([join(dir, 'missing.conf')]), 0);
    assert.equal(peekMaxmemory(['-', '--maxmemory', '1mb']), 2 ** 20);
    // A value only as the last word of the command line has no argument: the load refuses it.
    assert.equal(peekMaxmemory(['--maxmemory']), 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
