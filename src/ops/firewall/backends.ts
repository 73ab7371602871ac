/**
 * The four backends. nftables and iptables are applied by redmesh itself (one table / one chain of
 * ours, replaced as a whole, so applying twice changes nothing and removing takes out only ours);
 * firewalld and ufw are driven through their own tools, and only when that tool's daemon is active.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { FirewallPolicy } from './policy.js';
import { FIREWALL_NAME, FirewallError, sourceFamily } from './policy.js';

const run = promisify(execFile);

export const BACKENDS = ['nftables', 'iptables', 'firewalld', 'ufw'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** Runs one command; resolves with its exit code and output (never rejects on a non-zero exit). */
export interface CommandRunner {
  (argv: readonly string[], stdin?: string): Promise<{ readonly code: number; readonly output: string }>;
}

export const runCommand: CommandRunner = async (argv, stdin) => {
  const [cmd = '', ...args] = argv;
  try {
    const child = run(cmd, args, { timeout: 30_000 });
    if (stdin !== undefined) child.child.stdin?.end(stdin);
    const { stdout, stderr } = await child;
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string; message: string };
    if (typeof e.code === 'string') return { code: 127, output: `${cmd}: ${e.message}` };
    return { code: e.code ?? 1, output: (e.stdout ?? '') + (e.stderr ?? '') };
  }
};

async function must(runner: CommandRunner, argv: readonly string[], stdin?: string): Promise<void> {
  const r = await runner(argv, stdin);
  if (r.code !== 0) throw new FirewallError(`${argv.join(' ')} failed (exit ${r.code}): ${r.output.trim()}`);
}

// ---- nftables: one table `inet redmesh`, declared, deleted and defined again in one transaction ----

/** The nftables rules as an `nft -f` file. Declaring then deleting the table first makes it idempotent. */
export function nftablesScript(p: FirewallPolicy): string {
  const v4 = p.redisSources.filter((s) => sourceFamily(s) === 4);
  const v6 = p.redisSources.filter((s) => sourceFamily(s) === 6);
  const lines = [
    `# redmesh firewall: UDP ${p.vpnPort} (VPN) open; TCP ${p.redisPort} (Redis) only via ${p.vpnInterface}, loopback${p.redisSources.length > 0 ? ' and listed sources' : ''}.`,
    `# Apply: nft -f <this file> (again: replaces it). Remove: nft delete table inet ${FIREWALL_NAME}`,
    `table inet ${FIREWALL_NAME}`,
    `delete table inet ${FIREWALL_NAME}`,
    `table inet ${FIREWALL_NAME} {`,
    '\tchain input {',
    '\t\ttype filter hook input priority filter; policy accept;',
    `\t\tiifname "lo" tcp dport ${p.redisPort} accept`,
    `\t\tiifname "${p.vpnInterface}" tcp dport ${p.redisPort} accept`,
  ];
  if (v4.length > 0) lines.push(`\t\tip saddr { ${v4.join(', ')} } tcp dport ${p.redisPort} accept`);
  if (v6.length > 0) lines.push(`\t\tip6 saddr { ${v6.join(', ')} } tcp dport ${p.redisPort} accept`);
  lines.push(`\t\ttcp dport ${p.redisPort} drop`, `\t\tudp dport ${p.vpnPort} accept`, '\t}', '}', '');
  return lines.join('\n');
}

async function nftablesApply(p: FirewallPolicy, runner: CommandRunner): Promise<void> {
  await must(runner, ['nft', '-f', '-'], nftablesScript(p));
}

async function nftablesRemove(runner: CommandRunner): Promise<boolean> {
  if ((await runner(['nft', 'list', 'table', 'inet', FIREWALL_NAME])).code !== 0) return false;
  await must(runner, ['nft', 'delete', 'table', 'inet', FIREWALL_NAME]);
  return true;
}

// ---- iptables / ip6tables: a chain REDMESH jumped to first from INPUT ----

const CHAIN = FIREWALL_NAME.toUpperCase();

