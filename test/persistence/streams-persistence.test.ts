/**
 * Streams through replication/AOF propagation, RDB files and AOF rewrites, against real
 * redis-server 7.0: the same commands propagate the same commands (XADD's concrete ID, approximate
 * trims made exact, XREADGROUP/XCLAIM/XAUTOCLAIM as XCLAIM … and XGROUP SETID/CREATECONSUMER), an
 * RDB written by either server loads in the other with the same streams, and redmesh's rewritten
 * AOF rebuilds the same streams in real Redis.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { scanAof } from '../../src/persistence/aof/reader.js';
import { RawConnection } from '../helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

/** Builds streams with deleted entries, groups, PELs, consumers without pending entries, NOACK reads. */
function script(): string[][] {
  const out: string[][] = [];
  for (let i = 1; i <= 230; i++) out.push(['XADD', 's', `${i}-1`, `f${i % 3}`, `v${i}`]);
  out.push(
    ['XADD', 's', 'MAXLEN', '~', '150', '*', 'auto', '1'],
    ['XADD', 's', '300-*', 'partial', '1'],
    ['XTRIM', 's', 'MINID', '~', '120'],
    ['XTRIM', 's', 'MAXLEN', '~', '10', 'LIMIT', '20'],
    ['XDEL', 's', '200-1', '201-1'],
    ['XGROUP', 'CREATE', 's', 'g', '0'],
    ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '3', 'STREAMS', 's', '>'],
    ['XREADGROUP', 'GROUP', 'g', 'bob', 'COUNT', '2', 'STREAMS', 's', '>'],
    ['XREADGROUP', 'GROUP', 'g', 'carol', 'NOACK', 'COUNT', '2', 'STREAMS', 's', '>'],
    ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '0'],
    ['XGROUP', 'CREATECONSUMER', 's', 'g', 'idle'],
    ['XDEL', 's', '205-1'],
    ['XCLAIM', 's', 'g', 'dave', '0', '205-1', '206-1', 'TIME', '1700000000000'],
    ['XAUTOCLAIM', 's', 'g', 'erin', '0', '0', 'COUNT', '2', 'JUSTID'],
    ['XACK', 's', 'g', '207-1'],
    ['XGROUP', 'CREATE', 's', 'g2', '$', 'ENTRIESREAD', '5'],
    ['XGROUP', 'SETID', 's', 'g2', '210-1'],
    ['XGROUP', 'DELCONSUMER', 's', 'g', 'bob'],
    ['XSETID', 's', '400-0'],
    ['XGROUP', 'CREATE', 'empty', 'g', '$', 'MKSTREAM'],
  );
  return out;
}

async function run(c: RawConnection, commands: readonly string[][]): Promise<void> {
  for (const argv of commands) await c.call(argv);
}

/** XINFO STREAM FULL without the consumers' seen-time (each server's own clock). */
async function full(c: RawConnection, key: string): Promise<string> {
  const reply = await c.call(['XINFO', 'STREAM', key, 'FULL', 'COUNT', '0']);
  return reply.toString('latin1').replace(/seen-time\r\n:\d+/g, 'seen-time\r\n:?');
}

/** The commands of the first incr AOF, with wall-clock IDs and times made comparable. */
function propagated(dir: string): string[] {
  const aofDir = join(dir, 'appendonlydir');
  const incr = readdirSync(aofDir).find((f) => f.endsWith('.incr.aof'));
  assert.ok(incr !== undefined, `no incr file in ${aofDir}`);
  const out: string[] = [];
  scanAof(readFileSync(join(aofDir, incr)), (argv) => {
    out.push(
      argv.map((a) => (/^\d{13}-\d+$/.test(a) ? '<auto-id>' : /^\d{13}$/.test(a) ? '<ms>' : a)).join(' '),
    );
  });
  return out;
}

