/**
 * DEBUG subcommand [args] — the subcommands tools and test suites use, as Redis 7.0.15 answers them:
 *
 * DEBUG HELP                   — 7.0.15's help text
 * DEBUG SLEEP seconds          — block the whole server (like Redis) for that long (strtod, no error)
 * DEBUG SET-ACTIVE-EXPIRE 0|1  — turn the active expiry cycle off/on (tests of lazy expiry)
 * DEBUG PAUSE-CRON 0|1         — stop/restart the periodic cron (active expiry, idle timeouts, …)
 * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE] — save the RDB, empty every database, load the file again
 * DEBUG OBJECT key             — a minimal "Value at:… refcount:… encoding:… serializedlength:…" line;
 *                                refcount and encoding as OBJECT REFCOUNT/ENCODING answer them
 * DEBUG DIGEST                 — the dataset's digest (digest.ts), equal to Redis's for the same data
 * DEBUG DIGEST-VALUE key …     — one digest per key of the selected database
 * DEBUG PROTOCOL type          — a test reply of each RESP type (RESP2 and RESP3 forms)
 * DEBUG LISTPACK key / DEBUG QUICKLIST key [0|1] — print the value's layout on stdout, when it has
 *                                that encoding
 * DEBUG CHANGE-REPL-ID         — a new replication id, replid2 cleared
 * DEBUG STRINGMATCH-TEST       — fuzzes the glob matcher (fewer rounds than Redis's ten million)
 * DEBUG ERROR message          — replies `-message` (newlines turned into spaces)
 *
 * Anything else (SEGFAULT, POPULATE, JMAP…) gets Redis's subcommand syntax error: not built.
 * Refused unless enable-debug-command is yes or local, as Redis 7 does.
 */
import {
  ERR_BARE,
  ERR_DEBUG_NOT_ALLOWED,
  ERR_DEBUG_PROTOCOL_TYPE,
  ERR_NOT_ENCODED_AS,
  ERR_RESP2_UNSUPPORTED,
  ERR_NO_PERSISTENCE,
  ERR_NO_SUCH_KEY,
  ERR_RELOAD,
  ERR_RELOAD_OPTIONS,
  ERR_SUBCOMMAND_SYNTAX,
  OK,
  array,
  bool,
  bulk,
  double,
  encodeReply,
  error,
  integer,
  map,
  NULL,
  push,
  set,
  simple,
  verbatim,
  type Reply,
} from '../../resp/index.js';
import { estimateKeyBytes } from '../../store/index.js';
import { globMatch } from '../../util/index.js';
import { strtod } from '../args.js';
import type { ArgCursor } from '../cursor.js';
import { defineCommand } from '../define.js';
import { encodingOf, refcountOf } from '../encoding.js';
import { fail } from '../typed.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { datasetDigest, keyValueDigest } from './digest.js';
import { protectedCommandAllowed } from './module.js';
import { helpReply } from './spec.js';

