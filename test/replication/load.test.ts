/**
 * Replication under continuous write load (redis-benchmark writing to the master while replicas
 * attach and stream), WAIT answered through REPLCONF GETACK, and CONFIG REWRITE of the replicaof line.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  freePort,
  redmeshMain,
  startRedis,
  startRedmesh,
  stopAll,
  type RunningServer,
} from '../helpers/servers.js';
import { assertSameDataset, connectTo, info, text, waitFor, waitInSync } from './helpers.js';

/** redis-benchmark writing for a bounded number of requests; resolves when it exits. */
function benchmark(port: number, requests: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'redis-benchmark',
      [
        '-p',
        String(port),
        '-n',
        String(requests),
        '-r',
        '5000',
        '-c',
        '8',
        '-P',
        '4',
        '-q',
        '-t',
        'set,incr,lpush,sadd,hset,zadd',
      ],
      { stdio: 'ignore' },
    );
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code ?? -1);
    });
  });
}

for (const masterKind of ['redmesh', 'redis'] as const) {
  test(`${masterKind} master under redis-benchmark load: a redmesh and a real replica attach mid-load and end equal`, async () => {
    let master: RunningServer | undefined;
    let ours: RunningServer | undefined;
    let real: RunningServer | undefined;
    try {
      const args = ['--repl-diskless-sync-delay', '0'];
      master = masterKind === 'redis' ? await startRedis(0, args) : await startRedmesh(0, args);
      const m = await connectTo(master);
      const load = benchmark(master.port, 60_000);
      await new Promise((r) => setTimeout(r, 300));
      const replicaArgs = ['--replicaof', '127.0.0.1', String(master.port)];
      [ours, real] = await Promise.all([startRedmesh(0, replicaArgs), startRedis(0, replicaArgs)]);
      assert.equal(await load, 0, 'redis-benchmark exit code');
      const o = await connectTo(ours);
      const r = await connectTo(real);
      const servers = [master, ours, real];
      const detail = (): string => servers.map((s) => `--- ${s.name}\n${s.output().slice(-3000)}`).join('\n');
      await waitInSync(m, o, detail);
      await waitInSync(m, r, detail);
      assert.ok(Number(await text(m, ['DBSIZE']).then((s) => s.slice(1))) > 1000);
      await assertSameDataset(m, o, 'redmesh replica after the load');
      await assertSameDataset(m, r, 'real replica after the load');

      // WAIT: both replicas acknowledge (the redmesh one answers REPLCONF GETACK).
      await text(m, ['SET', 'acked', '1']);
      assert.equal(await text(m, ['WAIT', '2', '5000']), ':2');
      for (const c of [m, o, r]) c.close();
    } finally {
      await stopAll(real, ours, master);
    }
  });
}

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
