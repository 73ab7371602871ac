import { ERR_LFU_NOT_SELECTED, wrongArity } from '../../resp/errors.js';
import { NULL, array, error, integer, simple, type Reply } from '../../resp/reply.js';
import type { Value } from '../../store/index.js';
import { parseInt64 } from '../args.js';
import type { CommandContext, CommandSpec } from '../types.js';

/** Redis OBJ_SHARED_INTEGERS: small non-negative ints share one object with this refcount. */
const SHARED_INTEGERS = 10000;
const SHARED_REFCOUNT = 2147483647;
/** OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
const EMBSTR_LIMIT = 44;

/** Redis 7.0 defaults of the encoding thresholds, overridable through the config's directives. */
const THRESHOLDS = {
  'hash-max-listpack-entries': 128,
  'hash-max-listpack-value': 64,
  'set-max-intset-entries': 512,
} as const;

function threshold(ctx: CommandContext, name: keyof typeof THRESHOLDS): number {
  const configured = Number(ctx.server.config.extra.get(name));
  return Number.isFinite(configured) && configured >= 0 ? configured : THRESHOLDS[name];
}

/** Redis tryObjectEncoding: a string that reads as a long (≤ 20 chars) is stored as an int. */
function isIntEncodable(value: string): boolean {
  return value.length <= 20 && parseInt64(value) !== undefined;
}

function allShort(values: Iterable<string>, limit: number): boolean {
  for (const v of values) if (v.length > limit) return false;
  return true;
}

/**
 * The encoding Redis 7.0 would report for this value. It is derived from the current contents with
 * Redis's thresholds; Redis never converts back (a hash that once outgrew listpack stays hashtable,
 * an appended string stays raw), which this does not track.
 */
export function encodingOf(ctx: CommandContext, value: Value): string {
  if (typeof value === 'string') {
    if (isIntEncodable(value)) return 'int';
    return value.length <= EMBSTR_LIMIT ? 'embstr' : 'raw';
  }
  switch (value.type) {
    case 'list':
      return 'quicklist';
    case 'hash': {
      const limit = threshold(ctx, 'hash-max-listpack-value');
      const small =
        value.fields.size <= threshold(ctx, 'hash-max-listpack-entries') &&
        allShort(value.fields.keys(), limit) &&
        allShort(value.fields.values(), limit);
      return small ? 'listpack' : 'hashtable';
    }
    case 'set': {
      if (value.members.size > threshold(ctx, 'set-max-intset-entries')) return 'hashtable';
      for (const m of value.members) if (parseInt64(m) === undefined) return 'hashtable';
      return 'intset';
    }
    case 'zset':
      // The sorted-set container tracks its own encoding, conversions included.
      return value.zset.encoding;
  }
}

function refcountOf(value: Value): number {
  if (typeof value === 'string' && isIntEncodable(value)) {
    const n = parseInt64(value);
    if (typeof n === 'number' && n >= 0 && n < SHARED_INTEGERS) return SHARED_REFCOUNT;
  }
  return 1;
}

function keyedSubcommand(name: string, reply: (ctx: CommandContext, value: Value) => Reply): CommandSpec {
  return {
    name: `object|${name}`,
    arity: 3,
    flags: ['readonly'],
    firstKey: 2,
    lastKey: 2,
    step: 1,
    categories: ['keyspace', 'read', 'slow'],
    run(ctx, argv): Reply {
      const value = ctx.db.lookupRead(argv[2] as string, ctx.now);
      return value === undefined ? NULL : reply(ctx, value);
    },
  };
}

/** OBJECT ENCODING key — the internal representation Redis would use (see encodingOf). */
const objectEncoding = keyedSubcommand('encoding', (ctx, value) => simple(encodingOf(ctx, value)));

/** OBJECT REFCOUNT key — 2147483647 for Redis's shared small integers, else 1. */
const objectRefcount = keyedSubcommand('refcount', (_ctx, value) => integer(refcountOf(value)));

/**
 * OBJECT IDLETIME key — seconds since the key was last accessed. Not tracked: a per-key access
 * clock would cost memory on every key, so this replies 0 (known gap, see the notes of issue 2).
 */
const objectIdletime = keyedSubcommand('idletime', () => integer(0));

/** OBJECT FREQ key — only meaningful under an LFU maxmemory-policy, which redmesh does not implement. */
const objectFreq = keyedSubcommand('freq', () => error(ERR_LFU_NOT_SELECTED));

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
const objectHelp: CommandSpec = {
  name: 'object|help',
  arity: 2,
  flags: ['loading', 'stale'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  categories: ['keyspace', 'slow'],
  run: () => array(HELP_LINES.map((line) => simple(line))),
};

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
export const object: CommandSpec = {
  name: 'object',
  arity: -2,
  flags: [],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  categories: ['slow'],
  subcommands,
  run(ctx, argv): Reply {
    const word = (argv[1] as string).toLowerCase();
    const sub = subcommands.find((s) => s.name === `object|${word}`);
    if (sub === undefined) {
      return error(`ERR unknown subcommand '${(argv[1] as string).slice(0, 128)}'. Try OBJECT HELP.`);
    }
    if ((sub.arity > 0 && argv.length !== sub.arity) || argv.length < -sub.arity) {
      return error(wrongArity(sub.name));
    }
    return sub.run(ctx, argv) as Reply;
  },
};
