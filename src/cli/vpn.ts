import type { Command } from 'commander';

export function registerVpn(program: Command): void {
  program
    .command('vpn')
    .description('vpn (not built yet)')
    .action(() => {
      process.stderr.write('redmesh vpn: not built yet\n');
      process.exitCode = 1;
    });
}
