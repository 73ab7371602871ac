/**
 * COMMAND                         — every command's info
 * COMMAND COUNT | LIST [FILTERBY MODULE m | ACLCAT c | PATTERN p] | INFO [name ...] | DOCS [name ...]
 * COMMAND GETKEYS cmd [arg ...]   — the keys a command line touches
 * Replies have Redis 7.0's shape, built from the command specs, whose metadata (arity, flags, key
 * positions, ACL categories, tips, key specs) comes from the generated table (../table.generated.ts).
 * DOCS is Redis 7.0's own text (../docs.generated.ts, copied from a real redis-server).
 */
import { REDIS_COMMAND_DOCS, type DocNode } from '../docs.generated.js';
import {
  ERR_SYNTAX,
  unknownSubcommand,
  ERR_GETKEYS_INVALID_COMMAND,
  ERR_GETKEYS_NO_KEYS,
  ERR_GETKEYS_ARITY,
  ERR_GETKEYS_INVALID_ARGS,
  NULL,
  array,
  bulk,
  error,
  integer,
  map,
  set,
  simple,
  type Reply,
} from '../../resp/index.js';
import { globMatch } from '../../store/index.js';
import type { CommandContext, CommandSpec, KeySpecData } from '../types.js';
import { defineCommand } from '../define.js';
import { fail } from '../typed.js';
import { helpReply, serverCommand } from './spec.js';

/** A key spec as a RESP reply: a map whose values keep Redis's types (ints stay ints). */
function keySpecReply(k: KeySpecData): Reply {
  const search = (s: KeySpecData['begin_search']): Reply =>
    map([
      [bulk('type'), bulk(s.type)],
      [
        bulk('spec'),
        map(
          Object.entries(s.spec).map(
            ([name, v]) => [bulk(name), typeof v === 'number' ? integer(v) : bulk(v)] as const,
          ),
        ),
      ],
    ]);
  const entries: (readonly [Reply, Reply])[] = [];
  if (k.notes !== undefined) entries.push([bulk('notes'), bulk(k.notes)]);
  entries.push([bulk('flags'), set(k.flags.map(simple))]);
  entries.push([bulk('begin_search'), search(k.begin_search)]);
  entries.push([bulk('find_keys'), search(k.find_keys)]);
  return map(entries);
}

/** Key specs for a command without an entry in Redis's table: derived from its key positions. */
function derivedKeySpecs(spec: CommandSpec): KeySpecData[] {
  if (spec.firstKey <= 0) return [];
  const lastkey = spec.lastKey < 0 ? spec.lastKey : spec.lastKey - spec.firstKey;
  return [
    {
      flags: spec.flags.includes('write') ? ['RW', 'update'] : ['RO', 'access'],
      begin_search: { type: 'index', spec: { index: spec.firstKey } },
      find_keys: { type: 'range', spec: { lastkey, keystep: spec.step, limit: 0 } },
    },
  ];
}

/** Redis 7.0's key specs for the command (from the table), else ones derived from its positions. */
function keySpecsOf(spec: CommandSpec): readonly KeySpecData[] {
  return spec.keySpecs ?? derivedKeySpecs(spec);
}

function keySpecs(spec: CommandSpec): Reply {
  return array(keySpecsOf(spec).map(keySpecReply));
}

/**
 * Where a key spec's search begins: its index, or (keyword specs, GEORADIUS … STORE key) the
 * argument after the first occurrence of the keyword searched from `startfrom`, as Redis 7.0 does.
 */
function searchBegin(k: KeySpecData, line: readonly string[]): number | undefined {
  const spec = k.begin_search.spec;
  if (k.begin_search.type === 'index') return typeof spec.index === 'number' ? spec.index : undefined;
  if (k.begin_search.type !== 'keyword') return undefined;
  const { keyword, startfrom } = spec;
  if (typeof keyword !== 'string' || typeof startfrom !== 'number') return undefined;
  const forward = startfrom > 0;
  const start = forward ? startfrom : line.length + startfrom;
  const end = forward ? line.length - 1 : 0;
  for (let i = start; i !== end && i >= 1 && i < line.length; i += forward ? 1 : -1) {
    if ((line[i] as string).toLowerCase() === keyword.toLowerCase()) return i + 1;
  }
  return undefined;
}

