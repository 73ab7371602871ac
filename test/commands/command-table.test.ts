/**
 * The generated command table (src/commands/table.generated.ts) against a live redis-server 7.0:
 * every row equals what that server's COMMAND INFO says, and every command redmesh implements
 * (subcommands included) carries exactly its row.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allCommands } from '../../src/commands/index.js';
import { isBuiltFromTable } from '../../src/commands/define.js';
import { REDIS_COMMAND_TABLE } from '../../src/commands/table.generated.js';
import type { CommandMeta, CommandSpec, KeySpecData } from '../../src/commands/index.js';
import { ioredisClient } from '../helpers/clients.js';
import { startRedis, stopAll } from '../helpers/servers.js';

type Flat = (string | number | Flat)[];

/** A key spec as RESP2 COMMAND INFO shows it: a flat [name, value, …] list. */
function keySpecFlat(k: KeySpecData): Flat {
  const search = (s: KeySpecData['begin_search']): Flat => [
    'type',
    s.type,
    'spec',
    Object.entries(s.spec).flatMap(([name, v]) => [name, v]),
  ];
  const out: Flat = [];
  if (k.notes !== undefined) out.push('notes', k.notes);
  out.push('flags', [...k.flags], 'begin_search', search(k.begin_search), 'find_keys', search(k.find_keys));
  return out;
}

/** A table row as RESP2 COMMAND INFO shows it, subcommands left out. */
function rowFlat(name: string, row: CommandMeta): Flat {
  return [
    name,
    row.arity,
    [...row.flags],
    row.firstKey,
    row.lastKey,
    row.step,
    row.categories.map((c) => `@${c}`),
    [...row.tips],
    row.keySpecs.map(keySpecFlat),
  ];
}

function implemented(): CommandSpec[] {
  return allCommands.flatMap((s) => [s, ...(s.subcommands ?? [])]);
}

test('every row of the generated command table equals a live redis-server 7.0 COMMAND INFO', async () => {
  const redis = await startRedis(0);
  const client = ioredisClient(redis.port);
  try {
    const version = /redis_version:(\S+)/.exec(await client.info('server'))?.[1] ?? '';
    assert.match(version, /^7\.0\./);
    const live = new Map<string, Flat>();
    const visit = (entry: Flat): void => {
      live.set(String(entry[0]), entry.slice(0, 9));
      for (const sub of (entry[9] ?? []) as Flat[]) visit(sub);
    };
    for (const entry of (await client.call('COMMAND')) as Flat[]) visit(entry);
    assert.deepEqual(Object.keys(REDIS_COMMAND_TABLE).sort(), [...live.keys()].sort());
    for (const [name, row] of Object.entries(REDIS_COMMAND_TABLE)) {
      assert.deepEqual(rowFlat(name, row), live.get(name), name);
    }
    // The ones redmesh serves, asked one by one with COMMAND INFO (subcommands as 'config|get').
    const names = implemented().map((s) => s.name);
    assert.ok(names.length > 200, `only ${names.length} commands`);
    const infos = (await client.call('COMMAND', 'INFO', ...names)) as Flat[];
    for (const [i, name] of names.entries()) {
      const info = infos[i];
      assert.ok(Array.isArray(info), `redis-server has no ${name}`);
      assert.deepEqual(rowFlat(name, REDIS_COMMAND_TABLE[name] as CommandMeta), info.slice(0, 9), name);
    }
  } finally {
    client.disconnect();
    await stopAll(redis);
  }
});

test('every command redmesh implements carries exactly its row of the table', () => {
  for (const spec of implemented()) {
    assert.ok(isBuiltFromTable(spec), `${spec.name} is not made by defineCommand/tableCommand`);
    const row = REDIS_COMMAND_TABLE[spec.name];
    assert.ok(row !== undefined, `${spec.name} is not in the table`);
    const { arity, flags, firstKey, lastKey, step, categories, tips, keySpecs } = spec;
    assert.deepEqual({ arity, flags, firstKey, lastKey, step, categories, tips, keySpecs }, row, spec.name);
  }
});
