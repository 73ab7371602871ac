/**
 * Tiny data commands for server tests, so dispatch, MULTI/WATCH and blocking are tested without
 * depending on the data families: TSET/TGET (strings), TRPUSH/TBLPOP (lists, blocking).
 */
import { allCommands, type CommandSpec } from '../../src/commands/index.js';
import { NULL, NULL_ARRAY, OK, bulk, bulkArray, integer, type Reply } from '../../src/resp/index.js';
import { Quicklist, type Database } from '../../src/store/index.js';

function spec(name: string, arity: number, write: boolean, run: CommandSpec['run']): CommandSpec {
  return { name, arity, flags: write ? ['write'] : ['readonly'], firstKey: 1, lastKey: 1, step: 1, run };
}

function popFrom(db: Database, key: string, now: number): string | undefined {
  const v = db.lookupWrite(key, now);
  if (v === undefined || typeof v === 'string' || v.type !== 'list') return undefined;
  const item = v.items.popHead();
  if (v.items.length === 0) db.delete(key);
  return item;
}

export const testCommands: readonly CommandSpec[] = [
  spec('tset', 3, true, (ctx, argv) => {
    ctx.db.setValue(argv[1] as string, argv[2] as string, false);
    ctx.keyModified(argv[1] as string);
    return OK;
  }),
  spec('tget', 2, false, (ctx, argv) => {
    const v = ctx.db.lookupRead(argv[1] as string, ctx.now);
    return typeof v === 'string' ? bulk(v) : NULL;
  }),
  spec('texpire', 3, true, (ctx, argv) => {
    ctx.db.setExpire(argv[1] as string, ctx.now + Number(argv[2]));
    ctx.keyModified(argv[1] as string);
    return OK;
  }),
  spec('trpush', -3, true, (ctx, argv) => {
    const key = argv[1] as string;
    let v = ctx.db.lookupWrite(key, ctx.now);
    if (v === undefined) {
      v = { type: 'list', items: new Quicklist() };
      for (const item of argv.slice(2)) v.items.pushTail(item);
      ctx.db.add(key, v);
    } else if (typeof v !== 'string' && v.type === 'list') {
      for (const item of argv.slice(2)) v.items.pushTail(item);
    }
    ctx.keyModified(key);
    return integer(typeof v !== 'string' && v.type === 'list' ? v.items.length : 0);
  }),
  spec('tblpop', 3, true, (ctx, argv): Reply | ReturnType<CommandSpec['run']> => {
    const key = argv[1] as string;
    const item = popFrom(ctx.db, key, ctx.now);
    if (item !== undefined) {
      ctx.keyModified(key);
      return bulkArray([key, item]);
    }
    const seconds = Number(argv[2]);
    return {
      kind: 'block',
      keys: [key],
      deadlineMs: seconds === 0 ? 0 : ctx.now + seconds * 1000,
      retry(c): Reply | undefined {
        const got = popFrom(c.db, key, c.now);
        if (got === undefined) return undefined;
        c.keyModified(key);
        c.propagateAs([['LPOP', key]]);
        return bulkArray([key, got]);
      },
      onTimeout: () => NULL_ARRAY,
    };
  }),
];

/** The real command table plus the test commands. */
export const commandsForTests: readonly CommandSpec[] = [...allCommands, ...testCommands];
