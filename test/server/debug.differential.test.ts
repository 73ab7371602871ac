/**
 * DEBUG subcommands that tools and test suites use (issue 16, point 6), each against a real
 * redis-server 7.0 started beside redmesh: DIGEST / DIGEST-VALUE over the same dataset of every type
 * and encoding, PROTOCOL in RESP2 and RESP3, HELP, LISTPACK / QUICKLIST, ERROR, CHANGE-REPL-ID,
 * PAUSE-CRON and SLEEP with an absurd value.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawConnection, showBytes } from '../helpers/raw-resp.js';
import { withRedisAndRedmesh, type RunningServer } from '../helpers/servers.js';

type Line = readonly string[];

function withBoth(body: (redis: RunningServer, redmesh: RunningServer) => Promise<void>): Promise<void> {
  return withRedisAndRedmesh(['--enable-debug-command', 'yes'], body);
}

/** Runs the lines on one connection and returns each reply as readable bytes. */
async function replies(server: RunningServer, lines: readonly Line[]): Promise<string[]> {
  const c = await RawConnection.open(server.port, 2000);
  try {
    const out: string[] = [];
    // Redis's STRINGMATCH-TEST fuzzes ten million rounds: 5 s on a quiet machine, more on a busy one.
    for (const line of lines) out.push(showBytes(await c.call(line, 120_000), 4000));
    return out;
  } finally {
    c.close();
  }
}

const range = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

/** A dataset of every type in each of its encodings, TTLs, two databases and binary bytes. */
const DATASET: Line[] = [
  ['FLUSHALL'],
  ['SET', 'str:embstr', 'hello'],
  ['SET', 'str:int', '12345'],
  ['SET', 'str:neg', '-7'],
  ['SET', 'str:raw', 'x'.repeat(100)],
  ['SET', 'str:bin', '\x00\xff\r\n\x80'],
  ['SET', 'str:empty', ''],
  ['SET', 'str:ttl', 'v', 'EX', '1000'],
  ['SETRANGE', 'str:grown', '3', 'abc'],
  ['SETBIT', 'str:bits', '77', '1'],
  ['RPUSH', 'list:small', 'a', 'b', '1', '2', 'a'],
  ['RPUSH', 'list:big', ...range(300, (i) => `e${i}`)],
  ['LPUSH', 'list:ttl', 'z', 'y'],
  ['PEXPIRE', 'list:ttl', '1000000'],
  ['SADD', 'set:intset', '1', '2', '3', '-5', '100000'],
  ['SADD', 'set:ht', 'x', 'y', 'z'],
  ['SADD', 'set:big', ...range(600, (i) => String(i))],
  ['HSET', 'hash:lp', 'f1', 'v1', 'f2', '2', 'num', '3.5'],
  ['HSET', 'hash:ht', ...range(200, (i) => [`f${i}`, `v${i}`]).flatMap((p) => p)],
  ['HSET', 'hash:long', 'f', 'v'.repeat(100)],
  ['ZADD', 'zset:lp', '0.1', 'a', '1.5', 'b', '3', 'c', '-0', 'd', 'inf', 'e', '-inf', 'f'],
  ['ZADD', 'zset:sl', ...range(200, (i) => [String(i / 7), `m${i}`]).flatMap((p) => p)],
  ['ZADD', 'zset:big', '1e300', 'huge', '123456789012345678', 'int', '5e-324', 'tiny'],
  ['ZADD', 'zset:ttl', '1', 'a'],
  ['EXPIRE', 'zset:ttl', '1000'],
  ['SELECT', '5'],
  ['SET', 'str:embstr', 'hello'],
  ['HSET', 'other', 'a', 'b'],
  ['SELECT', '0'],
];

const KEYS = [
  'str:embstr',
  'str:int',
  'str:neg',
  'str:raw',
  'str:bin',
  'str:empty',
  'str:ttl',
  'str:grown',
  'str:bits',
  'list:small',
  'list:big',
  'list:ttl',
  'set:intset',
  'set:ht',
  'set:big',
  'hash:lp',
  'hash:ht',
  'hash:long',
  'zset:lp',
  'zset:sl',
  'zset:big',
  'zset:ttl',
  'missing',
];

