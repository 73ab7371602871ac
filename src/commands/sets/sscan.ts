/**
 * SSCAN key cursor [MATCH pattern] [COUNT count]
 *
 * Replies [next-cursor, [member, ...]]. An intset-sized set comes back whole, sorted, with cursor 0
 * (Redis's intset); a larger one is walked by the mutation-proof cursor of commands/scan.ts.
 */
import { matches, scanCursorArg, parseScanOptions, scanStep } from '../scan.js';
import { readTyped } from '../typed.js';
import type { CommandSpec } from '../types.js';
import { scanReply } from '../hashes/hscan.js';
import { isIntsetSet } from '../encoding.js';
import { orderedMembers } from './common.js';
import { tableRow } from '../define.js';

export const sscan: CommandSpec = {
  ...tableRow('sscan'),
  run: (ctx, argv) => {
    const cursor = scanCursorArg(argv[2] as string);
    const set = readTyped(ctx, argv[1] as string, 'set');
    if (set === undefined) return scanReply(0n, []);
    const opts = parseScanOptions(argv, 3);
    const step = isIntsetSet(ctx, set)
      ? { cursor: 0n, elements: orderedMembers(set.members) }
      : scanStep(set.members, set.members.size, cursor, opts.count);
    return scanReply(
      step.cursor,
      step.elements.filter((m) => matches(opts.pattern, m)),
    );
  },
};
