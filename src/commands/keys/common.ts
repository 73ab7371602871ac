import type { Database } from '../../store/index.js';
import { parseInt64 } from '../args.js';
import type { CommandContext } from '../types.js';

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

/** Redis getIntFromObjectOrReply: a C int, or undefined (the caller replies `message`). */
export function parseCInt(arg: string): number | undefined {
  const n = parseInt64(arg);
  return typeof n === 'number' && n >= INT_MIN && n <= INT_MAX ? n : undefined;
}

/** The database with that index, or undefined when it is out of range (Redis selectDb failing). */
export function databaseAt(ctx: CommandContext, index: number): Database | undefined {
  return index >= 0 && index < ctx.keyspace.databases.length ? ctx.keyspace.db(index) : undefined;
}

/** Redis checkAlreadyExpired: a time in the past deletes at once, except on a replica (the master decides). */
export function alreadyExpired(ctx: CommandContext, db: Database, whenMs: number): boolean {
  return whenMs <= ctx.now && !db.expiryIsMasterDriven;
}
