/**
 * The read-only list commands.
 *
 * LLEN key                      — the length, 0 when missing.
 * LRANGE key start stop         — elements start..stop inclusive; negative indexes count from the tail.
 * LINDEX key index              — one element or nil. (The key is looked up before the index is parsed.)
 */
import { BulkArrayBuilder, bulkOrNull, EMPTY_ARRAY, integer, NULL, ZERO } from '../../resp/index.js';
import { defineCommand } from '../define.js';
import { readTyped } from '../typed.js';
import { absoluteIndex, clampRange } from './common.js';

export const llen = defineCommand({
  name: 'llen',
  parse: (args) => args.key(),
  apply(ctx, key) {
    const list = readTyped(ctx, key, 'list');
    return list === undefined ? ZERO : integer(list.items.length);
  },
});

export const lrange = defineCommand({
  name: 'lrange',
  parse: (args) => ({ key: args.key(), start: args.integer(), stop: args.integer() }),
  apply(ctx, { key, start, stop }) {
    const list = readTyped(ctx, key, 'list');
    if (list === undefined) return EMPTY_ARRAY;
    const range = clampRange(start, stop, list.items.length);
    if (range === undefined) return EMPTY_ARRAY;
    // Encoded straight from the list's packed bytes: no string or reply object per element.
    const [from, to] = range;
    const reply = new BulkArrayBuilder(to - from + 1);
    list.items.rangeInto(from, to, reply);
    return reply.reply();
  },
});

export const lindex = defineCommand({
  name: 'lindex',
  parse: (args) => ({ key: args.key(), index: args }),
  apply(ctx, { key, index: args }) {
    const list = readTyped(ctx, key, 'list');
    if (list === undefined) return NULL;
    const index = args.integer();
    return bulkOrNull(list.items.at(absoluteIndex(index, list.items.length)));
  },
});
