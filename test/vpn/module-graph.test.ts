import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CLI = 'dist/src/cli/main.js';
const RECORDER = 'dist/test/vpn/fixtures/record-modules.js';
const SRC = resolve('dist/src');

/** The rooms `redmesh vpn` may load (../shared/DESIGN.md: vpn never imports the Redis side). */
const VPN_ROOMS = new Set(['cli', 'vpn', 'platform', 'util']);

/** Runs the CLI with a loader hook; resolves with its exit code and the src modules it loaded (relative to dist/src). */
async function modulesLoadedBy(args: readonly string[]): Promise<{ code: number; modules: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'rmv-modules-'));
  try {
    const record = join(dir, 'modules.txt');
    const code = await new Promise<number>((done) => {
      execFile(
        process.execPath,
        ['--import', `./${RECORDER}`, CLI, ...args],
        { timeout: 20_000, env: { ...process.env, RECORD_MODULES: record, NODE_OPTIONS: '' } },
        (err) => done(err === null ? 0 : typeof err.code === 'number' ? err.code : -1),
      );
    });
    const urls = (await readFile(record, 'utf8')).split('\n').filter((u) => u.startsWith('file:'));
    const modules = urls
      .map((u) => relative(SRC, fileURLToPath(u)))
      .filter((p) => !p.startsWith('..') && p.endsWith('.js'));
    return { code, modules };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

for (const args of [
  ['vpn', '/nonexistent/peervpn.conf'],
  ['vpn', 'status', '--control-socket', '/nonexistent/vpn.sock'],
]) {
  test(`redmesh ${args.slice(0, 2).join(' ')} loads only cli, vpn, platform and util modules (no redis.conf, RESP, store, server)`, async () => {
    const { code, modules } = await modulesLoadedBy(args);
    assert.notEqual(code, 0, 'the command fails (no such file), after loading what it needs');
    // The recorder sees the VPN's own modules, so an empty or broken recording cannot pass.
    for (const expected of ['cli/vpn.js', 'vpn/index.js', 'vpn/daemon.js', 'vpn/config/peervpn.js']) {
      assert.ok(modules.includes(expected), `${expected} was loaded (recorded: ${modules.join(', ')})`);
    }
    const outside = modules.filter((m) => !VPN_ROOMS.has(m.split('/')[0]!));
    assert.deepEqual(outside, [], 'modules outside cli/, vpn/, platform/, util/');
  });
}
