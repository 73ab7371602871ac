/**
 * SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE destination]
 * SORT_RO key ... (the same without STORE)
 *
 * Follows Redis 7.0 sortCommandGeneric (sort.c): options parsed first (syntax errors win over
 * WRONGTYPE), a BY pattern without `*` means "don't sort" (lists and sorted sets keep their order and
 * LIMIT picks the range directly), numeric sorting reads scores with strtod (up to the end or a NUL;
 * a score that does not parse fails the whole command) and breaks ties by comparing the elements as
 * binary strings; ALPHA compares with strcoll on C strings (the C locale's byte order, stopping at a
 * NUL), but binary-safe when STORE is given. A set sorted by a constant into STORE is sorted ALPHA so
 * the stored list is deterministic.
 */
import {
  ERR_NOT_INTEGER,
  ERR_SYNTAX,
  cString,
  ERR_SORT_SCORE,
  array,
  bulk,
  error,
  integer,
  NULL,
  type Reply,
} from '../../resp/index.js';
import { Quicklist, stringText, type Database, type ListValue, type Value } from '../../store/index.js';
import { parseLong, strtod } from '../args.js';
import type { ArgCursor } from '../cursor.js';
import { defineCommand } from '../define.js';
import { orderedMembers } from '../sets/common.js';
import { fail, wrongType } from '../typed.js';
import type { CommandContext } from '../types.js';

const DBL_MIN = 2.2250738585072014e-308;

interface SortOptions {
  readonly desc: boolean;
  readonly alpha: boolean;
  readonly limitStart: number;
  readonly limitCount: number;
  readonly by: string | undefined;
  readonly gets: readonly string[];
  readonly store: string | undefined;
}

function parseOptions(args: ArgCursor, readonly: boolean): SortOptions {
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let by: string | undefined;
  let store: string | undefined;
  const gets: string[] = [];
  while (!args.done) {
    const operands = args.remaining - 1;
    if (args.option('ASC')) desc = false;
    else if (args.option('DESC')) desc = true;
    else if (args.option('ALPHA')) alpha = true;
    else if (operands >= 2 && args.option('LIMIT')) {
      const [start, count] = [args.string(), args.string()];
      limitStart = parseLong(start) ?? fail(ERR_NOT_INTEGER);
      limitCount = parseLong(count) ?? fail(ERR_NOT_INTEGER);
    } else if (!readonly && operands >= 1 && args.option('STORE')) store = args.key();
    else if (operands >= 1 && args.option('BY')) by = args.string();
    else if (operands >= 1 && args.option('GET')) gets.push(args.string());
    else return fail(ERR_SYNTAX);
  }
  return { desc, alpha, limitStart, limitCount, by, gets, store };
}

/**
 * lookupKeyByPattern: `#` is the element itself; otherwise the first `*` (C-string search) is
 * replaced by the element and the key read as a string, or with `->field` after the `*` as a hash
 * field. A pattern without `*`, a missing key or the wrong type give undefined.
 */
function lookupByPattern(db: Database, now: number, pattern: string, element: string): string | undefined {
  const c = cString(pattern);
  if (c === '#') return element;
  const star = c.indexOf('*');
  if (star < 0) return undefined;
  const arrow = c.indexOf('->', star + 1);
  const hasField = arrow >= 0 && arrow + 2 < c.length;
  const key = pattern.slice(0, star) + element + pattern.slice(star + 1, hasField ? arrow : pattern.length);
  const value: Value | undefined = db.lookupRead(key, now);
  if (value === undefined) return undefined;
  if (hasField)
    return typeof value !== 'string' && value.type === 'hash'
      ? value.fields.get(pattern.slice(arrow + 2))
      : undefined;
  return typeof value === 'string' || !('type' in value) ? stringText(value) : undefined;
}

/** The elements to sort, in the container's own order (a set's as SMEMBERS gives it). */
function elementsOf(value: Value): string[] | undefined {
  if (typeof value === 'string' || !('type' in value)) return undefined;
  if (value.type === 'list') return value.items.toArray();
  if (value.type === 'set') return orderedMembers(value.members, value.outgrown === true);
  if (value.type === 'zset') return [...value.zset.entries()].map((e) => e.member);
  return undefined;
}

interface Item {
  readonly element: string;
  score: number;
  cmp: string | undefined;
}

/** sortCompare: the comparison of two vector entries, before DESC flips it. */
function comparator(alpha: boolean, byPattern: boolean, binary: boolean): (a: Item, b: Item) => number {
  const bytes = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  const coll = (x: string, y: string): number => (binary ? bytes(x, y) : bytes(cString(x), cString(y)));
  if (!alpha) return (a, b) => (a.score > b.score ? 1 : a.score < b.score ? -1 : bytes(a.element, b.element));
  if (!byPattern) return (a, b) => coll(a.element, b.element);
  return (a, b) => {
    if (a.cmp === undefined || b.cmp === undefined) {
      return a.cmp === b.cmp ? 0 : a.cmp === undefined ? -1 : 1;
    }
    return coll(a.cmp, b.cmp);
  };
}

