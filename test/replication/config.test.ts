/** CONFIG REWRITE of the replicaof line that REPLICAOF sets. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort, redmeshMain, startRedis, stopAll, type RunningServer } from '../helpers/servers.js';
import { connectTo, info, text, waitFor } from './helpers.js';

test('CONFIG REWRITE writes the replicaof line REPLICAOF set, and removes it after REPLICAOF NO ONE', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-repl-rewrite-'));
  let master: RunningServer | undefined;
  let replica: RunningServer | undefined;
  try {
    master = await startRedis(0);
    const file = join(dir, 'redis.conf');
    writeFileSync(file, 'masterauth secret\n');
    replica = await startRedmeshWithFile(file, dir);
    const c = await connectTo(replica);
    assert.equal(await text(c, ['REPLICAOF', '127.0.0.1', String(master.port)]), '+OK');
    assert.equal(await text(c, ['CONFIG', 'REWRITE']), '+OK');
    assert.match(readFileSync(file, 'latin1'), new RegExp(`^replicaof 127\\.0\\.0\\.1 ${master.port}$`, 'm'));
    assert.equal(await text(c, ['REPLICAOF', 'NO', 'ONE']), '+OK');
    assert.equal(await text(c, ['CONFIG', 'REWRITE']), '+OK');
    assert.doesNotMatch(readFileSync(file, 'latin1'), /^replicaof/m);
    assert.match(readFileSync(file, 'latin1'), /^masterauth "secret"$/m);
    await waitFor('role master', async () => (await info(c, 'role')) === 'master');
    c.close();
  } finally {
    await stopAll(replica, master);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** redmesh started with a config file (the helper's servers take none). */
async function startRedmeshWithFile(file: string, dir: string): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [redmeshMain, 'server', file, '--port', String(port), '--dir', dir, '--save', ''],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server: RunningServer = {
    name: 'redmesh',
    port,
    pid: child.pid ?? 0,
    output: () => out,
    rssBytes: () => 0,
    exited: () => child.exitCode !== null,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
  await waitFor(
    'redmesh to answer',
    async () => {
      try {
        const c = await connectTo(server);
        c.close();
        return true;
      } catch {
        return false;
      }
    },
    15_000,
    () => out,
  );
  return server;
}
