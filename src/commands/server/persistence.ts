/**
 * The persistence port as LASTSAVE, INFO persistence and SHUTDOWN read it. Without a persistence room
 * the server behaves as a Redis that never saved: the last save is the start time, no RDB was written.
 */
import type { ServerPorts } from '../types.js';

/** Unix seconds of the last successful save (the start time when nothing was saved). */
export function lastSaveTime(server: ServerPorts): number {
  return server.persistence?.lastSaveTime() ?? Math.floor(server.startedAtMs / 1000);
}
