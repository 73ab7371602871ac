import { INT32_MAX, INT32_MIN } from '../../resp/index.js';
import type { Database } from '../../store/index.js';
import { parseInt64 } from '../args.js';
import type { CommandContext } from '../types.js';

/** Redis getIntFromObjectOrReply: a C int, or undefined (the caller replies `message`). */
export function parseCInt(arg: string): number | undefined {
  const n = parseInt64(arg);
  return typeof n === 'number' && n >= INT32_MIN && n <= INT32_MAX ? n : undefined;
}

/** The database with that index, or undefined when it is out of range (Redis selectDb failing). */
export function databaseAt(ctx: CommandContext, index: number): Database | undefined {
  return index >= 0 && index < ctx.keyspace.databases.length ? ctx.keyspace.db(index) : undefined;
}

/** Redis checkAlreadyExpired: a time in the past deletes at once, except on a replica (the master decides). */
export function alreadyExpired(ctx: CommandContext, db: Database, whenMs: number): boolean {
  return whenMs <= ctx.now && !db.expiryIsMasterDriven;
}
