import type { CommandSpec } from '../types.js';

/** The pubsub family. See the command files beside this one. */
export const pubsubCommands: readonly CommandSpec[] = [];
