/**
 * MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password]
 *         [AUTH2 username password] [KEYS key [key ...]]
 *
 * Moves keys to another instance: each one is sent as RESTORE key ttl <DUMP payload> [REPLACE] (after
 * AUTH and SELECT when needed) over a cached connection, and deleted here once the target said OK
 * (unless COPY); the deletions propagate as one DEL to replicas and the AOF. The server blocks for
 * the transfer, as Redis does, so nothing changes the keys in between (Redis cluster.c migrateCommand,
 * whose replies and error texts these are).
 */
import {
  ERR_MIGRATE_CONNECT,
  ERR_MIGRATE_IO,
  ERR_MIGRATE_KEYS_WITH_KEY,
  ERR_MIGRATE_TARGET,
  ERR_NOT_INTEGER,
  ERR_NO_PERSISTENCE,
  ERR_SYNTAX,
  OK,
  bulkArray,
  encodeReply,
  error,
  simple,
  type Reply,
} from '../../resp/index.js';
import { isOption, parseInt64 } from '../args.js';
import { tableCommand } from '../define.js';
import type { CommandContext, MigrateLink } from '../types.js';

const ETIMEDOUT = 110;
const NOKEY = simple('NOKEY');

interface MigrateOptions {
  readonly copy: boolean;
  readonly replace: boolean;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly firstKey: number;
}

function parseOptions(argv: readonly string[]): MigrateOptions | Reply {
  let copy = false;
  let replace = false;
  let username: string | undefined;
  let password: string | undefined;
  let firstKey = 3;
  for (let j = 6; j < argv.length; j++) {
    const a = argv[j] as string;
    const more = argv.length - 1 - j;
    if (isOption(a, 'COPY')) copy = true;
    else if (isOption(a, 'REPLACE')) replace = true;
    else if (isOption(a, 'AUTH')) {
      if (more < 1) return error(ERR_SYNTAX);
      password = argv[++j];
    } else if (isOption(a, 'AUTH2')) {
      if (more < 2) return error(ERR_SYNTAX);
      username = argv[++j];
      password = argv[++j];
    } else if (isOption(a, 'KEYS')) {
      if ((argv[3] as string).length !== 0) return error(ERR_MIGRATE_KEYS_WITH_KEY);
      firstKey = j + 1;
      break;
    } else {
      return error(ERR_SYNTAX);
    }
  }
  return { copy, replace, username, password, firstKey };
}

/** getLongFromObject: a signed 64-bit integer argument. */
function long(text: string): number | undefined {
  const n = parseInt64(text);
  return typeof n === 'number' ? n : undefined;
}

function bulkBytes(bytes: Buffer): Buffer[] {
  return [Buffer.from(`$${bytes.length}\r\n`, 'latin1'), bytes, Buffer.from('\r\n', 'latin1')];
}

function command(argv: readonly string[]): Buffer {
  return Buffer.from(encodeReply(bulkArray(argv), 2), 'latin1');
}

interface Migrating {
  readonly key: string;
  readonly ttl: number;
  readonly payload: Buffer;
}

function migrate(ctx: CommandContext, argv: readonly string[]): Reply {
  const options = parseOptions(argv);
  if ('kind' in options) return options;
  let timeout = long(argv[5] as string);
  const dbid = long(argv[4] as string);
  if (timeout === undefined || dbid === undefined) return error(ERR_NOT_INTEGER);
  if (timeout <= 0) timeout = 1000;

  // The keys that exist: with none, NOKEY (often a key that just expired), not an error.
  const keys = options.firstKey === 3 ? [argv[3] as string] : argv.slice(options.firstKey);
  const present = keys.filter((key) => ctx.db.lookupRead(key, ctx.now) !== undefined);
  if (present.length === 0) return NOKEY;
  const persistence = ctx.server.persistence;
  const sockets = ctx.server.migrate;
  if (persistence === undefined || sockets === undefined) return error(ERR_NO_PERSISTENCE);

  const host = argv[1] as string;
  const port = argv[2] as string;
  for (let mayRetry = true; ; mayRetry = false) {
    const link = sockets.socket(host, port, timeout);
    if (link === undefined) return error(ERR_MIGRATE_CONNECT);
    const outcome = transfer(ctx, link, present, dbid, timeout, options);
    if (outcome.kind === 'done') {
      if (outcome.socketError) sockets.close(host, port);
      return outcome.reply;
    }
    // A socket error: the cached connection is closed, and tried once more from scratch unless it
    // timed out or a key may already have been restored.
    sockets.close(host, port);
    if (outcome.retryable && link.lastErrno !== ETIMEDOUT && mayRetry) continue;
    return error(ERR_MIGRATE_IO(outcome.writing));
  }
}

