import type { CommandSpec } from '../types.js';
import { append } from './append.js';
import { bitfield, bitfieldRo } from './bitfield.js';
import { bitcount, bitop, bitpos, getbit, setbit } from './bits.js';
import { get, getdel, strlen } from './get.js';
import { getex } from './getex.js';
import { decr, decrby, incr, incrby } from './incr.js';
import { incrbyfloat } from './incrbyfloat.js';
import { lcs } from './lcs.js';
import { mget } from './mget.js';
import { getrange, setrange, substr } from './range.js';
import { getset, mset, msetnx, psetex, set, setex, setnx } from './set.js';

/** The strings family (Redis t_string.c and bitops.c). See the command files beside this one. */
export const stringsCommands: readonly CommandSpec[] = [
  get,
  set,
  getex,
  getdel,
  getset,
  setnx,
  setex,
  psetex,
  mget,
  mset,
  msetnx,
  append,
  strlen,
  incr,
  decr,
  incrby,
  decrby,
  incrbyfloat,
  getrange,
  setrange,
  substr,
  lcs,
  setbit,
  getbit,
  bitcount,
  bitpos,
  bitop,
  bitfield,
  bitfieldRo,
];
