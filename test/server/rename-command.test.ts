/**
 * redis.conf `rename-command`: the command answers only to its new name ("" disables it), keeps its
 * own name in COMMAND output and error texts — checked byte for byte against a real redis-server
 * loading the same file.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { allCommands } from '../../src/commands/index.js';
import { RawConnection } from '../helpers/raw-resp.js';
import {
  freePort,
  redmeshMain,
  startRedis,
  startRedmesh,
  stopAll,
  type RunningServer,
} from '../helpers/servers.js';

const RENAMES =
  'rename-command set myset\nrename-command flushall ""\nrename-command config cfg\nrename-command get set\n';

/** Commands whose replies must match Redis byte for byte (port numbers are named). */
const SCRIPT: readonly (readonly string[])[] = [
  ['myset', 'k', 'v'],
  ['SET', 'k', 'v'],
  ['set', 'k'],
  ['myset'],
  ['flushall'],
  ['FLUSHALL', 'ASYNC'],
  ['cfg', 'get', 'port'],
  ['cfg', 'foo'],
  ['CfG', 'foo'],
  ['config', 'get', 'port'],
  ['COMMAND', 'INFO', 'flushall'],
  ['COMMAND', 'GETKEYS', 'myset', 'a', 'b'],
  ['COMMAND', 'GETKEYS', 'set', 'a'],
  ['COMMAND', 'DOCS', 'get'],
  ['MULTI'],
  ['myset', 'a', 'b'],
  ['set', 'a'],
  ['EXEC'],
];

async function transcript(port: number): Promise<string[]> {
  const c = await RawConnection.open(port);
  try {
    const out: string[] = [];
    for (const argv of SCRIPT) {
      const reply = (await c.call(argv)).toString('latin1').replaceAll(String(port), 'PORT');
      out.push(`${argv.join(' ')} -> ${reply}`);
    }
    return out;
  } finally {
    c.close();
  }
}

/** The name of each COMMAND INFO entry (subcommand entries left out). */
function infoNames(reply: Buffer): string[] {
  return [...reply.toString('latin1').matchAll(/\*10\r\n\$\d+\r\n([^\r]+)\r\n/g)]
    .map((m) => m[1] as string)
    .filter((name) => !name.includes('|'));
}

test('rename-command behaves like Redis: new name works, old name is unknown, COMMAND shows the real name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-rename-'));
  const conf = join(dir, 'renames.conf');
  writeFileSync(conf, RENAMES);
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    // redis-server takes the config file as its first argument; startRedis puts options first, so the
    // file goes in through `include`, which loads it the same way.
    redis = await startRedis(0, ['--include', conf]);
    redmesh = await startRedmesh(0, ['--include', conf]);
    const expected = await transcript(redis.port);
    const got = await transcript(redmesh.port);
    assert.deepEqual(got, expected);
    assert.equal(expected[0], 'myset k v -> +OK\r\n'); // the oracle did apply the renames

    const c = await RawConnection.open(redmesh.port);
    try {
      assert.deepEqual(infoNames(await c.call(['COMMAND', 'INFO', 'myset', 'set', 'cfg'])), [
        'set',
        'get',
        'config',
      ]);
      const list = (await c.call(['COMMAND', 'LIST'])).toString('latin1');
      assert.match(list, /\r\nset\r\n/);
      assert.doesNotMatch(list, /myset|flushall/);
      assert.equal((await c.call(['COMMAND', 'COUNT'])).toString('latin1'), `:${allCommands.length - 1}\r\n`);
    } finally {
      c.close();
    }
  } finally {
    await stopAll(redis, redmesh);
    rmSync(dir, { recursive: true, force: true });
  }
});

const execFileP = promisify(execFile);

/** Runs a server on a config file that must fail; returns its complaint (stderr or stdout) and exit code. */
async function failingStart(cmd: string, args: readonly string[]): Promise<{ text: string; code: number }> {
  try {
    await execFileP(cmd, args, { timeout: 10_000 });
    return { text: '', code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { text: err.stderr + err.stdout, code: err.code };
  }
}

test('a bad rename-command line is a FATAL CONFIG FILE ERROR with Redis text', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-rename-'));
  try {
    const cases = [
      'rename-command nosuch foo\n',
      'rename-command get set\n',
      'rename-command get\n',
      'rename-command get ""\nrename-command get x\n',
    ];
    for (const [i, text] of cases.entries()) {
      const conf = join(dir, `bad${i}.conf`);
      writeFileSync(conf, text);
      const redis = await failingStart('redis-server', [conf, '--port', String(await freePort())]);
      const ours = await failingStart(process.execPath, [
        redmeshMain,
        'server',
        conf,
        '--port',
        String(await freePort()),
      ]);
      assert.equal(ours.code, 1);
      assert.notEqual(redis.code, 0);
      const fatal = (s: string): string => /\*\*\* FATAL[^]*?\n>>> [^\n]*\n[^\n]*\n/.exec(s)?.[0] ?? s;
      assert.equal(fatal(ours.text), fatal(redis.text), text);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