/** DEBUG HELP: Redis 7.0.15's lines, HELP's own last. */
const HELP = [
  'AOF-FLUSH-SLEEP <microsec>',
  '    Server will sleep before flushing the AOF, this is used for testing.',
  'ASSERT',
  '    Crash by assertion failed.',
  'CHANGE-REPL-ID',
  '    Change the replication IDs of the instance.',
  '    Dangerous: should be used only for testing the replication subsystem.',
  'CONFIG-REWRITE-FORCE-ALL',
  '    Like CONFIG REWRITE but writes all configuration options, including',
  '    keywords not listed in original configuration file or default values.',
  'CRASH-AND-RECOVER [<milliseconds>]',
  '    Hard crash and restart after a <milliseconds> delay (default 0).',
  'DIGEST',
  '    Output a hex signature representing the current DB content.',
  'DIGEST-VALUE <key> [<key> ...]',
  '    Output a hex signature of the values of all the specified keys.',
  'ERROR <string>',
  '    Return a Redis protocol error with <string> as message. Useful for clients',
  '    unit tests to simulate Redis errors.',
  'LEAK <string>',
  '    Create a memory leak of the input string.',
  'LOG <message>',
  '    Write <message> to the server log.',
  'HTSTATS <dbid>',
  '    Return hash table statistics of the specified Redis database.',
  'HTSTATS-KEY <key>',
  "    Like HTSTATS but for the hash table stored at <key>'s value.",
  'LOADAOF',
  '    Flush the AOF buffers on disk and reload the AOF in memory.',
  'REPLICATE <string>',
  '    Replicates the provided string to replicas, allowing data divergence.',
  'MALLCTL <key> [<val>]',
  '    Get or set a malloc tuning integer.',
  'MALLCTL-STR <key> [<val>]',
  '    Get or set a malloc tuning string.',
  'OBJECT <key>',
  '    Show low level info about `key` and associated value.',
  'DROP-CLUSTER-PACKET-FILTER <packet-type>',
  '    Drop all packets that match the filtered type. Set to -1 allow all packets.',
  'OOM',
  '    Crash the server simulating an out-of-memory error.',
  'PANIC',
  '    Crash the server simulating a panic.',
  'POPULATE <count> [<prefix>] [<size>]',
  '    Create <count> string keys named key:<num>. If <prefix> is specified then',
  "    it is used instead of the 'key' prefix. These are not propagated to",
  '    replicas. Cluster slots are not respected so keys not belonging to the',
  '    current node can be created in cluster mode.',
  'PROTOCOL <type>',
  '    Reply with a test value of the specified type. <type> can be: string,',
  '    integer, double, bignum, null, array, set, map, attrib, push, verbatim,',
  '    true, false.',
  'RELOAD [option ...]',
  '    Save the RDB on disk and reload it back to memory. Valid <option> values:',
  '    * MERGE: conflicting keys will be loaded from RDB.',
  '    * NOFLUSH: the existing database will not be removed before load, but',
  '      conflicting keys will generate an exception and kill the server.',
  '    * NOSAVE: the database will be loaded from an existing RDB file.',
  '    Examples:',
  '    * DEBUG RELOAD: verify that the server is able to persist, flush and reload',
  '      the database.',
  '    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an',
  '      existing RDB file.',
  '    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB',
  '      file to the database.',
  'RESTART [<milliseconds>]',
  '    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).',
  'SDSLEN <key>',
  '    Show low level SDS string info representing `key` and value.',
  'SEGFAULT',
  '    Crash the server with sigsegv.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Setting it to 0 disables expiring keys in background when they are not',
  '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
  '    default.',
  'QUICKLIST-PACKED-THRESHOLD <size>',
  '    Sets the threshold for elements to be inserted as plain vs packed nodes',
  '    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.',
  'SET-SKIP-CHECKSUM-VALIDATION <0|1>',
  "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
  'SLEEP <seconds>',
  '    Stop the server for <seconds>. Decimals allowed.',
  'STRINGMATCH-TEST',
  '    Run a fuzz tester against the stringmatchlen() function.',
  'STRUCTSIZE',
  '    Return the size of different Redis core C structures.',
  'LISTPACK <key>',
  '    Show low level info about the listpack encoding of <key>.',
  'QUICKLIST <key> [<0|1>]',
  '    Show low level info about the quicklist encoding of <key>.',
  '    The optional argument (0 by default) sets the level of detail',
  'CLIENT-EVICTION',
  '    Show low level client eviction pools info (maxmemory-clients).',
  'PAUSE-CRON <0|1>',
  '    Stop periodic cron job processing.',
  'REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>',
  '    Sets the time (in milliseconds) to wait between client reply buffer peak resets.',
  '    In case NEVER is provided the last observed peak will never be reset',
  '    In case RESET is provided the peak reset time will be restored to the default value',
  'REPLYBUFFER RESIZING <0|1>',
  '    Enable or disable the reply buffer resize cron job',
  'CLUSTERLINK KILL <to|from|all> <node-id>',
  '    Kills the link based on the direction to/from (both) with the provided node.',
];

