import type { CommandSpec } from '../types.js';

/** The hashes family. See the command files beside this one. */
export const hashesCommands: readonly CommandSpec[] = [];
