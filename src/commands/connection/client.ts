/**
 * CLIENT subcommand … — inspect and control connections (Redis networking.c clientCommand):
 * ID, GETNAME, SETNAME, LIST, INFO, KILL, PAUSE, UNPAUSE, NO-EVICT, REPLY, UNBLOCK, GETREDIR, HELP.
 */
import {
  ERR_NOT_INTEGER,
  ERR_SYNTAX,
  ERR_TIMEOUT_NEGATIVE,
  unknownSubcommand,
  ERR_UNKNOWN_CLIENT_TYPE,
  ERR_INVALID_CLIENT_ID,
  ERR_CLIENT_ID_NOT_POSITIVE,
  ERR_NO_SUCH_USER,
  ERR_NO_SUCH_CLIENT,
  ERR_TIMEOUT_NOT_INTEGER,
  ERR_UNBLOCK_REASON,
} from '../../resp/errors.js';
import { NULL, OK, bulk, error, integer, simple, verbatim, array, type Reply } from '../../resp/reply.js';
import { isOption, parseInt64 } from '../args.js';
import { ERR_CLIENT_NAME, NO_SESSION, isValidClientName, sessionOf } from '../session.js';
import type { ClientInfo, CommandContext, CommandSpec } from '../types.js';
import { tableCommand, tableRow } from '../define.js';

type Run = (ctx: CommandContext, argv: readonly string[]) => Reply;

