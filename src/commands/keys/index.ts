import type { CommandSpec } from '../types.js';
import { copy, move } from './move.js';
import { del, unlink } from './del.js';
import { dumpCommand, restoreAskingCommand, restoreCommand } from './dump.js';
import { exists, touch, type } from './exists.js';
import { expire, expireat, pexpire, pexpireat } from './expire.js';
import { migrateCommand } from './migrate.js';
import { flushall, flushdb, swapdb } from './flush.js';
import { dbsize, keys, randomkey } from './keys.js';
import { object } from './object.js';
import { rename, renamenx } from './rename.js';
import { scan } from './scan.js';
import { sort, sortRo } from './sort.js';
import { expiretime, persist, pexpiretime, pttl, ttl } from './ttl.js';

/** The keys family (Redis db.c, expire.c, object.c). See the command files beside this one. */
export const keysCommands: readonly CommandSpec[] = [
  del,
  unlink,
  exists,
  type,
  rename,
  renamenx,
  move,
  copy,
  keys,
  scan,
  randomkey,
  dbsize,
  flushdb,
  flushall,
  swapdb,
  touch,
  object,
  dumpCommand,
  restoreCommand,
  restoreAskingCommand,
  migrateCommand,
  expire,
  pexpire,
  expireat,
  pexpireat,
  ttl,
  pttl,
  expiretime,
  pexpiretime,
  persist,
  sort,
  sortRo,
];
