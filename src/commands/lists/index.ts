import type { CommandSpec } from '../types.js';

/** The lists family. See the command files beside this one. */
export const listsCommands: readonly CommandSpec[] = [];
