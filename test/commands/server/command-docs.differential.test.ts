/**
 * COMMAND DOCS answers Redis 7.0's own docs (src/commands/docs.generated.ts): every command's and
 * every subcommand's reply equals a live redis-server's byte for byte, in RESP2 and RESP3. Containers
 * (CONFIG, CLIENT…) list their subcommands in Redis's dict order, which differs between runs of Redis
 * itself (a random hash seed), so their replies are compared line by line, sorted.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawConnection, showBytes } from '../../helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../../helpers/servers.js';

/** Command names (subcommands as container|sub) from COMMAND LIST and COMMAND INFO's subcommand lists. */
function namesOf(listReply: Buffer): string[] {
  return [...listReply.toString('latin1').matchAll(/\$\d+\r\n([^\r]+)\r\n/g)].map((m) => m[1] as string);
}

async function docsOf(
  server: RunningServer,
  protocol: '2' | '3',
  names: readonly string[],
): Promise<Map<string, string>> {
  const c = await RawConnection.open(server.port, 2000);
  try {
    await c.call(['HELLO', protocol]);
    const out = new Map<string, string>();
    for (const name of names) out.set(name, showBytes(await c.call(['COMMAND', 'DOCS', name]), 1_000_000));
    return out;
  } finally {
    c.close();
  }
}

test("COMMAND DOCS of every command and subcommand is redis-server 7.0's, in RESP2 and RESP3", async () => {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    [redis, redmesh] = await Promise.all([startRedis(0), startRedmesh(0)]);
    const c = await RawConnection.open(redis.port, 2000);
    let listed: string[];
    try {
      // COMMAND LIST names subcommands too (container|sub).
      listed = namesOf(await c.call(['COMMAND', 'LIST']));
    } finally {
      c.close();
    }
    const names = listed.filter((n) => !n.includes('|'));
    const subcommands = listed.filter((n) => n.includes('|'));
    assert.equal(names.length, 240);
    assert.ok(subcommands.includes('config|get'), subcommands.join(' '));
    for (const protocol of ['2', '3'] as const) {
      const all = [...names, ...subcommands, 'nosuch'];
      const [real, ours] = await Promise.all([docsOf(redis, protocol, all), docsOf(redmesh, protocol, all)]);
      for (const name of all) {
        const r = real.get(name) as string;
        const m = ours.get(name) as string;
        if (r.includes('$11\\r\\nsubcommands\\r\\n')) {
          const lines = (s: string): string[] => s.split('\\r\\n').sort();
          assert.deepEqual(lines(m), lines(r), `RESP${protocol} COMMAND DOCS ${name} (sorted lines)`);
        } else {
          assert.equal(m, r, `RESP${protocol} COMMAND DOCS ${name}`);
        }
      }
    }
  } finally {
    await stopAll(redis, redmesh);
  }
});