function iptablesRules(p: FirewallPolicy, family: 4 | 6): string[][] {
  const tcp = ['-p', 'tcp', '--dport', String(p.redisPort)];
  const rules = [
    ['-A', CHAIN, '-i', 'lo', ...tcp, '-j', 'ACCEPT'],
    ['-A', CHAIN, '-i', p.vpnInterface, ...tcp, '-j', 'ACCEPT'],
    ...p.redisSources
      .filter((s) => sourceFamily(s) === family)
      .map((s) => ['-A', CHAIN, '-s', s, ...tcp, '-j', 'ACCEPT']),
    ['-A', CHAIN, ...tcp, '-j', 'DROP'],
    ['-A', CHAIN, '-p', 'udp', '--dport', String(p.vpnPort), '-j', 'ACCEPT'],
  ];
  return rules;
}

function iptablesTools(): readonly (readonly [string, 4 | 6])[] {
  return [
    ['iptables', 4],
    ['ip6tables', 6],
  ];
}

/** The commands `--apply` runs for iptables, as a shell script (what `--print` shows). */
export function iptablesScript(p: FirewallPolicy): string {
  const lines = [
    `# redmesh firewall for iptables and ip6tables (chain ${CHAIN}, jumped to first from INPUT)`,
  ];
  for (const [tool, family] of iptablesTools()) {
    lines.push(
      `${tool} -w -N ${CHAIN} 2>/dev/null || true`,
      `${tool} -w -F ${CHAIN}`,
      ...iptablesRules(p, family).map((r) => `${tool} -w ${r.join(' ')}`),
      `${tool} -w -C INPUT -j ${CHAIN} 2>/dev/null || ${tool} -w -I INPUT 1 -j ${CHAIN}`,
    );
  }
  return lines.join('\n') + '\n';
}

async function iptablesApply(p: FirewallPolicy, runner: CommandRunner): Promise<void> {
  for (const [tool, family] of iptablesTools()) {
    if ((await runner([tool, '-w', '-n', '-L', CHAIN])).code !== 0)
      await must(runner, [tool, '-w', '-N', CHAIN]);
    await must(runner, [tool, '-w', '-F', CHAIN]);
    for (const rule of iptablesRules(p, family)) await must(runner, [tool, '-w', ...rule]);
    if ((await runner([tool, '-w', '-C', 'INPUT', '-j', CHAIN])).code !== 0)
      await must(runner, [tool, '-w', '-I', 'INPUT', '1', '-j', CHAIN]);
  }
}

async function iptablesRemove(runner: CommandRunner): Promise<boolean> {
  let removed = false;
  for (const [tool] of iptablesTools()) {
    while ((await runner([tool, '-w', '-C', 'INPUT', '-j', CHAIN])).code === 0) {
      await must(runner, [tool, '-w', '-D', 'INPUT', '-j', CHAIN]);
    }
    if ((await runner([tool, '-w', '-n', '-L', CHAIN])).code !== 0) continue;
    await must(runner, [tool, '-w', '-F', CHAIN]);
    await must(runner, [tool, '-w', '-X', CHAIN]);
    removed = true;
  }
  return removed;
}

// ---- firewalld: the tutorial's zone, bound to the VPN interface ----

function firewalldApplyCommands(p: FirewallPolicy): string[][] {
  const zone = `--zone=${FIREWALL_NAME}`;
  return [
    ['firewall-cmd', '--permanent', `--new-zone=${FIREWALL_NAME}`],
    ['firewall-cmd', '--permanent', zone, `--add-interface=${p.vpnInterface}`],
    ['firewall-cmd', '--permanent', zone, `--add-port=${p.redisPort}/tcp`],
    ...p.redisSources.map((s) => ['firewall-cmd', '--permanent', zone, `--add-source=${s}`]),
    ['firewall-cmd', '--permanent', `--add-port=${p.vpnPort}/udp`],
    ['firewall-cmd', '--reload'],
  ];
}

function firewalldRemoveCommands(p: FirewallPolicy): string[][] {
  return [
    ['firewall-cmd', '--permanent', `--delete-zone=${FIREWALL_NAME}`],
    ['firewall-cmd', '--permanent', `--remove-port=${p.vpnPort}/udp`],
    ['firewall-cmd', '--reload'],
  ];
}

// ---- ufw ----

function ufwRules(p: FirewallPolicy): string[][] {
  return [
    ['allow', `${p.vpnPort}/udp`],
    ['allow', 'in', 'on', p.vpnInterface, 'to', 'any', 'port', String(p.redisPort), 'proto', 'tcp'],
    ...p.redisSources.map((s) => [
      'allow',
      'from',
      s,
      'to',
      'any',
      'port',
      String(p.redisPort),
      'proto',
      'tcp',
    ]),
    ['deny', `${p.redisPort}/tcp`],
  ];
}

