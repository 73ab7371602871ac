/**
 * Scripting against Debian's real redis-server 7.0: the same scripts (conversions both ways, error
 * tables and their `script:` suffixes, the redis.* API, cjson/bit/struct/cmsgpack, the sandbox,
 * shebang flags, SCRIPT and FUNCTION commands) go to a fresh real Redis and a fresh redmesh, and
 * every reply must be the same bytes, in RESP2 and RESP3. Then ioredis's defineCommand (EVALSHA with
 * an EVAL fallback) and FUNCTION DUMP / RESTORE in both directions.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { RawConnection, showBytes } from '../helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

const eval0 = (body: string, ...rest: string[]): string[] => ['EVAL', body, '0', ...rest];

/** Scripts whose replies must match byte for byte. Order matters: math.random's state is shared. */
const CORPUS: readonly (readonly string[])[] = [
  // Lua → Redis conversions
  eval0('return 1'),
  eval0("return {1,2,3.7,'x',nil,5}"),
  eval0('return {1.5, -2.9, 1e20, 0/0, -1e300}'),
  eval0('return {true,false}'),
  eval0('return true'),
  eval0('return false'),
  eval0('return nil'),
  eval0("return {ok='fine'}"),
  eval0("return {ok='two\\r\\nlines'}"),
  eval0("return {err='bad'}"),
  eval0("return {err='MYCODE with text'}"),
  eval0("return redis.error_reply('x y')"),
  eval0("return redis.error_reply('-CODE z')"),
  eval0('return redis.status_reply(3)'),
  eval0("return redis.status_reply('FINE')"),
  eval0("local t = {} t[1]='a' t[3]='c' return t"),
  eval0("return {1, {2, {3, 'x'}}, 'y'}"),
  eval0('return {map={a=1}}'),
  eval0('redis.setresp(3); return {double=3.25}'),
  eval0('redis.setresp(3); return {map={a=1}}'),
  eval0('redis.setresp(3); return {set={x=true}}'),
  eval0("redis.setresp(3); return {big_number='123456789012345678901234567890'}"),
  eval0("redis.setresp(3); return {verbatim_string={format='txt', string='hello'}}"),
  eval0('redis.setresp(3); return {true, false}'),
  // Redis → Lua conversions
  ['SET', 'k', 'v'],
  ['HSET', 'h', 'f', 'v'],
  ['ZADD', 'z', '1.5', 'a'],
  ['SADD', 's', 'm'],
  ['EVAL', "return redis.call('get', KEYS[1])", '1', 'k'],
  ['EVAL', "return redis.call('set', KEYS[1], ARGV[1])", '1', 'k2', 'v2'],
  eval0("return redis.call('ping')"),
  eval0("return type(redis.call('get', 'nosuchkey'))"),
  eval0("return redis.call('hgetall', 'h')"),
  eval0("redis.setresp(3); local r = redis.call('hgetall', 'h'); return r.map.f"),
  eval0("redis.setresp(3); return redis.call('zscore', 'z', 'a').double"),
  eval0("redis.setresp(3); return type(redis.call('get', 'nosuchkey'))"),
  eval0("redis.setresp(3); return redis.call('smembers', 's').set.m"),
  eval0("return redis.call('zrange', 'z', 0, -1, 'withscores')"),
  eval0("return redis.call('incrby', 'n', 3.0)"),
  eval0("return redis.call('set', 'f', 0.1) and redis.call('get', 'f')"),
  eval0("return redis.call('lpush', 'l', 1, 2, 3)"),
  eval0("return redis.call('blpop', 'nolist', 0)"),
  // Blocking commands allowed in scripts do not block there (they answer as if timed out).
  eval0("return redis.call('blmpop', 0, 1, 'nolist', 'LEFT')"),
  eval0("return redis.call('bzmpop', 0, 1, 'nozset', 'MIN')"),
  eval0("return redis.call('blmpop', 0, 1, 'l', 'RIGHT', 'COUNT', 2)"),
  eval0("return redis.call('bzmpop', 0, 1, 'z', 'MAX')"),
  eval0("return redis.call('select', 1)"),
  eval0("return redis.call('get', 'k')"),
  // Errors: their tables, texts and the script:/on suffixes
  eval0('return string.rep()'),
  eval0('return x'),
  eval0('x = 1'),
  eval0("error('boom')"),
  eval0("error({err='MY boom'})"),
  eval0("return redis.call('nosuch')"),
  eval0("return redis.call('set')"),
  eval0("return redis.call('incr', 'k')"),
  eval0("local r = redis.call('incr', 'k') return r"),
  eval0("return redis.pcall('incr', 'k')"),
  eval0("return redis.call('multi')"),
  eval0("return redis.call('eval', 'return 1', 0)"),
  eval0('return redis.call()'),
  eval0('return redis.call({})'),
  eval0('local a = {}; a.b.c = 1'),
  eval0("return {pcall(error, {err='X y'})}"),
  eval0("local ok, e = pcall(redis.call, 'nosuch'); return e"),
  eval0("local ok, e = pcall(error, 'zz'); return e"),
  eval0('return redis.setresp(4)'),
  eval0('return 1 +'),
  eval0("return redis.sha1hex('')"),
  eval0('return redis.sha1hex()'),
  eval0('return redis.log()'),
  eval0("return redis.log('x', 'y')"),
  eval0("return redis.log(redis.LOG_WARNING, 'from a test')"),
  eval0('return pcall(redis.set_repl, 99)'),
  eval0('return tostring(pcall(redis.call))'),
  // The sandbox
  eval0('return os'),
  eval0('return tostring(debug)'),
  eval0('return loadfile'),
  eval0('return dofile'),
  eval0('return print'),
  eval0('return _G.x'),
  eval0('string.x = 1'),
  eval0('redis.call = 1'),
  eval0('return type(_G)'),
  eval0("return type(loadstring('return 1'))"),
  eval0('local t = setmetatable({}, {__index = function() return 7 end}); return t.z'),
  // Lua 5.1 itself: numbers, strings
  eval0(
    "return tostring(1e15)..','..tostring(0.1)..','..tostring(1/0)..','..tostring(2^53)..','..tostring(-0)..','..tostring(1e100)",
  ),
  eval0("return string.format('%5.2f|%d|%s|%q', 3.14159, 42, 'x', 'a\\nb')"),
  eval0("return {string.find('hello world', 'o w'), string.match('key:123', '%d+'), ('x'):rep(3)}"),
  eval0("return tostring(10 / 3)..' '..tostring(7 % 3)..' '..tostring(-7 % 3)..' '..tostring(2^0.5)"),
  eval0("return {math.floor(-3.5), math.huge > 0 and 1 or 0, #'abc', tonumber('0x10'), tonumber('  12  ')}"),
  eval0('return {tostring(math.random()), math.random(10), math.random(5, 8)}'),
  eval0('return math.random(0)'),
  // Libraries
  eval0('return cjson.encode({a=1,b={1,2,3}})'),
  eval0('return cjson.decode(\'[1,2,{"x":3}]\')[3].x'),
  eval0("return cjson.encode({1.5, 'x', true})"),
  eval0("return bit.band(0xff, 0x0f)..' '..bit.tohex(255)..' '..bit.bor(1, 2)..' '..bit.lshift(1, 40)"),
  eval0("return struct.pack('>iHb', 1, 2, 3)"),
  eval0("return {struct.unpack('<i2', struct.pack('<i2', -5))}"),
  eval0("return {struct.unpack('>I4 c3 s', struct.pack('>I4 c3 s', 7, 'abc', 'zero'))}"),
  eval0("return struct.size('!4bi')"),
  eval0("return struct.pack('q')"),
  eval0("return struct.pack('<d f', 1.5, 0.25)"),
  eval0('return cmsgpack.pack({1,2,3})'),
  eval0("return cmsgpack.pack({a=1}, 'x', 3.5, -100000, true, 2^40, 0.1)"),
  eval0("return {cmsgpack.unpack(cmsgpack.pack({1,{2,'x'}}, 'y', -1, 300))}"),
  eval0("return cmsgpack.unpack('\\xc1')"),
  // unpack_one / unpack_limit: the next offset (-1 at the end) before the objects, limits, errors.
  eval0('return {cmsgpack.unpack_one(cmsgpack.pack(1, {2, 3}, "x"))}'),
  eval0('return {cmsgpack.unpack_one(cmsgpack.pack(1, {2, 3}, "x"), 1)}'),
  eval0('return {cmsgpack.unpack_one(cmsgpack.pack(1, {2, 3}, "x"), 4)}'),
  eval0('return {cmsgpack.unpack_one(cmsgpack.pack(1, 2), 2)}'),
  eval0('return {cmsgpack.unpack_one(cmsgpack.pack(1, 2), 3)}'),
  eval0('return {cmsgpack.unpack_one(cmsgpack.pack(1, 2), -1)}'),
  eval0('return {cmsgpack.unpack_one(cmsgpack.pack(1, 2), "1")}'),
  eval0('return {cmsgpack.unpack_one(cmsgpack.pack(1, 2), 1.9)}'),
  eval0('return {cmsgpack.unpack_one(cmsgpack.pack(1, 2), "x")}'),
  eval0('return {cmsgpack.unpack_one(cmsgpack.pack(1, 2), {})}'),
  eval0('return {cmsgpack.unpack_one(cmsgpack.pack(1, 2), nil)}'),
  eval0('return {cmsgpack.unpack_one()}'),
  eval0('return {cmsgpack.unpack_one({})}'),
  eval0('return {cmsgpack.unpack_one(12)}'),
  eval0('return {cmsgpack.unpack_one(string.char(0xcd, 1))}'),
  eval0('return {cmsgpack.unpack_one(string.char(1, 0xc1), 1)}'),
  eval0('return {cmsgpack.unpack_one("")}'),
  eval0('return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3, 4), 2)}'),
  eval0('return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3, 4), 2, 3)}'),
  eval0('return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3, 4), 0)}'),
  eval0('return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3, 4), 0, 1)}'),
  eval0('return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3, 4), 10)}'),
  eval0('return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3, 4), -1)}'),
  eval0('return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3, 4), 1, 5)}'),
  eval0('return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3, 4))}'),
  eval0('return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3, 4), 4294967297)}'),
  // Beyond a C int, and beyond int64 (7.0 on x86-64: checks on the 64-bit value, messages print an int).
  ...[
    '2147483648',
    '4294967296',
    '-4294967295',
    '-2147483649',
    '1e300',
    '-1e300',
    '0/0',
    '2.9',
    '-0.5',
  ].flatMap((n) => [
    eval0(`return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3, 4), ${n})}`),
    eval0(`return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3, 4), ${n})}`),
  ]),
  eval0('return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3, 4), "2", "1")}'),
  eval0('return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3, 4), true)}'),
  eval0(
    'local s = cmsgpack.pack("a", "b", "c"); local out, off = {}, 0; repeat local o, v = cmsgpack.unpack_one(s, off); off = o; out[#out + 1] = v until off == -1; return out',
  ),
  // Shebang flags and the *_RO commands
  eval0("#!lua flags=no-writes\nreturn redis.call('set','a','b')"),
  eval0("#!lua flags=no-writes\nreturn redis.call('get','k')"),
  eval0('#!lua flags=bogus\nreturn 1'),
  eval0('#!lua name=x\nreturn 1'),
  eval0('#!notlua\nreturn 1'),
  eval0("#!lua\nreturn redis.call('set','a','b')"),
  ['EVAL_RO', "return redis.call('set','a','b')", '0'],
  ['EVAL_RO', "return redis.call('get','k')", '0'],
  ['EVAL', 'return 1', '2', 'a'],
  ['EVAL', 'return 1', '-1'],
  ['EVAL', 'return 1', 'x'],
  // SCRIPT
  ['SCRIPT', 'LOAD', 'return 1'],
  ['SCRIPT', 'LOAD', 'return +'],
  ['EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0'],
  ['EVALSHA', 'E0E1F9FABFC9D4800C877A703B823AC0578FF8DB', '0'],
  ['EVALSHA_RO', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0'],
  ['EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', '0'],
  ['EVALSHA', 'abc', '0'],
  [
    'SCRIPT',
    'EXISTS',
    'e0e1f9fabfc9d4800c877a703b823ac0578ff8db',
    'ffffffffffffffffffffffffffffffffffffffff',
  ],
  ['SCRIPT', 'KILL'],
  ['SCRIPT', 'FLUSH'],
  ['SCRIPT', 'EXISTS', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db'],
  ['SCRIPT', 'FLUSH', 'BOGUS'],
  // FUNCTION / FCALL (one function per library: Redis lists dicts in hash order)
  [
    'FUNCTION',
    'LOAD',
    "#!lua name=mylib\nredis.register_function('f1', function(keys, args) return {keys[1], args[1]} end)",
  ],
  [
    'FUNCTION',
    'LOAD',
    "#!lua name=rolib\nredis.register_function{function_name='f2', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}, description='desc'}",
  ],
  ['FCALL', 'f1', '1', 'k', 'a'],
  ['FCALL_RO', 'f1', '1', 'k', 'a'],
  ['FCALL_RO', 'f2', '1', 'k'],
  ['FCALL', 'nosuch', '0'],
  ['FCALL', 'f1', 'a'],
  ['FCALL', 'f1', '5', 'a'],
  ['FUNCTION', 'LIST', 'LIBRARYNAME', 'rol*'],
  ['FUNCTION', 'LIST', 'WITHCODE', 'LIBRARYNAME', 'my*'],
  ['FUNCTION', 'LOAD', '#!lua name=mylib\nreturn 1'],
  ['FUNCTION', 'LOAD', 'return 1'],
  ['FUNCTION', 'LOAD', "#!lua name=lib2\nredis.call('set','x','y')"],
  ['FUNCTION', 'LOAD', "#!lua name=lib4\nredis.register_function('a b', function() return 1 end)"],
  ['FUNCTION', 'LOAD', "#!lua name=lib5\nredis.register_function('f1', function() return 1 end)"],
  ['FUNCTION', 'LOAD', '#!lua name=lib6\nx = 1'],
  ['FUNCTION', 'LOAD', "#!lua name=lib7\nredis.register_function('g', function() return x end)"],
  ['FCALL', 'g', '0'],
  ['FUNCTION', 'LOAD', '#!lua name=c1\nreturn 1 +'],
  ['FUNCTION', 'LOAD', "#!lua name=c2\nredis.register_function('x')"],
  [
    'FUNCTION',
    'LOAD',
    "#!lua name=c3\nredis.register_function{function_name='x', callback=function() end, flags={'bogus'}}",
  ],
  ['FUNCTION', 'LOAD', '#!lua name=c4'],
  ['FUNCTION', 'LOAD', '#!lua name=c6 foo=bar\n'],
  ['FUNCTION', 'LOAD', "#!lua\nredis.register_function('x', function() end)"],
  ['FUNCTION', 'LOAD', '#!lua name=a name=b\n'],
  ['FUNCTION', 'LOAD', '#!lua name=a-b\n'],
  ['FUNCTION', 'LOAD', '#!foo name=ab\n'],
  [
    'FUNCTION',
    'LOAD',
    'REPLACE',
    "#!lua name=mylib\nredis.register_function('f1', function(keys, args) return 1 end)",
  ],
  ['FCALL', 'f1', '0'],
  ['FUNCTION', 'DELETE', 'nosuch'],
  ['FUNCTION', 'DELETE', 'lib7'],
  ['FUNCTION', 'KILL'],
  ['FUNCTION', 'RESTORE', 'abc'],
  ['FUNCTION', 'RESTORE', 'abc', 'bogus'],
  ['FUNCTION', 'FLUSH'],
  ['FUNCTION', 'LIST'],
  ['FUNCTION', 'STATS'],
  // Over maxmemory: compat scripts fail at their first denyoom write, shebang scripts at the start
  ['CONFIG', 'SET', 'maxmemory', '1'],
  eval0("return redis.call('set','oom1','v')"),
  eval0("return redis.call('get','k')"),
  eval0('#!lua\nreturn 1'),
  eval0("#!lua flags=allow-oom\nreturn redis.call('set','oom2','v')"),
  eval0("#!lua flags=no-writes\nreturn redis.call('get','k')"),
  eval0("redis.call('del','nothing') return redis.call('set','oom3','v')"),
  eval0("redis.call('del','k2') return redis.call('set','oom4','v')"),
  ['CONFIG', 'SET', 'maxmemory', '0'],
];

async function replies(port: number, resp3: boolean): Promise<string[]> {
  const c = await RawConnection.open(port, 3000);
  try {
    if (resp3) await c.call([Buffer.from('HELLO'), Buffer.from('3')], 5000);
    const out: string[] = [];
    for (const argv of CORPUS) {
      const reply = await c.call(
        argv.map((a) => Buffer.from(a, 'latin1')),
        10_000,
      );
      out.push(showBytes(reply, 2000));
    }
    return out;
  } finally {
    c.close();
  }
}

for (const resp3 of [false, true]) {
  test(`scripts reply as real Redis 7.0 does (${resp3 ? 'RESP3' : 'RESP2'}): ${CORPUS.length} scripts and commands`, async () => {
    let redis: RunningServer | undefined;
    let redmesh: RunningServer | undefined;
    try {
      [redis, redmesh] = await Promise.all([startRedis(0), startRedmesh(0)]);
      const [want, got] = await Promise.all([replies(redis.port, resp3), replies(redmesh.port, resp3)]);
      const mismatches = CORPUS.flatMap((argv, i) =>
        want[i] === got[i] ? [] : [`${argv.join(' ')}\n  redis:   ${want[i]}\n  redmesh: ${got[i]}`],
      );
      assert.deepEqual(mismatches, [], mismatches.join('\n'));
    } finally {
      await stopAll(redis, redmesh);
    }
  });
}

test('ioredis defineCommand: EVALSHA, NOSCRIPT, then the EVAL fallback, then EVALSHA again', async () => {
  let server: RunningServer | undefined;
  const client = (port: number): Redis =>
    new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1, retryStrategy: () => null });
  let c: Redis | undefined;
  try {
    server = await startRedmesh(0);
    c = client(server.port);
    c.defineCommand('addAndGet', {
      numberOfKeys: 1,
      lua: "redis.call('incrby', KEYS[1], ARGV[1]) return {redis.call('get', KEYS[1]), ARGV[1]}",
    });
    const run = (
      c as unknown as { addAndGet(k: string, n: number): Promise<[string, string]> }
    ).addAndGet.bind(c);
    assert.deepEqual(await run('counter', 5), ['5', '5']);
    assert.deepEqual(await run('counter', 2), ['7', '2']);
    const [loaded] = (await c.call('SCRIPT', 'EXISTS', 'f'.repeat(40))) as number[];
    assert.equal(loaded, 0);
    await c.script('FLUSH');
    assert.deepEqual(await run('counter', 1), ['8', '1'], 'after SCRIPT FLUSH the EVAL fallback runs');
    const stats = (await c.info('commandstats')).split('\r\n');
    assert.ok(
      stats.some((l) => l.startsWith('cmdstat_evalsha:calls=')),
      stats.join('\n'),
    );
    assert.ok(
      stats.some((l) => l.startsWith('cmdstat_eval:calls=')),
      stats.join('\n'),
    );
  } finally {
    c?.disconnect();
    await stopAll(server);
  }
});

