import type { CommandSpec } from '../types.js';
import { sdiff, sdiffstore, sinter, sintercard, sinterstore, sunion, sunionstore } from './algebra.js';
import { spop, srandmember } from './random.js';
import { scard, sismember, smembers, smismember } from './read.js';
import { sadd, smove, srem } from './sadd.js';
import { sscan } from './sscan.js';

/** The sets family (Redis t_set.c). See the command files beside this one. */
export const setsCommands: readonly CommandSpec[] = [
  sadd,
  srem,
  smembers,
  sismember,
  smismember,
  scard,
  spop,
  srandmember,
  smove,
  sinter,
  sintercard,
  sinterstore,
  sunion,
  sunionstore,
  sdiff,
  sdiffstore,
  sscan,
];
