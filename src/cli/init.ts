import type { Command } from 'commander';

interface InitFlags {
  readonly node: string[];
  readonly master: string;
  readonly out: string;
  readonly force?: boolean;
  readonly vpnPort: string;
  readonly redisPort: string;
  readonly networkName: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `redmesh init`: writes a deployment (VPN, server, systemd units, firewall) for a topology. */
export function registerInit(program: Command): void {
  program
    .command('init')
    .description(
      'write the config files, systemd units and firewall rules of a deployment, one folder per node',
    )
    .requiredOption(
      '--node <name=address>',
      'a node and its underlay address (repeat; in order: 10.8.0.1, .2, …)',
      collect,
      [],
    )
    .requiredOption('--master <name>', 'the node that starts as the Redis master')
    .requiredOption('--out <dir>', 'folder to write <node>/… into')
    .option('--force', 'replace existing files (and with them the secrets)')
    .option('--vpn-port <port>', 'UDP port of the VPN', '7000')
    .option('--redis-port <port>', 'TCP port of the server', '6379')
    .option('--network-name <name>', 'PeerVPN networkname', 'redisrepl')
    .addHelpText(
      'after',
      '\nExample:\n  redmesh init --node a=203.0.113.10 --node b=203.0.113.11 --node c=203.0.113.12 --master a --out deploy/\n' +
        '  then copy deploy/<node>/ to each node and run its install.sh as root.\n',
    )
    .action(async (flags: InitFlags) => {
      // Loaded here, not at the top: `redmesh vpn` must not load the Redis side (test/vpn/module-graph).
      const {
        InitError,
        TopologyError,
        appendOnlySupported,
        buildTopology,
        deploymentFiles,
        newSecrets,
        thisRedmesh,
        writeDeployment,
      } = await import('../ops/index.js');
      try {
        const topology = buildTopology({
          nodes: flags.node,
          master: flags.master,
          vpnPort: Number(flags.vpnPort),
          redisPort: Number(flags.redisPort),
          networkName: flags.networkName,
        });
        const options = { redmesh: thisRedmesh(), appendOnlySupported: appendOnlySupported() };
        const files = deploymentFiles(topology, newSecrets(), options);
        const written = await writeDeployment(flags.out, files, flags.force === true);
        for (const path of written) process.stdout.write(`wrote ${path}\n`);
        for (const n of topology.nodes) {
          process.stdout.write(
            `node ${n.name}: underlay ${n.underlay}, VPN ${n.overlay}, ${n.role === 'master' ? 'master' : `replica of ${topology.master.name}`}\n`,
          );
        }
        process.stdout.write(
          `applications connect to ${topology.master.overlay}:${topology.redisPort} through the VPN (password in redis.conf)\n`,
        );
      } catch (err) {
        if (!(err instanceof TopologyError || err instanceof InitError)) throw err;
        process.stderr.write(`redmesh init: ${err.message}\n`);
        process.exitCode = 2;
      }
    });
}
