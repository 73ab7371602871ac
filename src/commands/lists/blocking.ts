/**
 * The blocking list commands. Each serves at once when it can, exactly like its non-blocking twin,
 * and otherwise returns a BlockRequest: the server parks the client and calls `retry` when one of
 * the keys becomes ready, `onTimeout` when the deadline passes.
 *
 * BLPOP key [key ...] timeout                          — [key, element] from the first non-empty list.
 * BRPOP key [key ...] timeout                          — the same from the tail.
 * BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout
 * BRPOPLPUSH source destination timeout
 * BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]
 *
 * timeout: float seconds, 0 = forever. Inside MULTI (and wherever blocking is denied) they answer
 * like an empty result instead of blocking. A timed-out client gets a nil array — for BLMOVE and
 * BRPOPLPUSH too, as Redis 7.0 does — while BLMOVE's "nothing in MULTI" answer is a nil bulk.
 * Propagation is the non-blocking equivalent Redis 7.0 writes: LPOP/RPOP key, LMOVE, RPOPLPUSH,
 * LPOP/RPOP key count.
 */
import { array, bulk, NULL, NULL_ARRAY, type Reply } from '../../resp/index.js';
import { ArgCursor } from '../cursor.js';
import { defineCommand } from '../define.js';
import { replyOrError, writeTyped } from '../typed.js';
import type { BlockRequest, CommandContext, CommandResult, CommandSpec } from '../types.js';
import { numkeysKeys } from '../args.js';
import { endOf, popMany } from './common.js';
import type { End } from './common.js';
import { moveElement } from './move.js';
import { parseMpop, popFirstNonEmpty } from './mpop.js';
import type { MpopRequest } from './mpop.js';

/** True when the key holds a non-empty list; a key of another type simply is not ready (Redis 7.0). */
function isReadyList(ctx: CommandContext, key: string): boolean {
  const value = ctx.db.lookupQuiet(key, ctx.now);
  return value !== undefined && typeof value !== 'string' && value.type === 'list' && value.items.length > 0;
}

function block(
  keys: readonly string[],
  deadlineMs: number,
  retry: (ctx: CommandContext) => Reply | undefined,
): BlockRequest {
  return { kind: 'block', keys, deadlineMs, retry, onTimeout: () => NULL_ARRAY };
}

// ---- BLPOP / BRPOP ----

function popOne(ctx: CommandContext, key: string, end: End): Reply {
  const list = writeTyped(ctx, key, 'list');
  const value = popMany(ctx, key, list as NonNullable<typeof list>, end, 1)[0] as string;
  ctx.propagateAs([[end === 'left' ? 'LPOP' : 'RPOP', key]]);
  return array([bulk(key), bulk(value)]);
}

function blockingPop(
  ctx: CommandContext,
  keys: readonly string[],
  deadlineMs: number,
  end: End,
): CommandResult {
  for (const key of keys) {
    const list = writeTyped(ctx, key, 'list');
    if (list !== undefined && list.items.length > 0) return popOne(ctx, key, end);
  }
  if (ctx.client.inMulti) return NULL_ARRAY;
  return block(keys, deadlineMs, (c) => {
    const key = keys.find((k) => isReadyList(c, k));
    return key === undefined ? undefined : popOne(c, key, end);
  });
}

function bpopCommand(name: string, end: End): CommandSpec {
  return defineCommand({
    name,
    parse(args, ctx) {
      const keys = args.rest();
      const timeout = new ArgCursor(keys.splice(-1, 1), 0);
      return { keys, deadlineMs: timeout.timeout(ctx.now) };
    },
    apply: (ctx, { keys, deadlineMs }) => blockingPop(ctx, keys, deadlineMs, end),
  });
}

export const blpop = bpopCommand('blpop', 'left');
export const brpop = bpopCommand('brpop', 'right');

// ---- BLMOVE / BRPOPLPUSH ----

interface BlockingMove {
  readonly source: string;
  readonly destination: string;
  readonly from: End;
  readonly to: End;
  readonly deadlineMs: number;
  /** What a served move propagates as (LMOVE … or RPOPLPUSH …). */
  readonly propagated: readonly string[];
}

function blockingMove(
  ctx: CommandContext,
  { source, destination, from, to, deadlineMs, propagated }: BlockingMove,
): CommandResult {
  const move = (c: CommandContext): Reply | undefined => {
    const reply = moveElement(c, source, destination, from, to);
    if (reply !== undefined) c.propagateAs([propagated]);
    return reply;
  };
  const served = move(ctx);
  if (served !== undefined) return served;
  if (ctx.client.inMulti) return NULL;
  // A destination of the wrong type is reported to the woken client, which is then unblocked.
  return block([source], deadlineMs, (c) =>
    isReadyList(c, source) ? replyOrError(() => move(c)) : undefined,
  );
}

export const blmove = defineCommand({
  name: 'blmove',
  parse(args, ctx): BlockingMove {
    const source = args.key();
    const destination = args.key();
    const fromArg = args.string();
    const toArg = args.string();
    const [from, to] = [endOf(fromArg), endOf(toArg)];
    const deadlineMs = args.timeout(ctx.now);
    return {
      source,
      destination,
      from,
      to,
      deadlineMs,
      propagated: ['LMOVE', source, destination, fromArg, toArg],
    };
  },
  apply: blockingMove,
});

export const brpoplpush = defineCommand({
  name: 'brpoplpush',
  parse(args, ctx): BlockingMove {
    const source = args.key();
    const destination = args.key();
    const deadlineMs = args.timeout(ctx.now);
    return {
      source,
      destination,
      from: 'right',
      to: 'left',
      deadlineMs,
      propagated: ['RPOPLPUSH', source, destination],
    };
  },
  apply: blockingMove,
});

// ---- BLMPOP ----

function blockingMpop(ctx: CommandContext, req: MpopRequest, deadlineMs: number): CommandResult {
  const served = popFirstNonEmpty(ctx, req);
  if (served !== undefined) return served;
  if (ctx.client.inMulti) return NULL_ARRAY;
  return block(req.keys, deadlineMs, (c) => {
    const key = req.keys.find((k) => isReadyList(c, k));
    return key === undefined ? undefined : popFirstNonEmpty(c, { ...req, keys: [key] });
  });
}

export const blmpop = defineCommand({
  name: 'blmpop',
  keys: (argv) => numkeysKeys(argv, 2),
  parse(args, ctx) {
    // The timeout comes first on the line but is judged after the rest, as Redis does.
    const timeout = new ArgCursor([args.string()], 0);
    const req = parseMpop(args);
    return { req, deadlineMs: timeout.timeout(ctx.now) };
  },
  apply: (ctx, { req, deadlineMs }) => blockingMpop(ctx, req, deadlineMs),
});
