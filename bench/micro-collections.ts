/**
 * Microbenchmark of single commands on one big value, run in process through the in-memory command
 * runner (no sockets, so it measures the command's own cost): the random-member commands on a
 * 1M-member set, hash and sorted set, and a run of APPENDs to a string changed in place.
 *
 *   npm run build && node dist/bench/micro-collections.js [members]
 *
 * Prints µs per call (median of the timed batches). Not part of `npm run bench` or the tests.
 */
import { performance } from 'node:perf_hooks';
import { makeRunner, type TestRunner } from '../test/helpers/exec.js';

const MEMBERS = Number(process.argv[2] ?? 1_000_000);
/** Each case runs in batches until this much time is spent or MAX_CALLS are made. */
const BUDGET_MS = 1500;
const MAX_CALLS = 20_000;

function fill(r: TestRunner): void {
  const chunk = 10_000;
  for (let i = 0; i < MEMBERS; i += chunk) {
    const members: string[] = [];
    const pairs: string[] = [];
    const scored: string[] = [];
    for (let j = i; j < Math.min(MEMBERS, i + chunk); j++) {
      members.push(`member:${j}`);
      pairs.push(`field:${j}`, `value:${j}`);
      scored.push(String(j), `member:${j}`);
    }
    r.run('SADD', 'set', ...members);
    r.run('HSET', 'hash', ...pairs);
    r.run('ZADD', 'zset', ...scored);
  }
}

function measure(r: TestRunner, argv: readonly string[]): string {
  // The first call may build an index; report it apart from the steady state.
  let t = performance.now();
  r.run(...argv);
  const first = (performance.now() - t) * 1000;
  const batches: number[] = [];
  let calls = 0;
  const start = performance.now();
  while (calls < MAX_CALLS && performance.now() - start < BUDGET_MS) {
    // An O(n) call takes milliseconds: a few of them are enough.
    const n = Math.min(first > 1000 ? 5 : 100, MAX_CALLS - calls);
    t = performance.now();
    for (let i = 0; i < n; i++) r.run(...argv);
    batches.push(((performance.now() - t) * 1000) / n);
    calls += n;
  }
  batches.sort((a, b) => a - b);
  const median = batches[Math.floor(batches.length / 2)] ?? 0;
  return `${argv.join(' ').padEnd(32)} first ${first.toFixed(1).padStart(9)} µs   then ${median.toFixed(2).padStart(9)} µs/call (${calls} calls)`;
}

/** Runs `step` 20k times on a fresh key, or until 60 s have passed (a quadratic run would take hours). */
function timed(label: string, step: (r: TestRunner, i: number) => void): string {
  const r = makeRunner();
  const chunk = 'x'.repeat(100);
  r.run('SETRANGE', 'str', '0', chunk); // the in-place representation (SETRANGE/SETBIT)
  const t = performance.now();
  let i = 0;
  for (; i < 20_000 && performance.now() - t < 60_000; i++) step(r, i);
  const ms = performance.now() - t;
  const size = (r.run('STRLEN', 'str') as { value: number }).value;
  return `${label}: ${i} in ${ms.toFixed(1)} ms (${((ms * 1000) / i).toFixed(2)} µs each), final length ${size}`;
}

function appendRuns(): string[] {
  const chunk = 'x'.repeat(100);
  timed('warm-up', (r) => r.run('APPEND', 'str', chunk)); // JIT, so the first case is not penalised
  return [
    timed('APPEND 100 B after SETRANGE', (r) => r.run('APPEND', 'str', chunk)),
    timed('APPEND 100 B + GETRANGE', (r) => {
      r.run('APPEND', 'str', chunk);
      r.run('GETRANGE', 'str', '0', '3');
    }),
    timed('APPEND 100 B + SETBIT', (r, i) => {
      r.run('APPEND', 'str', chunk);
      r.run('SETBIT', 'str', '0', String(i & 1));
    }),
  ];
}

for (const line of appendRuns()) console.log(line);
const r = makeRunner();
const t = performance.now();
fill(r);
console.log(`filled ${MEMBERS} members per key in ${((performance.now() - t) / 1000).toFixed(1)} s`);
for (const argv of [
  ['SRANDMEMBER', 'set'],
  ['SRANDMEMBER', 'set', '10'],
  ['SRANDMEMBER', 'set', '-10'],
  ['HRANDFIELD', 'hash'],
  ['HRANDFIELD', 'hash', '10', 'WITHVALUES'],
  ['HRANDFIELD', 'hash', '-10'],
  ['ZRANDMEMBER', 'zset'],
  ['ZRANDMEMBER', 'zset', '10', 'WITHSCORES'],
  ['ZRANDMEMBER', 'zset', '-10'],
  ['SPOP', 'set'],
  ['SPOP', 'set', '10'],
]) {
  console.log(measure(r, argv));
}
