/** Builders for the server family's command specs; their metadata comes from the command table. */
import { unknownSubcommand, type Reply } from '../../resp/index.js';
import { tableCommand } from '../define.js';
import type { CommandContext, CommandSpec } from '../types.js';

export type Run = (ctx: CommandContext, argv: readonly string[]) => Reply;

/** A server command (or subcommand, 'config|get') whose body reads argv itself. */
export function serverCommand(name: string, run: Run, subcommands?: readonly CommandSpec[]): CommandSpec {
  return tableCommand(name, run, { subcommands });
}

/** A container command (CONFIG, SLOWLOG, …): its own run only answers when no subcommand matched. */
export function containerCommand(name: string, subcommands: readonly CommandSpec[]): CommandSpec {
  return serverCommand(
    name,
    (_ctx, argv) => ({ kind: 'error', message: unknownSubcommand(argv[1] ?? '', name) }),
    subcommands,
  );
}

/**
 * Redis's HELP reply: "<CMD> <subcommand> [<arg> [value] [opt] ...]. Subcommands are:" then lines,
 * then HELP described by `helpText` (SLOWLOG's own says "Prints this help.").
 */
export function helpReply(command: string, lines: readonly string[], helpText = 'Print this help.'): Reply {
  const all = [
    `${command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`,
    ...lines,
    'HELP',
    `    ${helpText}`,
  ];
  return { kind: 'array', items: all.map((value) => ({ kind: 'simple', value })) };
}
