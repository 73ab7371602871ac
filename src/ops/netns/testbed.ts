/**
 * A multi-host network from Linux network namespaces, on one machine: what the netns tests, the VPN
 * benchmark and `redmesh demo` run their nodes in.
 *
 * `Testbed.create(n)` makes a hub namespace `<prefix>-hub` holding a bridge, and n node namespaces
 * `<prefix>-a`, `<prefix>-b`, … each joined to the bridge by a veth pair (`rmv<x>` inside the node,
 * `rmv<x>h` on the hub) with underlay address 192.0.2.<i+1>/24 (TEST-NET-1). Nothing is routed
 * anywhere else.
 *
 * Contract: always call `destroy()` in a `finally`. It kills every process the testbed spawned
 * (SIGKILL, by pid), then any process still inside its namespaces (a daemon that forked), and
 * deletes the namespaces, which removes their veths and TAP devices. Leftovers of an earlier crashed
 * run with the same names are removed first. Needs root (or CAP_SYS_ADMIN and CAP_NET_ADMIN) and
 * iproute2.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Names the bridge inside the hub namespace (device names are per namespace: no prefix needed). */
const BRIDGE = 'rmvbr0';

const PREFIX_PATTERN = /^[a-z]{1,8}$/;

/**
 * The namespace name prefix: REDMESH_NETNS_PREFIX when set, else `fallback`. Namespace names are
 * global on the machine, so two checkouts (or a test run and a benchmark) running at once need
 * different prefixes. Letters only, at most 8, so every name fits IFNAMSIZ-style limits.
 */
export function netnsPrefix(fallback = 'rmv'): string {
  const fromEnv = process.env.REDMESH_NETNS_PREFIX;
  const prefix = fromEnv === undefined || fromEnv === '' ? fallback : fromEnv;
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new Error(`network namespace prefix ${JSON.stringify(prefix)}: use 1 to 8 lowercase letters`);
  }
  return prefix;
}

export interface NetnsNode {
  /** Namespace name, e.g. `rmv-a`. */
  readonly ns: string;
  /** Underlay address of its veth, e.g. `192.0.2.1`. */
  readonly underlay: string;
  /** The underlay veth inside the node namespace, e.g. `rmva`. */
  readonly veth: string;
  /** Its peer on the hub bridge, e.g. `rmvah`. */
  readonly hubVeth: string;
}

export interface Spawned {
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or signal name) once the process exits. */
  readonly exited: Promise<number | string>;
}

