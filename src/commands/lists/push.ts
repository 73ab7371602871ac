/**
 * LPUSH key element [element ...]   — inserts at the head, creating the list; replies the new length.
 * RPUSH key element [element ...]   — the same at the tail.
 * LPUSHX / RPUSHX                   — only when the list exists; replies 0 otherwise.
 *
 * Elements are pushed one by one, so `LPUSH k a b c` leaves c at the head, like Redis.
 */
import { integer, ZERO } from '../../resp/index.js';
import { guarded, writeTyped } from '../typed.js';
import type { CommandContext, CommandResult, CommandSpec } from '../types.js';
import { listForPush, pushEnd } from './common.js';
import type { End } from './common.js';

function push(ctx: CommandContext, argv: readonly string[], end: End, onlyIfExists: boolean): CommandResult {
  const key = argv[1] as string;
  const existing = writeTyped(ctx, key, 'list');
  if (existing === undefined && onlyIfExists) return ZERO;
  const list = listForPush(ctx, key, existing);
  for (let i = 2; i < argv.length; i++) pushEnd(list, end, argv[i] as string);
  ctx.keyModified(key);
  return integer(list.items.length);
}

function pushSpec(name: string, end: End, onlyIfExists: boolean): CommandSpec {
  return {
    name,
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    categories: ['write', 'list', 'fast'],
    run: guarded((ctx, argv) => push(ctx, argv, end, onlyIfExists)),
  };
}

export const lpush = pushSpec('lpush', 'left', false);
export const rpush = pushSpec('rpush', 'right', false);
export const lpushx = pushSpec('lpushx', 'left', true);
export const rpushx = pushSpec('rpushx', 'right', true);