test('DEBUG DIGEST and DIGEST-VALUE equal redis-server 7.0 for the same data of every type and encoding', async () => {
  const lines: Line[] = [
    ...DATASET,
    ['DEBUG', 'DIGEST-VALUE', ...KEYS],
    ['DEBUG', 'DIGEST'],
    // The order of a list matters, the order of a set does not; a TTL changes the digest.
    ['DEL', 'list:small', 'set:ht'],
    ['RPUSH', 'list:small', 'b', 'a', '1', '2', 'a'],
    ['SADD', 'set:ht', 'z', 'y', 'x'],
    ['DEBUG', 'DIGEST'],
    ['PERSIST', 'str:ttl'],
    ['DEBUG', 'DIGEST'],
    ['FLUSHALL'],
    ['DEBUG', 'DIGEST'],
  ];
  await withBoth(async (redis, redmesh) => {
    const [real, ours] = await Promise.all([replies(redis, lines), replies(redmesh, lines)]);
    assert.deepEqual(ours, real);
    // Not a vacuous comparison: the digests differ from one another and from the empty dataset's.
    const digests = real.filter((r) => /^\+[0-9a-f]{40}\\r\\n$/.test(r));
    assert.equal(digests.length, 4);
    assert.equal(new Set(digests).size, 4);
    assert.equal(digests[3], `+${'0'.repeat(40)}\\r\\n`);
  });
});

/** The replies to `line` up to (not including) a PING's PONG: a push or an attribute comes with a reply. */
async function allRepliesTo(c: RawConnection, line: Line): Promise<string> {
  c.send(line);
  c.send(['PING']);
  let out = '';
  for (let i = 0; i < 5; i++) {
    const r = await c.read(3000);
    if (r.kind !== 'reply') throw new Error(`${line.join(' ')}: connection ${r.kind}`);
    const text = showBytes(r.bytes, 4000);
    if (text === '+PONG\\r\\n') return out;
    out += text;
  }
  throw new Error(`no PONG after ${line.join(' ')}`);
}

test('DEBUG PROTOCOL replies every type as redis-server 7.0 does, in RESP2 and RESP3', async () => {
  const types = ['string', 'integer', 'double', 'bignum', 'null', 'array', 'set', 'map', 'attrib'];
  types.push('push', 'verbatim', 'true', 'false', 'bogus', 'STRING');
  const run = async (server: RunningServer): Promise<string[]> => {
    const out: string[] = [];
    for (const proto of ['2', '3']) {
      const c = await RawConnection.open(server.port, 2000);
      try {
        await c.call(['HELLO', proto]);
        for (const t of types) out.push(`${proto} ${t}: ${await allRepliesTo(c, ['DEBUG', 'PROTOCOL', t])}`);
      } finally {
        c.close();
      }
    }
    return out;
  };
  await withBoth(async (redis, redmesh) => {
    assert.deepEqual(await run(redmesh), await run(redis));
  });
});

test('DEBUG HELP, LISTPACK, QUICKLIST, ERROR and argument errors answer as redis-server 7.0', async () => {
  const lines: Line[] = [
    ['FLUSHALL'],
    ['RPUSH', 'l', 'a', 'b'],
    ['HSET', 'h', 'f', 'v'],
    ['ZADD', 'z', '1', 'a'],
    ['SET', 's', 'v'],
    ['DEBUG', 'HELP'],
    ['DEBUG', 'LISTPACK', 'nokey'],
    ['DEBUG', 'LISTPACK', 'l'],
    ['DEBUG', 'LISTPACK', 'h'],
    ['DEBUG', 'LISTPACK', 'z'],
    ['DEBUG', 'LISTPACK', 's'],
    ['DEBUG', 'QUICKLIST', 'l'],
    ['DEBUG', 'QUICKLIST', 'l', '1'],
    ['DEBUG', 'QUICKLIST', 'h'],
    ['DEBUG', 'QUICKLIST', 'l', '1', '2'],
    ['DEBUG', 'ERROR', 'MYERR some\r\ntext'],
    ['DEBUG', 'DIGEST', 'x'],
    ['DEBUG', 'PROTOCOL'],
    ['DEBUG', 'CHANGE-REPL-ID', 'x'],
    ['DEBUG', 'PAUSE-CRON'],
    ['DEBUG', 'NO-SUCH-THING'],
    ['DEBUG', 'SLEEP', '0'],
    ['DEBUG', 'SLEEP', 'abc'],
    ['DEBUG', 'SLEEP', '-1'],
  ];
  await withBoth(async (redis, redmesh) => {
    const [real, ours] = await Promise.all([replies(redis, lines), replies(redmesh, lines)]);
    assert.deepEqual(ours, real);
  });
});

