/**
 * HSCAN key cursor [MATCH pattern] [COUNT count]
 *
 * Replies [next-cursor, [field, value, ...]]. A listpack-sized hash comes back whole with cursor 0;
 * a larger one is walked by the mutation-proof cursor of commands/scan.ts. MATCH applies to fields.
 * The cursor is parsed first and a missing key answers an empty scan before options are checked,
 * in Redis's order.
 */
import { array, bulk, bulkArray, type Reply } from '../../resp/index.js';
import { matches, parseScanCursor, parseScanOptions, scanStep } from '../scan.js';
import { guarded, readTyped } from '../typed.js';
import type { CommandSpec } from '../types.js';
import { isListpackHash } from '../encoding.js';

export function scanReply(cursor: bigint, items: readonly string[]): Reply {
  return array([bulk(cursor.toString()), bulkArray(items)]);
}

export const hscan: CommandSpec = {
  name: 'hscan',
  arity: -3,
  flags: ['readonly'],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  categories: ['read', 'hash', 'slow'],
  tips: ['nondeterministic_output'],
  run: guarded((ctx, argv) => {
    const cursor = parseScanCursor(argv[2] as string);
    const hash = readTyped(ctx, argv[1] as string, 'hash');
    if (hash === undefined) return scanReply(0n, []);
    const opts = parseScanOptions(argv, 3);
    const step = isListpackHash(ctx, hash)
      ? { cursor: 0n, elements: [...hash.fields.keys()] }
      : scanStep(hash.fields.keys(), hash.fields.size, cursor, opts.count);
    const flat: string[] = [];
    for (const field of step.elements) {
      if (!matches(opts.pattern, field)) continue;
      flat.push(field, hash.fields.get(field) as string);
    }
    return scanReply(step.cursor, flat);
  }),
};
