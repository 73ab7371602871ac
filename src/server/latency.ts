/**
 * The latency monitor (Redis latency.c) and per-command latency histograms (LATENCY HISTOGRAM).
 *
 * Events: a sample is kept when something took at least latency-monitor-threshold milliseconds (0 =
 * monitor off). Each event keeps its last 160 samples, one per second (a second sample in the same
 * second keeps the larger), and its all-time maximum. redmesh measures the events it really has:
 *   command          a command (not flagged `fast`) ran that long
 *   fast-command     a `fast` command ran that long
 *   expire-cycle     one active expiry cycle took that long
 *   eviction-cycle   evicting keys before a command (maxmemory) took that long
 * Redis's fork, aof-*, rdb-unlink-temp-file, active-defrag-cycle, expire-del, eviction-del,
 * while-blocked-cron and module events are never reported: redmesh does not fork, has no defrag or
 * modules, and does not time those steps separately.
 *
 * Histograms: every command's duration is recorded as Redis records it in an HDR histogram (1 ns to
 * 1 s, 2 significant digits), and reported with the same logarithmic iteration (first step 1024 ns,
 * doubling), so the buckets are Redis's: 1, 2, 4, 8, 16, 33, 66, 132 … microseconds.
 */
import { readFileSync } from 'node:fs';
import type { LatencyPort, LatencySample } from '../commands/index.js';
import type { ConfigView } from '../config/index.js';

/** Samples kept per event (LATENCY_TS_LEN). */
const TS_LEN = 160;

interface TimeSeries {
  /** Ring of samples; `time` 0 = unused slot. */
  readonly samples: { time: number; latency: number }[];
  idx: number;
  max: number;
}

/** The smallest and largest value an HDR histogram of Redis records (ns), and its first log step. */
const HIST_MIN_NS = 1;
const HIST_MAX_NS = 1_000_000_000;
/** The first reporting step is 1024 ns = 2^10 (Redis's value_units_first_bucket). */
const FIRST_STEP_LOG2 = 10;
/**
 * The reporting steps of Redis's `hdr_iter_log_init(&iter, h, 1024, 2)` over a histogram of 2
 * significant digits: step 2^k reports every value up to the highest value equivalent to 2^k (the
 * end of its bin, 2^(k-7) wide), labelled with that value in microseconds. Values past the last
 * power of two below the maximum land in the histogram's last bin.
 */
const STEPS: readonly { readonly upToNs: number; readonly usec: number }[] = (() => {
  const out: { upToNs: number; usec: number }[] = [];
  for (let k = FIRST_STEP_LOG2; 2 ** k <= HIST_MAX_NS; k++) {
    const upToNs = 2 ** k + 2 ** (k - 7) - 1;
    out.push({ upToNs, usec: Math.floor(upToNs / 1000) });
  }
  // The last bin of the histogram (2^29 .. 2^30-1, bins 2^22 wide) ends the iteration.
  const lastNs = 2 ** 30 - 1;
  out.push({ upToNs: lastNs, usec: Math.floor(lastNs / 1000) });
  return out;
})();

/** Which reporting step a recorded value (ns) is counted in first. */
function stepOf(ns: number): number {
  for (let i = 0; i < STEPS.length; i++) if (ns <= (STEPS[i] as { upToNs: number }).upToNs) return i;
  return STEPS.length - 1;
}

/** One command's latency histogram: counts per reporting step. */
class CommandHistogram {
  calls = 0;
  readonly counts = new Array<number>(STEPS.length).fill(0);

  record(usec: number): void {
    const ns = Math.min(HIST_MAX_NS, Math.max(HIST_MIN_NS, usec * 1000));
    const i = stepOf(ns);
    this.counts[i] = (this.counts[i] as number) + 1;
    this.calls++;
  }

  /** [usec, cumulative count] for each step where the count grew (Redis fillCommandCDF). */
  steps(): [number, number][] {
    const out: [number, number][] = [];
    let cumulative = 0;
    for (let i = 0; i < STEPS.length; i++) {
      const n = this.counts[i] as number;
      if (n === 0) continue;
      cumulative += n;
      out.push([(STEPS[i] as { usec: number }).usec, cumulative]);
    }
    return out;
  }
}

/** printf's %.2f: round half to even on exact ties (JS toFixed rounds them up). */
function fixed2(x: number): string {
  const thousandths = x * 1000;
  if (Number.isInteger(thousandths) && Math.abs(thousandths) % 10 === 5) {
    const lower = Math.floor(x * 100);
    const pick = lower % 2 === 0 ? lower : lower + 1;
    return (pick / 100).toFixed(2);
  }
  return x.toFixed(2);
}

