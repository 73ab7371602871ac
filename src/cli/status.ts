import type { RedisAddress } from '../ops/index.js';
import type { Command } from 'commander';
import { defaultControlSocketPath } from '../vpn/index.js';

interface StatusFlags {
  readonly node: string[];
  readonly password?: string;
  readonly config: string;
  readonly controlSocket: string;
  readonly vpn: boolean;
  readonly json?: boolean;
  readonly watch?: boolean;
  readonly interval: string;
  readonly maxLagBytes: string;
  readonly maxLagSeconds: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `redmesh status`: the VPN's peers and every Redis node's replication state; exit 1 when unhealthy. */
export function registerStatus(program: Command): void {
  program
    .command('status')
    .description(
      "the VPN's peers and every Redis node's role, link, offsets, lag and last save; exit 1 when unhealthy",
    )
    .option(
      '--node <host:port>',
      'where to start (repeat); the others are found through replication',
      collect,
      [],
    )
    .option('--password <password>', "the servers' requirepass (default: $REDISCLI_AUTH, else from --config)")
    .option('--config <file>', 'redis.conf to read requirepass from', '/etc/redmesh/redis.conf')
    .option(
      '--control-socket <path>',
      "the VPN daemon's control socket",
      defaultControlSocketPath('peervpn0'),
    )
    .option('--no-vpn', 'leave the VPN out (no daemon on this machine)')
    .option('--json', 'print the whole report as JSON')
    .option('--watch', 'refresh every --interval seconds until interrupted')
    .option('--interval <seconds>', 'for --watch', '2')
    .option('--max-lag-bytes <n>', 'a replica further behind is unhealthy', '1048576')
    .option('--max-lag-seconds <n>', 'a replica silent longer is unhealthy', '10')
    .addHelpText(
      'after',
      '\nExamples:\n  redmesh status\n  redmesh status --node 10.8.0.2:6379 --json\n  redmesh status --watch\n',
    )
    .action(async (flags: StatusFlags) => {
      // Loaded here, not at the top: `redmesh vpn` must not load the Redis side (test/vpn/module-graph).
      const { collectStatus, formatClusterStatus, healthProblems, parseRedisAddress, passwordFromConfig } =
        await import('../ops/index.js');
      let seeds;
      try {
        seeds = (flags.node.length > 0 ? flags.node : ['127.0.0.1:6379']).map((n) =>
          withFlag('--node', n, parseRedisAddress),
        );
      } catch (err) {
        process.stderr.write(`redmesh status: ${(err as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      const password =
        flags.password ??
        process.env.REDISCLI_AUTH ??
        (await passwordFromConfig(flags.config).catch(() => undefined));
      const limits = { maxLagBytes: Number(flags.maxLagBytes), maxLagSeconds: Number(flags.maxLagSeconds) };
      const once = async (): Promise<number> => {
        const status = await collectStatus({
          seeds,
          password,
          vpnSocket: flags.vpn ? flags.controlSocket : undefined,
        });
        const problems = healthProblems(status, limits);
        const text =
          flags.json === true
            ? JSON.stringify({ ...status, healthy: problems.length === 0, problems }, null, 2) + '\n'
            : formatClusterStatus(status, problems);
        process.stdout.write((flags.watch === true ? '\x1b[H\x1b[2J' : '') + text);
        return problems.length === 0 ? 0 : 1;
      };
      if (flags.watch !== true) {
        process.exitCode = await once();
        return;
      }
      for (;;) {
        process.exitCode = await once();
        await new Promise((r) => setTimeout(r, Number(flags.interval) * 1000));
      }
    });
}

function withFlag(flag: string, spec: string, parse: (s: string) => RedisAddress): RedisAddress {
  try {
    return parse(spec);
  } catch (err) {
    throw new Error(`${flag} ${(err as Error).message}`);
  }
}
