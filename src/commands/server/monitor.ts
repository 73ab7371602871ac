/**
 * MONITOR — from now on, every command any client runs is sent to this connection as a status line
 * (the feed itself is server/monitor.ts). Refused inside MULTI (EXEC runs it with blocking denied, as
 * Redis does); a client that is already a monitor or a replica gets no reply at all.
 */
import { ERR_MONITOR_DENY_BLOCKING, OK, error, type Reply } from '../../resp/index.js';
import { defineCommand } from '../define.js';
import { NO_SESSION, sessionOf } from '../session.js';

const NOTHING: Reply = { kind: 'raw', bytes: '' };

export const monitorCommand = defineCommand({
  name: 'monitor',
  parse: () => undefined,
  apply(ctx) {
    if (ctx.client.inMulti) return error(ERR_MONITOR_DENY_BLOCKING);
    const session = sessionOf(ctx);
    if (session === undefined) return NO_SESSION;
    return session.startMonitor() === 'started' ? OK : NOTHING;
  },
});
