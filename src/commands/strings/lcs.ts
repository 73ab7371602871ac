import {
  ERR_LCS_IDX_LEN,
  ERR_LCS_MEMORY,
  ERR_LCS_TYPE,
  ERR_SYNTAX,
  array,
  bulk,
  integer,
  map,
  type Reply,
} from '../../resp/index.js';
import type { ArgCursor } from '../cursor.js';
import { defineCommand } from '../define.js';
import { fail } from '../typed.js';
import type { CommandContext } from '../types.js';
import { toIndex } from './common.js';

interface LcsOptions {
  idx: boolean;
  len: boolean;
  withMatchLen: boolean;
  minMatchLen: number;
}

function parseOptions(args: ArgCursor): LcsOptions {
  const o: LcsOptions = { idx: false, len: false, withMatchLen: false, minMatchLen: 0 };
  while (!args.done) {
    if (args.option('IDX')) o.idx = true;
    else if (args.option('LEN')) o.len = true;
    else if (args.option('WITHMATCHLEN')) o.withMatchLen = true;
    else if (args.remaining >= 2 && args.option('MINMATCHLEN'))
      o.minMatchLen = Math.max(0, toIndex(args.int64()));
    else return fail(ERR_SYNTAX);
  }
  if (o.idx && o.len) return fail(ERR_LCS_IDX_LEN);
  return o;
}

/** A key's string for LCS: "" when absent; another type is LCS's own error, not WRONGTYPE. */
function stringOrEmpty(ctx: CommandContext, key: string): string {
  const value = ctx.db.lookupRead(key, ctx.now);
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return value.type === 'string' ? value.text() : fail(ERR_LCS_TYPE);
}

/**
 * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN] — the longest common subsequence of two
 * strings (absent keys are empty), its length, or the matching ranges (from the end backwards, as
 * Redis emits them). Uses Redis's dynamic-programming table, bounded by proto-max-bulk-len bytes.
 * Like Redis, both keys are read before the options.
 */
export const lcs = defineCommand({
  name: 'lcs',
  parse: (args) => ({ keyA: args.key(), keyB: args.key(), options: args }),
  apply(ctx, { keyA, keyB, options: args }) {
    const a = stringOrEmpty(ctx, keyA);
    const b = stringOrEmpty(ctx, keyB);
    const options = parseOptions(args);
    const cells = (a.length + 1) * (b.length + 1);
    if (cells * 4 > ctx.server.config.protoMaxBulkLen) return fail(ERR_LCS_MEMORY);
    return lcsReply(a, b, options);
  },
});

function lcsReply(a: string, b: string, o: LcsOptions): Reply {
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      table[i * width + j] =
        a.charCodeAt(i - 1) === b.charCodeAt(j - 1)
          ? (table[(i - 1) * width + j - 1] as number) + 1
          : Math.max(table[(i - 1) * width + j] as number, table[i * width + j - 1] as number);
    }
  }
  const total = table[a.length * width + b.length] as number;
  if (o.len) return integer(total);
  const chars: string[] = new Array<string>(total);
  const matches: Reply[] = [];
  let idx = total;
  let i = a.length;
  let j = b.length;
  // The current contiguous range, walked backwards; aStart === a.length means "none open".
  let aStart = a.length;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      chars[idx - 1] = a.charAt(i - 1);
      if (aStart === a.length) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      if ((table[(i - 1) * width + j] as number) > (table[i * width + j - 1] as number)) i--;
      else j--;
      if (aStart !== a.length) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (o.idx && (o.minMatchLen === 0 || matchLen >= o.minMatchLen)) {
        const item = [array([integer(aStart), integer(aEnd)]), array([integer(bStart), integer(bEnd)])];
        if (o.withMatchLen) item.push(integer(matchLen));
        matches.push(array(item));
      }
      aStart = a.length;
    }
  }
  if (o.idx) {
    return map([
      [bulk('matches'), array(matches)],
      [bulk('len'), integer(total)],
    ]);
  }
  return bulk(chars.join(''));
}
