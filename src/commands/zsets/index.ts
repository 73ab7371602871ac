import type { CommandSpec } from '../types.js';

/** The zsets family. See the command files beside this one. */
export const zsetsCommands: readonly CommandSpec[] = [];