/** The commands of a backend for `--print`: an nft file, or shell commands. */
export function printRules(backend: BackendName, p: FirewallPolicy, remove: boolean): string {
  switch (backend) {
    case 'nftables':
      return remove ? `nft delete table inet ${FIREWALL_NAME}\n` : nftablesScript(p);
    case 'iptables':
      return remove
        ? iptablesTools()
            .map(([t]) => `${t} -w -D INPUT -j ${CHAIN}; ${t} -w -F ${CHAIN}; ${t} -w -X ${CHAIN}\n`)
            .join('')
        : iptablesScript(p);
    case 'firewalld':
      return (remove ? firewalldRemoveCommands(p) : firewalldApplyCommands(p))
        .map((c) => c.join(' ') + '\n')
        .join('');
    case 'ufw':
      return ufwRules(p)
        .map((r) => (remove ? ['ufw', 'delete', ...r] : ['ufw', ...r]).join(' ') + '\n')
        .join('');
  }
}

/** Whether firewalld / ufw is active (redmesh changes their rules only then); nft/iptables: whether installed. */
export async function backendActive(
  backend: BackendName,
  runner: CommandRunner = runCommand,
): Promise<boolean> {
  switch (backend) {
    case 'nftables':
      return (await runner(['nft', '--version'])).code === 0;
    case 'iptables':
      return (await runner(['iptables', '--version'])).code === 0;
    case 'firewalld':
      return (await runner(['firewall-cmd', '--state'])).code === 0;
    case 'ufw': {
      const r = await runner(['ufw', 'status']);
      return r.code === 0 && /Status: active/.test(r.output);
    }
  }
}

/** The backend to use when none is named: an active firewalld or ufw (which would fight ours), else nftables, else iptables. */
export async function detectBackend(runner: CommandRunner = runCommand): Promise<BackendName> {
  for (const b of ['firewalld', 'ufw', 'nftables', 'iptables'] as const) {
    if (await backendActive(b, runner)) return b;
  }
  throw new FirewallError(
    'no firewall tool found: install nftables (apt-get install nftables) or name one with --backend',
  );
}

export async function applyRules(
  backend: BackendName,
  p: FirewallPolicy,
  runner: CommandRunner = runCommand,
): Promise<void> {
  await requireActive(backend, runner);
  switch (backend) {
    case 'nftables':
      return nftablesApply(p, runner);
    case 'iptables':
      return iptablesApply(p, runner);
    case 'firewalld': {
      const zones = await runner(['firewall-cmd', '--permanent', '--get-zones']);
      const exists = zones.output.split(/\s+/).includes(FIREWALL_NAME);
      for (const c of firewalldApplyCommands(p).slice(exists ? 1 : 0)) await must(runner, c);
      return;
    }
    case 'ufw':
      for (const r of ufwRules(p)) await must(runner, ['ufw', ...r]);
      return;
  }
}

/** Removes our rules; resolves false when there were none. */
export async function removeRules(
  backend: BackendName,
  p: FirewallPolicy,
  runner: CommandRunner = runCommand,
): Promise<boolean> {
  await requireActive(backend, runner);
  switch (backend) {
    case 'nftables':
      return nftablesRemove(runner);
    case 'iptables':
      return iptablesRemove(runner);
    case 'firewalld': {
      const zones = await runner(['firewall-cmd', '--permanent', '--get-zones']);
      if (!zones.output.split(/\s+/).includes(FIREWALL_NAME)) return false;
      for (const c of firewalldRemoveCommands(p)) await must(runner, c);
      return true;
    }
    case 'ufw':
      for (const r of ufwRules(p)) await runner(['ufw', 'delete', ...r]);
      return true;
  }
}

async function requireActive(backend: BackendName, runner: CommandRunner): Promise<void> {
  if (await backendActive(backend, runner)) return;
  const why =
    backend === 'firewalld' || backend === 'ufw'
      ? `${backend} is not running; use --print to see the commands, or another --backend`
      : `${backend === 'nftables' ? 'nft' : 'iptables'} is not installed`;
  throw new FirewallError(`cannot apply with ${backend}: ${why}`);
}
