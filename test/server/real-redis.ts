/**
 * A real redis-server 7.0 for differential tests, on a port the calling test owns (srvcore tests use
 * 16400-16499). Started without persistence; always stopped in `finally`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wire } from './wire.js';

export async function withRealRedis(
  port: number,
  extraArgs: readonly string[],
  body: (port: number) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-real-'));
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      ...extraArgs,
    ],
    { stdio: 'ignore' },
  );
  try {
    await waitForPort(port, 5000);
    await body(port);
  } finally {
    child.kill('SIGKILL');
    await new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve(undefined);
      else child.once('exit', resolve);
    });
    rmSync(dir, { recursive: true, force: true });
  }
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const w = await Wire.open(port);
      w.close();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Sends the same bytes on a fresh connection and collects every reply byte until close or quiet. */
export async function exchange(
  port: number,
  bytes: string | Buffer,
  quietMs = 150,
): Promise<{ reply: string; closed: boolean }> {
  const w = await Wire.open(port);
  try {
    w.send(bytes);
    let last = -1;
    let seen = '';
    const deadline = Date.now() + 3000;
    while (!w.closed && Date.now() < deadline) {
      await w.until(() => w.closed, quietMs);
      seen += w.take();
      if (seen.length === last) break;
      last = seen.length;
    }
    seen += w.take();
    return { reply: seen, closed: w.closed };
  } finally {
    w.close();
  }
}
