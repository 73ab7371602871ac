/**
 * CLIENT subcommand … — inspect and control connections (Redis networking.c clientCommand):
 * ID, GETNAME, SETNAME, LIST, INFO, KILL, PAUSE, UNPAUSE, NO-EVICT, REPLY, UNBLOCK, GETREDIR, HELP.
 */
import {
  ERR_CLIENT_ID_NOT_POSITIVE,
  ERR_INVALID_CLIENT_ID,
  ERR_PAUSE_MODE,
  ERR_SUBCOMMAND_SYNTAX,
  ERR_NO_SUCH_CLIENT,
  ERR_NO_SUCH_USER,
  ERR_NOT_INTEGER,
  ERR_SYNTAX,
  ERR_TIMEOUT_NEGATIVE,
  ERR_TIMEOUT_NOT_INTEGER,
  ERR_UNBLOCK_REASON,
  ERR_UNKNOWN_CLIENT_TYPE,
  unknownSubcommand,
  NULL,
  OK,
  bulk,
  error,
  integer,
  simple,
  verbatim,
  array,
  type Reply,
} from '../../resp/index.js';
import { parseInt64 } from '../args.js';
import type { ArgCursor } from '../cursor.js';
import { defineCommand, tableCommand } from '../define.js';
import { ERR_CLIENT_NAME, NO_SESSION, isValidClientName, sessionOf } from '../session.js';
import { fail } from '../typed.js';
import type { ClientInfo, CommandContext, CommandSpec } from '../types.js';

/** A CLIENT subcommand that reads no arguments. */
function bare(name: string, apply: (ctx: CommandContext) => Reply): CommandSpec {
  return defineCommand({ name: `client|${name}`, parse: () => undefined, apply });
}

/** One CLIENT LIST line in Redis 7.0's field order (memory fields are estimates). */
export function formatClientInfo(c: ClientInfo): string {
  return (
    `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=${c.fd} name=${c.name} age=${c.age} idle=${c.idle} ` +
    `flags=${c.flags} db=${c.db} sub=${c.sub} psub=${c.psub} ssub=${c.ssub} multi=${c.multi} ` +
    `qbuf=${c.qbuf} qbuf-free=0 argv-mem=0 multi-mem=0 rbs=16384 rbp=0 obl=0 oll=0 omem=${c.omem} ` +
    `tot-mem=${c.omem + c.qbuf} events=r cmd=${c.cmd} user=${c.user} redir=-1 resp=${c.resp}\n`
  );
}

/** Redis getClientType: the master's client (M), a replica (S), a subscriber (P), else normal. */
function clientType(c: ClientInfo): string {
  if (c.flags.includes('M')) return 'master';
  if (c.flags.includes('S')) return 'replica';
  return c.flags.includes('P') ? 'pubsub' : 'normal';
}

const TYPES = new Set(['normal', 'master', 'replica', 'slave', 'pubsub']);

function normalizeType(t: string): string | undefined {
  const lower = t.toLowerCase();
  if (!TYPES.has(lower)) return undefined;
  return lower === 'slave' ? 'replica' : lower;
}

/** CLIENT LIST [TYPE type | ID id [id ...]] — which clients to show (all when undefined). */
type ListFilter = { readonly type: string } | { readonly ids: ReadonlySet<number> } | undefined;

const list = defineCommand({
  name: 'client|list',
  parse(args): ListFilter {
    if (args.done) return undefined;
    if (args.remaining === 2 && args.option('TYPE')) {
      const typeArg = args.string();
      return { type: normalizeType(typeArg) ?? fail(ERR_UNKNOWN_CLIENT_TYPE(typeArg)) };
    }
    if (args.remaining > 1 && args.option('ID')) {
      const ids = new Set<number>();
      while (!args.done) {
        // Any 64-bit integer is accepted (Redis getLongLongFromObjectOrReply); 0 or less matches no one.
        const id = parseInt64(args.string());
        if (id === undefined) return fail(ERR_INVALID_CLIENT_ID);
        ids.add(Number(id));
      }
      return { ids };
    }
    return fail(ERR_SYNTAX);
  },
  apply(ctx, filter) {
    let clients = ctx.server.clients.list();
    if (filter !== undefined && 'type' in filter)
      clients = clients.filter((c) => clientType(c) === filter.type);
    else if (filter !== undefined) clients = clients.filter((c) => filter.ids.has(c.id));
    return verbatim(clients.map(formatClientInfo).join(''));
  },
});

const info = bare('info', (ctx) => {
  const me = ctx.server.clients.list().find((c) => c.id === ctx.client.id);
  return verbatim(me === undefined ? '' : formatClientInfo(me));
});

const id = bare('id', (ctx) => integer(ctx.client.id));

const getname = bare('getname', (ctx) => {
  const name = sessionOf(ctx)?.name ?? '';
  return name === '' ? NULL : bulk(name);
});

const setname = defineCommand({
  name: 'client|setname',
  parse: (args) => args.string(),
  apply(ctx, name) {
    const session = sessionOf(ctx);
    if (session === undefined) return NO_SESSION;
    if (!isValidClientName(name)) return error(ERR_CLIENT_NAME);
    session.name = name;
    return OK;
  },
});

/** The filters of `CLIENT KILL <filter> <value> ...`, each failing with Redis's error when malformed. */
interface KillFilter {
  readonly tests: readonly ((c: ClientInfo) => boolean)[];
  readonly skipMe: boolean;
}

