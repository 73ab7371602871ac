import type { Command } from 'commander';
import type { BackendName } from '../ops/index.js';

/** The backends of ops/firewall (BACKENDS there), named here so `redmesh --help` loads no ops module. */
const BACKEND_NAMES: readonly string[] = ['nftables', 'iptables', 'firewalld', 'ufw'];

interface FirewallFlags {
  readonly backend?: string;
  readonly print?: boolean;
  readonly apply?: boolean;
  readonly remove?: boolean;
  readonly vpnPort: string;
  readonly redisPort: string;
  readonly interface: string;
  readonly source: string[];
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `redmesh firewall`: the VPN port open, the Redis port only through the VPN, loopback and listed sources. */
export function registerFirewall(program: Command): void {
  program
    .command('firewall')
    .description('open the VPN port and close the Redis port except through the VPN (print, apply or remove)')
    .option(
      '--backend <name>',
      `one of ${BACKEND_NAMES.join(', ')} (default: an active firewalld/ufw, else nftables, else iptables)`,
    )
    .option('--print', 'print the rules or commands (the default)')
    .option('--apply', 'apply them (idempotent)')
    .option('--remove', 'remove them')
    .option('--vpn-port <port>', 'UDP port of the VPN', '7000')
    .option('--redis-port <port>', 'TCP port of the server', '6379')
    .option('--interface <name>', 'the VPN interface', 'peervpn0')
    .option('--source <cidr>', 'also allow the Redis port from this address or block (repeat)', collect, [])
    .addHelpText(
      'after',
      '\nExamples:\n  redmesh firewall --backend nftables --print > /etc/nftables.d/redmesh.nft\n' +
        '  sudo redmesh firewall --apply\n  sudo redmesh firewall --remove\n',
    )
    .action(async (flags: FirewallFlags) => {
      const { FirewallError } = await import('../ops/index.js');
      try {
        process.exitCode = await firewall(flags);
      } catch (err) {
        if (!(err instanceof FirewallError)) throw err;
        process.stderr.write(`redmesh firewall: ${err.message}\n`);
        process.exitCode = 1;
      }
    });
}

async function firewall(flags: FirewallFlags): Promise<number> {
  const { BACKENDS, FirewallError, applyRules, checkPolicy, detectBackend, printRules, removeRules } =
    await import('../ops/index.js');
  const actions = [flags.print, flags.apply, flags.remove].filter((a) => a === true).length;
  if (actions > 1) throw new FirewallError('choose one of --print, --apply, --remove');
  if (flags.backend !== undefined && !(BACKENDS as readonly string[]).includes(flags.backend))
    throw new FirewallError(`--backend ${flags.backend}: one of ${BACKENDS.join(', ')}`);
  const policy = checkPolicy({
    vpnPort: Number(flags.vpnPort),
    redisPort: Number(flags.redisPort),
    vpnInterface: flags.interface,
    redisSources: flags.source,
  });
  const backend =
    (flags.backend as BackendName | undefined) ??
    (flags.apply === true || flags.remove === true ? await detectBackend() : 'nftables');
  if (flags.apply === true) {
    await applyRules(backend, policy);
    process.stdout.write(
      `redmesh firewall: applied with ${backend}: udp ${policy.vpnPort} open, tcp ${policy.redisPort} only via ${policy.vpnInterface} and loopback\n`,
    );
  } else if (flags.remove === true) {
    const removed = await removeRules(backend, policy);
    process.stdout.write(`redmesh firewall: ${removed ? 'removed' : 'nothing to remove'} (${backend})\n`);
  } else {
    process.stdout.write(printRules(backend, policy, false));
  }
  return 0;
}
