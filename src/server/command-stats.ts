/**
 * INFO commandstats and errorstats (Redis's per-command `calls`, `usec`, `rejected_calls`,
 * `failed_calls` and the error counters): the dispatcher records, the commands read through
 * CommandStatsPort.
 */
import type { CommandStatsPort } from '../commands/index.js';
import { LatencyHistogram } from './latency-histogram.js';

/** One command's counters (mutable here; commands see them read-only). */
interface MutableCommandStat {
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
}

export class CommandStats implements CommandStatsPort {
  readonly byName = new Map<string, MutableCommandStat>();
  readonly errors = new Map<string, number>();
  totalErrorReplies = 0;
  /** INFO latencystats: per command (full name, 'config|get'), while latency-tracking is on. */
  readonly latency = new Map<string, LatencyHistogram>();

  private stat(name: string): MutableCommandStat {
    let s = this.byName.get(name);
    if (s === undefined) {
      s = { calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0 };
      this.byName.set(name, s);
    }
    return s;
  }
  /** A command ran; `failed` when it replied with an error. */
  recordCall(name: string, usec: number, failed: boolean): void {
    const s = this.stat(name);
    s.calls++;
    s.usec += usec;
    if (failed) s.failedCalls++;
  }
  /** A command ran for `usec` µs: Redis records whole microseconds, in ns, in its histogram. */
  recordLatency(name: string, usec: number): void {
    let h = this.latency.get(name);
    if (h === undefined) {
      h = new LatencyHistogram();
      this.latency.set(name, h);
    }
    h.record(Math.trunc(usec) * 1000);
  }
  /** A command was refused before running (arity, OOM, NOAUTH…). */
  recordRejected(name: string): void {
    this.stat(name).rejectedCalls++;
  }
  recordError(message: string): void {
    const code = message.split(' ', 1)[0] ?? 'ERR';
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
    this.totalErrorReplies++;
  }
  reset(): void {
    this.byName.clear();
    this.errors.clear();
    this.latency.clear();
    this.totalErrorReplies = 0;
  }
}
