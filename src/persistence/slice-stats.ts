/**
 * How long the fork-less snapshot held the event loop: every slice's duration (the synchronous
 * stretch from the slice's start to its return, garbage collections inside it included), in wall
 * time and in the CPU time of the event loop's thread, and the event loop's delay over the whole save (perf_hooks),
 * which also sees what runs between slices. Measured inside the server; the CPU figures hold even
 * when a loaded machine preempts the process (then wall times, and a client's latencies, are noise).
 * Logged when a save ends; tests read `slices` to check the keyspace was cut up.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { libc } from '../platform/index.js';

/**
 * perf_hooks' loop delay histogram records the interval between two runs of a timer repeating at this
 * many ms, not the lateness: an idle loop reads ~1.07 ms at p50 and ~1.5 ms at p99 (measured). The log
 * subtracts it, so the figure is how late the timer ran.
 */
const LOOP_RESOLUTION_MS = 1;
/** Durations are counted in buckets of this many ms (p99 is read from them). */
const BUCKET_MS = 0.05;
/** Beyond this a duration lands in the last bucket (its exact value still counts for the max). */
const BUCKETS = 400;

class DurationHistogram {
  count = 0;
  maxMs = 0;
  private readonly buckets = new Uint32Array(BUCKETS);

  record(ms: number): void {
    this.count++;
    if (ms > this.maxMs) this.maxMs = ms;
    const i = Math.min(BUCKETS - 1, Math.floor(ms / BUCKET_MS));
    this.buckets[i] = (this.buckets[i] as number) + 1;
  }

  /** The duration 99% of the records did not exceed (upper edge of its bucket), in ms. */
  get p99Ms(): number {
    const rank = Math.ceil(this.count * 0.99);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.buckets[i] as number;
      if (seen >= rank) return Math.min(this.maxMs, (i + 1) * BUCKET_MS);
    }
    return this.maxMs;
  }
}

export class SliceStats {
  /** Wall time of each slice. */
  readonly wall = new DurationHistogram();
  /** CPU time of the event loop's thread in each slice (its own share of garbage collection included). */
  readonly cpu = new DurationHistogram();
  /** Slices that ended before their budget because a client was waiting (inputWaiting). */
  endedForInput = 0;
  private loop: IntervalHistogram | undefined;
  private wallStart = 0;
  private cpuStart = 0;
  /** The loop thread's CPU clock when the last slice ended (0 before the first). */
  private cpuLastEnd = 0;
  /**
   * CPU time (ms) the event loop's thread spent between the last slice and this one: the work the
   * loop did for everything else (clients), not time preempted or asleep.
   */
  gapCpuMs = 0;
  private readonly threadCpuNs = threadCpuClock();

  get slices(): number {
    return this.wall.count;
  }

  /** Starts watching the event loop's delay (until stop()). */
  watchLoop(): void {
    if (this.loop !== undefined) return;
    this.loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    this.loop.enable();
  }

  stop(): void {
    this.loop?.disable();
  }

  sliceStart(): void {
    this.cpuStart = this.threadCpuNs();
    this.gapCpuMs = this.cpuLastEnd === 0 ? 0 : Math.max(0, (this.cpuStart - this.cpuLastEnd) / 1e6);
    this.wallStart = performance.now();
  }

  sliceEnd(): void {
    this.wall.record(performance.now() - this.wallStart);
    this.cpuLastEnd = this.threadCpuNs();
    this.cpu.record((this.cpuLastEnd - this.cpuStart) / 1e6);
  }

  /** One log line: slices, p99 and longest slice (wall, CPU), and the loop's delay when watched. */
  describe(): string {
    const f = (ms: number): string => ms.toFixed(2);
    const { wall, cpu, loop } = this;
    let line =
      `${wall.count} slices (${this.endedForInput} ended early for a waiting client): wall p99 ${f(wall.p99Ms)} ms, longest ${f(wall.maxMs)} ms; ` +
      `CPU p99 ${f(cpu.p99Ms)} ms, longest ${f(cpu.maxMs)} ms`;
    if (loop !== undefined && loop.count > 0) {
      const late = (ns: number): string => f(Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS));
      line += `; event loop timer lateness p99 ${late(loop.percentile(99))} ms, max ${late(loop.max)} ms`;
    }
    return line;
  }
}

/** The event loop thread's CPU clock in ns, or a clock that stays at 0 where libc is unavailable. */
function threadCpuClock(): () => number {
  try {
    const c = libc();
    if (c.threadCpuNs() >= 0) return () => c.threadCpuNs();
  } catch {
    // no libc binding here: CPU figures read 0
  }
  return () => 0;
}