test('stream commands propagate to the AOF exactly as Redis 7.0 propagates them', async () => {
  const dirs = [mkdtempSync(join(tmpdir(), 'redmesh-xprop-')), mkdtempSync(join(tmpdir(), 'redmesh-xprop-'))];
  let redis: RunningServer | undefined;
  let ours: RunningServer | undefined;
  try {
    const args = (dir: string): string[] => ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always'];
    redis = await startRedis(0, args(dirs[0] as string));
    ours = await startRedmesh(0, args(dirs[1] as string));
    const r = await RawConnection.open(redis.port);
    const m = await RawConnection.open(ours.port);
    await run(r, script());
    await run(m, script());
    r.close();
    m.close();
    const expected = propagated(dirs[0] as string);
    assert.ok(expected.some((l) => l.startsWith('XCLAIM s g alice 0 ')));
    assert.deepStrictEqual(propagated(dirs[1] as string), expected);
  } finally {
    await stopAll(redis, ours);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});

test("redmesh's RDB with streams loads in real Redis, and Redis's in redmesh, with the same XINFO STREAM FULL", async () => {
  const dirs = [mkdtempSync(join(tmpdir(), 'redmesh-xrdb-')), mkdtempSync(join(tmpdir(), 'redmesh-xrdb-'))];
  const servers: RunningServer[] = [];
  try {
    const redis = await startRedis(0, ['--dir', dirs[0] as string]);
    servers.push(redis);
    const ours = await startRedmesh(0, ['--dir', dirs[1] as string]);
    servers.push(ours);
    const r = await RawConnection.open(redis.port);
    const m = await RawConnection.open(ours.port);
    await run(r, script());
    await run(m, script());
    const fromRedis = { s: await full(r, 's'), empty: await full(r, 'empty') };
    const fromOurs = { s: await full(m, 's'), empty: await full(m, 'empty') };
    // Times differ between the two servers (delivery times of the PEL): each side is its own reference.
    await r.call(['SAVE']);
    await m.call(['SAVE']);
    r.close();
    m.close();
    await stopAll(...servers.splice(0));
    // Swap the files: each server loads the other's dump.rdb.
    const redis2 = await startRedis(0, ['--dir', dirs[1] as string]);
    servers.push(redis2);
    const ours2 = await startRedmesh(0, ['--dir', dirs[0] as string]);
    servers.push(ours2);
    const r2 = await RawConnection.open(redis2.port);
    const m2 = await RawConnection.open(ours2.port);
    assert.deepStrictEqual({ s: await full(r2, 's'), empty: await full(r2, 'empty') }, fromOurs);
    assert.deepStrictEqual({ s: await full(m2, 's'), empty: await full(m2, 'empty') }, fromRedis);
    assert.match((await m2.call(['OBJECT', 'ENCODING', 's'])).toString('latin1'), /stream/);
    r2.close();
    m2.close();
  } finally {
    await stopAll(...servers);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});

test("redmesh's AOF rewrite of streams (no RDB preamble) rebuilds the same streams in real Redis", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-xaof-'));
  let ours: RunningServer | undefined;
  let redis: RunningServer | undefined;
  try {
    ours = await startRedmesh(0, ['--dir', dir, '--appendonly', 'yes', '--aof-use-rdb-preamble', 'no']);
    const m = await RawConnection.open(ours.port);
    await run(m, script());
    await m.call(['BGREWRITEAOF']);
    const deadline = Date.now() + 20_000;
    while (/aof_rewrite_in_progress:1/.test((await m.call(['INFO', 'persistence'])).toString('latin1'))) {
      assert.ok(Date.now() < deadline, 'rewrite did not finish');
      await new Promise((r) => setTimeout(r, 20));
    }
    // The PEL delivery counts of a rewrite are XCLAIM RETRYCOUNT, the times TIME: all kept.
    const expected = { s: await full(m, 's'), empty: await full(m, 'empty') };
    m.close();
    await stopAll(ours);
    ours = undefined;
    redis = await startRedis(0, ['--dir', dir, '--appendonly', 'yes']);
    const r = await RawConnection.open(redis.port);
    assert.deepStrictEqual({ s: await full(r, 's'), empty: await full(r, 'empty') }, expected);
    r.close();
  } finally {
    await stopAll(ours, redis);
    rmSync(dir, { recursive: true, force: true });
  }
});
