/**
 * Test peers for the server family: a real redis-server 7.0 on a free port (the oracle),
 * and redmesh launched in-process from a config file the way `redmesh server` does it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { ioredisClient } from '../../helpers/clients.js';
import { startRedis } from '../../helpers/servers.js';
import { launchServer, loadServerConfig, type LaunchedServer } from '../../../src/server/index.js';

/** Runs `body` with an ioredis client of a real redis-server on a free port, then stops the server. */
export async function withRealRedis(body: (client: Redis) => Promise<void>): Promise<void> {
  const server = await startRedis(0);
  const client = ioredisClient(server.port, { retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await body(client);
  } finally {
    client.disconnect();
    await server.stop();
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
  // Its own dir: a dump.rdb left in the working directory must never be loaded into a test's server.
  writeFileSync(file, `port 0\nbind 127.0.0.1\nsave ""\ndir ${dir}\n${confText}`);
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
