import type { Command } from 'commander';
import { generateNodeKey, generatePsk, publicKeyOf } from '../vpn/index.js';

interface KeygenFlags {
  readonly node?: boolean;
  readonly public?: boolean;
}

/**
 * `redmesh keygen`: prints a new PSK like `openssl rand -base64 382 | tr -d '\n'` (no trailing newline).
 * `redmesh keygen --node`: a new private node key (for `nodekey`), like `wg genkey`.
 * `redmesh keygen --public < key`: the public key of a private node key on stdin (for `allowednodes`),
 * like `wg pubkey`.
 */
export function registerKeygen(program: Command): void {
  program
    .command('keygen')
    .description(
      "print a new VPN pre-shared key (like `openssl rand -base64 382 | tr -d '\\n'`); " +
        '--node: a private node key; --public: the public key of the node key on stdin',
    )
    .option('--node', 'print a new private node key (for the nodekey option)')
    .option('--public', 'read a private node key on stdin, print its public key (for allowednodes)')
    .action(async (flags: KeygenFlags) => {
      if (flags.node === true && flags.public === true) {
        process.stderr.write('redmesh keygen: --node and --public do not go together\n');
        process.exitCode = 2;
        return;
      }
      if (flags.node === true) {
        process.stdout.write(`${generateNodeKey()}\n`);
        return;
      }
      if (flags.public === true) {
        let text = '';
        for await (const chunk of process.stdin) text += String(chunk);
        try {
          process.stdout.write(`${publicKeyOf(text)}\n`);
        } catch (err) {
          process.stderr.write(`redmesh keygen --public: ${(err as Error).message}\n`);
          process.exitCode = 1;
        }
        return;
      }
      process.stdout.write(generatePsk());
    });
}