type TransferOutcome =
  | { readonly kind: 'done'; readonly reply: Reply; readonly socketError?: boolean }
  | { readonly kind: 'socket-error'; readonly writing: boolean; readonly retryable: boolean };

function transfer(
  ctx: CommandContext,
  link: MigrateLink,
  keys: readonly string[],
  dbid: number,
  timeout: number,
  options: MigrateOptions,
): TransferOutcome {
  const persistence = ctx.server.persistence;
  if (persistence === undefined) return { kind: 'done', reply: error(ERR_NO_PERSISTENCE) };
  const parts: Buffer[] = [];
  const { password, username } = options;
  if (password !== undefined) {
    parts.push(command(username === undefined ? ['AUTH', password] : ['AUTH', username, password]));
  }
  const select = link.lastDbid !== dbid;
  if (select) parts.push(command(['SELECT', String(dbid)]));

  // Keys found above that expired since are left out (Redis checks the TTL again while serializing).
  const migrating: Migrating[] = [];
  for (const key of keys) {
    const value = ctx.db.peek(key);
    if (value === undefined) continue;
    const expireAt = ctx.db.getExpire(key);
    let ttl = 0;
    if (expireAt !== undefined) {
      ttl = expireAt - ctx.now;
      if (ttl < 0) continue;
      if (ttl < 1) ttl = 1;
    }
    const payload = persistence.dump(value);
    migrating.push({ key, ttl, payload });
    parts.push(Buffer.from(`*${options.replace ? 5 : 4}\r\n`, 'latin1'));
    parts.push(...bulkBytes(Buffer.from('RESTORE', 'latin1')));
    parts.push(...bulkBytes(Buffer.from(key, 'latin1')));
    parts.push(...bulkBytes(Buffer.from(String(ttl), 'latin1')));
    parts.push(...bulkBytes(payload));
    if (options.replace) parts.push(...bulkBytes(Buffer.from('REPLACE', 'latin1')));
  }

  // Redis writes in 64 KB pieces, each with the full timeout.
  const request = Buffer.concat(parts);
  for (let pos = 0; pos < request.length; pos += 64 * 1024) {
    if (!link.write(request.subarray(pos, pos + 64 * 1024), timeout)) {
      return { kind: 'socket-error', writing: true, retryable: true };
    }
  }
  const authReply = password === undefined ? '' : link.readLine(timeout);
  if (authReply === undefined) return { kind: 'socket-error', writing: false, retryable: true };
  const selectReply = select ? link.readLine(timeout) : '';
  if (selectReply === undefined) return { kind: 'socket-error', writing: false, retryable: true };

  let targetError: string | undefined;
  const deleted: string[] = [];
  let read = 0;
  for (const { key } of migrating) {
    const restoreReply = link.readLine(timeout);
    if (restoreReply === undefined) break;
    read++;
    const failed = [authReply, selectReply, restoreReply].find((line) => line.startsWith('-'));
    if (failed !== undefined) {
      targetError ??= failed.slice(1);
      link.lastDbid = -1;
    } else if (!options.copy) {
      ctx.db.delete(key);
      ctx.keyModified(key);
      ctx.notify('g', 'del', key);
      deleted.push(key);
    }
  }
  if (deleted.length > 0) ctx.propagateAs([['DEL', ...deleted]]);
  const socketError = read < migrating.length;
  if (targetError === undefined && socketError) {
    // Retried only when nothing was answered (so nothing can have been restored twice).
    return { kind: 'socket-error', writing: false, retryable: read === 0 && deleted.length === 0 };
  }
  if (targetError !== undefined) {
    const reply = error(ERR_MIGRATE_TARGET(targetError));
    return { kind: 'done', reply, socketError };
  }
  link.lastDbid = dbid;
  return { kind: 'done', reply: OK };
}

/**
 * migrateGetKeys: the key argument, or with KEYS (after skipping the values of AUTH and AUTH2) the
 * arguments after it; undefined when KEYS comes with a non-empty key argument.
 */
function migrateKeys(argv: readonly string[]): readonly string[] | undefined {
  const skips: Readonly<Record<string, number>> = { copy: 0, replace: 0, auth: 1, auth2: 2 };
  for (let i = 6; i < argv.length; i++) {
    const word = (argv[i] as string).toLowerCase();
    if (word === 'keys') {
      if ((argv[3] as string).length > 0) return undefined;
      return argv.slice(i + 1);
    }
    i += skips[word] ?? 0;
  }
  return [argv[3] as string];
}

export const migrateCommand = tableCommand('migrate', migrate, { keys: migrateKeys });
