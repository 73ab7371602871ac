/**
 * LPUSH key element [element ...]   — inserts at the head, creating the list; replies the new length.
 * RPUSH key element [element ...]   — the same at the tail.
 * LPUSHX / RPUSHX                   — only when the list exists; replies 0 otherwise.
 *
 * Elements are pushed one by one, so `LPUSH k a b c` leaves c at the head, like Redis.
 */
import { integer, ZERO } from '../../resp/index.js';
import { defineCommand } from '../define.js';
import { writeTyped } from '../typed.js';
import type { CommandSpec } from '../types.js';
import { listForPush, pushEnd } from './common.js';
import type { End } from './common.js';

function pushCommand(name: string, end: End, onlyIfExists: boolean): CommandSpec {
  return defineCommand({
    name,
    parse: (args) => ({ key: args.key(), elements: args.rest() }),
    apply(ctx, { key, elements }) {
      const existing = writeTyped(ctx, key, 'list');
      if (existing === undefined && onlyIfExists) return ZERO;
      const list = listForPush(ctx, key, existing);
      for (const element of elements) pushEnd(list, end, element);
      ctx.keyModified(key);
      ctx.notify('l', end === 'left' ? 'lpush' : 'rpush', key);
      return integer(list.items.length);
    },
  });
}

export const lpush = pushCommand('lpush', 'left', false);
export const rpush = pushCommand('rpush', 'right', false);
export const lpushx = pushCommand('lpushx', 'left', true);
export const rpushx = pushCommand('rpushx', 'right', true);
