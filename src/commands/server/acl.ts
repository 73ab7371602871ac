/**
 * ACL — users, their rules and the security log (Redis 7.0 acl.c aclCommand):
 *
 *   ACL SETUSER username [rule ...]     ACL DELUSER username [username ...]
 *   ACL GETUSER username                ACL LIST | USERS | WHOAMI
 *   ACL CAT [category]                  ACL GENPASS [bits]
 *   ACL LOG [count | RESET]             ACL DRYRUN username command [arg ...]
 *   ACL LOAD | SAVE                     ACL HELP
 *
 * The rules and the checks live in the server (server/acl); these units parse and shape replies.
 */
import { randomBytes } from 'node:crypto';
import {
  ERR_ACL,
  ERR_ACL_DEFAULT_UNDELETABLE,
  ERR_ACL_DRYRUN_NO_COMMAND,
  ERR_ACL_DRYRUN_NO_USER,
  ERR_ACL_GENPASS_BITS,
  ERR_ACL_NO_FILE,
  ERR_ACL_UNKNOWN_CATEGORY,
  ERR_NOT_INTEGER,
  ERR_SUBCOMMAND_SYNTAX,
  NULL,
  OK,
  array,
  bulk,
  double,
  error,
  integer,
  map,
  set,
  wrongArity,
  type Reply,
} from '../../resp/index.js';
import { parseInt64 } from '../args.js';
import { formatClientInfo } from '../connection/client.js';
import { defineCommand } from '../define.js';
import { fail } from '../typed.js';
import type { AclSelectorView, CommandContext, CommandSpec } from '../types.js';
import { containerCommand, helpReply } from './spec.js';

const GENPASS_MAX_BITS = 4096;

/** A long as getLongFromObjectOrReply reads it. */
function long(text: string): number {
  const n = parseInt64(text);
  return typeof n === 'number' ? n : fail(ERR_NOT_INTEGER);
}

/** An ACL subcommand whose arguments beyond the table's arity Redis refuses with its syntax error. */
function upTo(args: { remaining: number; argv: readonly string[] }, max: number): void {
  if (args.remaining > max) fail(ERR_SUBCOMMAND_SYNTAX(args.argv[1] ?? '', args.argv[0] ?? ''));
}

/** ACL SETUSER username [rule ...] — all rules apply or none. */
const setuser = defineCommand({
  name: 'acl|setuser',
  parse: (args) => ({ name: args.string(), rules: args.rest() }),
  apply(ctx, { name, rules }) {
    const problem = ctx.server.acl.setUser(ctx.client, name, rules);
    return problem === undefined ? OK : error(ERR_ACL(problem));
  },
});

/** ACL DELUSER username [username ...] — how many existed; their connections are closed. */
const deluser = defineCommand({
  name: 'acl|deluser',
  parse: (args) => args.rest(),
  apply(ctx, names) {
    if (names.includes('default')) return error(ERR_ACL_DEFAULT_UNDELETABLE);
    return integer(ctx.server.acl.deleteUsers(ctx.client, names));
  },
});

function selectorReply(s: AclSelectorView): (readonly [Reply, Reply])[] {
  return [
    [bulk('commands'), bulk(s.commands)],
    [bulk('keys'), bulk(s.keys)],
    [bulk('channels'), bulk(s.channels)],
  ];
}

/** ACL GETUSER username — flags, passwords (hashes), the root selector's rules, other selectors. */
const getuser = defineCommand({
  name: 'acl|getuser',
  parse: (args) => args.string(),
  apply(ctx, name) {
    const u = ctx.server.acl.getUser(name);
    if (u === undefined) return NULL;
    return map([
      [bulk('flags'), set(u.flags.map(bulk))],
      [bulk('passwords'), array(u.passwords.map(bulk))],
      ...selectorReply(u.root),
      [bulk('selectors'), array(u.selectors.map((s) => map(selectorReply(s))))],
    ]);
  },
});

/** ACL CAT [category] — the categories, or the commands of one. */
const cat = defineCommand({
  name: 'acl|cat',
  parse(args) {
    upTo(args, 1);
    return args.done ? undefined : args.string();
  },
  apply(ctx, category) {
    const acl = ctx.server.acl;
    if (category === undefined) return array(acl.categories.map(bulk));
    const commands = acl.commandsInCategory(category);
    if (commands === undefined) return error(ERR_ACL_UNKNOWN_CATEGORY(category));
    return array(commands.map(bulk));
  },
});

/** ACL GENPASS [bits] — random hex, 256 bits by default (one hex digit per 4 bits, rounded up). */
const genpass = defineCommand({
  name: 'acl|genpass',
  parse(args) {
    upTo(args, 1);
    return args.done ? 256 : long(args.string());
  },
  apply(_ctx, bits) {
    if (bits <= 0 || bits > GENPASS_MAX_BITS) return error(ERR_ACL_GENPASS_BITS);
    const chars = Math.floor((bits + 3) / 4);
    return bulk(
      randomBytes(Math.ceil(chars / 2))
        .toString('hex')
        .slice(0, chars),
    );
  },
});

