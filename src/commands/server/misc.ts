/**
 * TIME                   — [unix seconds, microseconds]
 * LASTSAVE               — unix time of the last successful save
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] — save if asked (or if save points exist and persistence is
 *                          there), then close every client and listener and stop the server.
 */
import { ERR_SHUTDOWN, ERR_SYNTAX, array, bulk, error, integer, type Reply } from '../../resp/index.js';
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

export const miscCommands: readonly CommandSpec[] = [
  defineCommand({ name: 'time', parse: () => undefined, apply: time }),
  serverCommand('lastsave', (ctx) => integer(lastSaveTime(ctx.server))),
  serverCommand('shutdown', shutdown),
];
