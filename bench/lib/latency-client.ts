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
import { connect } from 'node:net';

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
 * The child: GETs back to back until told to end. It allocates next to nothing per request (the
 * command is written into one buffer, replies are read through the socket's `onread` buffer and only
 * counted, latencies go to a preallocated array) and runs without V8's background threads: measured
 * with `perf sched` (bench/persistence.ts, 1M keys), most GETs over 1 ms during a save were the
 * client itself waiting for a CPU behind its own garbage collector's threads, or behind the bench's.
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
  const command = Buffer.alloc(64 + String(keys).length);
  let i = 0;
  let replyBytes = -1; // bytes of the reply being read; -1 until its header is complete
  let received = 0;
  let header = '';
  let sentAt = 0;
  let resolveReply: (() => void) | undefined;
  let failure: Error | undefined;
  const socket = connect({
    port,
    host: '127.0.0.1',
    noDelay: true,
    onread: {
      buffer: Buffer.alloc(64 * 1024),
      callback: (n: number, buf: Uint8Array): boolean => {
        let pos = 0;
        while (pos < n) {
          if (replyBytes < 0) {
            // "$<len>\r\n" (or "$-1\r\n"): the header is a few bytes, kept as text until its \n.
            const c = buf[pos++] as number;
            header += String.fromCharCode(c);
            if (c !== 0x0a) continue;
            if (header[0] !== '$') failure = new Error(`not a bulk reply: ${JSON.stringify(header)}`);
            const len = Number(header.slice(1, -2));
            replyBytes = len < 0 ? 0 : len + 2;
            received = 0;
            header = '';
          }
          const take = Math.min(replyBytes - received, n - pos);
          received += take;
          pos += take;
          if (received === replyBytes) {
            replyBytes = -1;
            const r = resolveReply;
            resolveReply = undefined;
            r?.();
          }
        }
        return true;
      },
    },
  });
  socket.on('error', (e) => {
    failure = e;
    resolveReply?.();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const get = (): Promise<void> => {
    const key = `key:${(i = (i + 7919) % keys)}`;
    const len = command.write(`*2\r\n$3\r\nGET\r\n$${key.length}\r\n${key}\r\n`, 0, 'latin1');
    sentAt = performance.now();
    const done = new Promise<void>((resolve) => (resolveReply = resolve));
    socket.write(command.subarray(0, len));
    return done;
  };
  try {
    for (let n = 0; n < WARM_GETS; n++) await get();
    send({ kind: 'ready' });
    while (!ending && failure === undefined) {
      await get();
      if (recording && samples < MAX_SAMPLES) latencies[samples++] = performance.now() - sentAt;
    }
    if (failure !== undefined) throw failure;
    socket.destroy();
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
