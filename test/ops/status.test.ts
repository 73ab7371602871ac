/**
 * `redmesh status` against real redis-server 7.0 master/replica sets on loopback (free ports): discovery
 * from any node, offsets and lag as Redis reports them, and a non-zero exit when a replica falls behind
 * (SIGSTOP) or the master is gone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningServer } from '../helpers/servers.js';
import { redmeshMain, startRedis, stopAll } from '../helpers/servers.js';
import { runProcess } from '../helpers/process.js';
import { RedisConnection, waitFor } from '../../src/ops/index.js';

const PASSWORD = 'status-test-secret';

interface StatusJson {
  readonly healthy: boolean;
  readonly problems: string[];
  readonly nodes: {
    address: string;
    role?: string;
    replOffset?: number;
    error?: string;
    master?: { linkStatus: string; offset: number };
    replicas?: { port: number; lagBytes: number; state: string }[];
  }[];
}

async function status(
  seed: RunningServer,
  ...extra: string[]
): Promise<{ code: number | null; json: StatusJson; stderr: string }> {
  const r = await runProcess(
    process.execPath,
    [
      redmeshMain,
      'status',
      '--no-vpn',
      '--json',
      '--password',
      PASSWORD,
      '--node',
      `127.0.0.1:${seed.port}`,
      ...extra,
    ],
    undefined,
    30_000,
  );
  return { code: r.code, json: JSON.parse(r.stdout) as StatusJson, stderr: r.stderr };
}

async function call(server: RunningServer, ...argv: string[]): Promise<string> {
  const c = await RedisConnection.open({ host: '127.0.0.1', port: server.port, password: PASSWORD });
  try {
    return await c.text(...argv);
  } finally {
    c.close();
  }
}

describe('redmesh status with real redis-server', () => {
  let master: RunningServer;
  let r1: RunningServer;
  let r2: RunningServer;

  before(async () => {
    master = await startRedis(0, ['--requirepass', PASSWORD]);
    const replicaArgs = [
      '--requirepass',
      PASSWORD,
      '--masterauth',
      PASSWORD,
      '--replicaof',
      '127.0.0.1',
      String(master.port),
    ];
    r1 = await startRedis(0, replicaArgs);
    r2 = await startRedis(0, replicaArgs);
    for (const r of [r1, r2])
      await waitFor(
        'replica link up',
        async () => /master_link_status:up/.test(await call(r, 'INFO', 'replication')),
        15_000,
        100,
      );
  });

  after(async () => {
    try {
      process.kill(r2.pid, 'SIGCONT');
    } catch {
      // gone already
    }
    await stopAll(master, r1, r2);
  });

  test('from one replica it finds the master and the other replica, healthy, exit 0', async () => {
    await call(master, 'SET', 'k', 'v');
    // A master's view of a replica's offset moves with each ACK (once a second): wait for a moment when all agree.
    let s = await status(r1);
    await waitFor(
      'replicas caught up',
      async () => {
        s = await status(r1);
        const m = s.json.nodes.find((n) => n.role === 'master');
        return (
          s.code === 0 &&
          (m?.replicas ?? []).length === 2 &&
          (m?.replicas ?? []).every((r) => r.lagBytes === 0)
        );
      },
      10_000,
      100,
    );
    assert.equal(s.code, 0, JSON.stringify(s.json.problems));
    assert.equal(s.json.healthy, true);
    assert.deepEqual(s.json.nodes.map((n) => n.role).sort(), ['master', 'replica', 'replica']);
    const m = s.json.nodes.find((n) => n.role === 'master');
    assert.deepEqual(m?.replicas?.map((r) => r.port).sort(), [r1.port, r2.port].sort());
    assert.ok(m?.replicas?.every((r) => r.lagBytes === 0 && r.state === 'online'));
    assert.ok((m?.replOffset ?? 0) > 0);
    const text = await runProcess(
      process.execPath,
      [redmeshMain, 'status', '--no-vpn', '--password', PASSWORD, '--node', `127.0.0.1:${master.port}`],
      undefined,
      30_000,
    );
    assert.match(text.stdout, /master {2}offset \d+/);
    assert.match(text.stdout, /link up/);
    assert.match(text.stdout, /\nhealthy\n$/);
  });

  test('a stopped replica (SIGSTOP) falls behind: its lag in bytes is reported and the exit status is 1', async () => {
    process.kill(r2.pid, 'SIGSTOP');
    try {
      await call(master, 'SET', 'big', 'x'.repeat(4096));
      await waitFor(
        'lag visible',
        async () => (await status(master, '--max-lag-bytes', '1000')).code === 1,
        10_000,
        200,
      );
      const s = await status(master, '--max-lag-bytes', '1000');
      assert.equal(s.code, 1);
      assert.ok(
        s.json.problems.some((p) =>
          new RegExp(`replica 127\\.0\\.0\\.1:${r2.port} is \\d+ bytes behind`).test(p),
        ),
        s.json.problems.join('\n'),
      );
      const m = s.json.nodes.find((n) => n.role === 'master');
      assert.ok((m?.replicas?.find((r) => r.port === r2.port)?.lagBytes ?? 0) > 4096);
    } finally {
      process.kill(r2.pid, 'SIGCONT');
    }
    await waitFor('caught up again', async () => (await status(master)).code === 0, 10_000, 200);
  });

  test('the master gone: unreachable and link down are problems, exit 1', async () => {
    await master.stop();
    await waitFor(
      'link down',
      async () => /master_link_status:down/.test(await call(r1, 'INFO', 'replication')),
      10_000,
      100,
    );
    const s = await status(r1);
    assert.equal(s.code, 1);
    assert.ok(
      s.json.problems.some((p) => p.includes(`127.0.0.1:${master.port}: unreachable`)),
      s.json.problems.join('\n'),
    );
    assert.ok(s.json.problems.some((p) => /link to master .* is down/.test(p)));
    assert.ok(s.json.problems.includes('no reachable master'));
  });

  test('a bad --node is refused with exit 2', async () => {
    const r = await runProcess(
      process.execPath,
      [redmeshMain, 'status', '--no-vpn', '--node', 'nowhere'],
      undefined,
      30_000,
    );
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--node "nowhere": expected host:port/);
  });
});
