import type { Command } from 'commander';
import { generatePsk } from '../vpn/index.js';

/** `redmesh keygen`: prints a new PSK like `openssl rand -base64 382 | tr -d '\n'` (no trailing newline). */
export function registerKeygen(program: Command): void {
  program
    .command('keygen')
    .description("print a new VPN pre-shared key (like `openssl rand -base64 382 | tr -d '\\n'`)")
    .action(() => {
      process.stdout.write(generatePsk());
    });
}
