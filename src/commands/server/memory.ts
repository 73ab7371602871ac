/**
 * MEMORY USAGE key [SAMPLES count] — estimated bytes of the key and its value (null when absent)
 * MEMORY STATS | DOCTOR | HELP
 */
import { memoryUsage } from 'node:process';
import { compactGarbage } from '../../platform/index.js';
import {
  ERR_NOT_INTEGER,
  ERR_SYNTAX,
  NULL,
  bulk,
  integer,
  map,
  verbatim,
  type Reply,
} from '../../resp/index.js';
import { BASELINE_BYTES, datasetBytes, estimateKeyBytes } from '../../store/index.js';
import { parseSafeInt } from '../args.js';
import { defineCommand } from '../define.js';
import { fail } from '../typed.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { containerCommand, helpReply } from './spec.js';

const memoryUsageCmd = defineCommand({
  name: 'memory|usage',
  parse(args) {
    const key = args.key();
    let samples = 5;
    if (args.remaining === 2 && args.option('SAMPLES')) {
      const n = parseSafeInt(args.string());
      if (n === undefined) return fail(ERR_NOT_INTEGER);
      if (n < 0) return fail(ERR_SYNTAX);
      samples = n;
    }
    args.end();
    return { key, samples };
  },
  apply(ctx, { key, samples }) {
    // Redis memoryCommand finds the key in the dict itself: an expired key is measured, not expired.
    const value = ctx.db.peek(key);
    return value === undefined ? NULL : integer(estimateKeyBytes(key, value, samples));
  },
});

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

/** A MEMORY subcommand that reads no arguments. */
function bare(name: string, apply: (ctx: CommandContext) => Reply): CommandSpec {
  return defineCommand({ name: `memory|${name}`, parse: () => undefined, apply });
}

export const memoryCommand: CommandSpec = containerCommand('memory', [
  memoryUsageCmd,
  bare('stats', memoryStats),
  bare('doctor', memoryDoctor),
  // Redis asks jemalloc to return dirty pages; here a full, compacting collection frees what the
  // data dropped and gives back the pages deletes and evictions left partly empty.
  bare('purge', () => {
    compactGarbage();
    return { kind: 'simple', value: 'OK' };
  }),
  bare('malloc-stats', () => verbatim('Stats not supported for the current allocator')),
  bare('help', () => helpReply('MEMORY', HELP, 'Prints this help.')),
]);
