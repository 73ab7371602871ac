import type { Command } from 'commander';

export function registerServer(program: Command): void {
  program
    .command('server')
    .description('server (not built yet)')
    .action(() => {
      process.stderr.write('redmesh server: not built yet\n');
      process.exitCode = 1;
    });
}