/** Loads scores (or compare strings) into the items; false when a numeric score does not parse. */
function loadScores(ctx: CommandContext, items: readonly Item[], o: SortOptions): boolean {
  for (const item of items) {
    let by: string | undefined = item.element;
    if (o.by !== undefined) {
      by = lookupByPattern(ctx.db, ctx.now, o.by, item.element);
      if (by === undefined) continue;
    }
    if (o.alpha) {
      if (o.by !== undefined) item.cmp = by;
      continue;
    }
    const r = strtod(by);
    const stop = by.charCodeAt(r.end);
    // glibc's strtod also reports ERANGE for a subnormal result, and SORT checks errno alone.
    const subnormal = r.value !== 0 && Math.abs(r.value) < DBL_MIN;
    if ((r.end < by.length && stop !== 0) || r.rangeError || subnormal || Number.isNaN(r.value)) return false;
    item.score = r.value;
  }
  return true;
}

interface SortArgs {
  readonly key: string;
  readonly options: SortOptions;
}

function sortGeneric(ctx: CommandContext, { key, options }: SortArgs): Reply {
  let o: SortOptions = options;
  const value = ctx.db.lookupRead(key, ctx.now);
  const all = value === undefined ? [] : (elementsOf(value) ?? wrongType());
  const kind = value === undefined || typeof value === 'string' || !('type' in value) ? 'list' : value.type;
  let dontsort = o.by !== undefined && !cString(o.by).includes('*');
  // A set has no order of its own: sorted ALPHA when stored, so the stored list is deterministic.
  if (dontsort && kind === 'set' && o.store !== undefined) {
    dontsort = false;
    o = { ...o, alpha: true, by: undefined };
  }
  // Redis "destructively converts encoded sorted sets for SORT": a listpack zset becomes a skiplist.
  if (
    value !== undefined &&
    typeof value !== 'string' &&
    value.type === 'zset' &&
    value.zset.encoding === 'listpack'
  ) {
    ctx.db.lookupWrite(key, ctx.now);
    value.zset.convertToSkiplist();
  }
  const length = all.length;
  let start = o.limitStart < 0 ? 0 : o.limitStart;
  let end = o.limitCount < 0 ? length - 1 : start + o.limitCount - 1;
  if (start >= length) {
    start = length - 1;
    end = length - 2;
  }
  if (end >= length) end = length - 1;

  let picked: string[];
  if (dontsort && kind !== 'set') {
    // Lists and sorted sets in their own order (reversed for DESC), the LIMIT range taken directly.
    const ordered = o.desc ? all.reverse() : all;
    picked = end >= start ? ordered.slice(start, end + 1) : [];
  } else {
    const items: Item[] = all.map((element) => ({ element, score: 0, cmp: undefined }));
    if (!dontsort) {
      if (!loadScores(ctx, items, o)) return error(ERR_SORT_SCORE);
      const compare = comparator(o.alpha, o.by !== undefined, o.store !== undefined);
      items.sort(o.desc ? (a, b) => -compare(a, b) : compare);
    }
    picked = end >= start ? items.slice(start, end + 1).map((i) => i.element) : [];
  }
  return o.store === undefined ? reply(ctx, picked, o.gets) : store(ctx, picked, o.gets, o.store);
}

function reply(ctx: CommandContext, picked: readonly string[], gets: readonly string[]): Reply {
  if (gets.length === 0) return array(picked.map((e) => bulk(e)));
  const out: Reply[] = [];
  for (const e of picked) {
    for (const g of gets) {
      const v = lookupByPattern(ctx.db, ctx.now, g, e);
      out.push(v === undefined ? NULL : bulk(v));
    }
  }
  return array(out);
}

/** STORE: the result replaces the destination as a list (missing GET values stored as ""). */
function store(ctx: CommandContext, picked: readonly string[], gets: readonly string[], key: string): Reply {
  const items = new Quicklist();
  for (const e of picked) {
    if (gets.length === 0) items.pushTail(e);
    for (const g of gets) items.pushTail(lookupByPattern(ctx.db, ctx.now, g, e) ?? '');
  }
  if (items.length > 0) {
    const list: ListValue = { type: 'list', items };
    ctx.db.setValue(key, list, false);
    ctx.keyModified(key);
    ctx.notify('l', 'sortstore', key);
  } else if (ctx.db.delete(key)) {
    ctx.keyModified(key);
    ctx.notify('g', 'del', key);
  }
  return integer(items.length);
}

/**
 * The keys SORT reads and writes (COMMAND GETKEYS): the sorted key, and the STORE destination — the
 * last STORE only, the one SORT writes (Redis sortGetKeys).
 */
function sortKeys(argv: readonly string[]): readonly string[] {
  let store: string | undefined;
  for (let j = 2; j < argv.length; j++) {
    const opt = (argv[j] as string).toLowerCase();
    if (opt === 'limit') j += 2;
    else if (opt === 'by' || opt === 'get') j++;
    else if (opt === 'store' && j + 1 < argv.length) store = argv[++j];
  }
  return store === undefined ? [argv[1] ?? ''] : [argv[1] ?? '', store];
}

export const sort = defineCommand({
  name: 'sort',
  keys: sortKeys,
  parse: (args): SortArgs => ({ key: args.key(), options: parseOptions(args, false) }),
  apply: sortGeneric,
});

export const sortRo = defineCommand({
  name: 'sort_ro',
  // movablekeys as in Redis: its BY/GET key spec is of type unknown.
  keys: (argv) => [argv[1] ?? ''],
  parse: (args): SortArgs => ({ key: args.key(), options: parseOptions(args, true) }),
  apply: sortGeneric,
});
