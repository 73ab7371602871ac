/**
 * MEMORY USAGE key [SAMPLES count] — estimated bytes of the key and its value (null when absent)
 * MEMORY STATS | DOCTOR | HELP
 */
import { memoryUsage } from 'node:process';
import { collectGarbage } from '../../platform/index.js';
import { ERR_SYNTAX, NULL, bulk, error, integer, map, verbatim, type Reply } from '../../resp/index.js';
import { BASELINE_BYTES, datasetBytes, estimateKeyBytes } from '../../store/index.js';
import { isOption, parseSafeInt } from '../args.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { NONDETERMINISTIC, containerCommand, helpReply, serverCommand, withTips } from './spec.js';

function memoryUsageCmd(ctx: CommandContext, argv: readonly string[]): Reply {
  let samples = 5;
  if (argv.length === 5 && isOption(argv[3], 'SAMPLES')) {
    const n = parseSafeInt(argv[4] as string);
    if (n === undefined || n < 0) return error('ERR value is not an integer or out of range');
    samples = n;
  } else if (argv.length !== 3) {
    return error(ERR_SYNTAX);
  }
  const key = argv[2] as string;
  const value = ctx.db.lookupRead(key, ctx.now);
  return value === undefined ? NULL : integer(estimateKeyBytes(key, value, samples));
}

function memoryStats(ctx: CommandContext): Reply {
  const mu = memoryUsage();
  const dataset = datasetBytes(ctx.keyspace);
  const keys = ctx.keyspace.databases.reduce((n, db) => n + db.size, 0);
  return map([
    [bulk('peak.allocated'), integer(mu.heapTotal)],
    [bulk('total.allocated'), integer(BASELINE_BYTES + dataset)],
    [bulk('startup.allocated'), integer(BASELINE_BYTES)],
    [bulk('keys.count'), integer(keys)],
    [bulk('keys.bytes-per-key'), integer(keys === 0 ? 0 : Math.round(dataset / keys))],
    [bulk('dataset.bytes'), integer(dataset)],
  ]);
}

function memoryDoctor(ctx: CommandContext): Reply {
  const keys = ctx.keyspace.databases.reduce((n, db) => n + db.size, 0);
  return verbatim(
    keys === 0
      ? "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting."
      : "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.",
  );
}

const HELP = [
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
];

const SHARDS_SPECIAL = [NONDETERMINISTIC, 'request_policy:all_shards', 'response_policy:special'];

export const memoryCommand: CommandSpec = containerCommand('memory', [
  {
    ...serverCommand('memory|usage', -3, ['readonly'], ['read', 'slow'], memoryUsageCmd),
    firstKey: 2,
    lastKey: 2,
    step: 1,
  },
  withTips(serverCommand('memory|stats', 2, [], ['slow'], memoryStats), SHARDS_SPECIAL),
  withTips(serverCommand('memory|doctor', 2, [], ['slow'], memoryDoctor), SHARDS_SPECIAL),
  withTips(
    // Redis asks jemalloc to return dirty pages; here a full collection frees what the data dropped.
    serverCommand('memory|purge', 2, [], ['slow'], () => {
      collectGarbage();
      return { kind: 'simple', value: 'OK' };
    }),
    ['request_policy:all_shards', 'response_policy:all_succeeded'],
  ),
  withTips(
    serverCommand('memory|malloc-stats', 2, [], ['slow'], () =>
      verbatim('Stats not supported for the current allocator'),
    ),
    SHARDS_SPECIAL,
  ),
  serverCommand('memory|help', 2, ['loading', 'stale'], ['slow'], () => helpReply('MEMORY', HELP)),
]);
