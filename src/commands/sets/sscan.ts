/**
 * SSCAN key cursor [MATCH pattern] [COUNT count]
 *
 * Replies [next-cursor, [member, ...]]. An intset-sized set comes back whole, sorted, with cursor 0
 * (Redis's intset); a larger one is walked by the mutation-proof cursor of commands/scan.ts.
 */
import { matches, parseScanOptions, scanStep } from '../scan.js';
import { readTyped } from '../typed.js';
import { scanReply } from '../hashes/hscan.js';
import { isIntsetSet } from '../encoding.js';
import { orderedMembers } from './common.js';
import { defineCommand } from '../define.js';

export const sscan = defineCommand({
  name: 'sscan',
  // The cursor is read before the lookup, the options after it (Redis's order).
  parse: (args) => ({ key: args.key(), cursor: args.scanCursor(), options: args }),
  apply(ctx, { key, cursor, options }) {
    const set = readTyped(ctx, key, 'set');
    if (set === undefined) return scanReply(0n, []);
    const opts = parseScanOptions(options);
    const step = isIntsetSet(ctx, set)
      ? { cursor: 0n, elements: orderedMembers(set.members) }
      : scanStep(set.members, set.members.size, cursor, opts.count);
    return scanReply(
      step.cursor,
      step.elements.filter((m) => matches(opts.pattern, m)),
    );
  },
});
