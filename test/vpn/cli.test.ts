import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatLogLine } from '../../src/vpn/index.js';
import { formatStatus } from '../../src/vpn/index.js';

const CLI = 'dist/src/cli/main.js';

/** Runs the CLI with optional stdin; resolves with exit code and output (bounded by 20 s). */
function runCli(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

test('redmesh vpn refuses a bad config with file:line and exit code 2, before touching the system', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rmv-cli-'));
  try {
    const file = join(dir, 'peervpn.conf');
    await writeFile(file, 'port 7000\npsk abc#def-the-rest-of-a-long-key\n');
    const r = await runCli(['vpn', file]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      new RegExp(`^redmesh vpn: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: the psk contains '#'`),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('redmesh vpn - reads the config from stdin (errors say "-:line")', async () => {
  const r = await runCli(['vpn', '-'], 'echo hello from stdin\nport 7000\nbogus 1\n');
  assert.equal(r.code, 2);
  assert.equal(r.stderr, "redmesh vpn: -:3: unknown option 'bogus'\n");
});

test('redmesh vpn on a missing file says so', async () => {
  const r = await runCli(['vpn', '/nonexistent/rmv.conf']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /\/nonexistent\/rmv\.conf: cannot read config: ENOENT/);
});

test('redmesh vpn status without a daemon fails clearly', async () => {
  const r = await runCli(['vpn', 'status', '--control-socket', '/nonexistent/rmv.sock']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot reach the vpn daemon at \/nonexistent\/rmv\.sock/);
});

test('log lines are timestamp, level, event, key=value', () => {
  const line = formatLogLine(new Date(0), 'info', 'peer-up', {
    node: 'ab12',
    endpoint: '192.0.2.2:7000',
    why: 'a b',
    n: 3,
  });
  assert.equal(line, '1970-01-01T00:00:00.000Z info peer-up node=ab12 endpoint=192.0.2.2:7000 why="a b" n=3');
});

test('status text lists each peer with endpoint, bytes, handshake age and key; and how nodes are admitted', () => {
  const key = Buffer.alloc(32, 1).toString('base64');
  const text = formatStatus({
    nodeId: 'f'.repeat(64),
    publicKey: key,
    identity: 'nodekey',
    allowedNodes: 3,
    networkName: 'REDISREPL',
    interface: 'peervpn0',
    mtu: 1426,
    port: 7000,
    pid: 42,
    uptimeMs: 61_000,
    peers: [
      {
        nodeId: 'a'.repeat(64),
        publicKey: key,
        endpoint: '192.0.2.2:7000',
        relayedVia: undefined,
        bytesIn: 10,
        bytesOut: 20,
        lastHandshakeAgoMs: 1500,
        lastReceiveAgoMs: undefined,
      },
    ],
    counters: {},
  });
  assert.match(text, /network REDISREPL {2}interface peervpn0 {2}mtu 1426 {2}udp port 7000/);
  assert.ok(text.includes(`key ${key} (nodekey)  admits the 3 key(s) in allowednodes\n`), text);
  assert.match(
    text,
    /1 peer\(s\)\n {2}aaaaaaaaaaaaaaaa {2}192\.0\.2\.2:7000 {2}in 10 B {2}out 20 B {2}handshake 1\.5s ago {2}last packet never {2}key AQEB/,
  );
});