function sub(name: string, run: Run): CommandSpec {
  return tableCommand(`client|${name}`, run);
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

function clientType(c: ClientInfo): string {
  return c.flags.includes('P') ? 'pubsub' : 'normal';
}

const TYPES = new Set(['normal', 'master', 'replica', 'slave', 'pubsub']);

function normalizeType(t: string): string | undefined {
  const lower = t.toLowerCase();
  if (!TYPES.has(lower)) return undefined;
  return lower === 'slave' ? 'replica' : lower;
}

const list = sub('list', (ctx, argv) => {
  let clients = ctx.server.clients();
  if (argv.length === 4 && isOption(argv[2], 'TYPE')) {
    const type = normalizeType(argv[3] as string);
    if (type === undefined) return error(ERR_UNKNOWN_CLIENT_TYPE(argv[3] as string));
    clients = clients.filter((c) => clientType(c) === type);
  } else if (argv.length > 3 && isOption(argv[2], 'ID')) {
    const ids = new Set<number>();
    for (const a of argv.slice(3)) {
      const id = parseInt64(a);
      if (typeof id !== 'number' || id <= 0) return error(ERR_INVALID_CLIENT_ID);
      ids.add(id);
    }
    clients = clients.filter((c) => ids.has(c.id));
  } else if (argv.length !== 2) {
    return error(ERR_SYNTAX);
  }
  return verbatim(clients.map(formatClientInfo).join(''));
});

const info = sub('info', (ctx) => {
  const me = ctx.server.clients().find((c) => c.id === ctx.client.id);
  return verbatim(me === undefined ? '' : formatClientInfo(me));
});

const id = sub('id', (ctx) => integer(ctx.client.id));

const getname = sub('getname', (ctx) => {
  const name = sessionOf(ctx)?.name ?? '';
  return name === '' ? NULL : bulk(name);
});

const setname = sub('setname', (ctx, argv) => {
  const session = sessionOf(ctx);
  if (session === undefined) return NO_SESSION;
  const name = argv[2] as string;
  if (!isValidClientName(name)) return error(ERR_CLIENT_NAME);
  session.name = name;
  return OK;
});

/** The filters of `CLIENT KILL <filter> <value> ...`; undefined with the error when one is malformed. */
function killFilter(
  ctx: CommandContext,
  argv: readonly string[],
): { select: (c: ClientInfo) => boolean } | { error: Reply } {
  const tests: ((c: ClientInfo) => boolean)[] = [];
  let skipMe = true;
  for (let i = 2; i < argv.length; i += 2) {
    const opt = (argv[i] as string).toLowerCase();
    const value = argv[i + 1];
    if (value === undefined) return { error: error(ERR_SYNTAX) };
    if (opt === 'id') {
      const n = parseInt64(value);
      if (typeof n !== 'number' || n <= 0) return { error: error(ERR_CLIENT_ID_NOT_POSITIVE) };
      tests.push((c) => c.id === n);
    } else if (opt === 'type') {
      const type = normalizeType(value);
      if (type === undefined) return { error: error(ERR_UNKNOWN_CLIENT_TYPE(value)) };
      tests.push((c) => clientType(c) === type);
    } else if (opt === 'addr') {
      tests.push((c) => c.addr === value);
    } else if (opt === 'laddr') {
      tests.push((c) => c.laddr === value);
    } else if (opt === 'user') {
      if (value !== 'default') return { error: error(ERR_NO_SUCH_USER(value)) };
      tests.push((c) => c.user === value);
    } else if (opt === 'skipme') {
      const yes = value.toLowerCase();
      if (yes !== 'yes' && yes !== 'no') return { error: error(ERR_SYNTAX) };
      skipMe = yes === 'yes';
    } else {
      return { error: error(ERR_SYNTAX) };
    }
  }
  const me = ctx.client.id;
  return { select: (c) => (!skipMe || c.id !== me) && tests.every((t) => t(c)) };
}

const kill = sub('kill', (ctx, argv) => {
  if (argv.length === 3) {
    // Old form: CLIENT KILL addr:port, may kill the caller itself.
    const addr = argv[2] as string;
    const killed = ctx.server.killClients((c) => c.addr === addr);
    return killed > 0 ? OK : error(ERR_NO_SUCH_CLIENT);
  }
  const filter = killFilter(ctx, argv);
  if ('error' in filter) return filter.error;
  return integer(ctx.server.killClients(filter.select));
});

const pause = sub('pause', (ctx, argv) => {
  const ms = parseInt64(argv[2] as string);
  if (typeof ms !== 'number') return error(ERR_TIMEOUT_NOT_INTEGER);
  if (ms < 0) return error(ERR_TIMEOUT_NEGATIVE);
  let mode: 'all' | 'write' = 'all';
  if (argv.length === 4 && isOption(argv[3], 'WRITE')) mode = 'write';
  else if (argv.length === 4 && isOption(argv[3], 'ALL')) mode = 'all';
  else if (argv.length !== 3) return error(ERR_SYNTAX);
  ctx.server.pauseClients(Date.now() + ms, mode);
  return OK;
});

const unpause = sub('unpause', (ctx) => {
  ctx.server.unpauseClients();
  return OK;
});

const noEvict = sub('no-evict', (ctx, argv) => {
  const session = sessionOf(ctx);
  if (session === undefined) return NO_SESSION;
  if (isOption(argv[2], 'ON')) session.noEvict = true;
  else if (isOption(argv[2], 'OFF')) session.noEvict = false;
  else return error(ERR_SYNTAX);
  return OK;
});

/** An empty raw reply: CLIENT REPLY OFF/SKIP send nothing back. */
const NOTHING: Reply = { kind: 'raw', bytes: '' };

const reply = sub('reply', (ctx, argv) => {
  const session = sessionOf(ctx);
  if (session === undefined) return NO_SESSION;
  if (isOption(argv[2], 'ON')) {
    session.setReplyMode('on');
    return OK;
  }
  if (isOption(argv[2], 'OFF')) session.setReplyMode('off');
  else if (isOption(argv[2], 'SKIP')) session.setReplyMode('skip');
  else return error(ERR_SYNTAX);
  return NOTHING;
});

const unblock = sub('unblock', (ctx, argv) => {
  const target = parseInt64(argv[2] as string);
  if (typeof target !== 'number') return error(ERR_NOT_INTEGER);
  let withError = false;
  if (argv.length === 4 && isOption(argv[3], 'ERROR')) withError = true;
  else if (argv.length === 4 && !isOption(argv[3], 'TIMEOUT')) return error(ERR_UNBLOCK_REASON);
  else if (argv.length > 4) return error(ERR_SYNTAX);
  return integer(ctx.server.unblockClient(target, withError) ? 1 : 0);
});

const getredir = sub('getredir', () => integer(-1));

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

const help = sub('help', () => array(HELP_LINES.map((l) => simple(l))));

export const client: CommandSpec = {
  ...tableRow('client'),
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
  run(_ctx, argv): Reply {
    return error(unknownSubcommand(argv[1] ?? '', 'client'));
  },
};
