import {
  ERR_LFU_NOT_SELECTED,
  ERR_LFU_SELECTED,
  unknownSubcommand,
  wrongArity,
  NULL,
  array,
  bulk,
  error,
  integer,
  simple,
  type Reply,
} from '../../resp/index.js';
import { Evictor, type EvictionPolicy, type EvictionSettings, type Value } from '../../store/index.js';
import { encodingOf, refcountOf } from '../encoding.js';
import { defineCommand, tableCommand } from '../define.js';
import type { CommandContext, CommandResult, CommandSpec, EvictionPort } from '../types.js';

function keyedSubcommand(
  name: string,
  reply: (ctx: CommandContext, value: Value, key: string) => Reply,
): CommandSpec {
  return defineCommand({
    name: `object|${name}`,
    parse: (args) => args.key(),
    apply(ctx, key) {
      // objectCommandLookup: no keymiss event, but the lookup counts in keyspace_hits / misses.
      const value = ctx.db.lookupQuiet(key, ctx.now);
      if (value === undefined) ctx.keyspace.lookups.misses++;
      else ctx.keyspace.lookups.hits++;
      return value === undefined ? NULL : reply(ctx, value, key);
    },
  });
}

/** OBJECT ENCODING key — the internal representation Redis would use (see encodingOf). */
const objectEncoding = keyedSubcommand('encoding', (ctx, value, key) => bulk(encodingOf(ctx, value, key)));

/** OBJECT REFCOUNT key — 2147483647 for Redis's shared small integers, else 1. */
const objectRefcount = keyedSubcommand('refcount', (ctx, value, key) => integer(refcountOf(ctx, value, key)));

/** The eviction bookkeeping, where LRU access times and LFU counters are recorded (if the server has one). */
function evictorOf(ctx: CommandContext): EvictionPort | undefined {
  return ctx.server.eviction;
}

/**
 * OBJECT IDLETIME key — seconds since the key was last used. Access times are recorded only while an
 * LRU maxmemory policy is active (a per-key clock would cost memory on every key otherwise), so
 * without one this replies 0. Under an LFU policy Redis refuses, and so does this.
 */
const objectIdletime = keyedSubcommand('idletime', (ctx, _value, key) => {
  const rc = ctx.server.config;
  if (rc.getString('maxmemory-policy').endsWith('-lfu')) return error(ERR_LFU_SELECTED);
  const last = evictorOf(ctx)?.lastAccess(ctx.client.dbIndex, key);
  return integer(last === undefined ? 0 : Math.max(0, Math.floor((ctx.now - last) / 1000)));
});

/**
 * OBJECT FREQ key — the logarithmic access counter, only under an LFU maxmemory-policy. Counters are
 * recorded while maxmemory is set; a key without a record has Redis's initial value.
 */
const objectFreq = keyedSubcommand('freq', (ctx, _value, key) => {
  const rc = ctx.server.config;
  const policy = rc.getString('maxmemory-policy');
  if (!policy.endsWith('-lfu')) return error(ERR_LFU_NOT_SELECTED);
  const settings: EvictionSettings = {
    maxmemory: rc.getNumber('maxmemory'),
    policy: policy as EvictionPolicy,
    samples: rc.getNumber('maxmemory-samples'),
    lfuLogFactor: rc.getNumber('lfu-log-factor'),
    lfuDecayTime: rc.getNumber('lfu-decay-time'),
  };
  const evictor = evictorOf(ctx) ?? new Evictor(ctx.keyspace);
  return integer(evictor.frequency(settings, ctx.client.dbIndex, key, ctx.now));
});

const HELP_LINES = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
];

/** OBJECT HELP — the subcommand list. */
const objectHelp = defineCommand({
  name: 'object|help',
  parse: () => undefined,
  apply: () => array(HELP_LINES.map((line) => simple(line))),
});

const subcommands: readonly CommandSpec[] = [
  objectEncoding,
  objectFreq,
  objectIdletime,
  objectHelp,
  objectRefcount,
];

/**
 * OBJECT ENCODING|REFCOUNT|IDLETIME|FREQ key, OBJECT HELP — introspection of a key's value. The server
 * dispatches the subcommands; `run` does the same for runners that only know the container.
 */
export const object = tableCommand(
  'object',
  (ctx, argv): CommandResult => {
    const word = (argv[1] as string).toLowerCase();
    const sub = subcommands.find((s) => s.name === `object|${word}`);
    if (sub === undefined) {
      return error(unknownSubcommand(argv[1] as string, 'object'));
    }
    if ((sub.arity > 0 && argv.length !== sub.arity) || argv.length < -sub.arity) {
      return error(wrongArity(sub.name));
    }
    return sub.run(ctx, argv);
  },
  { subcommands },
);
