import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { parsePeerVpnConfig } from '../../src/vpn/config/index.js';
import { generatePsk } from '../../src/vpn/index.js';

const run = promisify(execFile);
/** 382 bytes = 127 full base64 groups + one byte → 510 characters and '=='. */
const BASE64_382 = /^[A-Za-z0-9+/]{510}==$/;

test('generatePsk has the shape of openssl rand -base64 382 | tr -d "\\n"', () => {
  const a = generatePsk();
  const b = generatePsk();
  assert.match(a, BASE64_382);
  assert.equal(Buffer.from(a, 'base64').length, 382);
  assert.notEqual(a, b);
});

test('redmesh keygen prints one base64 key with no newline, usable as a psk line', async () => {
  const { stdout, stderr } = await run(process.execPath, ['dist/src/cli/main.js', 'keygen']);
  assert.equal(stderr, '');
  assert.match(stdout, BASE64_382);
  assert.equal(Buffer.from(stdout, 'base64').length, 382);
  assert.equal(parsePeerVpnConfig(`psk ${stdout}\n`, 'x').psk, stdout);
});
