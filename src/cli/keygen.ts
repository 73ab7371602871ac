import type { Command } from 'commander';

export function registerKeygen(program: Command): void {
  program
    .command('keygen')
    .description('keygen (not built yet)')
    .action(() => {
      process.stderr.write('redmesh keygen: not built yet\n');
      process.exitCode = 1;
    });
}