/** Bytes of transparent huge pages this process uses (Redis reads AnonHugePages from smaps). */
function anonHugePagesBytes(): number {
  try {
    const text = readFileSync('/proc/self/smaps_rollup', 'latin1');
    const m = /^AnonHugePages:\s+(\d+) kB/m.exec(text);
    return m === null ? 0 : Number(m[1]) * 1024;
  } catch {
    return 0;
  }
}

export class LatencyMonitor implements LatencyPort {
  private readonly timeSeries = new Map<string, TimeSeries>();
  private readonly histograms = new Map<string, CommandHistogram>();
  /** latency-monitor-threshold and latency-tracking, read again only after a config change. */
  private settings = { generation: -1, threshold: 0, tracking: true };

  constructor(private readonly config: ConfigView) {}

  private current(): { threshold: number; tracking: boolean } {
    const config = this.config;
    if (this.settings.generation !== config.generation) {
      this.settings = {
        generation: config.generation,
        threshold: config.getNumber('latency-monitor-threshold'),
        tracking: config.getBool('latency-tracking'),
      };
    }
    return this.settings;
  }

  /** True when the monitor is on and `latencyMs` reaches its threshold (a sample would be kept). */
  wants(latencyMs: number): boolean {
    const threshold = this.current().threshold;
    return threshold !== 0 && latencyMs >= threshold;
  }

  /** Redis latencyAddSampleIfNeeded: keeps the sample when the monitor is on and it reaches the threshold. */
  addSampleIfNeeded(event: string, latencyMs: number): void {
    const threshold = this.current().threshold;
    if (threshold === 0 || latencyMs < threshold) return;
    this.addSample(event, Math.floor(latencyMs), Math.floor(Date.now() / 1000));
  }

  /** Redis latencyAddSample. */
  addSample(event: string, latency: number, now: number): void {
    let ts = this.timeSeries.get(event);
    if (ts === undefined) {
      ts = { samples: Array.from({ length: TS_LEN }, () => ({ time: 0, latency: 0 })), idx: 0, max: 0 };
      this.timeSeries.set(event, ts);
    }
    if (latency > ts.max) ts.max = latency;
    const prev = ts.samples[(ts.idx + TS_LEN - 1) % TS_LEN] as { time: number; latency: number };
    if (prev.time === now) {
      if (latency > prev.latency) prev.latency = latency;
      return;
    }
    const slot = ts.samples[ts.idx] as { time: number; latency: number };
    slot.time = now;
    slot.latency = latency;
    ts.idx = (ts.idx + 1) % TS_LEN;
  }

  /** A command ran for `usec` (latency-tracking on): counted in its histogram. */
  recordCommand(fullName: string, usec: number): void {
    if (!this.current().tracking) return;
    let h = this.histograms.get(fullName);
    if (h === undefined) {
      h = new CommandHistogram();
      this.histograms.set(fullName, h);
    }
    h.record(Math.floor(usec));
  }

  /** CONFIG RESETSTAT: the histograms start over (Redis resetCommandTableStats). */
  resetHistograms(): void {
    this.histograms.clear();
  }

  histogram(fullName: string): { calls: number; steps: [number, number][] } | undefined {
    const h = this.histograms.get(fullName);
    return h === undefined ? undefined : { calls: h.calls, steps: h.steps() };
  }

  events(): string[] {
    return [...this.timeSeries.keys()];
  }

  series(event: string): { samples: LatencySample[]; max: number } | undefined {
    const ts = this.timeSeries.get(event);
    if (ts === undefined) return undefined;
    const samples: LatencySample[] = [];
    for (let j = 0; j < TS_LEN; j++) {
      const s = ts.samples[(ts.idx + j) % TS_LEN] as { time: number; latency: number };
      if (s.time !== 0) samples.push({ time: s.time, latencyMs: s.latency });
    }
    return { samples, max: ts.max };
  }

  reset(event?: string): number {
    let resets = 0;
    for (const name of [...this.timeSeries.keys()]) {
      if (event === undefined || name.toLowerCase() === event.toLowerCase()) {
        this.timeSeries.delete(name);
        resets++;
      }
    }
    return resets;
  }