function parseKillFilter(args: ArgCursor, ctx: CommandContext): KillFilter {
  const tests: ((c: ClientInfo) => boolean)[] = [];
  let skipMe = true;
  while (!args.done) {
    if (args.remaining < 2) return fail(ERR_SYNTAX);
    if (args.option('ID')) {
      const n = parseInt64(args.string());
      if (typeof n !== 'number' || n <= 0) return fail(ERR_CLIENT_ID_NOT_POSITIVE);
      tests.push((c) => c.id === n);
    } else if (args.option('TYPE')) {
      const value = args.string();
      const type = normalizeType(value) ?? fail(ERR_UNKNOWN_CLIENT_TYPE(value));
      tests.push((c) => clientType(c) === type);
    } else if (args.option('ADDR')) {
      const value = args.string();
      tests.push((c) => c.addr === value);
    } else if (args.option('LADDR')) {
      const value = args.string();
      tests.push((c) => c.laddr === value);
    } else if (args.option('USER')) {
      const value = args.string();
      if (!ctx.server.acl.exists(value)) return fail(ERR_NO_SUCH_USER(value));
      tests.push((c) => c.user === value);
    } else if (args.option('SKIPME')) {
      skipMe = args.oneOf('YES', 'NO') === 'YES';
    } else {
      return fail(ERR_SYNTAX);
    }
  }
  return { tests, skipMe };
}

/** CLIENT KILL addr:port (the old form, which may kill the caller itself) or CLIENT KILL <filter> <value> ... */
const kill = defineCommand({
  name: 'client|kill',
  parse: (args, ctx) => (args.remaining === 1 ? { addr: args.string() } : parseKillFilter(args, ctx)),
  apply(ctx, parsed) {
    if ('addr' in parsed) {
      const killed = ctx.server.clients.kill((c) => c.addr === parsed.addr);
      return killed > 0 ? OK : error(ERR_NO_SUCH_CLIENT);
    }
    const me = ctx.client.id;
    const { tests, skipMe } = parsed;
    return integer(ctx.server.clients.kill((c) => (!skipMe || c.id !== me) && tests.every((t) => t(c))));
  },
});

const pause = defineCommand({
  name: 'client|pause',
  parse(args) {
    // clientCommand takes PAUSE with 3 or 4 arguments only, before reading any of them.
    if (args.remaining > 2) return fail(ERR_SUBCOMMAND_SYNTAX(args.argv[1] ?? '', args.argv[0] ?? ''));
    // The mode is checked before the timeout, as Redis does.
    const mode = (args.argv[3] ?? 'ALL').toUpperCase();
    if (mode !== 'WRITE' && mode !== 'ALL') return fail(ERR_PAUSE_MODE);
    const ms = args.int64(ERR_TIMEOUT_NOT_INTEGER);
    if (typeof ms !== 'number') return fail(ERR_TIMEOUT_NOT_INTEGER);
    if (ms < 0) return fail(ERR_TIMEOUT_NEGATIVE);
    return { ms, mode: mode === 'WRITE' ? ('write' as const) : ('all' as const) };
  },
  apply(ctx, { ms, mode }) {
    ctx.server.clients.pause(Date.now() + ms, mode);
    return OK;
  },
});

const unpause = bare('unpause', (ctx) => {
  ctx.server.clients.unpause();
  return OK;
});

const noEvict = defineCommand({
  name: 'client|no-evict',
  // The session is checked before the argument, as before.
  parse: (args) => args,
  apply(ctx, args) {
    const session = sessionOf(ctx);
    if (session === undefined) return NO_SESSION;
    session.noEvict = args.oneOf('ON', 'OFF') === 'ON';
    return OK;
  },
});

/** An empty raw reply: CLIENT REPLY OFF/SKIP send nothing back. */
const NOTHING: Reply = { kind: 'raw', bytes: '' };

const reply = defineCommand({
  name: 'client|reply',
  // The session is checked before the argument, as before.
  parse: (args) => args,
  apply(ctx, args) {
    const session = sessionOf(ctx);
    if (session === undefined) return NO_SESSION;
    const mode = args.oneOf('ON', 'OFF', 'SKIP');
    if (mode === 'ON') {
      session.setReplyMode('on');
      return OK;
    }
    session.setReplyMode(mode === 'OFF' ? 'off' : 'skip');
    return NOTHING;
  },
});

const unblock = defineCommand({
  name: 'client|unblock',
  parse(args) {
    // clientCommand takes UNBLOCK with 3 or 4 arguments only, before reading any of them.
    if (args.remaining > 2) return fail(ERR_SUBCOMMAND_SYNTAX(args.argv[1] ?? '', args.argv[0] ?? ''));
    const target = args.int64();
    if (typeof target !== 'number') return fail(ERR_NOT_INTEGER);
    let withError = false;
    if (args.option('ERROR')) withError = true;
    else if (!args.done && !args.option('TIMEOUT')) return fail(ERR_UNBLOCK_REASON);
    return { target, withError };
  },
  apply: (ctx, { target, withError }) => integer(ctx.server.clients.unblock(target, withError) ? 1 : 0),
});

const getredir = bare('getredir', () => integer(-1));

const HELP_LINES = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  '    * ID <client-id>',
  '      Kill connections by client id.',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
  'HELP',
  '    Print this help.',
];

const help = bare('help', () => array(HELP_LINES.map((l) => simple(l))));

export const client = tableCommand(
  'client',
  (_ctx, argv) => error(unknownSubcommand(argv[1] ?? '', 'client')),
  {
    subcommands: [
      id,
      getname,
      setname,
      list,
      info,
      kill,
      pause,
      unpause,
      noEvict,
      reply,
      unblock,
      getredir,
      help,
    ],
  },
);
