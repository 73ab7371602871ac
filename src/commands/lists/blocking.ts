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
import {
  array,
  bulk,
  NULL,
  NULL_ARRAY,
  ERR_TIMEOUT_NEGATIVE,
  ERR_TIMEOUT_NOT_FLOAT,
  ERR_TIMEOUT_OUT_OF_RANGE,
  type Reply,
} from '../../resp/index.js';
import { fail, guarded, replyOrError, writeTyped } from '../typed.js';
import type { BlockRequest, CommandContext, CommandResult, CommandSpec } from '../types.js';
import { numkeysKeys } from '../args.js';
import { parseEnd, popMany } from './common.js';
import type { End } from './common.js';
import { moveElement } from './move.js';
import { parseMpop, popFirstNonEmpty } from './mpop.js';
import { parseTimeoutSeconds } from '../args.js';
import type { MpopRequest } from './mpop.js';

function deadlineFrom(ctx: CommandContext, arg: string): number {
  const parsed = parseTimeoutSeconds(arg, ctx.now);
  if (parsed === 'notFloat') return fail(ERR_TIMEOUT_NOT_FLOAT);
  if (parsed === 'negative') return fail(ERR_TIMEOUT_NEGATIVE);
  if (parsed === 'outOfRange') return fail(ERR_TIMEOUT_OUT_OF_RANGE);
  return parsed;
}

/** True when the key holds a non-empty list; a key of another type simply is not ready (Redis 7.0). */
function isReadyList(ctx: CommandContext, key: string): boolean {
  const value = ctx.db.lookupRead(key, ctx.now);
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

function blockingPop(ctx: CommandContext, argv: readonly string[], end: End): CommandResult {
  const deadlineMs = deadlineFrom(ctx, argv[argv.length - 1] as string);
  const keys = argv.slice(1, -1);
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

function bpopSpec(name: string, end: End): CommandSpec {
  return {
    name,
    arity: -3,
    flags: ['write', 'noscript', 'blocking'],
    firstKey: 1,
    lastKey: -2,
    step: 1,
    categories: ['write', 'list', 'slow', 'blocking'],
    run: guarded((ctx, argv) => blockingPop(ctx, argv, end)),
  };
}

export const blpop = bpopSpec('blpop', 'left');
export const brpop = bpopSpec('brpop', 'right');

// ---- BLMOVE / BRPOPLPUSH ----

function blockingMove(
  ctx: CommandContext,
  argv: readonly string[],
  from: End,
  to: End,
  deadlineMs: number,
  propagated: (src: string, dst: string) => readonly string[],
): CommandResult {
  const source = argv[1] as string;
  const destination = argv[2] as string;
  const move = (c: CommandContext): Reply | undefined => {
    const reply = moveElement(c, source, destination, from, to);
    if (reply !== undefined) c.propagateAs([propagated(source, destination)]);
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

export const blmove: CommandSpec = {
  name: 'blmove',
  arity: 6,
  flags: ['write', 'denyoom', 'noscript', 'blocking'],
  firstKey: 1,
  lastKey: 2,
  step: 1,
  categories: ['write', 'list', 'slow', 'blocking'],
  run: guarded((ctx, argv) => {
    const from = parseEnd(argv[3] as string);
    const to = parseEnd(argv[4] as string);
    const deadlineMs = deadlineFrom(ctx, argv[5] as string);
    return blockingMove(ctx, argv, from, to, deadlineMs, (s, d) => [
      'LMOVE',
      s,
      d,
      argv[3] as string,
      argv[4] as string,
    ]);
  }),
};

export const brpoplpush: CommandSpec = {
  name: 'brpoplpush',
  arity: 4,
  flags: ['write', 'denyoom', 'noscript', 'blocking'],
  firstKey: 1,
  lastKey: 2,
  step: 1,
  categories: ['write', 'list', 'slow', 'blocking'],
  run: guarded((ctx, argv) => {
    const deadlineMs = deadlineFrom(ctx, argv[3] as string);
    return blockingMove(ctx, argv, 'right', 'left', deadlineMs, (s, d) => ['RPOPLPUSH', s, d]);
  }),
};

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

export const blmpop: CommandSpec = {
  name: 'blmpop',
  arity: -5,
  flags: ['write', 'blocking', 'movablekeys'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  categories: ['write', 'list', 'slow', 'blocking'],
  keys: (argv) => numkeysKeys(argv, 2),
  run: guarded((ctx, argv) => {
    const req = parseMpop(argv, 2);
    return blockingMpop(ctx, req, deadlineFrom(ctx, argv[1] as string));
  }),
};
