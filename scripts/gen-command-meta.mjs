#!/usr/bin/env node
/**
 * Regenerates src/commands/server/command-meta.ts: the key specs and tips COMMAND INFO shows for every
 * command, copied from a real Redis 7.0 (the oracle) the same way arity, flags and key positions were.
 *
 *   redis-server --port 6399 --save '' --appendonly no &
 *   node scripts/gen-command-meta.mjs 6399 > src/commands/server/command-meta.ts && npx prettier --write src/commands/server/command-meta.ts
 */
import Redis from 'ioredis';

const port = Number(process.argv[2] ?? 6379);
const client = new Redis({ port, lazyConnect: true });
await client.connect();
const all = await client.call('COMMAND');
await client.quit();

/** RESP2 flat [k, v, k, v] → [k, v] pairs. */
const pairs = (flat) => {
  const out = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
};
const search = (flat) => {
  const o = Object.fromEntries(pairs(flat));
  return { type: o.type, spec: Object.fromEntries(pairs(o.spec ?? [])) };
};
const keySpec = (flat) => {
  const o = Object.fromEntries(pairs(flat));
  const spec = {};
  if (o.notes !== undefined) spec.notes = o.notes;
  spec.flags = o.flags;
  spec.begin_search = search(o.begin_search);
  spec.find_keys = search(o.find_keys);
  return spec;
};

const meta = {};
const visit = (entry) => {
  const [name, , , , , , , tips, specs, subs] = entry;
  meta[name] = { tips, keySpecs: (specs ?? []).map(keySpec) };
  for (const sub of subs ?? []) visit(sub);
};
for (const entry of all) visit(entry);
const sorted = Object.fromEntries(Object.entries(meta).sort(([a], [b]) => (a < b ? -1 : 1)));

process.stdout.write(`/**
 * COMMAND INFO's key specs and tips for every command of Redis 7.0, generated from a real
 * redis-server by scripts/gen-command-meta.mjs (do not edit by hand). Commands redmesh does not
 * implement are listed too; only the table's lookups by name matter.
 */

/** One key spec as COMMAND INFO shows it (RESP3 map order: notes, flags, begin_search, find_keys). */
export interface KeySpecData {
  readonly notes?: string;
  readonly flags: readonly string[];
  readonly begin_search: { readonly type: string; readonly spec: Readonly<Record<string, number | string>> };
  readonly find_keys: { readonly type: string; readonly spec: Readonly<Record<string, number | string>> };
}

export interface CommandMeta {
  readonly tips: readonly string[];
  readonly keySpecs: readonly KeySpecData[];
}

export const COMMAND_META: Readonly<Record<string, CommandMeta>> = ${JSON.stringify(sorted)};
`);
