/**
 * CONFIG GET parameter [parameter ...]   — name/value pairs (a map in RESP3); glob patterns
 * CONFIG SET parameter value [parameter value ...] — all or nothing
 * CONFIG RESETSTAT                        — zero INFO's counters, the slow log, command stats
 * CONFIG REWRITE                          — write the live config back into the config file
 * CONFIG HELP
 */
import {
  ERR_CONFIG_REWRITE,
  ERR_CONFIG_SET_FAILED,
  ERR_CONFIG_SET_UNKNOWN,
  wrongArity,
  OK,
  bulk,
  error,
  map,
  type Reply,
} from '../../resp/index.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { containerCommand, helpReply, serverCommand } from './spec.js';

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
    return error(ERR_CONFIG_SET_UNKNOWN(failure.argument));
  }
  return error(ERR_CONFIG_SET_FAILED(failure.argument, failure.message));
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
  return problem === undefined ? OK : error(ERR_CONFIG_REWRITE(problem));
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
  serverCommand('config|get', configGet),
  serverCommand('config|set', configSet),
  serverCommand('config|resetstat', configResetStat),
  serverCommand('config|rewrite', configRewrite),
  serverCommand('config|help', () => helpReply('CONFIG', HELP)),
]);
