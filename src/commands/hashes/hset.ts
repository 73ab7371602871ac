/**
 * HSET key field value [field value ...]   — sets fields, creating the hash; replies how many were new.
 * HMSET key field value [field value ...]  — the same, replying OK (deprecated form).
 * HSETNX key field value                   — sets the field only if absent; 1 if set, 0 otherwise.
 */
import { wrongArity, integer, OK, ONE, ZERO } from '../../resp/index.js';
import { setField } from '../../store/index.js';
import type { ArgCursor } from '../cursor.js';
import { defineCommand } from '../define.js';
import { noteHashWrite } from '../encoding.js';
import { fail, writeTyped } from '../typed.js';
import type { CommandContext } from '../types.js';
import { hashForWrite } from './common.js';

interface SetFieldsArgs {
  readonly key: string;
  readonly pairs: readonly (readonly [string, string])[];
}

/** key field value [field value ...]; an odd count is the arity error (named as the client typed it). */
function parseFieldValues(args: ArgCursor): SetFieldsArgs {
  const key = args.key();
  if (args.remaining % 2 !== 0) return fail(wrongArity(args.argv[0] as string));
  const pairs: [string, string][] = [];
  while (!args.done) pairs.push([args.string(), args.string()]);
  return { key, pairs };
}

function setFields(ctx: CommandContext, { key, pairs }: SetFieldsArgs): number {
  const hash = hashForWrite(ctx, key, writeTyped(ctx, key, 'hash'));
  let created = 0;
  for (const [field, value] of pairs) {
    if (setField(hash, field, value)) created++;
    noteHashWrite(ctx, hash, field, value);
  }
  ctx.keyModified(key);
  ctx.notify('h', 'hset', key);
  return created;
}

export const hset = defineCommand({
  name: 'hset',
  parse: parseFieldValues,
  apply: (ctx, parsed) => integer(setFields(ctx, parsed)),
});

export const hmset = defineCommand({
  name: 'hmset',
  parse: parseFieldValues,
  apply(ctx, parsed) {
    setFields(ctx, parsed);
    return OK;
  },
});

export const hsetnx = defineCommand({
  name: 'hsetnx',
  parse: (args) => ({ key: args.key(), field: args.string(), value: args.string() }),
  apply(ctx, { key, field, value }) {
    const existing = writeTyped(ctx, key, 'hash');
    if (existing?.fields.has(field) === true) return ZERO;
    const hash = hashForWrite(ctx, key, existing);
    setField(hash, field, value);
    noteHashWrite(ctx, hash, field, value);
    ctx.keyModified(key);
    ctx.notify('h', 'hset', key);
    return ONE;
  },
});
