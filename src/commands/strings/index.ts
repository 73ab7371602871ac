import type { CommandSpec } from '../types.js';

/** The strings family. See the command files beside this one. */
export const stringsCommands: readonly CommandSpec[] = [];
