/**
 * CLIENT subcommand … — inspect and control connections (Redis networking.c clientCommand):
 * ID, GETNAME, SETNAME, LIST, INFO, KILL, PAUSE, UNPAUSE, NO-EVICT, REPLY, UNBLOCK, HELP, and the
 * client-side caching ones: TRACKING, CACHING, GETREDIR, TRACKINGINFO (the tracking itself is
 * server/tracking.ts).
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
  map,
  set,
  ERR_CACHING_NO,
  ERR_CACHING_NOT_TRACKING,
  ERR_CACHING_YES,
  ERR_TRACKING_BCAST_SWITCH,
  ERR_TRACKING_OPT_BCAST,
  ERR_TRACKING_OPT_SWITCH,
  ERR_TRACKING_OPTIN_OPTOUT,
  ERR_TRACKING_PREFIX_EXISTING,
  ERR_TRACKING_PREFIX_NEEDS_BCAST,
  ERR_TRACKING_PREFIX_PROVIDED,
  ERR_TRACKING_REDIRECT_MISSING,
  ERR_TRACKING_REDIRECT_SINGLE,
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
    `qbuf=${c.qbuf} qbuf-free=${c.qbufFree} argv-mem=${c.argvMem} multi-mem=0 rbs=16384 rbp=0 ` +
    `obl=${c.obl} oll=${c.oll} omem=${c.omem} tot-mem=${c.totMem} events=r cmd=${c.cmd} user=${c.user} ` +
    `redir=${c.redir} resp=${c.resp}\n`
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

/** CLIENT GETREDIR — the redirection client id, 0 without REDIRECT, -1 when tracking is off. */
const getredir = bare('getredir', (ctx) => {
  const session = sessionOf(ctx);
  if (session === undefined) return NO_SESSION;
  return integer(session.tracking?.redirect ?? -1);
});

/**
 * Redis addReplyErrorFormat's text of a byte string: cut at the first NUL (%s), with CR and LF made
 * spaces so the error stays one protocol line.
 */
function errorText(s: string): string {
  const nul = s.indexOf('\0');
  return (nul < 0 ? s : s.slice(0, nul)).replace(/[\r\n]/g, ' ');
}

/**
 * CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX prefix [PREFIX prefix ...]] [OPTIN] [OPTOUT]
 * [NOLOOP] — server-assisted client-side caching (Redis networking.c). The options are read first,
 * then ON's combinations are checked against each other and the client's current mode.
 */
const tracking = defineCommand({
  name: 'client|tracking',
  parse(args, ctx) {
    const mode = args.string();
    let redirect = 0;
    let bcast = false;
    let optin = false;
    let optout = false;
    let noloop = false;
    const prefixes: string[] = [];
    while (!args.done) {
      const more = args.remaining > 1;
      const word = args.string().toLowerCase();
      if (word === 'redirect' && more) {
        if (redirect !== 0) return fail(ERR_TRACKING_REDIRECT_SINGLE);
        const id = parseInt64(args.string());
        if (id === undefined) return fail(ERR_NOT_INTEGER);
        if (typeof id !== 'number' || !ctx.server.clients.exists(id))
          return fail(ERR_TRACKING_REDIRECT_MISSING);
        redirect = id;
      } else if (word === 'bcast') bcast = true;
      else if (word === 'optin') optin = true;
      else if (word === 'optout') optout = true;
      else if (word === 'noloop') noloop = true;
      else if (word === 'prefix' && more) prefixes.push(args.string());
      else return fail(ERR_SYNTAX);
    }
    const on = mode.toLowerCase();
    if (on !== 'on' && on !== 'off') return fail(ERR_SYNTAX);
    return { on: on === 'on', options: { redirect, bcast, optin, optout, noloop, prefixes } };
  },
  apply(ctx, { on, options }) {
    const session = sessionOf(ctx);
    if (session === undefined) return NO_SESSION;
    if (!on) {
      session.disableTracking();
      return OK;
    }
    const current = session.tracking;
    if (!options.bcast && options.prefixes.length > 0) return error(ERR_TRACKING_PREFIX_NEEDS_BCAST);
    if (current !== undefined && current.bcast !== options.bcast) return error(ERR_TRACKING_BCAST_SWITCH);
    if (options.bcast && (options.optin || options.optout)) return error(ERR_TRACKING_OPT_BCAST);
    if (options.optin && options.optout) return error(ERR_TRACKING_OPTIN_OPTOUT);
    if ((options.optin && current?.optout === true) || (options.optout && current?.optin === true)) {
      return error(ERR_TRACKING_OPT_SWITCH);
    }
    let collisionReply = '';
    if (options.bcast) {
      const collision = prefixCollision(current?.prefixes, options.prefixes);
      if (collision !== undefined) {
        const message = errorText(collision.message);
        if (!collision.alsoEnable) return error(message);
        // 7.0.15 replies the error and then enables tracking and replies +OK as well.
        collisionReply = `-${message}\r\n`;
      }
    }
    session.enableTracking(options);
    return collisionReply === '' ? OK : { kind: 'raw', bytes: collisionReply + '+OK\r\n' };
  },
});

