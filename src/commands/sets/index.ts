import type { CommandSpec } from '../types.js';

/** The sets family. See the command files beside this one. */
export const setsCommands: readonly CommandSpec[] = [];
