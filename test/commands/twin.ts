/**
 * A real redis-server 7.0 and redmesh side by side on free ports, with one raw connection to each:
 * a command goes to both and the reply bytes must be the same. For command families whose every
 * reply can be compared byte for byte (HyperLogLog, GEO).
 */
import assert from 'node:assert/strict';
import { RawConnection, showBytes } from '../helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

export interface Twin {
  readonly redis: RawConnection;
  readonly redmesh: RawConnection;
  /** Sends argv to both; asserts the replies are the same bytes; returns them. */
  same(argv: readonly (string | Buffer)[], timeoutMs?: number): Promise<Buffer>;
  /** Sends many commands to both pipelined, then compares the replies one by one. */
  sameAll(commands: readonly (readonly (string | Buffer)[])[], timeoutMs?: number): Promise<Buffer[]>;
}

function label(argv: readonly (string | Buffer)[]): string {
  const text = argv.map((a) => (typeof a === 'string' ? a : a.toString('latin1'))).join(' ');
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Runs `body` against both servers (started with `extraArgs`), stopping them afterwards. */
export async function withTwin(
  body: (twin: Twin) => Promise<void>,
  extraArgs: readonly string[] = [],
): Promise<void> {
  let redisServer: RunningServer | undefined;
  let redmeshServer: RunningServer | undefined;
  let redis: RawConnection | undefined;
  let redmesh: RawConnection | undefined;
  try {
    redisServer = await startRedis(0, extraArgs);
    redmeshServer = await startRedmesh(0, extraArgs);
    const r = await RawConnection.open(redisServer.port);
    redis = r;
    const m = await RawConnection.open(redmeshServer.port);
    redmesh = m;
    const sameAll = async (
      commands: readonly (readonly (string | Buffer)[])[],
      timeoutMs = 10_000,
    ): Promise<Buffer[]> => {
      for (const argv of commands) {
        r.send(argv);
        m.send(argv);
      }
      const out: Buffer[] = [];
      for (const argv of commands) {
        const [a, b] = await Promise.all([r.read(timeoutMs), m.read(timeoutMs)]);
        assert.equal(a.kind, 'reply', `redis: ${label(argv)}`);
        assert.equal(b.kind, 'reply', `redmesh: ${label(argv)}`);
        const real = (a as { bytes: Buffer }).bytes;
        const ours = (b as { bytes: Buffer }).bytes;
        assert.ok(
          real.equals(ours),
          `${label(argv)}\n  redis:   ${showBytes(real)}\n  redmesh: ${showBytes(ours)}`,
        );
        out.push(real);
      }
      return out;
    };
    await body({
      redis: r,
      redmesh: m,
      sameAll,
      same: async (argv, timeoutMs) => (await sameAll([argv], timeoutMs))[0] as Buffer,
    });
  } finally {
    redis?.close();
    redmesh?.close();
    await stopAll(redisServer, redmeshServer);
  }
}

/** The payload of a bulk-string reply ($N\r\n…\r\n). */
export function bulkPayload(reply: Buffer): Buffer {
  const text = reply.toString('latin1');
  assert.ok(text.startsWith('$'), `not a bulk reply: ${showBytes(reply)}`);
  const start = text.indexOf('\r\n') + 2;
  return reply.subarray(start, reply.length - 2);
}

/** Seeded mulberry32 in [0, 1), so a failing run can be repeated. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
