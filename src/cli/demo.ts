import type { Command } from 'commander';

interface DemoFlags {
  readonly keep?: boolean;
  readonly server: string;
}

/** `redmesh demo`: three nodes in network namespaces, replication through the mesh, failover. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'run the whole system on this machine: 3 nodes in network namespaces, encrypted replication, failover',
    )
    .option('--keep', 'leave it running until Ctrl-C and print how to connect')
    .option(
      '--server <which>',
      "the Redis side: redmesh or redis-server (Debian's, from the same configs)",
      'redmesh',
    )
    .addHelpText(
      'after',
      '\nExample:\n  sudo redmesh demo\n  sudo redmesh demo --server redis-server --keep\n  redmesh demo   (without root: rootless, in a user namespace, where the kernel and /dev/net/tun allow it)\n',
    )
    .action(async (flags: DemoFlags) => {
      if (flags.server !== 'redmesh' && flags.server !== 'redis-server') {
        process.stderr.write(`redmesh demo: --server ${flags.server}: redmesh or redis-server\n`);
        process.exitCode = 2;
        return;
      }
      const { DemoError, runDemo } = await import('../ops/index.js');
      try {
        const status = await runDemo({
          server: flags.server,
          keep: flags.keep === true,
          print: (l) => process.stdout.write(`${l}\n`),
        });
        if (status !== undefined) process.exitCode = status;
      } catch (err) {
        if (!(err instanceof DemoError)) throw err;
        process.stderr.write(`redmesh demo: FAILED: ${err.message}\n`);
        process.exitCode = 1;
      }
    });
}