/**
 * Redis checkPrefixCollisionsOrReply: a prefix overlapping one the client has, or one given after it.
 * As in 7.0.15, an overlap between given prefixes found for any but the first prefix is replied as an
 * error and yet tracking goes on (the function returns the prefix's index, which reads as success).
 */
function prefixCollision(
  own: ReadonlySet<string> | undefined,
  prefixes: readonly string[],
): { readonly message: string; readonly alsoEnable: boolean } | undefined {
  const overlaps = (a: string, b: string): boolean => a.startsWith(b) || b.startsWith(a);
  const existing = own === undefined ? [] : [...own].sort();
  for (let i = 0; i < prefixes.length; i++) {
    const p = prefixes[i] as string;
    const clash = existing.find((e) => overlaps(e, p));
    if (clash !== undefined) return { message: ERR_TRACKING_PREFIX_EXISTING(p, clash), alsoEnable: false };
    for (let j = i + 1; j < prefixes.length; j++) {
      const q = prefixes[j] as string;
      if (overlaps(p, q)) return { message: ERR_TRACKING_PREFIX_PROVIDED(p, q), alsoEnable: i > 0 };
    }
  }
  return undefined;
}

/** CLIENT CACHING YES|NO — in OPTIN (YES) or OPTOUT (NO) mode, reverses the default for the next command. */
const caching = defineCommand({
  name: 'client|caching',
  parse: (args) => args.string(),
  apply(ctx, answer) {
    const session = sessionOf(ctx);
    if (session === undefined) return NO_SESSION;
    const state = session.tracking;
    if (state === undefined) return error(ERR_CACHING_NOT_TRACKING);
    const word = answer.toLowerCase();
    if (word === 'yes') {
      if (!state.optin) return error(ERR_CACHING_YES);
    } else if (word === 'no') {
      if (!state.optout) return error(ERR_CACHING_NO);
    } else {
      return error(ERR_SYNTAX);
    }
    session.setCachingGiven();
    return OK;
  },
});

/** CLIENT TRACKINGINFO — the connection's tracking flags, redirection and BCAST prefixes. */
const trackinginfo = bare('trackinginfo', (ctx) => {
  const session = sessionOf(ctx);
  if (session === undefined) return NO_SESSION;
  const t = session.tracking;
  const flags: string[] = [];
  if (t === undefined) flags.push('off');
  else {
    flags.push('on');
    if (t.bcast) flags.push('bcast');
    if (t.optin) flags.push('optin');
    if (t.optin && t.caching) flags.push('caching-yes');
    if (t.optout) flags.push('optout');
    if (t.optout && t.caching) flags.push('caching-no');
    if (t.noloop) flags.push('noloop');
    if (t.brokenRedirect) flags.push('broken_redirect');
  }
  const prefixes = t === undefined ? [] : [...t.prefixes].sort();
  return map([
    [bulk('flags'), set(flags.map((f) => bulk(f)))],
    [bulk('redirect'), integer(t?.redirect ?? -1)],
    [bulk('prefixes'), array(prefixes.map((p) => bulk(p)))],
  ]);
});

const HELP_LINES = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
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
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
  'HELP',
  '    Prints this help.',
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
      tracking,
      caching,
      trackinginfo,
      help,
    ],
  },
);
