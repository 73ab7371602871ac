/**
 * Multi-host testbed from Linux network namespaces, for test/netns/.
 *
 * `Testbed.create(n)` makes a hub namespace `rmv-hub` holding a bridge and n node namespaces
 * `rmv-a`, `rmv-b`, … each joined to the bridge by a veth pair (`rmv<x>` inside the node,
 * `rmv<x>h` on the hub) with underlay address 192.0.2.<i+1>/24. Nothing is routed anywhere else.
 *
 * Contract: always call `destroy()` in a `finally`. It kills every process the testbed spawned
 * (SIGKILL, by pid) and deletes the namespaces, which removes their veths and TAP devices.
 * Leftovers of an earlier crashed run with the same names are removed first.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Namespace names are global on the machine, so two checkouts running these tests at once would collide:
 * REDMESH_NETNS_PREFIX (letters only, default `rmv`) gives each its own. Device names live inside the
 * namespaces and need no prefix of their own.
 */
const PREFIX = /^[a-z]{1,8}$/.test(process.env.REDMESH_NETNS_PREFIX ?? '')
  ? (process.env.REDMESH_NETNS_PREFIX as string)
  : 'rmv';
export const HUB = `${PREFIX}-hub`;
const BRIDGE = 'rmvbr0';

export interface TestNode {
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
  private constructor(readonly nodes: readonly TestNode[]) {}

  static async create(count: number): Promise<Testbed> {
    const nodes: TestNode[] = [];
    for (let i = 0; i < count; i++) {
      const x = String.fromCharCode(97 + i);
      nodes.push({
        ns: `${PREFIX}-${x}`,
        underlay: `192.0.2.${i + 1}`,
        veth: `rmv${x}`,
        hubVeth: `rmv${x}h`,
      });
    }
    const bed = new Testbed(nodes);
    await bed.removeNamespaces(true);
    try {
      await sh('ip', ['netns', 'add', HUB]);
      await sh('ip', ['-n', HUB, 'link', 'set', 'lo', 'up']);
      await sh('ip', ['-n', HUB, 'link', 'add', BRIDGE, 'type', 'bridge']);
      await sh('ip', ['-n', HUB, 'link', 'set', BRIDGE, 'up']);
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
          HUB,
        ]);
        await sh('ip', ['-n', HUB, 'link', 'set', n.hubVeth, 'master', BRIDGE, 'up']);
        await sh('ip', ['-n', n.ns, 'addr', 'add', `${n.underlay}/24`, 'dev', n.veth]);
        await sh('ip', ['-n', n.ns, 'link', 'set', n.veth, 'up']);
      }
    } catch (err) {
      await bed.destroy();
      throw err;
    }
    return bed;
  }

  node(i: number): TestNode {
    const n = this.nodes[i];
    if (n === undefined) throw new Error(`no node ${i}`);
    return n;
  }

  /** Runs a command inside a namespace and returns its stdout. */
  exec(ns: string, cmd: string, args: readonly string[], timeoutMs = 10_000): Promise<string> {
    return sh('ip', ['netns', 'exec', ns, cmd, ...args], timeoutMs);
  }

  /** Starts a long-running process inside a namespace; `destroy()` kills it. */
  spawn(ns: string, cmd: string, args: readonly string[], stdin?: string): Spawned {
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], {
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
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

  /** Kills one spawned process (SIGKILL by pid) and waits for it to be gone, at most 5 s. */
  async kill(s: Spawned, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | string> {
    if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill(signal);
    return Promise.race([
      s.exited,
      new Promise<string>((_, reject) =>
        setTimeout(() => reject(new Error(`pid ${s.child.pid ?? '?'} did not exit`)), 5000),
      ),
    ]);
  }

  /** Kills every spawned process, then deletes all namespaces. Never throws. */
  async destroy(): Promise<void> {
    for (const s of this.children) {
      try {
        await this.kill(s);
      } catch {
        // reported by the test that owned it; keep cleaning up
      }
    }
    await this.removeNamespaces(false);
  }

  private async removeNamespaces(quiet: boolean): Promise<void> {
    for (const ns of [...this.nodes.map((n) => n.ns), HUB]) {
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
