import type { CommandSpec } from '../types.js';
import { pfadd } from './pfadd.js';
import { pfcount } from './pfcount.js';
import { pfdebug, pfselftest } from './pfdebug.js';
import { pfmerge } from './pfmerge.js';

/** The HyperLogLog family (Redis hyperloglog.c): HLLs are strings in Redis's exact byte layout. */
export const hllCommands: readonly CommandSpec[] = [pfadd, pfcount, pfmerge, pfdebug, pfselftest];
