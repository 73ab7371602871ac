/**
 * A real redis-server 7.0 for differential tests, on a free port (or one the caller names). Started
 * without persistence; always stopped in `finally`.
 */
import { startRedis } from '../helpers/servers.js';
import { Wire } from './wire.js';

/**
 * Runs `body` against a real redis-server (test/helpers/servers.ts starts it; port 0 picks a free port),
 * then stops it. `body` gets the port it listens on.
 */
export async function withRealRedis(
  port: number,
  extraArgs: readonly string[],
  body: (port: number) => Promise<void>,
): Promise<void> {
  const server = await startRedis(port, extraArgs);
  try {
    await body(server.port);
  } finally {
    await server.stop();
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
