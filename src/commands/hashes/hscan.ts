/**
 * HSCAN key cursor [MATCH pattern] [COUNT count]
 *
 * Replies [next-cursor, [field, value, ...]]. A listpack-sized hash comes back whole with cursor 0;
 * a larger one is walked by the mutation-proof cursor of commands/scan.ts. MATCH applies to fields.
 * The cursor is parsed first and a missing key answers an empty scan before options are checked,
 * in Redis's order.
 */
import { array, bulk, bulkArray, type Reply } from '../../resp/index.js';
import { matches, parseScanOptions, scanStep } from '../scan.js';
import { readTyped } from '../typed.js';
import { isListpackHash } from '../encoding.js';
import { defineCommand } from '../define.js';

export function scanReply(cursor: bigint, items: readonly string[]): Reply {
  return array([bulk(cursor.toString()), bulkArray(items)]);
}

export const hscan = defineCommand({
  name: 'hscan',
  // The cursor is read before the lookup, the options after it (Redis's order).
  parse: (args) => ({ key: args.key(), cursor: args.scanCursor(), options: args }),
  apply(ctx, { key, cursor, options }) {
    const hash = readTyped(ctx, key, 'hash');
    if (hash === undefined) return scanReply(0n, []);
    const opts = parseScanOptions(options);
    const step = isListpackHash(ctx, hash)
      ? { cursor: 0n, elements: [...hash.fields.keys()] }
      : scanStep(hash.fields.keys(), hash.fields.size, cursor, opts.count);
    const flat: string[] = [];
    for (const field of step.elements) {
      if (!matches(opts.pattern, field)) continue;
      flat.push(field, hash.fields.get(field) as string);
    }
    return scanReply(step.cursor, flat);
  },
});
