/**
 * SLOWLOG GET [count]  — newest entries first: [id, time, duration µs, argv, peer, client name]
 * SLOWLOG LEN | RESET | HELP
 */
import {
  ERR_SLOWLOG_COUNT,
  ERR_SUBCOMMAND_SYNTAX,
  array,
  bulk,
  integer,
  OK,
  type Reply,
} from '../../resp/index.js';
import { parseSafeInt } from '../args.js';
import type { ArgCursor } from '../cursor.js';
import { defineCommand } from '../define.js';
import { fail } from '../typed.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { containerCommand, helpReply } from './spec.js';

/** How many entries SLOWLOG GET wants: 10 by default, -1 for all (read only when it is the one argument). */
function parseCount(args: ArgCursor): number {
  if (args.remaining > 1) return fail(ERR_SUBCOMMAND_SYNTAX(args.argv[1] ?? '', args.argv[0] ?? ''));
  if (args.remaining !== 1) return 10;
  const n = parseSafeInt(args.string());
  if (n === undefined || n < -1) return fail(ERR_SLOWLOG_COUNT);
  return n === -1 ? Infinity : n;
}

const slowlogGet = defineCommand({
  name: 'slowlog|get',
  parse: parseCount,
  apply(ctx, count) {
    const entries = ctx.server.slowlog.get(count);
    return array(
      entries.map((e) =>
        array([
          integer(e.id),
          integer(e.time),
          integer(e.durationUs),
          array(e.argv.map(bulk)),
          bulk(e.peer),
          bulk(e.clientName),
        ]),
      ),
    );
  },
});

/** A SLOWLOG subcommand that reads no arguments. */
function bare(name: string, apply: (ctx: CommandContext) => Reply): CommandSpec {
  return defineCommand({ name: `slowlog|${name}`, parse: () => undefined, apply });
}

const HELP = [
  'GET [<count>]',
  '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
  '    Entries are made of:',
  '    id, timestamp, time in microseconds, arguments array, client IP and port,',
  '    client name',
  'LEN',
  '    Return the length of the slowlog.',
  'RESET',
  '    Reset the slowlog.',
];

export const slowlogCommand: CommandSpec = containerCommand('slowlog', [
  slowlogGet,
  bare('len', (ctx) => integer(ctx.server.slowlog.length)),
  bare('reset', (ctx) => {
    ctx.server.slowlog.reset();
    return OK;
  }),
  bare('help', () => helpReply('SLOWLOG', HELP, 'Prints this help.')),
]);
