/**
 * ZUNION numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
 * ZINTER numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
 * ZDIFF numkeys key [key ...] [WITHSCORES]
 * ZUNIONSTORE dst numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]
 * ZINTERSTORE dst numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]
 * ZDIFFSTORE dst numkeys key [key ...]
 * ZINTERCARD numkeys key [key ...] [LIMIT limit]
 *
 * Set algebra over sorted sets, where a plain set counts as a sorted set with every score 1.
 * Follows zunionInterDiffGenericCommand step by step, including its floating-point order: inputs are
 * sorted by size (stable) before a union or intersection, a weighted score that is NaN (0 * inf)
 * becomes 0, and a SUM that is NaN (inf + -inf) becomes 0.
 */
import {
  ERR_AT_LEAST_ONE_KEY,
  ERR_LIMIT_NEGATIVE,
  ERR_SYNTAX,
  ERR_WEIGHT_NOT_FLOAT,
  integer,
  type Reply,
} from '../../resp/index.js';
import type { SortedSet } from '../../store/index.js';
import { numkeysKeys } from '../args.js';
import type { ArgCursor } from '../cursor.js';
import { defineCommand } from '../define.js';
import { fail } from '../typed.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { entriesReply, newZSet, readZInput, storeResult } from './common.js';
import type { ZInput } from './common.js';

type SetOp = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

interface Source {
  readonly input: ZInput;
  weight: number;
}

interface SetOpArgs {
  readonly sources: Source[];
  readonly aggregate: Aggregate;
  readonly withScores: boolean;
  /** ZINTERCARD LIMIT; 0 = unlimited. */
  readonly limit: number;
}

/** What the command variant allows. */
interface Variant {
  readonly name: string;
  readonly op: SetOp;
  readonly store: boolean;
  readonly cardinalityOnly: boolean;
}

function inputLength(input: ZInput): number {
  if (input.kind === 'zset') return input.zset.size;
  if (input.kind === 'set') return input.members.size;
  return 0;
}

function* inputEntries(input: ZInput): Generator<[string, number]> {
  if (input.kind === 'zset') for (const e of input.zset.entries()) yield [e.member, e.score];
  else if (input.kind === 'set') for (const m of input.members) yield [m, 1];
}

function inputScore(input: ZInput, member: string): number | undefined {
  if (input.kind === 'zset') return input.zset.score(member);
  if (input.kind === 'set') return input.members.has(member) ? 1 : undefined;
  return undefined;
}

/** numkeys and the keys (Redis checks numkeys before anything is looked up). */
interface SetOpLine {
  readonly destination: string | undefined;
  readonly keys: readonly string[];
  readonly options: ArgCursor;
}

function parseLine(args: ArgCursor, v: Variant): SetOpLine {
  const destination = v.store ? args.key() : undefined;
  const numkeys = args.integer();
  if (numkeys < 1) return fail(ERR_AT_LEAST_ONE_KEY(v.name));
  if (numkeys > args.remaining) return fail(ERR_SYNTAX);
  const keys: string[] = [];
  while (keys.length < numkeys) keys.push(args.key());
  return { destination, keys, options: args };
}

/** The rest in Redis's order: key lookups (WRONGTYPE first), then the options. */
function lookupAndParseOptions(
  ctx: CommandContext,
  { keys, options: args }: SetOpLine,
  v: Variant,
): SetOpArgs {
  const sources: Source[] = keys.map((key) => ({ input: readZInput(ctx, key), weight: 1 }));
  let aggregate: Aggregate = 'sum';
  let withScores = false;
  let limit = 0;
  const scored = v.op !== 'diff' && !v.cardinalityOnly;
  while (!args.done) {
    if (scored && args.remaining >= keys.length + 1 && args.option('WEIGHTS')) {
      for (const source of sources) source.weight = args.float(ERR_WEIGHT_NOT_FLOAT);
    } else if (scored && args.remaining >= 2 && args.option('AGGREGATE')) {
      aggregate = AGGREGATES[args.oneOf('SUM', 'MIN', 'MAX')];
    } else if (!v.store && !v.cardinalityOnly && args.option('WITHSCORES')) {
      withScores = true;
    } else if (v.cardinalityOnly && args.remaining >= 2 && args.option('LIMIT')) {
      limit = args.integer(ERR_LIMIT_NEGATIVE);
      if (limit < 0) return fail(ERR_LIMIT_NEGATIVE);
    } else return fail(ERR_SYNTAX);
  }
  return { sources, aggregate, withScores, limit };
}

