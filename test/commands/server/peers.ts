/**
 * Test peers for the server family: a real redis-server 7.0 on one of this suite's ports (the oracle),
 * and redmesh launched in-process from a config file the way `redmesh server` does it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { ioredisClient } from '../../helpers/clients.js';
import { launchServer, loadServerConfig, type LaunchedServer } from '../../../src/server/index.js';

/** Ports 16500-16999 belong to this suite; each test file takes its own block. */
export async function withRealRedis(port: number, body: (client: Redis) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-real-'));
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  const client = ioredisClient(port, { retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    const deadline = Date.now() + 5000;
    for (;;) {
      try {
        await client.connect();
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await body(client);
  } finally {
    client.disconnect();
    child.kill('SIGKILL');
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface RedmeshPeer {
  readonly launched: LaunchedServer;
  readonly port: number;
  readonly file: string;
  readonly client: Redis;
}

/** Launches redmesh from `confText` (port 0 + loopback unless the text says otherwise). */
export async function withRedmesh(
  confText: string,
  body: (peer: RedmeshPeer) => Promise<void>,
  options: readonly string[] = [],
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-conf-'));
  const file = join(dir, 'redis.conf');
  writeFileSync(file, `port 0\nbind 127.0.0.1\nsave ""\n${confText}`);
  const launched = await launchServer(loadServerConfig(file, options), () => undefined);
  const port = launched.server.port;
  const password = launched.config.getString('requirepass');
  const client = ioredisClient(port, {
    password: password === '' ? undefined : password,
    lazyConnect: false,
  });
  try {
    await body({ launched, port, file, client });
  } finally {
    client.disconnect();
    await launched.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The error text a command gets, or the reply when it succeeds. */
export async function replyOf(client: Redis, ...argv: string[]): Promise<unknown> {
  try {
    return await client.call(argv[0] as string, ...argv.slice(1));
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}