/** ACL LOG [count | RESET] — the newest `count` (default 10) denials, or empties the log. */
const log = defineCommand({
  name: 'acl|log',
  parse(args): number | 'reset' {
    upTo(args, 1);
    if (args.done) return 10;
    const word = args.string();
    if (word.toLowerCase() === 'reset') return 'reset';
    return Math.max(0, long(word));
  },
  apply(ctx, count) {
    const acl = ctx.server.acl;
    if (count === 'reset') {
      acl.resetLog();
      return OK;
    }
    const now = Date.now();
    return array(
      acl.log(count).map((e) =>
        map([
          [bulk('count'), integer(e.count)],
          [bulk('reason'), bulk(e.reason)],
          [bulk('context'), bulk(e.context)],
          [bulk('object'), bulk(e.object)],
          [bulk('username'), bulk(e.username)],
          [bulk('age-seconds'), double((now - e.lastMs) / 1000)],
          [bulk('client-info'), bulk(formatClientInfo(e.client).replace(/\n$/, ''))],
        ]),
      ),
    );
  },
});

/** The command a DRYRUN names, with its subcommand (Redis lookupCommand: an unknown one is none). */
function lookupCommand(ctx: CommandContext, line: readonly string[]): [CommandSpec, string] | undefined {
  const base = ctx.server.commands.get((line[0] ?? '').toLowerCase());
  if (base === undefined) return undefined;
  const subs = base.subcommands;
  if (line.length === 1 || subs === undefined || subs.length === 0) return [base, base.name.toLowerCase()];
  const full = `${base.name.toLowerCase()}|${(line[1] as string).toLowerCase()}`;
  const sub = subs.find((s) => s.name.toLowerCase() === full);
  return sub === undefined ? undefined : [sub, full];
}

/** ACL DRYRUN username command [arg ...] — whether the user could run it, without running it. */
const dryrun = defineCommand({
  name: 'acl|dryrun',
  parse: (args) => ({ username: args.string(), line: args.rest() }),
  apply(ctx, { username, line }) {
    const acl = ctx.server.acl;
    if (!acl.exists(username)) return error(ERR_ACL_DRYRUN_NO_USER(username));
    const found = lookupCommand(ctx, line);
    if (found === undefined) return error(ERR_ACL_DRYRUN_NO_COMMAND(line[0] ?? ''));
    const [spec, fullName] = found;
    if ((spec.arity > 0 && line.length !== spec.arity) || line.length < -spec.arity) {
      return error(wrongArity(fullName));
    }
    const denied = acl.dryRun(username, spec, fullName, line);
    return denied === undefined ? OK : bulk(denied);
  },
});

/** A subcommand without arguments (arity 2 in the table). */
function bare(name: string, apply: (ctx: CommandContext) => Reply): CommandSpec {
  return defineCommand({ name: `acl|${name}`, parse: () => undefined, apply });
}

const HELP = [
  'CAT [<category>]',
  '    List all commands that belong to <category>, or all command categories',
  '    when no category is specified.',
  'DELUSER <username> [<username> ...]',
  '    Delete a list of users.',
  'DRYRUN <username> <command> [<arg> ...]',
  '    Returns whether the user can execute the given command without executing the command.',
  'GETUSER <username>',
  "    Get the user's details.",
  'GENPASS [<bits>]',
  '    Generate a secure 256-bit user password. The optional `bits` argument can',
  '    be used to specify a different size.',
  'LIST',
  '    Show users details in config file format.',
  'LOAD',
  '    Reload users from the ACL file.',
  'LOG [<count> | RESET]',
  '    Show the ACL log entries.',
  'SAVE',
  '    Save the current config to the ACL file.',
  'SETUSER <username> <attribute> [<attribute> ...]',
  '    Create or modify a user with the specified attributes.',
  'USERS',
  '    List all the registered usernames.',
  'WHOAMI',
  '    Return the current connection username.',
];

export const aclCommand: CommandSpec = containerCommand('acl', [
  setuser,
  deluser,
  getuser,
  bare('list', (ctx) => array(ctx.server.acl.list().map(bulk))),
  bare('users', (ctx) => array(ctx.server.acl.usernames().map(bulk))),
  bare('whoami', (ctx) => bulk(ctx.server.acl.whoami(ctx.client))),
  cat,
  genpass,
  log,
  dryrun,
  bare('load', (ctx) => {
    const acl = ctx.server.acl;
    if (!acl.hasFile()) return error(ERR_ACL_NO_FILE);
    const problem = acl.load(ctx.client);
    return problem === undefined ? OK : error(ERR_ACL(problem));
  }),
  bare('save', (ctx) => {
    const acl = ctx.server.acl;
    if (!acl.hasFile()) return error(ERR_ACL_NO_FILE);
    const problem = acl.save();
    return problem === undefined ? OK : error(ERR_ACL(problem));
  }),
  bare('help', () => helpReply('ACL', HELP, 'Prints this help.')),
]);