test('DEBUG STRINGMATCH-TEST fuzzes the matcher and answers as redis-server 7.0', async () => {
  await withBoth(async (redis, redmesh) => {
    const lines: Line[] = [['DEBUG', 'STRINGMATCH-TEST'], ['PING']];
    const [real, ours] = await Promise.all([replies(redis, lines), replies(redmesh, lines)]);
    assert.deepEqual(ours, real);
  });
});

test('DEBUG SLEEP with an absurd value returns at once, as redis-server 7.0 does', async () => {
  await withBoth(async (redis, redmesh) => {
    for (const server of [redis, redmesh]) {
      for (const value of ['1e400', 'inf', '1e13', 'nan']) {
        const started = Date.now();
        const [reply] = await replies(server, [['DEBUG', 'SLEEP', value]]);
        assert.equal(reply, '+OK\\r\\n');
        assert.ok(
          Date.now() - started < 1000,
          `${server.name}: DEBUG SLEEP ${value} took ${Date.now() - started} ms`,
        );
      }
    }
  });
});

test('DEBUG CHANGE-REPL-ID gives a new replication id and clears replid2', async () => {
  await withBoth(async (redis, redmesh) => {
    for (const server of [redis, redmesh]) {
      const c = await RawConnection.open(server.port, 2000);
      try {
        const ids = async (): Promise<string[]> => {
          const info = (await c.call(['INFO', 'replication'])).toString('latin1');
          return ['master_replid', 'master_replid2'].map(
            (f) => new RegExp(`${f}:(\\w+)`).exec(info)?.[1] ?? '',
          );
        };
        const [before] = await ids();
        assert.equal((await c.call(['DEBUG', 'CHANGE-REPL-ID'])).toString('latin1'), '+OK\r\n');
        const [after, second] = await ids();
        assert.match(after ?? '', /^[0-9a-f]{40}$/);
        assert.notEqual(after, before, server.name);
        assert.equal(second, '0'.repeat(40), server.name);
      } finally {
        c.close();
      }
    }
  });
});

test('DEBUG PAUSE-CRON 1 stops active expiry until PAUSE-CRON 0, as in redis-server 7.0', async () => {
  await withBoth(async (redis, redmesh) => {
    for (const server of [redis, redmesh]) {
      const c = await RawConnection.open(server.port, 2000);
      try {
        const dbsize = async (): Promise<string> => (await c.call(['DBSIZE'])).toString('latin1');
        await c.call(['FLUSHALL']);
        await c.call(['DEBUG', 'PAUSE-CRON', '1']);
        for (let i = 0; i < 20; i++) await c.call(['SET', `k${i}`, 'v', 'PX', '10']);
        // Several cron periods (hz 10: 100 ms) pass with nothing expired: no lookup touches the keys.
        const until = Date.now() + 500;
        while (Date.now() < until) await new Promise((r) => setTimeout(r, until - Date.now()));
        assert.equal(await dbsize(), ':20\r\n', `${server.name}: keys expired while the cron was paused`);
        await c.call(['DEBUG', 'PAUSE-CRON', '0']);
        const deadline = Date.now() + 5000;
        while ((await dbsize()) !== ':0\r\n' && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 50));
        assert.equal(await dbsize(), ':0\r\n', `${server.name}: keys not expired after the cron resumed`);
      } finally {
        c.close();
      }
    }
  });
});

test('DEBUG DIGEST is the same after DEBUG RELOAD, on redis-server 7.0 and on redmesh', async () => {
  await withBoth(async (redis, redmesh) => {
    const lines: Line[] = [...DATASET, ['DEBUG', 'DIGEST'], ['DEBUG', 'RELOAD'], ['DEBUG', 'DIGEST']];
    const [real, ours] = await Promise.all([replies(redis, lines), replies(redmesh, lines)]);
    assert.deepEqual(ours, real);
    const digests = real.slice(-3);
    assert.equal(digests[1], '+OK\\r\\n');
    assert.equal(digests[0], digests[2]);
  });
});
