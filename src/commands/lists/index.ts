import type { CommandSpec } from '../types.js';
import { blmove, blmpop, blpop, brpop, brpoplpush } from './blocking.js';
import { linsert, lrem, lset, ltrim } from './edit.js';
import { lpos } from './lpos.js';
import { lmove, rpoplpush } from './move.js';
import { lmpop } from './mpop.js';
import { lpop, rpop } from './pop.js';
import { lpush, lpushx, rpush, rpushx } from './push.js';
import { lindex, llen, lrange } from './read.js';

/** The lists family (Redis t_list.c). See the command files beside this one. */
export const listsCommands: readonly CommandSpec[] = [
  lpush,
  rpush,
  lpushx,
  rpushx,
  lpop,
  rpop,
  llen,
  lrange,
  lindex,
  lset,
  linsert,
  lrem,
  ltrim,
  lpos,
  lmove,
  rpoplpush,
  lmpop,
  blpop,
  brpop,
  blmove,
  brpoplpush,
  blmpop,
];
