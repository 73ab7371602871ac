/**
 * CONFIG GET parameter [parameter ...]   — name/value pairs (a map in RESP3); glob patterns
 * CONFIG SET parameter value [parameter value ...] — all or nothing
 * CONFIG RESETSTAT                        — zero INFO's counters, the slow log, command stats
 * CONFIG REWRITE                          — write the live config back into the config file
 * CONFIG HELP
 */
import { wrongArity, OK, bulk, error, map, type Reply } from '../../resp/index.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { ALL_NODES_SUCCEEDED, containerCommand, helpReply, serverCommand, withTips } from './spec.js';

const ADMIN = ['admin', 'noscript', 'loading', 'stale'] as const;
const CATEGORIES = ['admin', 'slow', 'dangerous'];

function configGet(ctx: CommandContext, argv: readonly string[]): Reply {
  const pairs = ctx.server.configAdmin.getMatching(argv.slice(2));
  return map(pairs.map(([k, v]) => [bulk(k), bulk(v)] as const));
}

function configSet(ctx: CommandContext, argv: readonly string[]): Reply {
  if (argv.length % 2 !== 0) return error(wrongArity('config|set'));
  const pairs: [string, string][] = [];
  for (let i = 2; i < argv.length; i += 2) pairs.push([argv[i] as string, argv[i + 1] as string]);
  const failure = ctx.server.configAdmin.set(pairs);
  if (failure === undefined) return OK;
  if (failure.kind === 'unknown') {
    return error(`ERR Unknown option or number of arguments for CONFIG SET - '${failure.argument}'`);
  }
  return error(
    `ERR CONFIG SET failed (possibly related to argument '${failure.argument}') - ${failure.message}`,
  );
}

function configResetStat(ctx: CommandContext): Reply {
  const s = ctx.server.stats;
  s.totalConnectionsReceived = 0;
  s.totalCommandsProcessed = 0;
  s.rejectedConnections = 0;
  s.keyspaceHits = 0;
  s.keyspaceMisses = 0;
  s.expiredKeys = 0;
  s.evictedKeys = 0;
  s.totalNetInputBytes = 0;
  s.totalNetOutputBytes = 0;
  s.clientOutputBufferLimitDisconnections = 0;
  ctx.server.commandStats.reset();
  ctx.server.slowlog.reset();
  return OK;
}

function configRewrite(ctx: CommandContext): Reply {
  const problem = ctx.server.configAdmin.rewrite();
  return problem === undefined ? OK : error(`ERR ${problem}`);
}

const HELP = [
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
];

export const configCommand: CommandSpec = containerCommand('config', [
  serverCommand('config|get', -3, ['admin', 'noscript', 'loading', 'stale'], CATEGORIES, configGet),
  withTips(
    serverCommand('config|set', -4, ['admin', 'noscript', 'loading', 'stale'], CATEGORIES, configSet),
    ALL_NODES_SUCCEEDED,
  ),
  serverCommand('config|resetstat', 2, ADMIN, CATEGORIES, configResetStat),
  serverCommand('config|rewrite', 2, ADMIN, CATEGORIES, configRewrite),
  serverCommand('config|help', 2, ['loading', 'stale'], ['slow'], () => helpReply('CONFIG', HELP)),
]);
