/**
 * `redmesh demo` run as a user would (the CLI, as root): with Debian's redis-server as the Redis side it
 * goes through every step in well under a minute and leaves no namespace behind; with redmesh server
 * (the default) the same steps pass, its replication running through the tunnel; and Ctrl-C in the
 * middle cleans up.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { netnsPrefix, sh, waitFor } from '../../src/ops/index.js';
import { runProcess } from '../helpers/process.js';
import { CLI } from './vpn-helpers.js';

async function leftovers(): Promise<string[]> {
  const prefix = netnsPrefix('rmdemo');
  return (await sh('ip', ['netns', 'list'])).split('\n').filter((l) => l.startsWith(`${prefix}-`));
}

describe('redmesh demo', () => {
  test('with redis-server: every step, no plaintext on the underlay, promotion without loss, under a minute, cleaned up', async () => {
    const started = Date.now();
    const r = await runProcess(
      process.execPath,
      [CLI, 'demo', '--server', 'redis-server'],
      undefined,
      90_000,
    );
    const elapsed = Date.now() - started;
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const line of [
      /bytes captured, "demo-secret-\d+" not among them/,
      /GET key:99 -> demo-secret-\d+:99/,
      /applications must now connect to 10\.8\.0\.[23]:6379/,
      /DBSIZE 100/,
      /==> clean up/,
    ])
      assert.match(r.stdout, line);
    assert.ok(elapsed < 60_000, `took ${elapsed} ms`);
    assert.deepEqual(await leftovers(), []);
  });

  test('with redmesh server on every node (the default): the same steps pass, replication through the tunnel', async () => {
    const r = await runProcess(process.execPath, [CLI, 'demo'], undefined, 90_000);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const line of [
      /redmesh server on each node/,
      /master_link_status:up/,
      /GET key:99 -> demo-secret-\d+:99/,
      /bytes captured, "demo-secret-\d+" not among them/,
      /applications must now connect to 10\.8\.0\.[23]:6379/,
      /DBSIZE 100/,
    ])
      assert.match(r.stdout, line);
    assert.deepEqual(await leftovers(), []);
  });

  test('Ctrl-C (SIGINT) in the middle cleans up and exits 130', async () => {
    const child = spawn(process.execPath, [CLI, 'demo', '--server', 'redis-server'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor('the mesh step', () => /the mesh: redmesh vpn/.test(out), 30_000);
      child.kill('SIGINT');
      assert.equal(await exited, 130, out);
      assert.match(out, /interrupted: cleaning up/);
      assert.deepEqual(await leftovers(), []);
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('--keep leaves it running and printing how to connect; Ctrl-C then cleans up', async () => {
    const child = spawn(process.execPath, [CLI, 'demo', '--server', 'redis-server', '--keep'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor('kept running', () => /press Ctrl-C/.test(out), 60_000);
      const connect = /sudo ip netns exec (\S+) redis-cli -h (\S+) -a (\S+)/.exec(out);
      assert.ok(connect !== null, out);
      const [, ns = '', host = '', password = ''] = connect;
      assert.equal(
        (
          await sh('ip', [
            'netns',
            'exec',
            ns,
            'redis-cli',
            '-h',
            host,
            '-a',
            password,
            '--no-auth-warning',
            'DBSIZE',
          ])
        ).trim(),
        '100',
      );
      const status = /sudo ip netns exec (\S+) (\S+) (\S+) status (.*)/.exec(out);
      assert.ok(status !== null, out);
      const [, sns = '', node = '', main = '', rest = ''] = status;
      const report = await runProcess(
        'ip',
        ['netns', 'exec', sns, node, main, 'status', ...rest.trim().split(' ')],
        undefined,
        30_000,
      );
      assert.match(report.stdout, /vpn {6}peervpn0 network redisrepl, 2 peer\(s\)/i);
      assert.match(report.stdout, /10\.8\.0\.[23]:6379 {2}master/);
      child.kill('SIGINT');
      assert.equal(await exited, 0, out);
      assert.match(out, /==> clean up/);
      assert.deepEqual(await leftovers(), []);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
