/**
 * SLOWLOG GET [count]  — newest entries first: [id, time, duration µs, argv, peer, client name]
 * SLOWLOG LEN | RESET | HELP
 */
import { array, bulk, error, integer, OK, type Reply } from '../../resp/index.js';
import { parseSafeInt } from '../args.js';
import type { CommandContext, CommandSpec } from '../types.js';
import {
  ALL_NODES_SUCCEEDED,
  NONDETERMINISTIC,
  containerCommand,
  helpReply,
  serverCommand,
  withTips,
} from './spec.js';

function slowlogGet(ctx: CommandContext, argv: readonly string[]): Reply {
  let count = 10;
  if (argv.length === 3) {
    const n = parseSafeInt(argv[2] as string);
    if (n === undefined || n < -1) return error('ERR count should be greater than or equal to -1');
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

const FLAGS = ['admin', 'loading', 'stale'] as const;
const CATS = ['admin', 'slow', 'dangerous'];

export const slowlogCommand: CommandSpec = containerCommand('slowlog', [
  withTips(serverCommand('slowlog|get', -2, FLAGS, CATS, slowlogGet), [
    'request_policy:all_nodes',
    NONDETERMINISTIC,
  ]),
  withTips(
    serverCommand('slowlog|len', 2, FLAGS, CATS, (ctx) => integer(ctx.server.slowlog.length)),
    ['request_policy:all_nodes', 'response_policy:agg_sum', NONDETERMINISTIC],
  ),
  withTips(
    serverCommand('slowlog|reset', 2, FLAGS, CATS, (ctx) => {
      ctx.server.slowlog.reset();
      return OK;
    }),
    ALL_NODES_SUCCEEDED,
  ),
  serverCommand('slowlog|help', 2, ['loading', 'stale'], ['slow'], () => helpReply('SLOWLOG', HELP)),
]);