/** Whether key spec `k` covers argv position `pos` (index/keyword + range or keynum specs; others never). */
function specCovers(k: KeySpecData, line: readonly string[], pos: number): boolean {
  const begin = searchBegin(k, line);
  if (begin === undefined) return false;
  const f = k.find_keys.spec;
  if (k.find_keys.type === 'range') {
    const { lastkey, keystep } = f;
    if (typeof lastkey !== 'number' || typeof keystep !== 'number') return false;
    const end = lastkey >= 0 ? begin + lastkey : line.length + lastkey;
    return pos >= begin && pos <= end && (pos - begin) % Math.max(1, keystep) === 0;
  }
  if (k.find_keys.type === 'keynum') {
    const { keynumidx, firstkey, keystep } = f;
    if (typeof keynumidx !== 'number' || typeof firstkey !== 'number' || typeof keystep !== 'number') {
      return false;
    }
    const count = Number(line[begin + keynumidx]);
    const first = begin + firstkey;
    const step = Math.max(1, keystep);
    return (
      Number.isSafeInteger(count) && pos >= first && pos < first + count * step && (pos - first) % step === 0
    );
  }
  return false;
}

/**
 * Key specs marked variable_flags get their real flags from the command line, as Redis 7.0's getkeys
 * procs do: SET only reads the old value with GET; BITFIELD only writes with SET or INCRBY.
 */
function variableFlags(
  name: string,
  line: readonly string[],
  declared: readonly string[],
): readonly string[] {
  // Options start after the value for SET (argv[3]) and after the key for BITFIELD (argv[2]).
  const has = (from: number, ...words: string[]): boolean =>
    line.slice(from).some((a) => words.includes(a.toLowerCase()));
  if (name === 'set') return has(3, 'get') ? ['RW', 'access', 'update'] : ['OW', 'update'];
  if (name === 'bitfield') {
    return has(2, 'set', 'incrby') ? ['RW', 'access', 'update'] : ['RO', 'access'];
  }
  return declared;
}

/** One key of a command line and the key-spec flags that apply to it (RW, access, update…). */
export interface KeyAccess {
  readonly key: string;
  /** The key's index in argv. */
  readonly pos: number;
  readonly flags: readonly string[];
}

/**
 * The keys of a command line with their flags (COMMAND GETKEYSANDFLAGS, ACL key checks): those of the
 * key spec that covers its position (as Redis reports them), else the first spec's. Keys are located
 * in argv in order, as keysOf returns them.
 */
export function keyAccess(spec: CommandSpec, line: readonly string[]): KeyAccess[] {
  return keysWithFlags(spec, line, keysOf(spec, line));
}

function keysWithFlags(spec: CommandSpec, line: readonly string[], keys: readonly string[]): KeyAccess[] {
  const specs = keySpecsOf(spec);
  const out: KeyAccess[] = [];
  let from = 1;
  for (const key of keys) {
    let pos = line.indexOf(key, from);
    if (pos < 0) pos = line.indexOf(key, 1); // keys found by later specs may come earlier in argv
    if (pos < 0) pos = from;
    from = pos + 1;
    let flags = specs.find((k) => specCovers(k, line, pos))?.flags ?? specs[0]?.flags ?? [];
    // SORT's STORE key has a spec of unknown position: sortGetKeys flags it as that spec says (OW).
    if (spec.name.toLowerCase() === 'sort' && pos > 1) {
      flags = specs.find((k) => k.flags.includes('OW'))?.flags ?? flags;
    }
    if (flags.includes('variable_flags')) flags = variableFlags(spec.name.toLowerCase(), line, flags);
    out.push({ key, pos, flags });
  }
  return out;
}

/** One COMMAND INFO entry: name, arity, flags, first, last, step, categories, tips, key specs, subcommands. */
export function commandInfo(spec: CommandSpec): Reply {
  return array([
    bulk(spec.name.toLowerCase()),
    integer(spec.arity),
    set(spec.flags.map(simple)),
    integer(spec.firstKey),
    integer(spec.lastKey),
    integer(spec.step),
    set((spec.categories ?? []).map((c) => simple(`@${c}`))),
    array((spec.tips ?? []).map(bulk)),
    keySpecs(spec),
    array((spec.subcommands ?? []).map(commandInfo)),
  ]);
}

