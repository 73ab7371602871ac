/**
 * TIME                   — [unix seconds, microseconds]
 * LASTSAVE               — unix time of the last successful save
 * SAVE                   — write the RDB file now, blocking every client meanwhile
 * BGSAVE [SCHEDULE]      — write it in the background, clients served meanwhile
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] — save if asked (or if save points exist and persistence is
 *                          there), then close every client and listener and stop the server.
 */
import {
  ERR_NO_PERSISTENCE,
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
import type { CommandContext, CommandSpec } from '../types.js';
import { lastSaveTime } from './persistence.js';
import { defineCommand } from '../define.js';
import { serverCommand } from './spec.js';

function time(): Reply {
  const ms = Date.now();
  const us = Math.floor(Number(process.hrtime.bigint() / 1000n) % 1000);
  return array([bulk(String(Math.floor(ms / 1000))), bulk(String((ms % 1000) * 1000 + us))]);
}

function shutdown(ctx: CommandContext, argv: readonly string[]): Reply {
  let save: boolean | undefined;
  for (const a of argv.slice(1).map((x) => x.toLowerCase())) {
    if (a === 'nosave' && save === undefined) save = false;
    else if (a === 'save' && save === undefined) save = true;
    else if (a !== 'now' && a !== 'force') return error(ERR_SYNTAX);
  }
  const persistence = ctx.server.persistence;
  const wantSave = save ?? ctx.server.config.saveParams().length > 0;
  if (wantSave && persistence !== undefined) {
    const problem = persistence.saveNow();
    if (problem !== undefined && !argv.some((a) => a.toLowerCase() === 'force')) {
      return error(ERR_SHUTDOWN);
    }
  } else if (save === true && persistence === undefined) {
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
function bgsave(ctx: CommandContext, argv: readonly string[]): Reply {
  if (argv.length > 2 || (argv.length === 2 && (argv[1] as string).toLowerCase() !== 'schedule')) {
    return error(ERR_SYNTAX);
  }
  const persistence = ctx.server.persistence;
  if (persistence === undefined) return error(ERR_NO_PERSISTENCE);
  const outcome = persistence.bgsave(argv.length === 2 || ctx.client.inMulti);
  return 'status' in outcome ? simple(outcome.status) : error(outcome.error);
}

export const miscCommands: readonly CommandSpec[] = [
  serverCommand('bgsave', bgsave),
  serverCommand('save', save),
  defineCommand({ name: 'time', parse: () => undefined, apply: time }),
  serverCommand('lastsave', (ctx) => integer(lastSaveTime(ctx.server))),
  serverCommand('shutdown', shutdown),
];