export interface SpawnOptions {
  /** Written to the process's stdin, which is then closed; without it stdin is /dev/null. */
  readonly stdin?: string;
  /** Added to the environment (which is ours, with NODE_OPTIONS emptied). */
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs a command with a timeout; rejects with its stderr on failure. */
export async function sh(cmd: string, args: readonly string[], timeoutMs = 10_000): Promise<string> {
  try {
    const { stdout } = await run(cmd, [...args], { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')}: ${e.stderr ?? ''}${e.stdout ?? ''}${e.message}`);
  }
}

/** Polls `check` every `intervalMs` until it returns true, or fails after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  intervalMs = 50,
): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Waits until a spawned process prints something matching `pattern`; the error shows what it printed. */
export async function waitForOutput(s: Spawned, pattern: RegExp, timeoutMs: number): Promise<number> {
  try {
    return await waitFor(`output ${String(pattern)}`, () => pattern.test(s.output()), timeoutMs);
  } catch (err) {
    throw new Error(`${(err as Error).message}; pid ${s.child.pid ?? '?'} printed:\n${s.output()}`);
  }
}

export class Testbed {
  private readonly children: Spawned[] = [];

  private constructor(
    /** The hub namespace, holding the bridge every node's veth is joined to. */
    readonly hub: string,
    readonly nodes: readonly NetnsNode[],
  ) {}

  /** Creates the hub and `count` nodes (at most 26) under `prefix` (default: `netnsPrefix()`). */
  static async create(count: number, prefix = netnsPrefix()): Promise<Testbed> {
    if (!PREFIX_PATTERN.test(prefix)) throw new Error(`network namespace prefix ${JSON.stringify(prefix)}`);
    if (!Number.isInteger(count) || count < 1 || count > 26) throw new Error(`testbed of ${count} nodes`);
    const nodes: NetnsNode[] = [];
    for (let i = 0; i < count; i++) {
      const x = String.fromCharCode(97 + i);
      nodes.push({
        ns: `${prefix}-${x}`,
        underlay: `192.0.2.${i + 1}`,
        veth: `rmv${x}`,
        hubVeth: `rmv${x}h`,
      });
    }
    const bed = new Testbed(`${prefix}-hub`, nodes);
    await bed.removeNamespaces(true);
    try {
      const hub = bed.hub;
      await sh('ip', ['netns', 'add', hub]);
      await sh('ip', ['-n', hub, 'link', 'set', 'lo', 'up']);
      await sh('ip', ['-n', hub, 'link', 'add', BRIDGE, 'type', 'bridge']);
      await sh('ip', ['-n', hub, 'link', 'set', BRIDGE, 'up']);
      for (const n of nodes) {
        await sh('ip', ['netns', 'add', n.ns]);
        await sh('ip', ['-n', n.ns, 'link', 'set', 'lo', 'up']);
        await sh('ip', [
          '-n',
          n.ns,
          'link',
          'add',
          n.veth,
          'type',
          'veth',
          'peer',
          'name',
          n.hubVeth,
          'netns',
          hub,
        ]);
        await sh('ip', ['-n', hub, 'link', 'set', n.hubVeth, 'master', BRIDGE, 'up']);
        await sh('ip', ['-n', n.ns, 'addr', 'add', `${n.underlay}/24`, 'dev', n.veth]);
        await sh('ip', ['-n', n.ns, 'link', 'set', n.veth, 'up']);
      }
    } catch (err) {
      await bed.destroy();
      throw err;
    }
    return bed;
  }

  node(i: number): NetnsNode {
    const n = this.nodes[i];
    if (n === undefined) throw new Error(`no node ${i}`);
    return n;
  }

  /** Runs a command inside a namespace and returns its stdout. */
  exec(ns: string, cmd: string, args: readonly string[], timeoutMs = 10_000): Promise<string> {
    return sh('ip', ['netns', 'exec', ns, cmd, ...args], timeoutMs);
  }

  /** Starts a long-running process inside a namespace; `destroy()` kills it. */
  spawn(ns: string, cmd: string, args: readonly string[], options: SpawnOptions = {}): Spawned {
    const { stdin, env } = options;
    // `ip netns exec` execs the command, so the child's pid is the command's.
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], {
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '', ...env },
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    if (stdin !== undefined) child.stdin?.end(stdin);
    const exited = new Promise<number | string>((resolve) => {
      child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    });
    const s: Spawned = { child, output: () => out, exited };
    this.children.push(s);
    return s;
  }

  /** Kills one spawned process (SIGKILL by pid unless told otherwise) and waits for it to be gone, at most 5 s. */
  async kill(s: Spawned, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | string> {
    if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        s.exited,
        new Promise<string>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`pid ${s.child.pid ?? '?'} did not exit`)), 5000);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills every spawned process and whatever else runs in our namespaces, then deletes them. Never throws. */
  async destroy(): Promise<void> {
    for (const s of this.children) {
      try {
        await this.kill(s);
      } catch {
        // reported by the test that owned it; keep cleaning up
      }
    }
    for (const ns of this.namespaces()) {
      const pids = await sh('ip', ['netns', 'pids', ns]).catch(() => '');
      for (const pid of pids.split('\n').filter((p) => /^\d+$/.test(p))) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await this.removeNamespaces(false);
  }

  private namespaces(): string[] {
    return [...this.nodes.map((n) => n.ns), this.hub];
  }

  private async removeNamespaces(quiet: boolean): Promise<void> {
    for (const ns of this.namespaces()) {
      try {
        await sh('ip', ['netns', 'del', ns]);
      } catch (err) {
        if (!quiet && !/No such file/.test((err as Error).message)) {
          process.stderr.write(`testbed cleanup: ${(err as Error).message}\n`);
        }
      }
    }
  }
}