/** Finds "get" or "config|get" in the table. */
function findCommand(ctx: CommandContext, name: string): CommandSpec | undefined {
  const lower = name.toLowerCase();
  const [base, sub] = lower.split('|', 2);
  const spec = ctx.server.commands.get(base ?? '');
  if (sub === undefined || spec === undefined) return spec;
  return spec.subcommands?.find((s) => s.name.toLowerCase() === lower || s.name.toLowerCase() === sub);
}

function allSpecs(ctx: CommandContext): CommandSpec[] {
  return [...ctx.server.commands.values()];
}

function commandAll(ctx: CommandContext): Reply {
  return array(allSpecs(ctx).map(commandInfo));
}

/** COMMAND INFO [name ...] — every command's entry when no name is given. */
const commandInfoCmd = defineCommand({
  name: 'command|info',
  parse: (args) => args.rest(),
  apply(ctx, names) {
    if (names.length === 0) return commandAll(ctx);
    return array(
      names.map((n) => {
        const spec = findCommand(ctx, n);
        return spec === undefined ? NULL : commandInfo(spec);
      }),
    );
  },
});

function withSubcommands(specs: readonly CommandSpec[]): CommandSpec[] {
  return specs.flatMap((s) => [s, ...(s.subcommands ?? [])]);
}

/** COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern] */
const commandList = defineCommand({
  name: 'command|list',
  parse(args) {
    if (args.done) return undefined;
    if (args.remaining !== 3 || !args.option('FILTERBY')) return fail(ERR_SYNTAX);
    return { kind: args.oneOf('MODULE', 'ACLCAT', 'PATTERN'), value: args.string() };
  },
  apply(ctx, filter) {
    const specs = withSubcommands(allSpecs(ctx));
    if (filter === undefined) return array(specs.map((s) => bulk(s.name.toLowerCase())));
    const { kind, value } = filter;
    let keep: (s: CommandSpec) => boolean;
    if (kind === 'MODULE') keep = () => false;
    else if (kind === 'ACLCAT') keep = (s) => (s.categories ?? []).includes(value.toLowerCase());
    else keep = (s) => globMatch(value, s.name.toLowerCase(), true);
    return array(specs.filter(keep).map((s) => bulk(s.name.toLowerCase())));
  },
});

function groupOf(spec: CommandSpec): string {
  const cats = spec.categories ?? [];
  for (const [cat, group] of [
    ['string', 'string'],
    ['list', 'list'],
    ['hash', 'hash'],
    ['set', 'set'],
    ['sortedset', 'sorted_set'],
    ['pubsub', 'pubsub'],
    ['transaction', 'transactions'],
    ['connection', 'connection'],
    ['keyspace', 'generic'],
  ] as const) {
    if (cats.includes(cat)) return group;
  }
  return 'server';
}

function isDocArray(node: DocNode): node is readonly DocNode[] {
  return Array.isArray(node);
}

/** A generated COMMAND DOCS node as the reply it was (see docs.generated.ts). */
function docReply(node: DocNode): Reply {
  if (typeof node === 'string') return bulk(node);
  if (typeof node === 'number') return integer(node);
  if (isDocArray(node)) return array(node.map(docReply));
  if ('m' in node) return map(node.m.map(([k, v]) => [docReply(k), docReply(v)] as const));
  if ('s' in node) return set(node.s.map(docReply));
  return simple(node.st);
}

/** Redis 7.0's docs of a command or subcommand ('config|get' is found in CONFIG's subcommands map). */
function generatedDocs(name: string): DocNode | undefined {
  const [base, sub] = name.split('|', 2);
  const top = REDIS_COMMAND_DOCS[base ?? ''];
  if (sub === undefined || top === undefined) return top;
  if (typeof top !== 'object' || !('m' in top)) return undefined;
  const subs = top.m.find(([k]) => k === 'subcommands')?.[1];
  if (subs === undefined || typeof subs !== 'object' || !('m' in subs)) return undefined;
  return subs.m.find(([k]) => k === name)?.[1];
}

