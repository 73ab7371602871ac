import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withRealRedis, withRedmesh } from './peers.js';

/**
 * Subcommands Redis 7.0 has and redmesh does not (CLIENT TRACKING and its companions are not built;
 * issue 2 lists the CLIENT subcommands it needs). Left out of the comparison, by name.
 */
const NOT_BUILT = new Set(['client|caching', 'client|tracking', 'client|trackinginfo']);

/** COMMAND INFO entries with subcommands sorted (Redis lists them in dict order). */
function normalise(info: unknown): unknown {
  if (!Array.isArray(info)) return info;
  return info.map((entry: unknown) => {
    if (!Array.isArray(entry)) return entry;
    const copy: unknown[] = [...(entry as unknown[])];
    const subs = copy[9];
    if (Array.isArray(subs)) {
      copy[9] = [...(subs as unknown[][])]
        .filter((s) => !NOT_BUILT.has(String(s[0])))
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    }
    return copy;
  });
}

const SAME_AS_REDIS: readonly string[][] = [
  ['COMMAND', 'INFO', 'config', 'slowlog', 'memory', 'info', 'time', 'lastsave', 'shutdown', 'nosuch'],
  ['COMMAND', 'INFO', 'config|get', 'CONFIG|SET'],
  ['COMMAND', 'GETKEYS', 'config', 'get', 'x'],
  ['COMMAND', 'GETKEYS', 'nosuch', 'a'],
  ['COMMAND', 'GETKEYS', 'time', 'a', 'b'],
  // Movable keys: the numkeys families, read through each spec's keys(argv).
  ['COMMAND', 'GETKEYS', 'lmpop', '2', 'a', 'b', 'left'],
  ['COMMAND', 'GETKEYS', 'blmpop', '0', '2', 'a', 'b', 'left', 'count', '3'],
  ['COMMAND', 'GETKEYS', 'sintercard', '2', 'a', 'b', 'limit', '1'],
  ['COMMAND', 'GETKEYS', 'zunionstore', 'dst', '2', 'a', 'b', 'weights', '1', '2'],
  ['COMMAND', 'GETKEYS', 'zinter', '2', 'a', 'b'],
  ['COMMAND', 'GETKEYS', 'zmpop', '2', 'a', 'b', 'min'],
  ['COMMAND', 'GETKEYS', 'bzmpop', '0', '2', 'a', 'b', 'max'],
  ['COMMAND', 'GETKEYS', 'mset', 'a', '1', 'b', '2'],
  // Flags per key come from the key spec covering the key (Redis 7.0's table).
  ['COMMAND', 'GETKEYSANDFLAGS', 'zunionstore', 'dst', '2', 'a', 'b'],
  ['COMMAND', 'GETKEYSANDFLAGS', 'smove', 'src', 'dst', 'm'],
  ['COMMAND', 'GETKEYSANDFLAGS', 'lmove', 'src', 'dst', 'left', 'right'],
  ['COMMAND', 'GETKEYSANDFLAGS', 'set', 'k', 'v'],
  ['COMMAND', 'GETKEYSANDFLAGS', 'set', 'k', 'v', 'GET'],
  ['COMMAND', 'GETKEYSANDFLAGS', 'bitfield', 'k', 'get', 'u8', '0'],
  ['COMMAND', 'GETKEYSANDFLAGS', 'bitfield', 'k', 'incrby', 'u8', '0', '1'],
  ['COMMAND', 'GETKEYSANDFLAGS', 'sintercard', '2', 'a', 'b'],
  ['COMMAND', 'NOSUCH'],
];

test('COMMAND INFO/GETKEYS replies for server commands have the same shape and values as Redis 7.0', async () => {
  const real: unknown[] = [];
  await withRealRedis(async (client) => {
    for (const argv of SAME_AS_REDIS)
      real.push(await client.call(argv[0] as string, ...argv.slice(1)).catch((e: Error) => e.message));
  });
  await withRedmesh('', async ({ client }) => {
    for (const [i, argv] of SAME_AS_REDIS.entries()) {
      const ours = await client.call(argv[0] as string, ...argv.slice(1)).catch((e: Error) => e.message);
      assert.deepEqual(normalise(ours), normalise(real[i]), argv.join(' '));
    }
  });
});

test('COMMAND INFO of every command redmesh has equals Redis 7.0 (flags, categories, tips, key specs)', async () => {
  let names: string[] = [];
  const ours: unknown[] = [];
  await withRedmesh('', async ({ client }) => {
    names = ((await client.call('COMMAND', 'LIST')) as string[]).sort();
    for (const name of names) ours.push(await client.call('COMMAND', 'INFO', name));
  });
  assert.ok(names.length > 150, `only ${names.length} commands`);
  await withRealRedis(async (client) => {
    for (const [i, name] of names.entries()) {
      const real = await client.call('COMMAND', 'INFO', name);
      assert.deepEqual(normalise(ours[i]), normalise(real), name);
    }
  });
});

test('COMMAND, COUNT, LIST FILTERBY and DOCS are built from the command table', async () => {
  await withRedmesh('', async ({ client, launched }) => {
    const table = launched.server.state.commands;
    assert.equal(await client.call('COMMAND', 'COUNT'), table.size);
    const all = (await client.call('COMMAND')) as unknown[][];
    assert.equal(all.length, table.size);
    const get = all.find((e) => e[0] === 'config');
    assert.equal(get?.[1], -2);
    const list = (await client.call('COMMAND', 'LIST')) as string[];
    assert.ok(list.includes('config|rewrite') && list.includes('info'));
    assert.deepEqual(
      ((await client.call('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'slowlog*')) as string[]).sort(),
      ['slowlog', 'slowlog|get', 'slowlog|help', 'slowlog|len', 'slowlog|reset'],
    );
    const admin = (await client.call('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'admin')) as string[];
    assert.ok(admin.includes('config|set') && !admin.includes('time'));
    assert.equal(
      await client.call('COMMAND', 'LIST', 'FILTERBY', 'foo', 'bar').catch((e: Error) => e.message),
      'ERR syntax error',
    );
    const docs = (await client.call('COMMAND', 'DOCS', 'info')) as unknown[];
    assert.equal(docs[0], 'info');
  });
});
