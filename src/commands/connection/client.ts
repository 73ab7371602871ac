/**
 * CLIENT subcommand … — inspect and control connections (Redis networking.c clientCommand):
 * ID, GETNAME, SETNAME, LIST, INFO, KILL, PAUSE, UNPAUSE, NO-EVICT, REPLY, UNBLOCK, GETREDIR, HELP.
 */
import {
  ERR_NOT_INTEGER,
  ERR_SYNTAX,
  ERR_TIMEOUT_NEGATIVE,
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
import { isOption, parseInt64 } from '../args.js';
import { ERR_CLIENT_NAME, NO_SESSION, isValidClientName, sessionOf } from '../session.js';
import type { ClientInfo, CommandContext, CommandFlag, CommandSpec } from '../types.js';

type Run = (ctx: CommandContext, argv: readonly string[]) => Reply;

function sub(name: string, arity: number, flags: readonly CommandFlag[], run: Run): CommandSpec {
  return {
    name: `client|${name}`,
    arity,
    flags,
    firstKey: 0,
    lastKey: 0,
    step: 0,
    // Redis's ACL categories: admin subcommands are also @admin and @dangerous.
    categories: flags.includes('admin')
      ? ['admin', 'slow', 'dangerous', 'connection']
      : ['slow', 'connection'],
    run,
  };
}

const CONN: readonly CommandFlag[] = ['noscript', 'loading', 'stale'];
const ADMIN: readonly CommandFlag[] = ['admin', 'noscript', 'loading', 'stale'];

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

const list = sub('list', -2, ADMIN, (ctx, argv) => {
  let clients = ctx.server.clients.list();
  if (argv.length === 4 && isOption(argv[2], 'TYPE')) {
    const type = normalizeType(argv[3] as string);
    if (type === undefined) return error(`ERR Unknown client type '${argv[3] as string}'`);
    clients = clients.filter((c) => clientType(c) === type);
  } else if (argv.length > 3 && isOption(argv[2], 'ID')) {
    const ids = new Set<number>();
    for (const a of argv.slice(3)) {
      const id = parseInt64(a);
      if (typeof id !== 'number' || id <= 0) return error('ERR Invalid client ID');
      ids.add(id);
    }
    clients = clients.filter((c) => ids.has(c.id));
  } else if (argv.length !== 2) {
    return error(ERR_SYNTAX);
  }
  return verbatim(clients.map(formatClientInfo).join(''));
});

const info = sub('info', 2, CONN, (ctx) => {
  const me = ctx.server.clients.list().find((c) => c.id === ctx.client.id);
  return verbatim(me === undefined ? '' : formatClientInfo(me));
});

const id = sub('id', 2, CONN, (ctx) => integer(ctx.client.id));

const getname = sub('getname', 2, CONN, (ctx) => {
  const name = sessionOf(ctx)?.name ?? '';
  return name === '' ? NULL : bulk(name);
});

const setname = sub('setname', 3, CONN, (ctx, argv) => {
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
      if (typeof n !== 'number' || n <= 0) return { error: error('ERR client-id should be greater than 0') };
      tests.push((c) => c.id === n);
    } else if (opt === 'type') {
      const type = normalizeType(value);
      if (type === undefined) return { error: error(`ERR Unknown client type '${value}'`) };
      tests.push((c) => clientType(c) === type);
    } else if (opt === 'addr') {
      tests.push((c) => c.addr === value);
    } else if (opt === 'laddr') {
      tests.push((c) => c.laddr === value);
    } else if (opt === 'user') {
      if (value !== 'default') return { error: error(`ERR No such user '${value}'`) };
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

const kill = sub('kill', -3, ADMIN, (ctx, argv) => {
  if (argv.length === 3) {
    // Old form: CLIENT KILL addr:port, may kill the caller itself.
    const addr = argv[2] as string;
    const killed = ctx.server.clients.kill((c) => c.addr === addr);
    return killed > 0 ? OK : error('ERR No such client');
  }
  const filter = killFilter(ctx, argv);
  if ('error' in filter) return filter.error;
  return integer(ctx.server.clients.kill(filter.select));
});

const pause = sub('pause', -3, ADMIN, (ctx, argv) => {
  const ms = parseInt64(argv[2] as string);
  if (typeof ms !== 'number') return error('ERR timeout is not an integer or out of range');
  if (ms < 0) return error(ERR_TIMEOUT_NEGATIVE);
  let mode: 'all' | 'write' = 'all';
  if (argv.length === 4 && isOption(argv[3], 'WRITE')) mode = 'write';
  else if (argv.length === 4 && isOption(argv[3], 'ALL')) mode = 'all';
  else if (argv.length !== 3) return error(ERR_SYNTAX);
  ctx.server.clients.pause(Date.now() + ms, mode);
  return OK;
});

const unpause = sub('unpause', 2, ADMIN, (ctx) => {
  ctx.server.clients.unpause();
  return OK;
});

const noEvict = sub('no-evict', 3, ADMIN, (ctx, argv) => {
  const session = sessionOf(ctx);
  if (session === undefined) return NO_SESSION;
  if (isOption(argv[2], 'ON')) session.noEvict = true;
  else if (isOption(argv[2], 'OFF')) session.noEvict = false;
  else return error(ERR_SYNTAX);
  return OK;
});

/** An empty raw reply: CLIENT REPLY OFF/SKIP send nothing back. */
const NOTHING: Reply = { kind: 'raw', bytes: '' };

const reply = sub('reply', 3, CONN, (ctx, argv) => {
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

const unblock = sub('unblock', -3, ADMIN, (ctx, argv) => {
  const target = parseInt64(argv[2] as string);
  if (typeof target !== 'number') return error(ERR_NOT_INTEGER);
  let withError = false;
  if (argv.length === 4 && isOption(argv[3], 'ERROR')) withError = true;
  else if (argv.length === 4 && !isOption(argv[3], 'TIMEOUT'))
    return error('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
  else if (argv.length > 4) return error(ERR_SYNTAX);
  return integer(ctx.server.clients.unblock(target, withError) ? 1 : 0);
});

const getredir = sub('getredir', 2, CONN, () => integer(-1));

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

const help = sub('help', 2, ['loading', 'stale'], () => array(HELP_LINES.map((l) => simple(l))));

export const client: CommandSpec = {
  name: 'client',
  arity: -2,
  flags: [],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  categories: ['slow'],
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
