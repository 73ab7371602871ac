/**
 * TIME                   — [unix seconds, microseconds]
 * LASTSAVE               — unix time of the last successful save
 * SAVE                   — write the RDB file now, blocking every client meanwhile
 * BGSAVE [SCHEDULE]      — write it in the background, clients served meanwhile
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT] — save if asked (or if save points exist and persistence is
 *                          there), then close every client and listener and stop the server.
 */
import {
  ERR_NO_PERSISTENCE,
  ERR_NO_SHUTDOWN_IN_PROGRESS,
  ERR_SHUTDOWN,
  ERR_SYNTAX,
  OK,
  array,
  bulk,
  error,
  integer,
  simple,
  type Reply,
} from '../../resp/index.js';
import type { ArgCursor } from '../cursor.js';
import { defineCommand } from '../define.js';
import { fail } from '../typed.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { lastSaveTime } from './persistence.js';

function time(): Reply {
  const ms = Date.now();
  const us = Math.floor(Number(process.hrtime.bigint() / 1000n) % 1000);
  return array([bulk(String(Math.floor(ms / 1000))), bulk(String((ms % 1000) * 1000 + us))]);
}

interface ShutdownArgs {
  /** SAVE (true), NOSAVE (false), or neither: save when save points exist. */
  readonly save: boolean | undefined;
  readonly force: boolean;
  readonly abort: boolean;
}

/** Redis shutdownCommand's flags: any order, NOSAVE with SAVE or ABORT with anything is a syntax error. */
function parseShutdown(args: ArgCursor): ShutdownArgs {
  let save: boolean | undefined;
  let nosave = false;
  let force = false;
  let abort = false;
  let flags = false;
  while (!args.done) {
    const flag = args.oneOf('NOSAVE', 'SAVE', 'NOW', 'FORCE', 'ABORT');
    if (flag === 'ABORT') {
      abort = true;
      continue;
    }
    flags = true;
    if (flag === 'NOSAVE') nosave = true;
    else if (flag === 'SAVE') save = true;
    else if (flag === 'FORCE') force = true;
  }
  if ((abort && flags) || (nosave && save === true)) return fail(ERR_SYNTAX);
  return { save: nosave ? false : save, force, abort };
}

function shutdown(ctx: CommandContext, args: ShutdownArgs): Reply {
  // Shutdown here is immediate (no waiting for replicas), so there is never one in progress to abort.
  if (args.abort) return error(ERR_NO_SHUTDOWN_IN_PROGRESS);
  // A busy script leaves only SHUTDOWN NOSAVE (shutdownCommand).
  const scripting = ctx.server.scripting;
  if (args.save !== false && scripting?.busy !== undefined) return error(scripting.busyError());
  const persistence = ctx.server.persistence;
  const wantSave = args.save ?? ctx.server.config.saveParams().length > 0;
  if (wantSave && persistence !== undefined) {
    const problem = persistence.saveNow();
    if (problem !== undefined && !args.force) return error(ERR_SHUTDOWN);
  } else if (args.save === true && persistence === undefined) {
    return error(ERR_SHUTDOWN);
  }
  const service = ctx.server.shutdown;
  if (service === undefined) return error(ERR_SHUTDOWN);
  service.shutdown();
  // Like Redis, the client gets no reply: its connection closes.
  return { kind: 'raw', bytes: '' };
}

function save(ctx: CommandContext): Reply {
  const persistence = ctx.server.persistence;
  if (persistence === undefined) return error(ERR_NO_PERSISTENCE);
  const problem = persistence.saveCommand();
  return problem === undefined ? OK : error(problem);
}

/** BGSAVE [SCHEDULE] — save in the background (inside MULTI it is scheduled, as in Redis). */
function bgsave(ctx: CommandContext, schedule: boolean): Reply {
  const persistence = ctx.server.persistence;
  if (persistence === undefined) return error(ERR_NO_PERSISTENCE);
  const outcome = persistence.bgsave(schedule || ctx.client.inMulti);
  return 'status' in outcome ? simple(outcome.status) : error(outcome.error);
}

/** BGSAVE's one option; anything else after it is a syntax error. */
function parseBgsave(args: ArgCursor): boolean {
  if (args.done) return false;
  args.oneOf('SCHEDULE');
  args.end();
  return true;
}

const noArguments = (): undefined => undefined;

/** BGREWRITEAOF — rewrite the append-only file in the background (the fork-less snapshot). */
function bgrewriteaof(ctx: CommandContext): Reply {
  const persistence = ctx.server.persistence;
  if (persistence === undefined) return error(ERR_NO_PERSISTENCE);
  const outcome = persistence.bgrewriteaof();
  return 'status' in outcome ? simple(outcome.status) : error(outcome.error);
}

export const miscCommands: readonly CommandSpec[] = [
  defineCommand({ name: 'bgrewriteaof', parse: noArguments, apply: bgrewriteaof }),
  defineCommand({ name: 'bgsave', parse: parseBgsave, apply: bgsave }),
  defineCommand({ name: 'save', parse: noArguments, apply: save }),
  defineCommand({ name: 'time', parse: noArguments, apply: time }),
  defineCommand({ name: 'lastsave', parse: noArguments, apply: (ctx) => integer(lastSaveTime(ctx.server)) }),
  defineCommand({ name: 'shutdown', parse: parseShutdown, apply: shutdown }),
];
