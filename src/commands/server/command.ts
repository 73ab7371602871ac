/**
 * COMMAND                         — every command's info
 * COMMAND COUNT | LIST [FILTERBY MODULE m | ACLCAT c | PATTERN p] | INFO [name ...] | DOCS [name ...]
 * COMMAND GETKEYS cmd [arg ...]   — the keys a command line touches
 * Replies have Redis 7.0's shape, built from the command table (name, arity, flags, key positions,
 * ACL categories, a key spec derived from the positions, subcommands). DOCS is minimal (summary empty).
 */
import { ERR_SYNTAX } from '../../resp/errors.js';
import { NULL, array, bulk, error, integer, map, set, simple, type Reply } from '../../resp/reply.js';
import { globMatch } from '../../store/index.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { containerCommand, helpReply, serverCommand, withTips } from './spec.js';

/** Key-spec flags Redis gives where the read/write default is not it (MEMORY USAGE reads no value). */
const KEY_SPEC_FLAGS: Readonly<Record<string, readonly string[]>> = { 'memory|usage': ['RO'] };

function keySpecs(spec: CommandSpec): Reply {
  if (spec.firstKey <= 0) return array([]);
  const flags =
    KEY_SPEC_FLAGS[spec.name.toLowerCase()] ??
    (spec.flags.includes('write') ? ['RW', 'update'] : ['RO', 'access']);
  const lastkey = spec.lastKey < 0 ? spec.lastKey : spec.lastKey - spec.firstKey;
  return array([
    map([
      [bulk('flags'), set(flags.map(simple))],
      [
        bulk('begin_search'),
        map([
          [bulk('type'), bulk('index')],
          [bulk('spec'), map([[bulk('index'), integer(spec.firstKey)]])],
        ]),
      ],
      [
        bulk('find_keys'),
        map([
          [bulk('type'), bulk('range')],
          [
            bulk('spec'),
            map([
              [bulk('lastkey'), integer(lastkey)],
              [bulk('keystep'), integer(spec.step)],
              [bulk('limit'), integer(0)],
            ]),
          ],
        ]),
      ],
    ]),
  ]);
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
    array((spec.tips ?? []).map(simple)),
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

function commandInfoCmd(ctx: CommandContext, argv: readonly string[]): Reply {
  if (argv.length === 2) return commandAll(ctx);
  return array(
    argv.slice(2).map((n) => {
      const spec = findCommand(ctx, n);
      return spec === undefined ? NULL : commandInfo(spec);
    }),
  );
}

function withSubcommands(specs: readonly CommandSpec[]): CommandSpec[] {
  return specs.flatMap((s) => [s, ...(s.subcommands ?? [])]);
}

function commandList(ctx: CommandContext, argv: readonly string[]): Reply {
  const specs = withSubcommands(allSpecs(ctx));
  if (argv.length === 2) return array(specs.map((s) => bulk(s.name.toLowerCase())));
  if (argv.length !== 5 || argv[2]?.toLowerCase() !== 'filterby') return error(ERR_SYNTAX);
  const kind = (argv[3] as string).toLowerCase();
  const value = argv[4] as string;
  let keep: (s: CommandSpec) => boolean;
  if (kind === 'module') keep = () => false;
  else if (kind === 'aclcat') keep = (s) => (s.categories ?? []).includes(value.toLowerCase());
  else if (kind === 'pattern') keep = (s) => globMatch(value, s.name.toLowerCase(), true);
  else return error(ERR_SYNTAX);
  return array(specs.filter(keep).map((s) => bulk(s.name.toLowerCase())));
}

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

function docs(spec: CommandSpec): Reply {
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

function commandDocs(ctx: CommandContext, argv: readonly string[]): Reply {
  const specs =
    argv.length === 2
      ? allSpecs(ctx)
      : argv
          .slice(2)
          .map((n) => findCommand(ctx, n))
          .filter((s): s is CommandSpec => s !== undefined);
  return map(specs.map((s) => [bulk(s.name.toLowerCase()), docs(s)] as const));
}

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
  argv: readonly string[],
): { spec: CommandSpec; keys: string[] } | Reply {
  const line = argv.slice(2);
  let spec = findCommand(ctx, line[0] ?? '');
  if (spec?.subcommands !== undefined && spec.subcommands.length > 0 && line.length > 1) {
    spec = findCommand(ctx, `${spec.name}|${line[1] ?? ''}`) ?? spec;
  }
  // Redis's order: unknown command, then a command without keys, then the arity.
  if (spec === undefined) return error('ERR Invalid command specified');
  if (spec.firstKey <= 0 && spec.keys === undefined) return error('ERR The command has no key arguments');
  if ((spec.arity > 0 && line.length !== spec.arity) || line.length < -spec.arity) {
    return error('ERR Invalid number of arguments specified for command');
  }
  const keys = keysOf(spec, line);
  if (keys.length === 0) return error('ERR The command has no key arguments');
  return { spec, keys };
}

function commandGetKeysAndFlags(ctx: CommandContext, argv: readonly string[]): Reply {
  const r = resolveGetKeys(ctx, argv);
  if ('kind' in r) return r;
  const flags = r.spec.flags.includes('write') ? ['RW', 'update'] : ['RO', 'access'];
  return array(r.keys.map((k) => array([bulk(k), set(flags.map(simple))])));
}

function commandGetKeys(ctx: CommandContext, argv: readonly string[]): Reply {
  const r = resolveGetKeys(ctx, argv);
  return 'kind' in r ? r : array(r.keys.map(bulk));
}

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

const FLAGS = ['loading', 'stale'] as const;
const ORDER = 'nondeterministic_output_order';
const CATS = ['slow', 'connection'];

const container = containerCommand('command', [
  serverCommand('command|count', 2, FLAGS, CATS, (ctx) => integer(ctx.server.commands.size)),
  withTips(serverCommand('command|list', -2, FLAGS, CATS, commandList), [ORDER]),
  withTips(serverCommand('command|info', -2, FLAGS, CATS, commandInfoCmd), [ORDER]),
  withTips(serverCommand('command|docs', -2, FLAGS, CATS, commandDocs), [ORDER]),
  serverCommand('command|getkeys', -4, FLAGS, CATS, commandGetKeys),
  serverCommand('command|getkeysandflags', -4, FLAGS, CATS, commandGetKeysAndFlags),
  serverCommand('command|help', 2, FLAGS, CATS, () => helpReply('COMMAND', HELP)),
]);

/** COMMAND alone lists everything; with a subcommand the dispatcher picks the subcommand's spec. */
export const commandCommand: CommandSpec = {
  ...container,
  arity: -1,
  flags: ['loading', 'stale'],
  categories: ['slow', 'connection'],
  tips: [ORDER],
  run: (ctx, argv) => (argv.length === 1 ? commandAll(ctx) : container.run(ctx, argv)),
};
