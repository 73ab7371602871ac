import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { parsePeerVpnConfig } from '../../src/vpn/config/index.js';
import { generatePsk, publicKeyOf } from '../../src/vpn/index.js';
import { parseAllowedNodes } from '../../src/vpn/protocol/node-keys.js';

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

test('redmesh keygen --node prints a private node key; --public its public key, as nodekey and allowednodes take them', async () => {
  const cli = 'dist/src/cli/main.js';
  const { stdout: privateKey } = await run(process.execPath, [cli, 'keygen', '--node']);
  assert.match(privateKey, /^[A-Za-z0-9+/]{43}=\n$/);
  const pub = await new Promise<string>((resolve, reject) => {
    const child = execFile(process.execPath, [cli, 'keygen', '--public'], (err, out) =>
      err === null ? resolve(out) : reject(new Error(err.message)),
    );
    child.stdin?.end(privateKey);
  });
  assert.equal(pub, `${publicKeyOf(privateKey)}\n`);
  assert.notEqual(pub, privateKey);
  assert.equal(parseAllowedNodes(pub)[0]?.publicKey.length, 32);
  const bad = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = execFile(process.execPath, [cli, 'keygen', '--public'], (err, _out, stderr) =>
      resolve({ code: err === null ? 0 : ((err as { code?: number }).code ?? null), stderr }),
    );
    child.stdin?.end('not a key\n');
  });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /not a node key/);
});
