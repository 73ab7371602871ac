/**
 * HSET key field value [field value ...]   — sets fields, creating the hash; replies how many were new.
 * HMSET key field value [field value ...]  — the same, replying OK (deprecated form).
 * HSETNX key field value                   — sets the field only if absent; 1 if set, 0 otherwise.
 */
import { wrongArity, integer, OK, ONE, ZERO } from '../../resp/index.js';
import { noteHashWrite } from '../encoding.js';
import { setField } from '../../store/index.js';
import { fail, guarded, writeTyped } from '../typed.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { hashForWrite } from './common.js';

function setFields(ctx: CommandContext, argv: readonly string[]): number {
  if (argv.length % 2 !== 0) return fail(wrongArity(argv[0] as string));
  const key = argv[1] as string;
  const hash = hashForWrite(ctx, key, writeTyped(ctx, key, 'hash'));
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) {
    const field = argv[i] as string;
    const value = argv[i + 1] as string;
    if (setField(hash, field, value)) created++;
    noteHashWrite(ctx, hash, field, value);
  }
  ctx.keyModified(key);
  return created;
}

const shape = { firstKey: 1, lastKey: 1, step: 1, flags: ['write', 'denyoom', 'fast'] } as const;
const categories = ['write', 'hash', 'fast'];

export const hset: CommandSpec = {
  name: 'hset',
  arity: -4,
  ...shape,
  categories,
  run: guarded((ctx, argv) => integer(setFields(ctx, argv))),
};

export const hmset: CommandSpec = {
  name: 'hmset',
  arity: -4,
  ...shape,
  categories,
  run: guarded((ctx, argv) => {
    setFields(ctx, argv);
    return OK;
  }),
};

export const hsetnx: CommandSpec = {
  name: 'hsetnx',
  arity: 4,
  ...shape,
  categories,
  run: guarded((ctx, argv) => {
    const key = argv[1] as string;
    const field = argv[2] as string;
    const existing = writeTyped(ctx, key, 'hash');
    if (existing?.fields.has(field) === true) return ZERO;
    const hash = hashForWrite(ctx, key, existing);
    setField(hash, field, argv[3] as string);
    noteHashWrite(ctx, hash, field, argv[3] as string);
    ctx.keyModified(key);
    return ONE;
  }),
};
