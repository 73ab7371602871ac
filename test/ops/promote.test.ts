/**
 * `redmesh promote` against real redis-server 7.0 nodes, and against redmesh server nodes, on loopback,
 * each started from its own config file (so CONFIG REWRITE persists the new roles): the master alive (a writer keeps writing; no
 * acknowledged write is lost), the master dead (a replica behind another is refused; --most-advanced
 * picks the other), and the master partitioned (SIGSTOP: it answers nothing in time).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { RedisConnection, RedisReplyError, waitFor } from '../../src/ops/index.js';
import { runProcess } from '../helpers/process.js';
import { freePort, redmeshMain } from '../helpers/servers.js';

const PASSWORD = 'promote-test-secret';

interface Node {
  readonly port: number;
  readonly conf: string;
  readonly child: ChildProcess;
  readonly address: string;
}

for (const server of ['redis-server', 'redmesh server'] as const)
  describe(`redmesh promote with ${server} nodes`, () => {
    let dir: string;
    let nodes: Node[];

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'redmesh-promote-'));
      nodes = [];
      const master = await startNode('m');
      for (const name of ['r1', 'r2']) await startNode(name, master.port);
      for (const r of nodes.slice(1))
        await waitFor(
          'link up',
          async () => /master_link_status:up/.test(await call(r, 'INFO', 'replication')),
          15_000,
          100,
        );
    });

    afterEach(async () => {
      for (const n of nodes) {
        try {
          if (n.child.pid !== undefined && n.child.exitCode === null) process.kill(n.child.pid, 'SIGCONT');
        } catch {
          // gone
        }
        n.child.kill('SIGKILL');
      }
      await rm(dir, { recursive: true, force: true });
    });

    async function startNode(name: string, masterPort?: number): Promise<Node> {
      const port = await freePort();
      const conf = join(dir, `${name}.conf`);
      const lines = [
        `port ${port}`,
        'bind 127.0.0.1',
        `requirepass ${PASSWORD}`,
        `masterauth ${PASSWORD}`,
        `dir ${dir}`,
        `dbfilename ${name}.rdb`,
        'save ""',
      ];
      if (masterPort !== undefined) lines.push(`replicaof 127.0.0.1 ${masterPort}`);
      await writeFile(conf, lines.join('\n') + '\n');
      const child =
        server === 'redis-server'
          ? spawn('redis-server', [conf], { stdio: 'ignore' })
          : spawn(process.execPath, [redmeshMain, 'server', conf], { stdio: 'ignore' });
      const node = { port, conf, child, address: `127.0.0.1:${port}` };
      nodes.push(node);
      await waitFor(
        `${server} ${name} up`,
        async () => (await call(node, 'PING').catch(() => '')) === 'PONG',
        10_000,
      );
      return node;
    }

    async function call(n: Node, ...argv: (string | number)[]): Promise<string> {
      const c = await RedisConnection.open({ host: '127.0.0.1', port: n.port, password: PASSWORD }, 1000);
      try {
        return await c.text(...argv);
      } finally {
        c.close();
      }
    }

    function promoteCli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
      return runProcess(
        process.execPath,
        [redmeshMain, 'promote', '--password', PASSWORD, ...args],
        undefined,
        60_000,
      );
    }

    async function role(n: Node): Promise<string> {
      const info = await call(n, 'INFO', 'replication');
      return /role:master/.test(info) ? 'master' : (/master_port:(\d+)/.exec(info)?.[1] ?? '?');
    }

    test('master alive: writes paused, replica caught up, switched, others re-pointed, config files rewritten, no acknowledged write lost', async () => {
      const [m, r1, r2] = nodes as [Node, Node, Node];
      // A writer INCRs on the old master until it is refused; every OK it gets must survive on the new one.
      let acknowledged = 0;
      let stop = false;
      const writer = (async () => {
        const c = await RedisConnection.open({ host: '127.0.0.1', port: m.port, password: PASSWORD }, 15_000);
        try {
          while (!stop) {
            try {
              await c.call('INCR', 'counter');
              acknowledged++;
            } catch (err) {
              if (err instanceof RedisReplyError && /READONLY/.test(err.message)) return;
              throw err;
            }
          }
        } finally {
          c.close();
        }
      })();
      await waitFor('writer running', () => acknowledged > 200, 10_000);
      const r = await promoteCli(r1.address, '--node', m.address);
      stop = true;
      await writer;
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /CLIENT PAUSE \d+ WRITE/);
      assert.match(r.stdout, new RegExp(`applications must now connect to 127\\.0\\.0\\.1:${r1.port}`));
      assert.equal(await role(r1), 'master');
      assert.equal(await role(m), String(r1.port));
      assert.equal(await role(r2), String(r1.port));
      assert.ok(
        Number(await call(r1, 'GET', 'counter')) >= acknowledged,
        `new master has ${await call(r1, 'GET', 'counter')}, ${acknowledged} acknowledged`,
      );
      assert.doesNotMatch(await readFile(r1.conf, 'utf8'), /^replicaof/m);
      assert.match(await readFile(m.conf, 'utf8'), new RegExp(`^replicaof 127\\.0\\.0\\.1 ${r1.port}$`, 'm'));
      assert.match(
        await readFile(r2.conf, 'utf8'),
        new RegExp(`^replicaof 127\\.0\\.0\\.1 ${r1.port}$`, 'm'),
      );
      // The old master follows the new one.
      await call(r1, 'SET', 'after', 'promote');
      await waitFor('old master follows', async () => (await call(m, 'GET', 'after')) === 'promote', 10_000);
    });

    test('master dead: a replica behind another (its link lost before the last write) is refused; --most-advanced promotes the other and re-points the first', async () => {
      const [m, r1, r2] = nodes as [Node, Node, Node];
      // r1 loses its link and cannot come back (wrong masterauth); r2 reconnects and gets one more write.
      await call(r1, 'CONFIG', 'SET', 'masterauth', 'wrong');
      await call(m, 'CLIENT', 'KILL', 'TYPE', 'replica');
      await waitFor(
        'r2 back',
        async () => /master_link_status:up/.test(await call(r2, 'INFO', 'replication')),
        15_000,
        100,
      );
      await call(m, 'SET', 'only-r2-has', 'this');
      await waitFor('r2 has it', async () => (await call(r2, 'GET', 'only-r2-has')) === 'this', 5000);
      assert.match(await call(r1, 'INFO', 'replication'), /master_link_status:down/);
      m.child.kill('SIGKILL');
      await call(r1, 'CONFIG', 'SET', 'masterauth', PASSWORD);
      const refused = await promoteCli(r1.address, '--node', r2.address);
      assert.equal(refused.code, 1);
      assert.match(
        refused.stderr,
        new RegExp(`127\\.0\\.0\\.1:${r1.port} \\(offset \\d+\\) is behind 127\\.0\\.0\\.1:${r2.port}`),
      );
      assert.equal(await role(r1), String(m.port), 'nothing changed');
      const r = await promoteCli('--most-advanced', '--node', r1.address, '--node', r2.address);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, new RegExp(`applications must now connect to 127\\.0\\.0\\.1:${r2.port}`));
      assert.match(r.stdout, new RegExp(`warning: the old master 127\\.0\\.0\\.1:${m.port} was not reached`));
      assert.equal(await role(r2), 'master');
      assert.equal(await role(r1), String(r2.port));
      await waitFor(
        'r1 gets what only r2 had',
        async () => (await call(r1, 'GET', 'only-r2-has')) === 'this',
        10_000,
      );
    });

    test('master partitioned (SIGSTOP): treated as unreachable; promoted with a warning that it comes back as a second master', async () => {
      const [m, r1, r2] = nodes as [Node, Node, Node];
      await call(m, 'SET', 'k', 'v');
      await waitFor(
        'replicated',
        async () => (await call(r1, 'GET', 'k')) === 'v' && (await call(r2, 'GET', 'k')) === 'v',
        5000,
      );
      await waitFor(
        'equal offsets',
        async () => {
          const off = async (n: Node): Promise<string | undefined> =>
            /slave_repl_offset:(\d+)/.exec(await call(n, 'INFO', 'replication'))?.[1];
          return (await off(r1)) === (await off(r2));
        },
        5000,
      );
      process.kill(m.child.pid ?? 0, 'SIGSTOP');
      try {
        const r = await promoteCli(r1.address, '--node', r2.address, '--node', m.address);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /is unreachable: comparing the replicas' applied offsets/);
        assert.match(r.stdout, /comes back it is a second master/);
        assert.equal(await role(r1), 'master');
        assert.equal(await role(r2), String(r1.port));
      } finally {
        process.kill(m.child.pid ?? 0, 'SIGCONT');
      }
      const status = await runProcess(
        process.execPath,
        [
          redmeshMain,
          'status',
          '--no-vpn',
          '--password',
          PASSWORD,
          '--node',
          r1.address,
          '--node',
          m.address,
        ],
        undefined,
        30_000,
      );
      assert.equal(status.code, 1);
      assert.match(
        status.stdout,
        /2 masters/,
        'status shows the split until the operator fixes the old master',
      );
    });
  });
