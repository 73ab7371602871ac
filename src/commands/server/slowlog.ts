/**
 * SLOWLOG GET [count]  — newest entries first: [id, time, duration µs, argv, peer, client name]
 * SLOWLOG LEN | RESET | HELP
 */
import { ERR_SLOWLOG_COUNT, array, bulk, error, integer, OK, type Reply } from '../../resp/index.js';
import { parseSafeInt } from '../args.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { containerCommand, helpReply, serverCommand } from './spec.js';

function slowlogGet(ctx: CommandContext, argv: readonly string[]): Reply {
  let count = 10;
  if (argv.length === 3) {
    const n = parseSafeInt(argv[2] as string);
    if (n === undefined || n < -1) return error(ERR_SLOWLOG_COUNT);
    count = n === -1 ? Infinity : n;
  }
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
  serverCommand('slowlog|get', slowlogGet),
  serverCommand('slowlog|len', (ctx) => integer(ctx.server.slowlog.length)),
  serverCommand('slowlog|reset', (ctx) => {
    ctx.server.slowlog.reset();
    return OK;
  }),
  serverCommand('slowlog|help', () => helpReply('SLOWLOG', HELP)),
]);