  /** Redis createLatencyReport (LATENCY DOCTOR), with its wording. */
  doctorReport(): string {
    const threshold = this.config.getNumber('latency-monitor-threshold');
    if (this.timeSeries.size === 0 && threshold === 0) return DISABLED;
    const advise = new Set<Advice>();
    let advices = 0;
    let report = '';
    let eventnum = 0;
    const now = Math.floor(Date.now() / 1000);
    for (const [event, ts] of this.timeSeries) {
      eventnum++;
      if (eventnum === 1) report += SPIKES_INTRO;
      const ls = analyze(ts, now);
      report +=
        `${eventnum}. ${event}: ${ls.samples} latency spikes (average ${ls.avg}ms, mean deviation ` +
        `${ls.mad}ms, period ${fixed2(ls.period / ls.samples)} sec). Worst all time event ${ts.max}ms.`;
      const lower = event.toLowerCase();
      if (lower === 'command') {
        const slower = this.config.getNumber('slowlog-log-slower-than');
        if (slower < 0) {
          advise.add('slowlog-enabled');
          advices++;
        } else if (Math.trunc(slower / 1000) > threshold) {
          advise.add('slowlog-tuning');
          advices++;
        }
        advise.add('slowlog-inspect');
        advise.add('large-objects');
        advices += 2;
      } else if (lower === 'fast-command') {
        advise.add('scheduler');
        advices++;
      } else if (lower === 'expire-cycle') {
        advise.add('hz');
        advise.add('large-objects');
        advices += 2;
      } else if (lower === 'eviction-cycle') {
        advise.add('mass-eviction');
        advices++;
      }
      report += '\n';
    }
    if (anonHugePagesBytes() > 0) {
      advise.add('disable-thp');
      advices++;
    }
    if (eventnum === 0 && advices === 0) return report + NO_SPIKES;
    if (eventnum > 0 && advices === 0) return report + NO_FIX;
    report += '\nI have a few advices for you:\n\n';
    const thresholdUs = threshold * 1000;
    if (advise.has('slowlog-enabled')) report += ADVICE_SLOWLOG_ENABLE(thresholdUs);
    if (advise.has('slowlog-tuning')) report += ADVICE_SLOWLOG_TUNING(thresholdUs);
    if (advise.has('slowlog-inspect')) report += ADVICE_SLOWLOG_INSPECT;
    if (advise.has('scheduler')) report += ADVICE_SCHEDULER;
    if (advise.has('hz') && this.config.getNumber('hz') < 100) report += ADVICE_HZ;
    if (advise.has('large-objects')) report += ADVICE_LARGE_OBJECTS;
    if (advise.has('mass-eviction')) report += ADVICE_MASS_EVICTION;
    if (advise.has('disable-thp')) report += ADVICE_THP;
    return report;
  }
}

type Advice =
  | 'slowlog-enabled'
  | 'slowlog-tuning'
  | 'slowlog-inspect'
  | 'scheduler'
  | 'hz'
  | 'large-objects'
  | 'mass-eviction'
  | 'disable-thp';

/** Redis analyzeLatencyForEvent: integer average and mean deviation, period in seconds (at least 1). */
function analyze(ts: TimeSeries, now: number): { samples: number; avg: number; mad: number; period: number } {
  let samples = 0;
  let sum = 0;
  let oldest = 0;
  for (const s of ts.samples) {
    if (s.time === 0) continue;
    samples++;
    sum += s.latency;
    if (oldest === 0 || s.time < oldest) oldest = s.time;
  }
  if (samples === 0) return { samples: 0, avg: 0, mad: 0, period: 0 };
  const avg = Math.floor(sum / samples);
  const period = Math.max(1, now - oldest);
  let dev = 0;
  for (const s of ts.samples) if (s.time !== 0) dev += Math.abs(avg - s.latency);
  return { samples, avg, mad: Math.floor(dev / samples), period };
}

const DISABLED =
  "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";
const SPIKES_INTRO =
  "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
const NO_SPIKES =
  'Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n';
const NO_FIX =
  "\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n";
const ADVICE_SLOWLOG_ENABLE = (us: number): string =>
  `- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than ${us}'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n`;
const ADVICE_SLOWLOG_TUNING = (us: number): string =>
  `- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ${us}'.\n`;
const ADVICE_SLOWLOG_INSPECT =
  '- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n';
const ADVICE_SCHEDULER =
  '- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n' +
  '  1) Lower the system load.\n' +
  '  2) Use a computer / VM just for Redis if you are running other software in the same system.\n' +
  '  3) Check if you have a "noisy neighbour" problem.\n' +
  "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n" +
  '  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n';
const ADVICE_HZ =
  "- In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n";
const ADVICE_LARGE_OBJECTS =
  '- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n';
const ADVICE_MASS_EVICTION =
  "- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large objects via sets or sorted sets intersections, STORE option of SORT, Redis Cluster large keys migrations (RESTORE command), may create sudden memory pressure forcing the server to block trying to evict keys. \n";
const ADVICE_THP =
  "- I detected a non zero amount of anonymous huge pages used by your process. This creates very serious latency events in different conditions, especially when Redis is persisting on disk. To disable THP support use the command 'echo never > /sys/kernel/mm/transparent_hugepage/enabled', make sure to also add it into /etc/rc.local so that the command will be executed again after a reboot. Note that even if you have already disabled THP, you still need to restart the Redis process to get rid of the huge pages already created.\n";
