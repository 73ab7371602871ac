import type { CommandSpec } from '../types.js';

/** The connection family. See the command files beside this one. */
export const connectionCommands: readonly CommandSpec[] = [];
