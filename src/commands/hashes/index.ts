import type { CommandSpec } from '../types.js';
import { hdel } from './hdel.js';
import { hexists, hget, hlen, hmget, hstrlen } from './hget.js';
import { hgetall, hkeys, hvals } from './hgetall.js';
import { hincrby, hincrbyfloat } from './hincr.js';
import { hrandfield } from './hrandfield.js';
import { hscan } from './hscan.js';
import { hmset, hset, hsetnx } from './hset.js';

/** The hashes family (Redis t_hash.c). See the command files beside this one. */
export const hashesCommands: readonly CommandSpec[] = [
  hset,
  hsetnx,
  hget,
  hmset,
  hmget,
  hdel,
  hlen,
  hstrlen,
  hexists,
  hkeys,
  hvals,
  hgetall,
  hincrby,
  hincrbyfloat,
  hrandfield,
  hscan,
];
