/**
 * `redmesh init`: the generated files, checked by what consumes them: the VPN's and the server's own
 * config readers, a real redis-server 7.0 (CONFIG GET after loading each redis.conf), systemd-analyze
 * verify for the units, and the CLI's refusal to overwrite.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import type { Topology } from '../../src/ops/index.js';
import {
  RedisConnection,
  TopologyError,
  appendOnlySupported,
  buildTopology,
  deploymentFiles,
  newSecrets,
  thisRedmesh,
} from '../../src/ops/index.js';
import { loadPeerVpnConfig } from '../../src/vpn/index.js';
import { runProcess } from '../helpers/process.js';
import { freePort, redmeshMain } from '../helpers/servers.js';

const NODES = ['a=203.0.113.10', 'b=203.0.113.11', 'c=203.0.113.12'];

function topology(): Topology {
  return buildTopology({ nodes: NODES, master: 'a' });
}

function files(): Map<string, string> {
  const options = { redmesh: thisRedmesh(), appendOnlySupported: appendOnlySupported() };
  return new Map(deploymentFiles(topology(), newSecrets(), options).map((f) => [f.path, f.text]));
}

function directive(text: string, name: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name} `))
    .map((l) => l.slice(name.length + 1));
}

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'redmesh-init-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('redmesh init: topology', () => {
  test('numbers the nodes 10.8.0.1… in order and marks the master', () => {
    const t = topology();
    assert.deepEqual(
      t.nodes.map((n) => [n.name, n.underlay, n.overlay, n.role]),
      [
        ['a', '203.0.113.10', '10.8.0.1', 'master'],
        ['b', '203.0.113.11', '10.8.0.2', 'replica'],
        ['c', '203.0.113.12', '10.8.0.3', 'replica'],
      ],
    );
  });

  test('refuses bad topologies with a message naming the value', () => {
    const bad: [Parameters<typeof buildTopology>[0], RegExp][] = [
      [{ nodes: ['a=203.0.113.10'], master: 'a' }, /at least two/],
      [{ nodes: NODES, master: 'z' }, /--master "z" is not one of the nodes \(a, b, c\)/],
      [{ nodes: ['a=203.0.113.10', 'a=203.0.113.11'], master: 'a' }, /name a is given twice/],
      [{ nodes: ['a=203.0.113.10', 'b=203.0.113.10'], master: 'a' }, /address 203.0.113.10 is given twice/],
      [{ nodes: ['a203.0.113.10', 'b=x'], master: 'a' }, /expected name=address/],
      [{ nodes: ['a=203.0.113.10', 'b=bad host'], master: 'a' }, /neither an IP address nor a host name/],
      [{ nodes: NODES, master: 'a', vpnPort: 70000 }, /--vpn-port 70000: not a port/],
    ];
    for (const [req, message] of bad)
      assert.throws(
        () => buildTopology(req),
        (e: Error) => e instanceof TopologyError && message.test(e.message),
      );
  });
});

describe('redmesh init: generated files', () => {
  test("peervpn.conf is the tutorial's format, one PSK for the network, the other nodes as initpeers", async () => {
    const f = files();
    const psks = ['a', 'b', 'c'].map((n) => directive(f.get(`${n}/peervpn.conf`) ?? '', 'psk')[0]);
    assert.equal(new Set(psks).size, 1);
    assert.match(psks[0] ?? '', /^[A-Za-z0-9+/]{510}==$/);
    assert.notEqual(directive(files().get('a/peervpn.conf') ?? '', 'psk')[0], psks[0], 'a fresh PSK per run');
    const b = f.get('b/peervpn.conf') ?? '';
    for (const [name, value] of [
      ['port', '7000'],
      ['networkname', 'redisrepl'],
      ['enabletunneling', 'yes'],
      ['interface', 'peervpn0'],
      ['ifconfig4', '10.8.0.2/24'],
      ['initpeers', '203.0.113.10 7000 203.0.113.12 7000'],
    ] as const)
      assert.deepEqual(directive(b, name), [value], name);
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'b.conf'), b);
      const config = await loadPeerVpnConfig(join(dir, 'b.conf'));
      assert.deepEqual(
        config.initPeers.map((p) => `${p.host} ${p.port}`),
        ['203.0.113.10 7000', '203.0.113.12 7000'],
      );
    });
  });

  test('redis.conf: loopback and VPN bind, password on all, replicaof only on replicas, save points', () => {
    const f = files();
    const a = f.get('a/redis.conf') ?? '';
    const c = f.get('c/redis.conf') ?? '';
    assert.deepEqual(directive(a, 'bind'), ['127.0.0.1 10.8.0.1']);
    assert.deepEqual(directive(c, 'bind'), ['127.0.0.1 10.8.0.3']);
    assert.deepEqual(directive(a, 'replicaof'), []);
    assert.deepEqual(directive(c, 'replicaof'), ['10.8.0.1 6379']);
    assert.deepEqual(directive(a, 'tcp-keepalive'), ['300']);
    const [password] = directive(a, 'requirepass');
    assert.match(password ?? '', /^[0-9a-f]{64}$/);
    assert.deepEqual(directive(c, 'requirepass'), [password]);
    assert.deepEqual(directive(c, 'masterauth'), [password]);
    assert.deepEqual(directive(a, 'save'), ['3600 1 300 100 60 10000']);
    assert.deepEqual(directive(a, 'appendonly'), [appendOnlySupported() ? 'yes' : 'no']);
  });

  test('each redis.conf loads in redmesh server and in a real redis-server 7.0 with the same settings', async () => {
    const f = files();
    await withTempDir(async (dir) => {
      for (const node of ['a', 'b']) {
        const path = join(dir, `${node}.conf`);
        // The data dir exists only on a node (loading `dir` changes directory there): this host's temp dir instead.
        await writeFile(path, (f.get(`${node}/redis.conf`) ?? '').replace(/^dir .*$/m, `dir ${dir}`));
        // Only what cannot hold on this host is overridden: the VPN address and the port.
        const port = await freePort();
        const overrides = ['--bind', '127.0.0.1', '--port', String(port), '--supervised', 'no'];
        const mesh = loadConfig(path, overrides).config;
        const redis = spawn('redis-server', [path, ...overrides], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        redis.stdout.on('data', (d: Buffer) => (out += d.toString()));
        try {
          const password = directive(f.get(`${node}/redis.conf`) ?? '', 'requirepass')[0];
          const conn = await connectWithin(port, password ?? '', 10_000, () => out);
          try {
            for (const name of [
              'requirepass',
              'masterauth',
              'tcp-keepalive',
              'save',
              'appendonly',
              'replica-read-only',
              'dbfilename',
              'protected-mode',
            ]) {
              const reply = await conn.call('CONFIG', 'GET', name);
              const got = 'items' in reply ? reply.items?.[1] : undefined;
              const text = got !== undefined && 'bulk' in got ? got.bulk?.toString() : undefined;
              assert.equal(text, mesh.format(name), `${node}: ${name} (redis-server vs redmesh)`);
            }
            const info = await conn.text('INFO', 'replication');
            assert.match(
              info,
              node === 'a' ? /role:master/ : /role:slave\r\nmaster_host:10\.8\.0\.1\r\nmaster_port:6379/,
            );
          } finally {
            conn.close();
          }
        } finally {
          redis.kill('SIGKILL');
        }
      }
    });
  });

  test('systemd-analyze verify accepts the units without a warning', async () => {
    const f = files();
    await withTempDir(async (dir) => {
      for (const node of ['a', 'b']) {
        await mkdir(join(dir, node));
        const paths: string[] = [];
        for (const unit of ['redmesh-vpn.service', 'redmesh-server.service']) {
          paths.push(join(dir, node, unit));
          await writeFile(join(dir, node, unit), f.get(`${node}/${unit}`) ?? '');
        }
        const r = await runProcess('systemd-analyze', ['verify', ...paths], undefined, 30_000);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.equal(r.stderr.trim(), '', 'no warnings');
      }
      // The check itself catches a unit systemd would only half understand.
      const bad = join(dir, 'redmesh-bad.service');
      await writeFile(bad, (f.get('a/redmesh-server.service') ?? '').replace('Type=notify', 'Type=notfy'));
      const r = await runProcess('systemd-analyze', ['verify', bad], undefined, 30_000);
      assert.match(r.stderr, /Failed to parse service type/);
    });
  });

  test('units: ordering, restart, Type=notify, VPN capabilities bound to CAP_NET_ADMIN', () => {
    const f = files();
    const vpn = f.get('b/redmesh-vpn.service') ?? '';
    const server = f.get('b/redmesh-server.service') ?? '';
    assert.deepEqual(directive(vpn.replace(/=/g, ' '), 'CapabilityBoundingSet'), ['CAP_NET_ADMIN']);
    assert.deepEqual(directive(vpn.replace(/=/g, ' '), 'AmbientCapabilities'), ['CAP_NET_ADMIN']);
    assert.match(server, /^Type=notify$/m);
    assert.match(server, /^After=redmesh-vpn\.service/m);
    assert.match(server, /^Restart=always$/m);
    assert.match(server, /^CapabilityBoundingSet=$/m);
    assert.match(server, / 10\.8\.0\.2\/"; do sleep/);
    for (const unit of [vpn, server]) {
      assert.match(unit, /^NoNewPrivileges=yes$/m);
      assert.match(unit, /^ProtectSystem=strict$/m);
    }
  });
});

describe('redmesh init: the command', () => {
  test('writes secrets 0600, refuses to overwrite without --force, replaces with it', async () => {
    await withTempDir(async (dir) => {
      const args = [
        redmeshMain,
        'init',
        ...NODES.flatMap((n) => ['--node', n]),
        '--master',
        'a',
        '--out',
        dir,
      ];
      const first = await runProcess(process.execPath, args, undefined, 30_000);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /applications connect to 10\.8\.0\.1:6379/);
      for (const [file, mode] of [
        ['b/peervpn.conf', 0o600],
        ['b/redis.conf', 0o600],
        ['b/redmesh-vpn.service', 0o644],
      ] as const)
        assert.equal((await stat(join(dir, file))).mode & 0o777, mode, file);
      assert.equal((await stat(join(dir, 'b'))).mode & 0o777, 0o700);
      const before = await readFile(join(dir, 'b/peervpn.conf'), 'utf8');
      const again = await runProcess(process.execPath, args, undefined, 30_000);
      assert.equal(again.code, 2);
      assert.match(again.stderr, /refusing to overwrite .*b\/peervpn\.conf.*--force/);
      assert.equal(await readFile(join(dir, 'b/peervpn.conf'), 'utf8'), before);
      const forced = await runProcess(process.execPath, [...args, '--force'], undefined, 30_000);
      assert.equal(forced.code, 0, forced.stderr);
      assert.notEqual(await readFile(join(dir, 'b/peervpn.conf'), 'utf8'), before);
      const help = await runProcess(process.execPath, [redmeshMain, 'init', '--help'], undefined, 30_000);
      assert.match(help.stdout, /Example:\n {2}redmesh init --node a=/);
    });
  });
});

async function connectWithin(
  port: number,
  password: string,
  timeoutMs: number,
  output: () => string,
): Promise<RedisConnection> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await RedisConnection.open({ host: '127.0.0.1', port, password });
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`redis-server on ${port}: ${(err as Error).message}\n${output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
