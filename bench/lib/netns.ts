/**
 * Two-host testbeds in network namespaces for benchmarks: namespaces joined by a veth pair on the
 * 192.0.2.0/24 underlay. Everything is created under a caller-chosen prefix and torn down by
 * `destroy()`, which also kills every process the testbed started.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function sh(cmd: string, args: readonly string[], timeoutMs = 30_000): Promise<string> {
  const { stdout } = await run(cmd, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

export interface Host {
  readonly ns: string;
  readonly underlay: string; // 192.0.2.x
  /** Runs a command inside the namespace and returns stdout. */
  exec(cmd: string, args: readonly string[], timeoutMs?: number): Promise<string>;
  /** Starts a long-running process inside the namespace; destroy() kills it. */
  spawn(cmd: string, args: readonly string[], env?: NodeJS.ProcessEnv): ChildProcess;
}

export class Testbed {
  readonly hosts: Host[] = [];
  private readonly children: ChildProcess[] = [];

  private constructor(readonly prefix: string) {}

  /** Creates `count` namespaces `${prefix}0..` on one bridge-less chain: host 0 is linked to every other host. */
  static async create(prefix: string, count = 2): Promise<Testbed> {
    const bed = new Testbed(prefix);
    try {
      for (let i = 0; i < count; i++) {
        const ns = `${prefix}${i}`;
        await sh('ip', ['netns', 'add', ns]);
        await sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
        bed.hosts.push(bed.makeHost(ns, `192.0.2.${i + 1}`));
      }
      // A bridge in host 0's namespace joins all underlay veths, so every host reaches every other.
      const hub = bed.hosts[0]!.ns;
      await sh('ip', ['-n', hub, 'link', 'add', 'ubr', 'type', 'bridge']);
      await sh('ip', ['-n', hub, 'link', 'set', 'ubr', 'up']);
      await sh('ip', ['-n', hub, 'addr', 'add', '192.0.2.1/24', 'dev', 'ubr']);
      for (let i = 1; i < count; i++) {
        const ns = bed.hosts[i]!.ns;
        const a = `${prefix}h${i}`;
        await sh('ip', ['link', 'add', a, 'netns', hub, 'type', 'veth', 'peer', 'name', 'u0', 'netns', ns]);
        await sh('ip', ['-n', hub, 'link', 'set', a, 'master', 'ubr', 'up']);
        await sh('ip', ['-n', ns, 'addr', 'add', `192.0.2.${i + 1}/24`, 'dev', 'u0']);
        await sh('ip', ['-n', ns, 'link', 'set', 'u0', 'up']);
      }
      return bed;
    } catch (e) {
      await bed.destroy();
      throw e;
    }
  }

  private makeHost(ns: string, underlay: string): Host {
    return {
      ns,
      underlay,
      exec: (cmd, args, timeoutMs) => sh('ip', ['netns', 'exec', ns, cmd, ...args], timeoutMs),
      spawn: (cmd, args, env) => {
        const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, ...env },
        });
        child.stdout?.resume();
        child.stderr?.resume();
        this.children.push(child);
        return child;
      },
    };
  }

  async destroy(): Promise<void> {
    for (const child of this.children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    // Processes started via `ip netns exec` are the same PIDs (ip execs the command), but daemons may fork:
    // kill whatever is still inside our namespaces.
    for (const host of this.hosts) {
      const pids = await sh('ip', ['netns', 'pids', host.ns]).catch(() => '');
      for (const pid of pids.split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    for (const host of this.hosts) await sh('ip', ['netns', 'del', host.ns]).catch(() => '');
  }
}

/** Polls `check` every 50 ms until it returns true or `timeoutMs` passes. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** User+system CPU seconds consumed so far by a process and its threads (from /proc/PID/stat). */
export async function cpuSeconds(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  return ticks / 100; // USER_HZ is 100 on Linux
}

/**
 * CPU time of every live thread of `pid`, in seconds, with nanosecond resolution (schedstat); for
 * short measurements where /proc/<pid>/stat's 10 ms ticks are too coarse.
 */
export async function cpuSecondsPrecise(pid: number): Promise<number> {
  const { readFile, readdir } = await import('node:fs/promises');
  let ns = 0;
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    try {
      ns += Number((await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8')).split(' ')[0]);
    } catch {
      // the thread ended between readdir and readFile
    }
  }
  return ns / 1e9;
}
