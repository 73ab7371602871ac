/** Builders for the server family's command specs (no keys unless said). */
import { unknownSubcommand, type Reply } from '../../resp/index.js';
import type { CommandContext, CommandFlag, CommandSpec } from '../types.js';

export type Run = (ctx: CommandContext, argv: readonly string[]) => Reply;

export function serverCommand(
  name: string,
  arity: number,
  flags: readonly CommandFlag[],
  categories: readonly string[],
  run: Run,
  subcommands?: readonly CommandSpec[],
): CommandSpec {
  return { name, arity, flags, firstKey: 0, lastKey: 0, step: 0, categories, run, subcommands };
}

/** A container command (CONFIG, SLOWLOG, …): its own run only answers when no subcommand matched. */
export function containerCommand(name: string, subcommands: readonly CommandSpec[]): CommandSpec {
  return serverCommand(
    name,
    -2,
    [],
    ['slow'],
    (_ctx, argv) => ({ kind: 'error', message: unknownSubcommand(argv[1] ?? '', name) }),
    subcommands,
  );
}

/** Redis's HELP reply: "<CMD> <subcommand> [<arg> ...]. Subcommands are:" then lines. */
export function helpReply(command: string, lines: readonly string[]): Reply {
  const all = [
    `${command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`,
    ...lines,
    'HELP',
    '    Print this help.',
  ];
  return { kind: 'array', items: all.map((value) => ({ kind: 'simple', value })) };
}

/** The same spec with COMMAND INFO tips (Redis 7.0's, for cluster-aware clients). */
export function withTips(spec: CommandSpec, tips: readonly string[]): CommandSpec {
  return { ...spec, tips };
}

export const NONDETERMINISTIC = 'nondeterministic_output';
export const ALL_NODES_SUCCEEDED = ['request_policy:all_nodes', 'response_policy:all_succeeded'] as const;
