/**
 * A client that times GETs back to back, in a process of its own. The persistence bench timed its GETs
 * on its own event loop, which also polled INFO and sampled RSS from /proc (a walk over every thread of
 * the server, ~12 files for Node against ~5 for Redis): a reply that arrived while the bench sampled
 * waited for it and counted as server latency. Here only the GETs run on the client's loop.
 *
 * The client sends WARM_GETS GETs before start() returns, and goes on sending them (so its code is
 * warm); it records from begin() to end(), which returns every latency in ms.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LeanConnection } from './lean-connection.js';

const ROLE = 'latency-client';
/** GETs sent before the client says it is ready. */
const WARM_GETS = 5000;
/** Latencies kept at most (a save of a few seconds takes tens of thousands). */
const MAX_SAMPLES = 4_000_000;

type FromChild =
  { kind: 'ready' } | { kind: 'result'; latencies: number[] } | { kind: 'error'; message: string };
type ToChild = { kind: 'begin' } | { kind: 'end' };

export class LatencyClient {
  private closed = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly messages: FromChild[],
    private wake: (() => void) | undefined,
  ) {}

  /** Forks the client: GETs of key:<i> for i in [0, keys) on 127.0.0.1:port. */
  static async start(port: number, keys: number): Promise<LatencyClient> {
    const child = fork(fileURLToPath(import.meta.url), [ROLE, String(port), String(keys)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // No background threads (GC helpers, compiler): they took the CPU from the client's own loop.
      execArgv: ['--single-threaded'],
    });
    const client = new LatencyClient(child, [], undefined);
    child.on('message', (m: FromChild) => {
      client.messages.push(m);
      client.wake?.();
    });
    // 'close', not 'exit': it comes after the IPC channel delivered everything the child sent.
    child.on('close', () => {
      client.closed = true;
      client.wake?.();
    });
    await client.next('ready', 10_000);
    return client;
  }

  /** Recording starts now. */
  begin(): void {
    this.send({ kind: 'begin' });
  }

  /** Recording stops; the latencies (ms) recorded since begin(). The child exits. */
  async end(): Promise<number[]> {
    this.send({ kind: 'end' });
    const m = await this.next('result', 30_000);
    return m.kind === 'result' ? m.latencies : [];
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }

  private send(m: ToChild): void {
    this.child.send(m);
  }

  private async next(kind: FromChild['kind'], timeoutMs: number): Promise<FromChild> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.messages.shift();
      if (m !== undefined) {
        if (m.kind === 'error') throw new Error(`latency client: ${m.message}`);
        if (m.kind === kind) return m;
        continue;
      }
      if (this.closed) throw new Error(`latency client exited (${String(this.child.exitCode)})`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`latency client: no '${kind}' within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = undefined;
          resolve();
        };
      });
    }
  }
}

/**
 * The child: GETs back to back until told to end, through a LeanConnection, with latencies in a
 * preallocated array, and without V8's background threads: measured with `perf sched`
 * (bench/persistence.ts, 1M keys), most GETs over 1 ms during a save were the client itself waiting
 * for a CPU behind its own garbage collector's threads, or behind the bench's.
 */
async function childMain(port: number, keys: number): Promise<void> {
  const send = (m: FromChild, then?: () => void): void =>
    void process.send?.(m, undefined, {}, () => then?.());
  let recording = false;
  let ending = false;
  process.on('message', (m: ToChild) => {
    if (m.kind === 'begin') recording = true;
    else ending = true;
  });
  // The parent is gone: nothing to report to.
  process.on('disconnect', () => process.exit(0));
  const latencies = new Float64Array(MAX_SAMPLES);
  let samples = 0;
  let i = 0;
  try {
    const c = await LeanConnection.open(port);
    const get = (): Promise<void> => c.call(['GET', `key:${(i = (i + 7919) % keys)}`]);
    for (let n = 0; n < WARM_GETS; n++) await get();
    send({ kind: 'ready' });
    while (!ending) {
      const t0 = performance.now();
      await get();
      if (recording && samples < MAX_SAMPLES) latencies[samples++] = performance.now() - t0;
    }
    c.close();
    // Disconnecting only once the message is out: a disconnect drops what is still queued.
    send({ kind: 'result', latencies: Array.from(latencies.subarray(0, samples)) }, () =>
      process.disconnect(),
    );
  } catch (err) {
    send({ kind: 'error', message: String(err) }, () => process.disconnect());
  }
}

if (process.argv[2] === ROLE && process.send !== undefined) {
  await childMain(Number(process.argv[3]), Number(process.argv[4]));
}
