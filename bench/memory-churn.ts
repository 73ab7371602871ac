/**
 * RSS against used_memory under churn with maxmemory set (issue 11 §3), real redis-server 7.0 and
 * redmesh side by side in the same run:
 *   - FLUSHALL + refill, `--rounds` times: redis-benchmark SETs of `--size`-byte values on random keys
 *     until well past maxmemory;
 *   - steady overwrite: the same SETs for `--overwrite` more requests under allkeys-lru.
 * RSS is sampled every 100 ms (peak and at the end of each phase), used_memory after each phase, and
 * RSS once more after MEMORY PURGE (redmesh: a full, compacting collection; Redis: jemalloc's purge), which
 * separates garbage awaiting the next collection from what the process holds for the data.
 * Target: redmesh's RSS within about 1.5x of its used_memory (Redis: about 1.1-1.3x).
 * The last column leaves out what each process holds before any data (RSS and used_memory at start):
 * Node's runtime is ~80 MB resident (46 MB of it the node binary's own pages), which alone is 1.6x a
 * maxmemory of 50mb; this column is what the data costs.
 *
 * Usage: node dist/bench/memory-churn.js [--maxmemory 50mb] [--rounds 5] [--churn-requests 400000]
 *                                        [--overwrite 1000000] [--size 100] [--clients 50]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { runProcess } from '../test/helpers/process.js';
import { RawConnection, infoField, replyText } from '../test/helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../test/helpers/servers.js';

const { values } = parseArgs({
  options: {
    maxmemory: { type: 'string', default: '50mb' },
    rounds: { type: 'string', default: '5' },
    'churn-requests': { type: 'string', default: '400000' },
    overwrite: { type: 'string', default: '1000000' },
    size: { type: 'string', default: '100' },
    clients: { type: 'string', default: '50' },
    keyspace: { type: 'string', default: '10000000' },
  },
  strict: false,
});
/** A flag's value (flags are shared with the other benches, so parsing is not strict). */
const flag = (name: keyof typeof values): string => String(values[name]);

async function command(port: number, argv: readonly string[]): Promise<string> {
  const c = await RawConnection.open(port);
  try {
    return replyText(await c.call(argv, 60_000));
  } finally {
    c.close();
  }
}

async function usedMemory(port: number): Promise<number> {
  return Number(infoField(await command(port, ['INFO', 'memory']), 'used_memory'));
}

async function setLoad(port: number, requests: number): Promise<void> {
  const args = ['-p', String(port), '-q', '-t', 'set', '-n', String(requests), '-d', flag('size')];
  args.push('-c', flag('clients'), '-r', flag('keyspace'), '-P', '16');
  const r = await runProcess('redis-benchmark', args, undefined, 600_000);
  if (r.code !== 0) throw new Error(`redis-benchmark: ${r.stderr || r.stdout}`);
}

interface Phase {
  readonly name: string;
  readonly used: number;
  readonly rss: number;
  readonly peakRss: number;
  /** RSS right after MEMORY PURGE at the end of the phase. */
  readonly purgedRss: number;
}

/**
 * The server's RSS once it stops falling (unchanged for 500 ms, at most 5 s): a compacting collection
 * copies live objects to fresh pages first and unmaps the old ones from a background thread after.
 */
async function settledRss(server: RunningServer): Promise<number> {
  const deadline = Date.now() + 5000;
  let low = server.rssBytes();
  let lowSince = Date.now();
  while (Date.now() < deadline && Date.now() - lowSince < 500) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const rss = server.rssBytes();
    if (rss < low) {
      low = rss;
      lowSince = Date.now();
    }
  }
  return low;
}

/** Runs `work` while sampling the server's RSS; returns the phase's numbers. */
async function phase(server: RunningServer, name: string, work: () => Promise<void>): Promise<Phase> {
  let peak = server.rssBytes();
  const timer = setInterval(() => {
    peak = Math.max(peak, server.rssBytes());
  }, 100);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  const rss = server.rssBytes();
  const used = await usedMemory(server.port);
  await command(server.port, ['MEMORY', 'PURGE']);
  return { name, used, rss, peakRss: Math.max(peak, rss), purgedRss: await settledRss(server) };
}

interface Run {
  /** RSS and used_memory before any data. */
  readonly startRss: number;
  readonly startUsed: number;
  readonly phases: readonly Phase[];
}

async function churn(server: RunningServer): Promise<Run> {
  const port = server.port;
  const startRss = server.rssBytes();
  const startUsed = await usedMemory(port);
  const out: Phase[] = [];
  for (let i = 0; i < Number(flag('rounds')); i++) {
    out.push(
      await phase(server, `flushall+refill ${i + 1}`, async () => {
        await command(port, ['FLUSHALL']);
        await setLoad(port, Number(flag('churn-requests')));
      }),
    );
  }
  out.push(await phase(server, 'steady overwrite', () => setLoad(port, Number(flag('overwrite')))));
  return { startRss, startUsed, phases: out };
}

const mb = (n: number): string => (n / 2 ** 20).toFixed(1).padStart(8);

/** Prints a server's phases; returns the worst peak RSS / used_memory, with and without what it held at start. */
function print(name: string, run: Run): [number, number] {
  console.log(
    `\n${name} (at start: RSS ${mb(run.startRss).trim()} MB, used_memory ${mb(run.startUsed).trim()} MB): phase, ` +
      'used_memory MB, RSS MB, peak RSS MB, RSS after MEMORY PURGE MB, RSS/used, peak/used, purged/used, ' +
      'peak/used above start',
  );
  let worst = 0;
  let worstAbove = 0;
  for (const p of run.phases) {
    const ratio = p.rss / p.used;
    const peakRatio = p.peakRss / p.used;
    const aboveStart = (p.peakRss - run.startRss) / (p.used - run.startUsed);
    worst = Math.max(worst, peakRatio);
    worstAbove = Math.max(worstAbove, aboveStart);
    console.log(
      `  ${p.name.padEnd(20)}${mb(p.used)}${mb(p.rss)}${mb(p.peakRss)}${mb(p.purgedRss)}` +
        `${ratio.toFixed(2).padStart(8)}${peakRatio.toFixed(2).padStart(8)}${(p.purgedRss / p.used).toFixed(2).padStart(8)}` +
        `${aboveStart.toFixed(2).padStart(8)}`,
    );
  }
  return [worst, worstAbove];
}

export async function memoryChurn(): Promise<void> {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  console.log(
    `memory churn: maxmemory ${flag('maxmemory')} allkeys-lru, ${flag('size')}-byte values, ` +
      `load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
  );
  try {
    // Set at start, as in a config file: redmesh sizes its young generation from it (README: memory).
    const limits = ['--maxmemory', flag('maxmemory'), '--maxmemory-policy', 'allkeys-lru'];
    redis = await startRedis(0, limits);
    redmesh = await startRedmesh(0, limits);
    const ours = await churn(redmesh);
    const theirs = await churn(redis);
    const [worstRedis, aboveRedis] = print('redis', theirs);
    const [worstOurs, aboveOurs] = print('redmesh', ours);
    console.log(
      `\nworst peak RSS / used_memory: redis ${worstRedis.toFixed(2)}, redmesh ${worstOurs.toFixed(2)} (target <= 1.5); ` +
        `above what each held at start: redis ${aboveRedis.toFixed(2)}, redmesh ${aboveOurs.toFixed(2)}`,
    );
  } finally {
    await stopAll(redis, redmesh);
  }
}

if (process.argv[1]?.endsWith('memory-churn.js')) await memoryChurn();