const AGGREGATES = { SUM: 'sum', MIN: 'min', MAX: 'max' } as const;

function aggregateInto(target: number, value: number, aggregate: Aggregate): number {
  if (aggregate === 'sum') {
    const sum = target + value;
    return Number.isNaN(sum) ? 0 : sum;
  }
  if (aggregate === 'min') return value < target ? value : target;
  return value > target ? value : target;
}

function weighted(score: number, weight: number): number {
  const w = score * weight;
  return Number.isNaN(w) ? 0 : w;
}

/** Members of the smallest input found in every other one; calls `found` for each, stops on false. */
function intersect(args: SetOpArgs, found: (member: string, score: number) => boolean): void {
  const [first, ...rest] = args.sources;
  if (first === undefined || inputLength(first.input) === 0) return;
  for (const [member, score] of inputEntries(first.input)) {
    let total = weighted(score, first.weight);
    let inAll = true;
    for (const other of rest) {
      const s = inputScore(other.input, member);
      if (s === undefined) {
        inAll = false;
        break;
      }
      // Redis does not NaN-guard the weighted value here, only the aggregate.
      total = aggregateInto(total, s * other.weight, args.aggregate);
    }
    if (inAll && !found(member, total)) return;
  }
}

function union(args: SetOpArgs): Map<string, number> {
  const acc = new Map<string, number>();
  for (const { input, weight } of args.sources) {
    for (const [member, score] of inputEntries(input)) {
      const value = weighted(score, weight);
      const prev = acc.get(member);
      acc.set(member, prev === undefined ? value : aggregateInto(prev, value, args.aggregate));
    }
  }
  return acc;
}

function difference(args: SetOpArgs): Map<string, number> {
  const out = new Map<string, number>();
  const [first, ...rest] = args.sources;
  if (first === undefined) return out;
  for (const [member, score] of inputEntries(first.input)) {
    if (!rest.some((o) => inputScore(o.input, member) !== undefined)) {
      out.set(member, score);
    }
  }
  return out;
}

/** The result as a skiplist-encoded set (Redis builds it with createZsetObject). */
function compute(ctx: CommandContext, op: SetOp, args: SetOpArgs): SortedSet {
  const result = newZSet(ctx, 'skiplist');
  if (op === 'inter') {
    intersect(args, (member, score) => {
      result.set(member, score);
      return true;
    });
  } else {
    for (const [member, score] of op === 'union' ? union(args) : difference(args)) result.set(member, score);
  }
  return result;
}

function run(ctx: CommandContext, line: SetOpLine, v: Variant): Reply {
  const args = lookupAndParseOptions(ctx, line, v);
  if (v.op !== 'diff') args.sources.sort((a, b) => inputLength(a.input) - inputLength(b.input));
  if (v.cardinalityOnly) {
    let cardinality = 0;
    intersect(args, () => ++cardinality !== args.limit);
    return integer(cardinality);
  }
  const result = compute(ctx, v.op, args);
  if (line.destination !== undefined) return integer(storeResult(ctx, line.destination, result, v.name));
  return entriesReply(ctx, [...result.entries()], args.withScores);
}

function readCommand(name: string, op: SetOp, cardinalityOnly = false): CommandSpec {
  const variant: Variant = { name, op, store: false, cardinalityOnly };
  return defineCommand({
    name,
    keys: (argv) => numkeysKeys(argv, 1),
    parse: (args) => parseLine(args, variant),
    apply: (ctx, line) => run(ctx, line, variant),
  });
}

function storeCommand(name: string, op: SetOp): CommandSpec {
  const variant: Variant = { name, op, store: true, cardinalityOnly: false };
  return defineCommand({
    name,
    keys: (argv) => numkeysKeys(argv, 2, 1),
    parse: (args) => parseLine(args, variant),
    apply: (ctx, line) => run(ctx, line, variant),
  });
}

export const zunion = readCommand('zunion', 'union');
export const zinter = readCommand('zinter', 'inter');
export const zdiff = readCommand('zdiff', 'diff');
export const zintercard = readCommand('zintercard', 'inter', true);
export const zunionstore = storeCommand('zunionstore', 'union');
export const zinterstore = storeCommand('zinterstore', 'inter');
export const zdiffstore = storeCommand('zdiffstore', 'diff');
