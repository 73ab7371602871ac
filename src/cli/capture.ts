import type { Command } from 'commander';

/** `redmesh capture`: every frame of one interface to a pcap file, until SIGINT/SIGTERM. */
export function registerCapture(program: Command): void {
  program
    .command('capture')
    .description(
      'write every frame of an interface to a pcap file until Ctrl-C (what `redmesh demo` uses where tcpdump cannot run)',
    )
    .argument('<interface>', 'the interface, in this network namespace')
    .argument('<file>', 'the pcap file to write (mode 0600)')
    .addHelpText(
      'after',
      '\nExample:\n  sudo ip netns exec rmdemo-a redmesh capture rmva /tmp/underlay.pcap\n',
    )
    .action(async (iface: string, file: string) => {
      const { startCapture } = await import('../ops/index.js');
      const capture = startCapture(iface, file);
      process.stdout.write(`listening on ${iface}, writing ${file}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      capture.stop();
    });
}
