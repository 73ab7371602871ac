/**
 * INFO latencystats (issue 16, point 6): per-command latency histograms with HdrHistogram's buckets
 * as Redis 7.0 configures them, latency-tracking and latency-tracking-info-percentiles — checked
 * against numbers a real redis-server 7.0 printed, and side by side with one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LatencyHistogram } from '../../src/server/latency-histogram.js';
import { RawConnection } from '../helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

test('LatencyHistogram reads back the bucket edges redis-server 7.0 prints', () => {
  // Values (ns) and what Redis printed for a single call of that duration (INFO latencystats ×1000).
  const seen: [number, number, number][] = [
    // [recorded ns, p0, p50]
    [2000, 2000, 2007],
    [4000, 4000, 4015],
    [25000, 24960, 25087],
    [84000, 83968, 84479],
    [50_100_000, 50_069_504, 50_331_647],
  ];
  for (const [value, p0, p50] of seen) {
    const h = new LatencyHistogram();
    h.record(value);
    assert.equal(h.valueAtPercentile(0), p0, `p0 of ${value}`);
    assert.equal(h.valueAtPercentile(50), p50, `p50 of ${value}`);
    assert.equal(h.valueAtPercentile(100), p50, `p100 of ${value}`);
  }
  // Below the tracked range counts as 1 ns, above it as 1 s (Redis clamps before recording).
  const clamped = new LatencyHistogram();
  clamped.record(0);
  assert.equal(clamped.valueAtPercentile(50), 1);
  clamped.record(5e12);
  // 1e9 ns sits in bucket 22, sub-bucket 238: its upper edge is 239 × 2^22 − 1.
  assert.equal(clamped.valueAtPercentile(100), 239 * 2 ** 22 - 1);
  // Percentiles walk the counts: 3 calls at 10 µs and one at 1 ms.
  const mixed = new LatencyHistogram();
  for (const v of [10_000, 10_000, 10_000, 1_000_000]) mixed.record(v);
  assert.equal(mixed.valueAtPercentile(50), 10_047);
  assert.equal(mixed.valueAtPercentile(75), 10_047);
  assert.equal(mixed.valueAtPercentile(88), 1_003_519); // count 0.88 × 4 + 0.5 → 4th call
  assert.equal(mixed.valueAtPercentile(99.9), 1_003_519);
});

/** INFO latencystats as name → the values of its percentiles (µs). */
async function latencystats(c: RawConnection): Promise<Map<string, string>> {
  const text = (await c.call(['INFO', 'latencystats'])).toString('latin1');
  const out = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const m = /^latency_percentiles_usec_([^:]+):(.*)$/.exec(line);
    if (m !== null) out.set(m[1] as string, m[2] as string);
  }
  return out;
}

async function scenario(server: RunningServer): Promise<{ shapes: string[]; debugUsec: number }> {
  const c = await RawConnection.open(server.port, 2000);
  try {
    const shapes: string[] = [];
    const shape = async (): Promise<void> => {
      const stats = await latencystats(c);
      // The commands in name order (Redis walks a hash table), values masked: timings differ.
      shapes.push(
        [...stats]
          .map(([name, v]) => `${name}:${v.replace(/=\d+\.\d{3}/g, '=N')}`)
          .sort()
          .join(' '),
      );
    };
    await c.call(['CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 99 99.9']);
    await c.call(['CONFIG', 'RESETSTAT']);
    await c.call(['PING']);
    await c.call(['SET', 'k', 'v']);
    await c.call(['GET', 'k']);
    await c.call(['DEBUG', 'SLEEP', '0.05']);
    await c.call(['CLIENT', 'ID']);
    await c.call(['GET']); // rejected for arity: no latency recorded
    await shape();
    const debug = (await latencystats(c)).get('debug') ?? '';
    const debugUsec = Number(/p50=(\d+\.\d{3})/.exec(debug)?.[1]);
    await c.call(['CONFIG', 'SET', 'latency-tracking-info-percentiles', '0 100 99.99999 12.5 50.0']);
    await shape();
    await c.call(['CONFIG', 'SET', 'latency-tracking-info-percentiles', '']);
    await shape();
    // Off: nothing shown and nothing recorded; on again: the old histograms are back.
    await c.call(['CONFIG', 'SET', 'latency-tracking', 'no']);
    await shape();
    await c.call(['LPUSH', 'l', 'x']);
    await c.call(['CONFIG', 'SET', 'latency-tracking', 'yes']);
    await shape();
    await c.call(['CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 99 99.9']);
    return { shapes, debugUsec };
  } finally {
    c.close();
  }
}

test('INFO latencystats lists the same commands and percentiles as redis-server 7.0, with its bucket values', async () => {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    const debug = ['--enable-debug-command', 'yes'];
    [redis, redmesh] = await Promise.all([startRedis(0, debug), startRedmesh(0, debug)]);
    const real = await scenario(redis);
    const ours = await scenario(redmesh);
    assert.deepEqual(ours.shapes, real.shapes);
    assert.ok(real.shapes[0]?.includes('debug:p50=N,p99=N,p99.9=N'), real.shapes[0]);
    // A 50 ms DEBUG SLEEP: Redis prints its bucket's upper edge; so must we (bucket width 262 µs).
    for (const { debugUsec } of [real, ours]) {
      // At least the sleep; a loaded machine may add much more (seen: 180 ms).
      assert.ok(debugUsec >= 50_000 && debugUsec < 5_000_000, `p50 of DEBUG SLEEP 0.05: ${debugUsec}`);
      const ns = Math.round(debugUsec * 1000);
      const h = new LatencyHistogram();
      h.record(ns);
      assert.equal(h.valueAtPercentile(50), ns, `${debugUsec} is a bucket's upper edge`);
    }
  } finally {
    await stopAll(redis, redmesh);
  }
});
