/**
 * Replication lag as a client sees it, measured in a process of its own: a probe writes a new value
 * on the master, then reads the key on the replica back to back until the value is there; the time
 * from the write to that read is the lag (to within one round trip). A process of its own, through
 * LeanConnections and without V8's background threads, for the reason latency-client.ts gives: the
 * bench's own loop (offsets polled from INFO, RawConnection's buffers) and garbage collector made
 * the tail of what it timed.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LeanConnection } from './lean-connection.js';

const ROLE = 'lag-probe';

type FromChild = { kind: 'result'; lags: number[] } | { kind: 'error'; message: string };

/**
 * Runs `probes` probes (one every `pauseMs` after the last one ended) of master:masterPort into
 * replica:replicaPort; the lags in ms.
 */
export function probeLag(
  masterPort: number,
  replicaPort: number,
  probes: number,
  pauseMs: number,
): Promise<number[]> {
  const child = fork(
    fileURLToPath(import.meta.url),
    [ROLE, String(masterPort), String(replicaPort), String(probes), String(pauseMs)],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: ['--single-threaded'],
    },
  );
  return new Promise((resolve, reject) => {
    let settled = false;
    child.on('message', (m: FromChild) => {
      settled = true;
      if (m.kind === 'result') resolve(m.lags);
      else reject(new Error(`lag probe: ${m.message}`));
    });
    // 'close' comes after the IPC channel delivered everything the child sent.
    child.on('close', (code) => {
      if (!settled) reject(new Error(`lag probe exited (${String(code)}) without a result`));
    });
  });
}

async function childMain(
  masterPort: number,
  replicaPort: number,
  probes: number,
  pauseMs: number,
): Promise<void> {
  const send = (m: FromChild): void => void process.send?.(m, undefined, {}, () => process.disconnect());
  process.on('disconnect', () => process.exit(0));
  try {
    const m = await LeanConnection.open(masterPort);
    const r = await LeanConnection.open(replicaPort);
    const lags = new Float64Array(probes);
    const deadlineMs = 10_000;
    for (let i = 0; i < probes; i++) {
      const value = `probe-${i}`;
      const t0 = performance.now();
      await m.call(['SET', 'lag:probe', value]);
      if (m.isError) throw new Error(`SET on the master: ${m.reply()}`);
      for (;;) {
        await r.call(['GET', 'lag:probe']);
        if (r.reply() === value) break;
        if (performance.now() - t0 > deadlineMs) throw new Error(`the replica never read ${value}`);
      }
      lags[i] = performance.now() - t0;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
    m.close();
    r.close();
    send({ kind: 'result', lags: Array.from(lags) });
  } catch (err) {
    send({ kind: 'error', message: String(err) });
  }
}

if (process.argv[2] === ROLE && process.send !== undefined) {
  const [masterPort, replicaPort, probes, pauseMs] = process.argv.slice(3).map(Number);
  await childMain(masterPort as number, replicaPort as number, probes as number, pauseMs as number);
}
