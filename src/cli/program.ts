import { Command } from 'commander';
import { registerCapture } from './capture.js';
import { registerDemo } from './demo.js';
import { registerFirewall } from './firewall.js';
import { registerInit } from './init.js';
import { registerKeygen } from './keygen.js';
import { registerPromote } from './promote.js';
import { registerServer } from './server.js';
import { registerStatus } from './status.js';
import { registerVpn } from './vpn.js';

/** `redmesh <subcommand>`: each subcommand lives in its own file and only parses and prints. */
export async function runCli(argv: readonly string[]): Promise<void> {
  const program = new Command('redmesh')
    .description('Encrypted Redis replication across untrusted networks: mesh VPN + Redis-compatible server')
    .version('0.1.0');

  registerServer(program);
  registerVpn(program);
  registerKeygen(program);
  registerInit(program);
  registerFirewall(program);
  registerStatus(program);
  registerPromote(program);
  registerDemo(program);
  registerCapture(program);
  await program.parseAsync(argv);
}
