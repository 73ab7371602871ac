import type { CommandSpec } from '../types.js';

/** The server family. See the command files beside this one. */
export const serverCommands: readonly CommandSpec[] = [];
