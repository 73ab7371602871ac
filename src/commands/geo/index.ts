import type { CommandSpec } from '../types.js';
export const geoCommands: readonly CommandSpec[] = [];