test('keyspace notifications from inside scripts are the ones real Redis sends', async () => {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  const clients: Redis[] = [];
  try {
    [redis, redmesh] = await Promise.all([startRedis(0), startRedmesh(0)]);
    const events = async (port: number): Promise<string[]> => {
      const sub = new Redis({ host: '127.0.0.1', port, retryStrategy: () => null });
      const c = new Redis({ host: '127.0.0.1', port, retryStrategy: () => null });
      clients.push(sub, c);
      await c.config('SET', 'notify-keyspace-events', 'KEA');
      const got: string[] = [];
      sub.on('pmessage', (_p: string, channel: string, message: string) => got.push(`${channel} ${message}`));
      await sub.psubscribe('__key*__:*');
      await c.eval(
        "redis.call('set', KEYS[1], 'v') redis.call('incr', KEYS[2]) redis.call('del', KEYS[1]) redis.call('lpush', KEYS[3], 'a') return 1",
        3,
        'a',
        'b',
        'c',
      );
      await c.set('done', '1');
      const deadline = Date.now() + 5000;
      while (!got.some((e) => e.endsWith(' done')) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      return got;
    };
    const [want, got] = await Promise.all([events(redis.port), events(redmesh.port)]);
    assert.ok(want.length > 4, want.join('\n'));
    assert.deepEqual(got, want);
  } finally {
    for (const c of clients) c.disconnect();
    await stopAll(redis, redmesh);
  }
});

test('without Lua installed the server starts and scripting says which packages to install', async () => {
  let server: RunningServer | undefined;
  let c: Redis | undefined;
  try {
    server = await startRedmesh(0, [], { REDMESH_LUA_LIBRARY: '/nonexistent/liblua5.1.so.0' });
    c = new Redis({
      host: '127.0.0.1',
      port: server.port,
      retryStrategy: () => null,
      maxRetriesPerRequest: 1,
    });
    assert.equal(await c.ping(), 'PONG');
    await assert.rejects(
      c.eval('return 1', 0),
      /^ReplyError: ERR scripting needs Lua 5\.1: install Debian's liblua5\.1-0 lua-cjson lua-bitop/,
    );
    await assert.rejects(
      c.call('FUNCTION', 'LOAD', "#!lua name=x\nredis.register_function('f', function() end)"),
      /liblua5\.1-0/,
    );
    assert.equal(await c.set('still', 'works'), 'OK');
  } finally {
    c?.disconnect();
    await stopAll(server);
  }
});

test('FUNCTION DUMP payloads go both ways between real Redis and redmesh', async () => {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  let a: Redis | undefined;
  let b: Redis | undefined;
  try {
    [redis, redmesh] = await Promise.all([startRedis(0), startRedmesh(0)]);
    a = new Redis({ host: '127.0.0.1', port: redis.port, retryStrategy: () => null });
    b = new Redis({ host: '127.0.0.1', port: redmesh.port, retryStrategy: () => null });
    const lib = (name: string, fn: string, value: string): string =>
      `#!lua name=${name}\nredis.register_function('${fn}', function() return '${value}' end)\n-- ${'x'.repeat(40)}`;
    await a.call('FUNCTION', 'LOAD', lib('fromredis', 'fr', 'r'));
    await a.call('FUNCTION', 'LOAD', lib('fromredis2', 'fr2', 'r2'));
    await b.call('FUNCTION', 'LOAD', lib('frommesh', 'fm', 'm'));
    const fromRedis = (await a.callBuffer('FUNCTION', 'DUMP')) as Buffer;
    const fromMesh = (await b.callBuffer('FUNCTION', 'DUMP')) as Buffer;
    assert.equal(await b.call('FUNCTION', 'RESTORE', fromRedis), 'OK');
    assert.equal(await b.call('FCALL', 'fr2', '0'), 'r2');
    assert.equal(await b.call('FCALL', 'fm', '0'), 'm', 'APPEND keeps the libraries already there');
    assert.equal(await a.call('FUNCTION', 'RESTORE', fromMesh), 'OK');
    assert.equal(await a.call('FCALL', 'fm', '0'), 'm');
    await assert.rejects(b.call('FUNCTION', 'RESTORE', fromRedis), /Library 'fromredis\d?' already exists/);
    assert.equal(await b.call('FUNCTION', 'RESTORE', fromMesh, 'FLUSH'), 'OK');
    await assert.rejects(b.call('FCALL', 'fr', '0'), /Function not found/);
    // The same libraries dump to the same bytes (one library: no dict order involved).
    await a.call('FUNCTION', 'FLUSH');
    await a.call('FUNCTION', 'RESTORE', fromMesh);
    assert.deepEqual(await a.callBuffer('FUNCTION', 'DUMP'), fromMesh);
  } finally {
    a?.disconnect();
    b?.disconnect();
    await stopAll(redis, redmesh);
  }
});

test('FUNCTION libraries are saved in the RDB: a restarted redmesh and a real Redis both load them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-functions-'));
  let first: RunningServer | undefined;
  let second: RunningServer | undefined;
  let redis: RunningServer | undefined;
  const clients: Redis[] = [];
  const connect = (port: number): Redis => {
    const c = new Redis({ host: '127.0.0.1', port, retryStrategy: () => null, maxRetriesPerRequest: 1 });
    clients.push(c);
    return c;
  };
  try {
    first = await startRedmesh(0, ['--dir', dir]);
    const a = connect(first.port);
    await a.call(
      'FUNCTION',
      'LOAD',
      "#!lua name=saved\nredis.register_function('hello', function(k, a) return 'hi ' .. a[1] end)",
    );
    await a.set('key', 'value');
    assert.equal(await a.save(), 'OK');
    await stopAll(first);
    first = undefined;
    second = await startRedmesh(0, ['--dir', dir]);
    const b = connect(second.port);
    assert.equal(await b.call('FCALL', 'hello', '0', 'there'), 'hi there');
    await stopAll(second);
    second = undefined;
    redis = await startRedis(0, ['--dir', dir, '--dbfilename', 'dump.rdb']);
    const r = connect(redis.port);
    assert.equal(await r.call('FCALL', 'hello', '0', 'redis'), 'hi redis');
    assert.equal(await r.get('key'), 'value');
  } finally {
    for (const c of clients) c.disconnect();
    await stopAll(first, second, redis);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SCRIPT DEBUG: NO, bad modes and arity answer as redis; YES and SYNC are refused in plain words (no Lua debugger)', async () => {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    [redis, redmesh] = await Promise.all([startRedis(0), startRedmesh(0)]);
    const ask = async (port: number, argv: readonly string[]): Promise<string> => {
      const c = await RawConnection.open(port, 2000);
      try {
        return showBytes(await c.call(argv));
      } finally {
        c.close();
      }
    };
    for (const argv of [
      ['SCRIPT', 'DEBUG', 'NO'],
      ['SCRIPT', 'DEBUG', 'maybe'],
      ['SCRIPT', 'DEBUG'],
      ['SCRIPT', 'DEBUG', 'NO', 'x'],
    ]) {
      assert.equal(await ask(redmesh.port, argv), await ask(redis.port, argv), argv.join(' '));
    }
    for (const mode of ['YES', 'sync']) {
      assert.equal(
        await ask(redmesh.port, ['SCRIPT', 'DEBUG', mode]),
        '-ERR the Lua debugger (SCRIPT DEBUG YES|SYNC) is not supported by this server\\r\\n',
      );
    }
    // The connection goes on as a normal one: a script runs without the debugger.
    assert.equal(await ask(redmesh.port, ['EVAL', 'return 1', '0']), ':1\\r\\n');
  } finally {
    await stopAll(redis, redmesh);
  }
});
