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
  ERR_SYNTAX,
  OK,
  bulk,
  error,
  map,
  type Reply,
} from '../../resp/index.js';
import type { ArgCursor } from '../cursor.js';
import { defineCommand } from '../define.js';
import { fail } from '../typed.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { containerCommand, helpReply } from './spec.js';

/** CONFIG GET's parameters: names or glob patterns, one or more. */
const configGet = defineCommand({
  name: 'config|get',
  parse: (args) => args.rest(),
  apply(ctx, patterns) {
    const pairs = ctx.server.configAdmin.getMatching(patterns);
    return map(pairs.map(([k, v]) => [bulk(k), bulk(v)] as const));
  },
});

/** CONFIG SET's parameter/value pairs; a parameter without its value is a syntax error (Redis: argc & 1). */
function parseConfigSet(args: ArgCursor): [string, string][] {
  if (args.remaining % 2 !== 0) return fail(ERR_SYNTAX);
  const pairs: [string, string][] = [];
  while (!args.done) pairs.push([args.string(), args.string()]);
  return pairs;
}

const configSet = defineCommand({
  name: 'config|set',
  parse: parseConfigSet,
  apply(ctx, pairs) {
    const failure = ctx.server.configAdmin.set(pairs);
    if (failure === undefined) return OK;
    if (failure.kind === 'unknown') return error(ERR_CONFIG_SET_UNKNOWN(failure.argument));
    return error(ERR_CONFIG_SET_FAILED(failure.argument, failure.message));
  },
});

function configResetStat(ctx: CommandContext): Reply {
  const s = ctx.server.stats;
  s.totalConnectionsReceived = 0;
  s.totalCommandsProcessed = 0;
  s.rejectedConnections = 0;
  s.keyspaceHits = 0;
  s.keyspaceMisses = 0;
  ctx.keyspace.lookups.hits = 0;
  ctx.keyspace.lookups.misses = 0;
  s.expiredKeys = 0;
  s.evictedKeys = 0;
  s.totalNetInputBytes = 0;
  s.totalNetOutputBytes = 0;
  s.clientOutputBufferLimitDisconnections = 0;
  ctx.server.commandStats.reset();
  ctx.server.latency.resetHistograms();
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

const noArguments = (): undefined => undefined;

export const configCommand: CommandSpec = containerCommand('config', [
  configGet,
  configSet,
  defineCommand({ name: 'config|resetstat', parse: noArguments, apply: configResetStat }),
  defineCommand({ name: 'config|rewrite', parse: noArguments, apply: configRewrite }),
  defineCommand({
    name: 'config|help',
    parse: noArguments,
    apply: () => helpReply('CONFIG', HELP, 'Prints this help.'),
  }),
]);
