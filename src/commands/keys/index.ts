import type { CommandSpec } from '../types.js';

/** The keys family. See the command files beside this one. */
export const keysCommands: readonly CommandSpec[] = [];
