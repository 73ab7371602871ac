/**
 * Scripting: EVAL / EVALSHA / EVAL_RO of scripts put together from pieces — redis.call and pcall of
 * other families' commands on KEYS, the reply converted to Lua and back (numbers truncated, tables
 * cut at nil, status and error tables, booleans, RESP3 maps, sets and doubles after setresp(3)),
 * errors raised by commands and by Lua, sandbox violations — plus SCRIPT LOAD / EXISTS / FLUSH.
 */
import { member, retype, simple, value, weighted } from '../gen.js';
import type { Family, Gen, UnitGen } from '../gen.js';
import type { Argv } from '../sequence.js';

const KEYS = ['s1', 's2', '\x00s\r\n'] as const;

/** A Lua string literal of bytes (decimal escapes keep it binary-safe). */
function lua(s: string): string {
  let out = "'";
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    out += c >= 0x20 && c < 0x7f && ch !== "'" && ch !== '\\' ? ch : `\\${c}`;
  }
  return `${out}'`;
}

/** A command a script runs on KEYS[1]/KEYS[2], as Lua call arguments. */
function command(g: Gen): string {
  const r = g.r;
  const m = (): string => lua(member(r));
  const v = (): string => lua(value(r));
  return r.pick([
    `'set', KEYS[1], ${v()}`,
    `'get', KEYS[1]`,
    `'incr', KEYS[1]`,
    `'incrbyfloat', KEYS[1], ${lua(r.pick(['1.5', '-0.25', '3', 'x']))}`,
    `'append', KEYS[1], ${v()}`,
    `'del', KEYS[1], KEYS[2]`,
    `'exists', KEYS[1]`,
    `'type', KEYS[1]`,
    `'rpush', KEYS[1], ${m()}, ${m()}`,
    `'lrange', KEYS[1], 0, -1`,
    `'lpop', KEYS[1]`,
    `'hset', KEYS[1], ${m()}, ${v()}`,
    // Hash-table order is Redis's per-process random seed: unordered replies only when they hold one field.
    `'hlen', KEYS[1]`,
    `'hget', KEYS[1], ${m()}`,
    `'sadd', KEYS[1], ${m()}, ${m()}`,
    `'scard', KEYS[1]`,
    `'sismember', KEYS[1], ${m()}`,
    `'zadd', KEYS[1], ${lua(String(r.range(-5, 5) / 2))}, ${m()}`,
    `'zscore', KEYS[1], ${m()}`,
    `'zrange', KEYS[1], 0, -1, 'withscores'`,
    `'zincrby', KEYS[1], 1.5, ${m()}`,
    `'ttl', KEYS[1]`,
    `'expire', KEYS[1], 1000`,
    `'rename', KEYS[1], KEYS[2]`,
    `'ping'`,
    `'echo', ${v()}`,
    `'object', 'encoding', KEYS[1]`,
    `'nosuch'`,
    `'get'`,
    `'multi'`,
    `'blmpop', 0, 1, KEYS[1], 'LEFT'`,
    `'strlen', KEYS[1]`,
  ]);
}

/** A value the script returns, exercising the Lua → reply conversion. */
function returned(g: Gen): string {
  const r = g.r;
  return r.pick([
    'r',
    'type(r)',
    "{r, 'tail'}",
    `{1, 2.9, -3.5, nil, 4}`,
    `{${r.range(-100, 100) / 4}, 1e20, -0}`,
    `{true, false}`,
    `{ok=${lua(value(r))}}`,
    `{err=${lua(r.pick(['ERR custom', 'MINE x', 'bare']))}}`,
    `redis.error_reply(${lua(r.pick(['x y', '-CODE z', '']))})`,
    `redis.status_reply(${lua(r.pick(['OK', 'QUEUED', 'x']))})`,
    `{double=${r.range(-10, 10) / 8}}`,
    `{map={a=1, b={1, 2}}}`,
    `{set={x=true}}`,
    // A table's tostring is its address: only other values are printed.
    "tostring(type(r) == 'table' and 'tbl' or r)",
    `nil`,
    "#tostring(type(r) == 'table' and 'tbl' or r)",
    `tonumber(r)`,
    `{{{r}}}`,
  ]);
}

function script(g: Gen): string {
  const r = g.r;
  const parts: string[] = [];
  if (r.chance(0.25)) parts.push('redis.setresp(3)');
  const call = r.chance(0.7) ? 'redis.call' : 'redis.pcall';
  parts.push(`local r = ${call}(${command(g)})`);
  if (r.chance(0.3)) parts.push(`r = ${call}(${command(g)})`);
  if (r.chance(0.05))
    parts.push(r.pick(['x = 1', 'local y = undefinedglobal', "error('boom')", "error({err='OWN e'})"]));
  parts.push(`return ${returned(g)}`);
  return parts.join('\n');
}

function evalArgs(g: Gen): Argv {
  const r = g.r;
  const keys = r.some(KEYS, 2);
  const cmd = r.pick(['EVAL', 'EVAL', 'EVAL', 'EVAL_RO']);
  const body = r.chance(0.1)
    ? `#!lua${r.pick(['', ' flags=no-writes', ' flags=allow-oom'])}\n${script(g)}`
    : script(g);
  return [cmd, body, '2', ...keys, ...(r.chance(0.3) ? [value(r)] : [])];
}

const LOADED = ["return redis.call('get', KEYS[1])", "return redis.call('incr', KEYS[1])", 'return ARGV'];

const gens: readonly (readonly [number, UnitGen])[] = [
  [20, simple(evalArgs)],
  [3, simple((g) => ['SCRIPT', 'LOAD', g.r.pick(LOADED)])],
  [
    3,
    simple((g) => {
      // The sha1 of each LOADED body (EVALSHA answers NOSCRIPT until it is loaded or after a flush).
      const sha = g.r.pick([
        '4e6d8fc8bb01276962cce5371fa795a7763657ae',
        '2bab3b661081db58bd2341920e0ba7cf5dc77b25',
        '4cf2342858f27cba86b2b790280b0ba54885a7d0',
      ]);
      return [g.r.pick(['EVALSHA', 'EVALSHA_RO']), sha, '1', g.key(), value(g.r)];
    }),
  ],
  [
    2,
    simple((g) => [
      'SCRIPT',
      'EXISTS',
      ...g.r.some(['4e6d8fc8bb01276962cce5371fa795a7763657ae', 'ff'.repeat(20)], 2),
    ]),
  ],
  [1, simple(() => ['SCRIPT', 'FLUSH'])],
  [3, simple((g) => ['GET', g.key()])],
  [1, retype],
];

export const scripting: Family = {
  name: 'scripting',
  owner: 'lua',
  keys: KEYS,
  build: (g, n) => weighted(g, gens, n),
};