function blockFor(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** C atoi: optional spaces and sign, then digits as far as they go; 0 when there are none. */
function atoi(text: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(text);
  return m === null ? 0 : Number.parseInt(m[1] as string, 10) | 0;
}

/**
 * DEBUG SLEEP's pause in ms, as Redis computes it: strtod with no error check (junk is 0), times 10^6
 * into a long long; a value that does not fit (inf, nan, ≥ ~9.2e12 s) becomes LLONG_MIN on x86-64,
 * and nanosleep refuses a negative time — so those, and negative values, return at once.
 */
function sleepMs(text: string): number {
  const micros = strtod(text).value * 1e6;
  if (!(micros > 0) || micros >= 2 ** 63) return 0;
  return Math.floor(micros) / 1000;
}

const PROTOCOL_TYPES = [
  'string',
  'integer',
  'double',
  'bignum',
  'null',
  'array',
  'set',
  'map',
  'attrib',
  'push',
  'verbatim',
  'true',
  'false',
] as const;
type ProtocolType = (typeof PROTOCOL_TYPES)[number];

type DebugArgs =
  | { readonly sub: 'help' }
  | { readonly sub: 'sleep'; readonly ms: number }
  | { readonly sub: 'set-active-expire' | 'pause-cron'; readonly on: boolean }
  | { readonly sub: 'reload'; readonly options: { merge: boolean; flush: boolean; save: boolean } }
  | { readonly sub: 'object' | 'listpack'; readonly key: string }
  | { readonly sub: 'quicklist'; readonly key: string; readonly full: boolean }
  | { readonly sub: 'digest' | 'change-repl-id' | 'stringmatch-test' }
  | { readonly sub: 'digest-value'; readonly keys: readonly string[] }
  | { readonly sub: 'protocol'; readonly type: ProtocolType | undefined }
  | { readonly sub: 'error'; readonly message: string };

/** Subcommands that take no argument. */
const BARE = new Set(['help', 'digest', 'change-repl-id', 'stringmatch-test']);

/** Redis debugCommand's dispatch: the subcommand and its argument count, else its syntax error. */
function parseDebug(args: ArgCursor, ctx: CommandContext): DebugArgs {
  // Refused before anything is parsed, whatever the arguments (Redis checks in processCommand).
  if (!protectedCommandAllowed(ctx, 'enable-debug-command')) return fail(ERR_DEBUG_NOT_ALLOWED);
  const typed = args.string();
  const sub = typed.toLowerCase();
  const count = args.remaining;
  if (count === 0 && BARE.has(sub))
    return { sub: sub as 'help' | 'digest' | 'change-repl-id' | 'stringmatch-test' };
  if (sub === 'digest-value') return { sub, keys: args.rest() };
  if (count === 1) {
    switch (sub) {
      case 'sleep':
        return { sub, ms: sleepMs(args.string()) };
      case 'set-active-expire':
      case 'pause-cron':
        return { sub, on: atoi(args.string()) !== 0 };
      case 'object':
      case 'listpack':
        return { sub, key: args.key() };
      case 'quicklist':
        return { sub, key: args.key(), full: false };
      case 'protocol': {
        const name = args.string().toLowerCase();
        return { sub, type: PROTOCOL_TYPES.find((t) => t === name) };
      }
      case 'error':
        return { sub, message: args.string().replace(/[\r\n]/g, ' ') };
    }
  }
  if (sub === 'quicklist' && count === 2) return { sub, key: args.key(), full: atoi(args.string()) !== 0 };
  if (sub === 'reload') {
    const options = { merge: false, flush: true, save: true };
    while (!args.done) {
      const opt = args.string().toLowerCase();
      if (opt === 'merge') options.merge = true;
      else if (opt === 'noflush') options.flush = false;
      else if (opt === 'nosave') options.save = false;
      else return fail(ERR_RELOAD_OPTIONS);
    }
    return { sub, options };
  }
  return fail(ERR_SUBCOMMAND_SYNTAX(typed, args.argv[0] ?? 'debug'));
}

function hex(digest: Buffer): Reply {
  return simple(digest.toString('hex'));
}

/** DEBUG PROTOCOL's test values (debug.c), in the client's protocol. */
function protocolReply(ctx: CommandContext, type: ProtocolType | undefined): Reply {
  const resp3 = ctx.client.protocol === 3;
  const three = [0, 1, 2].map((i) => integer(i));
  switch (type) {
    case 'string':
      return bulk('Hello World');
    case 'integer':
      return integer(12345);
    case 'double':
      return double(3.141);
    case 'bignum':
      return { kind: 'bignum', value: '1234567999999999999999999999999999999' };
    case 'null':
      return NULL;
    case 'array':
      return array(three);
    case 'set':
      return set(three);
    case 'map':
      return map(three.map((k, i) => [k, bool(i === 1)] as const));
    case 'attrib': {
      // An attribute is not a reply of its own: the real reply follows it (RESP2 gets only that).
      const after = bulk('Some real reply following the attribute');
      if (!resp3) return after;
      const attribute = '|1\r\n' + encodeReply(bulk('key-popularity'), 3);
      return {
        kind: 'raw',
        bytes: attribute + encodeReply(array([bulk('key:123'), integer(90)]), 3) + encodeReply(after, 3),
      };
    }
    case 'push':
      if (!resp3) return error(ERR_RESP2_UNSUPPORTED);
      return {
        kind: 'raw',
        bytes:
          encodeReply(push([bulk('server-cpu-usage'), integer(42)]), 3) +
          encodeReply(bulk('Some real reply following the push reply'), 3),
      };
    case 'verbatim':
      return verbatim('This is a verbatim\nstring');
    case 'true':
      return bool(true);
    case 'false':
      return bool(false);
    case undefined:
      return error(ERR_DEBUG_PROTOCOL_TYPE);
  }
}

/**
 * Redis stringmatchlen_fuzz_test: random patterns against random strings (bytes 0–127, up to 31
 * long) must not crash the matcher. Redis runs ten million rounds (~1 s of C); a hundred thousand
 * keep the server's pause short here.
 */
function stringmatchFuzz(): void {
  const randomText = (): string => {
    const len = Math.floor(Math.random() * 32);
    let s = '';
    for (let i = 0; i < len; i++) s += String.fromCharCode(Math.floor(Math.random() * 128));
    return s;
  };
  for (let i = 0; i < 100_000; i++) globMatch(randomText(), randomText());
}

/** DEBUG LISTPACK / QUICKLIST: a line per element on stdout, as Redis prints its structures there. */
function printLayout(ctx: CommandContext, key: string, wanted: 'listpack' | 'quicklist'): Reply {
  const value = ctx.db.lookupQuiet(key, ctx.now);
  if (value === undefined) return error(ERR_NO_SUCH_KEY);
  if (encodingOf(ctx, value, key) !== wanted) return error(ERR_NOT_ENCODED_AS(wanted));
  const entries =
    typeof value === 'string' || value.type === 'string'
      ? []
      : value.type === 'list'
        ? [...value.items]
        : value.type === 'hash'
          ? [...value.fields].flat()
          : value.type === 'set'
            ? [...value.members]
            : value.type === 'zset'
              ? [...value.zset.entries()].flatMap((e) => [e.member, String(e.score)])
              : [];
  const lines = [`{${wanted} key ${JSON.stringify(key)} entries ${entries.length}}`];
  entries.forEach((e, i) => lines.push(`  {entry ${i} ${JSON.stringify(e)}}`));
  process.stdout.write(lines.join('\n') + '\n');
  return simple(
    wanted === 'listpack' ? 'Listpack structure printed on stdout' : 'Quicklist structure printed on stdout',
  );
}

function applyDebug(ctx: CommandContext, args: DebugArgs): Reply {
  switch (args.sub) {
    case 'help':
      return helpReply('DEBUG', HELP, 'Prints this help.');
    case 'sleep':
      if (args.ms > 0) blockFor(args.ms);
      return OK;
    case 'set-active-expire':
      if (ctx.server.activeExpiry !== undefined) ctx.server.activeExpiry.enabled = args.on;
      return OK;
    case 'pause-cron':
      if (ctx.server.cron !== undefined) ctx.server.cron.paused = args.on;
      return OK;
    case 'reload': {
      const persistence = ctx.server.persistence;
      if (persistence === undefined) return error(ERR_NO_PERSISTENCE);
      // Redis emptyData before loading: caching clients drop everything.
      if (args.options.flush) ctx.server.tracking.invalidateAll();
      const failed = persistence.reload(args.options);
      if (failed === 'save') return error(ERR_BARE);
      return failed === 'load' ? error(ERR_RELOAD) : OK;
    }
    case 'object': {
      const value = ctx.db.lookupQuiet(args.key, ctx.now);
      if (value === undefined) return error(ERR_NO_SUCH_KEY);
      return simple(
        `Value at:0x0 refcount:${refcountOf(ctx, value, args.key)} encoding:${encodingOf(ctx, value, args.key)} serializedlength:${estimateKeyBytes(args.key, value)} lru:0 lru_seconds_idle:0`,
      );
    }
    case 'listpack':
      return printLayout(ctx, args.key, 'listpack');
    case 'quicklist':
      return printLayout(ctx, args.key, 'quicklist');
    case 'digest':
      return hex(datasetDigest(ctx.keyspace));
    case 'digest-value':
      return array(args.keys.map((key) => hex(keyValueDigest(ctx.db, key))));
    case 'protocol':
      return protocolReply(ctx, args.type);
    case 'change-repl-id':
      ctx.server.replication?.changeReplicationId();
      return OK;
    case 'stringmatch-test':
      stringmatchFuzz();
      return simple('Apparently Redis did not crash: test passed');
    case 'error':
      // Written as raw bytes (addReplySds), so Redis counts it in no error statistics.
      return { kind: 'raw', bytes: `-${args.message}\r\n` };
  }
}

export const debugCommand: CommandSpec = defineCommand({
  name: 'debug',
  parse: parseDebug,
  apply: applyDebug,
});
