import type { Command } from 'commander';
import type { RedisAddress } from '../ops/index.js';

interface PromoteFlags {
  readonly node: string[];
  readonly password?: string;
  readonly config: string;
  readonly force?: boolean;
  readonly mostAdvanced?: boolean;
  readonly timeout: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `redmesh promote <host:port>`: make a replica the master without losing acknowledged writes. */
export function registerPromote(program: Command): void {
  program
    .command('promote')
    .description(
      'make a replica the master: pause the old master, wait for the replica to catch up, switch, re-point the others, persist',
    )
    .argument('[replica]', 'host:port of the replica to promote (or --most-advanced)')
    .option(
      '--node <host:port>',
      'another node to consider (repeat; with the master dead, list every replica)',
      collect,
      [],
    )
    .option('--password <password>', "the servers' requirepass (default: $REDISCLI_AUTH, else from --config)")
    .option('--config <file>', 'redis.conf to read requirepass from', '/etc/redmesh/redis.conf')
    .option('--most-advanced', 'promote the replica that applied the most of the old master')
    .option('--force', 'promote even a replica known to be behind another (loses the difference)')
    .option('--timeout <ms>', 'how long the replica may take to catch up', '10000')
    .addHelpText(
      'after',
      '\nExamples:\n  redmesh promote 10.8.0.2:6379 --node 10.8.0.1:6379\n' +
        '  redmesh promote --most-advanced --node 10.8.0.2:6379 --node 10.8.0.3:6379   (master dead)\n',
    )
    .action(async (replica: string | undefined, flags: PromoteFlags) => {
      // Loaded here, not at the top: `redmesh vpn` must not load the Redis side (test/vpn/module-graph).
      const { PromoteError, parseRedisAddress, passwordFromConfig, promote } =
        await import('../ops/index.js');
      const address = (spec: string): RedisAddress => {
        try {
          return parseRedisAddress(spec);
        } catch (err) {
          throw new PromoteError((err as Error).message);
        }
      };
      try {
        if (replica === undefined && flags.mostAdvanced !== true)
          throw new PromoteError('name the replica to promote, or use --most-advanced');
        const password =
          flags.password ??
          process.env.REDISCLI_AUTH ??
          (await passwordFromConfig(flags.config).catch(() => undefined));
        const result = await promote({
          target: replica === undefined ? undefined : address(replica),
          nodes: flags.node.map(address),
          password,
          force: flags.force === true,
          mostAdvanced: flags.mostAdvanced === true,
          catchUpTimeoutMs: Number(flags.timeout),
          commandTimeoutMs: 2000,
          log: (line) => process.stdout.write(`  ${line}\n`),
        });
        process.stdout.write('changed:\n' + result.changes.map((c) => `  ${c}\n`).join(''));
        for (const w of result.warnings) process.stdout.write(`warning: ${w}\n`);
        process.stdout.write(`applications must now connect to ${result.newMaster}\n`);
      } catch (err) {
        if (!(err instanceof PromoteError)) throw err;
        process.stderr.write(`redmesh promote: ${err.message}\n`);
        process.exitCode = 1;
      }
    });
}
