import type { CommandSpec } from '../types.js';
import { zadd, zincrby } from './zadd.js';
import { bzmpop, bzpopmax, bzpopmin, zmpop, zpopmax, zpopmin } from './zpop.js';
import { zrandmember } from './zrandmember.js';
import {
  zrange,
  zrangebylex,
  zrangebyscore,
  zrangestore,
  zrevrange,
  zrevrangebylex,
  zrevrangebyscore,
} from './zrange.js';
import { zcard, zcount, zlexcount, zmscore, zrank, zrevrank, zscore } from './zread.js';
import { zrem, zremrangebylex, zremrangebyrank, zremrangebyscore } from './zrem.js';
import { zscan } from './zscan.js';
import { zdiff, zdiffstore, zinter, zintercard, zinterstore, zunion, zunionstore } from './zsetops.js';

/** The sorted-set family (Redis t_zset.c). One file per command group, each with its syntax on top. */
export const zsetsCommands: readonly CommandSpec[] = [
  zadd,
  zincrby,
  zcard,
  zscore,
  zmscore,
  zrank,
  zrevrank,
  zcount,
  zlexcount,
  zrem,
  zremrangebyrank,
  zremrangebyscore,
  zremrangebylex,
  zrange,
  zrangestore,
  zrevrange,
  zrangebyscore,
  zrevrangebyscore,
  zrangebylex,
  zrevrangebylex,
  zunion,
  zinter,
  zdiff,
  zintercard,
  zunionstore,
  zinterstore,
  zdiffstore,
  zrandmember,
  zpopmin,
  zpopmax,
  zmpop,
  bzpopmin,
  bzpopmax,
  bzmpop,
  zscan,
];