function docs(spec: CommandSpec): Reply {
  const generated = generatedDocs(spec.name.toLowerCase());
  if (generated !== undefined) return docReply(generated);
  const entries: (readonly [Reply, Reply])[] = [
    [bulk('summary'), bulk('')],
    [bulk('since'), bulk('1.0.0')],
    [bulk('group'), bulk(groupOf(spec))],
  ];
  if (spec.subcommands !== undefined && spec.subcommands.length > 0) {
    entries.push([
      bulk('subcommands'),
      map(spec.subcommands.map((s) => [bulk(s.name.toLowerCase()), docs(s)] as const)),
    ]);
  }
  return map(entries);
}

/** COMMAND DOCS [name ...] — every command's docs when no name is given. */
const commandDocs = defineCommand({
  name: 'command|docs',
  parse: (args) => args.rest(),
  apply(ctx, names) {
    const specs =
      names.length === 0
        ? allSpecs(ctx)
        : names.map((n) => findCommand(ctx, n)).filter((s): s is CommandSpec => s !== undefined);
    return map(specs.map((s) => [bulk(s.name.toLowerCase()), docs(s)] as const));
  },
});

/** The key positions of a command line from the table's first/last/step. */
export function keysOf(spec: CommandSpec, argv: readonly string[]): string[] {
  if (spec.keys !== undefined) return [...(spec.keys(argv) ?? [])];
  if (spec.firstKey <= 0) return [];
  const last = spec.lastKey < 0 ? argv.length + spec.lastKey : spec.lastKey;
  const keys: string[] = [];
  for (let i = spec.firstKey; i <= last && i < argv.length; i += Math.max(1, spec.step))
    keys.push(argv[i] as string);
  return keys;
}

/** GETKEYS and GETKEYSANDFLAGS share the lookup and checks; undefined spec = error reply. */
function resolveGetKeys(
  ctx: CommandContext,
  line: readonly string[],
): { spec: CommandSpec; keys: string[] } | Reply {
  let spec = findCommand(ctx, line[0] ?? '');
  if (spec?.subcommands !== undefined && spec.subcommands.length > 0 && line.length > 1) {
    spec = findCommand(ctx, `${spec.name}|${line[1] ?? ''}`) ?? spec;
  }
  // Redis's order: unknown command, then a command without keys, then the arity.
  if (spec === undefined) return error(ERR_GETKEYS_INVALID_COMMAND);
  if (spec.firstKey <= 0 && spec.keys === undefined) return error(ERR_GETKEYS_NO_KEYS);
  if ((spec.arity > 0 && line.length !== spec.arity) || line.length < -spec.arity) {
    return error(ERR_GETKEYS_ARITY);
  }
  const keys = keysOf(spec, line);
  // Redis: no keys found is an error, unless the command may be called without keys (EVAL … 0).
  if (keys.length === 0 && !spec.flags.includes('no_mandatory_keys')) return error(ERR_GETKEYS_INVALID_ARGS);
  return { spec, keys };
}

/** COMMAND GETKEYSANDFLAGS command [arg ...] */
const commandGetKeysAndFlags = defineCommand({
  name: 'command|getkeysandflags',
  parse: (args) => args.rest(),
  apply(ctx, line) {
    const r = resolveGetKeys(ctx, line);
    return 'kind' in r
      ? r
      : array(keysWithFlags(r.spec, line, r.keys).map((k) => array([bulk(k.key), set(k.flags.map(simple))])));
  },
});

/** COMMAND GETKEYS command [arg ...] */
const commandGetKeys = defineCommand({
  name: 'command|getkeys',
  parse: (args) => args.rest(),
  apply(ctx, line) {
    const r = resolveGetKeys(ctx, line);
    return 'kind' in r ? r : array(r.keys.map(bulk));
  },
});

const HELP = [
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
];

/** COMMAND alone lists everything; with a subcommand the dispatcher picks the subcommand's spec. */
export const commandCommand: CommandSpec = serverCommand(
  'command',
  (ctx, argv) => (argv.length === 1 ? commandAll(ctx) : error(unknownSubcommand(argv[1] ?? '', 'command'))),
  [
    defineCommand({
      name: 'command|count',
      parse: () => undefined,
      apply: (ctx) => integer(ctx.server.commands.size),
    }),
    commandList,
    commandInfoCmd,
    commandDocs,
    commandGetKeys,
    commandGetKeysAndFlags,
    defineCommand({ name: 'command|help', parse: () => undefined, apply: () => helpReply('COMMAND', HELP) }),
  ],
);
