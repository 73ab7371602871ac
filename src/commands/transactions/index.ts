import type { CommandSpec } from '../types.js';

/** The transactions family. See the command files beside this one. */
export const transactionsCommands: readonly CommandSpec[] = [];
