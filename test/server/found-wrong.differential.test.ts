/**
 * Behaviours once found to differ from Redis 7.0 (issue 16, point 7), each checked against a real
 * redis-server 7.0 started beside redmesh: WATCH of a key that had already expired logically, and
 * which commands update a key's last-access time.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawConnection, showBytes } from '../helpers/raw-resp.js';
import { withRedisAndRedmesh, type RunningServer } from '../helpers/servers.js';

type Line = readonly string[];

/** Runs the lines on one connection; `['#after', ms]` waits until ms have passed since the last reply. */
async function replies(server: RunningServer, lines: readonly Line[]): Promise<string[]> {
  const c = await RawConnection.open(server.port, 2000);
  try {
    const out: string[] = [];
    let last = Date.now();
    for (const line of lines) {
      if (line[0] === '#after') {
        const until = last + Number(line[1]);
        while (Date.now() < until) await new Promise((r) => setTimeout(r, until - Date.now()));
        continue;
      }
      out.push(showBytes(await c.call(line)));
      last = Date.now();
    }
    return out;
  } finally {
    c.close();
  }
}

function withBoth(body: (redis: RunningServer, redmesh: RunningServer) => Promise<void>): Promise<void> {
  return withRedisAndRedmesh(['--enable-debug-command', 'yes'], body);
}

test('EXEC runs after WATCH of a key that had already expired, as in redis-server 7.0', async () => {
  const lines: Line[] = [
    ['FLUSHALL'],
    // Only lazy expiry, so a key is still stored when WATCHed after its TTL passed.
    ['DEBUG', 'SET-ACTIVE-EXPIRE', '0'],
    // Watched while logically expired, then lazily deleted by a read: no change, EXEC runs.
    ['SET', 'k', 'v', 'PX', '5'],
    ['#after', '30'],
    ['WATCH', 'k'],
    ['GET', 'k'],
    ['MULTI'],
    ['SET', 'x', '1'],
    ['EXEC'],
    // Watched while expired and never touched: EXEC runs.
    ['SET', 'k2', 'v', 'PX', '5'],
    ['#after', '30'],
    ['WATCH', 'k2'],
    ['MULTI'],
    ['SET', 'x', '1'],
    ['EXEC'],
    // Watched while expired, then written: EXEC aborts.
    ['SET', 'k3', 'v', 'PX', '5'],
    ['#after', '30'],
    ['WATCH', 'k3'],
    ['SET', 'k3', 'new'],
    ['MULTI'],
    ['SET', 'x', '1'],
    ['EXEC'],
    // Watched while expired, deleted, then created again: EXEC aborts.
    ['SET', 'k4', 'v', 'PX', '5'],
    ['#after', '30'],
    ['WATCH', 'k4'],
    ['EXISTS', 'k4'],
    ['SET', 'k4', 'again'],
    ['MULTI'],
    ['SET', 'x', '1'],
    ['EXEC'],
    // Watched alive with a TTL that passes before EXEC: EXEC aborts.
    ['SET', 'k5', 'v', 'PX', '20'],
    ['WATCH', 'k5'],
    ['#after', '40'],
    ['MULTI'],
    ['SET', 'x', '1'],
    ['EXEC'],
  ];
  await withBoth(async (redis, redmesh) => {
    const real = await replies(redis, lines);
    const ours = await replies(redmesh, lines);
    assert.deepEqual(ours, real);
  });
});

test('TTL, TYPE, EXISTS and OBJECT do not update the last-access time; GET does (redis-server 7.0)', async () => {
  const idle = async (server: RunningServer): Promise<{ untouched: number; read: number }> => {
    const c = await RawConnection.open(server.port, 2000);
    try {
      await c.call(['FLUSHALL']);
      // redmesh keeps access times only under a maxmemory (a gap of its own, not this test's subject).
      await c.call(['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru']);
      await c.call(['CONFIG', 'SET', 'maxmemory', '1gb']);
      await c.call(['SET', 'k', 'v']);
      await c.call(['SET', 'j', 'v']);
      const until = Date.now() + 2100;
      while (Date.now() < until) await new Promise((r) => setTimeout(r, until - Date.now()));
      for (const cmd of ['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME', 'TYPE', 'EXISTS'])
        await c.call([cmd, 'k']);
      await c.call(['OBJECT', 'ENCODING', 'k']);
      await c.call(['OBJECT', 'IDLETIME', 'k']);
      await c.call(['GET', 'j']);
      const read = (b: Buffer): number => Number(/^:(\d+)/.exec(b.toString('latin1'))?.[1]);
      return {
        untouched: read(await c.call(['OBJECT', 'IDLETIME', 'k'])),
        read: read(await c.call(['OBJECT', 'IDLETIME', 'j'])),
      };
    } finally {
      c.close();
    }
  };
  await withBoth(async (redis, redmesh) => {
    for (const server of [redis, redmesh]) {
      const { untouched, read } = await idle(server);
      assert.ok(untouched >= 1, `${server.name}: idle time of the key only asked about: ${untouched}`);
      assert.equal(read, 0, `${server.name}: idle time of the key read with GET`);
    }
  });
});

test('commands with movable keys touch what they read; EVAL touches only what its script reads (redis-server 7.0)', async () => {
  const idleTimes = async (server: RunningServer): Promise<string> => {
    const c = await RawConnection.open(server.port, 2000);
    try {
      await c.call(['FLUSHALL']);
      await c.call(['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru']);
      await c.call(['CONFIG', 'SET', 'maxmemory', '1gb']);
      await c.call(['ZADD', 'z', '1', 'a']);
      await c.call(['SADD', 's', 'a']);
      await c.call(['RPUSH', 'l', 'a', 'b']);
      await c.call(['SET', 'declared', 'v']);
      await c.call(['SET', 'read', 'v']);
      await c.call(['SET', 'untouched', 'v']);
      const until = Date.now() + 2100;
      while (Date.now() < until) await new Promise((r) => setTimeout(r, until - Date.now()));
      await c.call(['ZUNION', '1', 'z']);
      await c.call(['SINTERCARD', '1', 's']);
      await c.call(['LMPOP', '1', 'l', 'LEFT']);
      await c.call(['EVAL', 'return 1', '1', 'declared']);
      await c.call(['EVAL', "return redis.call('get', 'read')", '0']);
      const out: string[] = [];
      for (const key of ['z', 's', 'l', 'declared', 'read', 'untouched']) {
        const idle = Number(
          /^:(\d+)/.exec((await c.call(['OBJECT', 'IDLETIME', key])).toString('latin1'))?.[1],
        );
        out.push(`${key}:${idle >= 1 ? 'idle' : 'used'}`);
      }
      return out.join(' ');
    } finally {
      c.close();
    }
  };
  await withBoth(async (redis, redmesh) => {
    const real = await idleTimes(redis);
    assert.equal(real, 'z:used s:used l:used declared:idle read:used untouched:idle');
    assert.equal(await idleTimes(redmesh), real);
  });
});

/** Each line's reply and how much it moved rdb_changes_since_last_save (Redis's server.dirty). */
async function repliesWithDirty(server: RunningServer, lines: readonly Line[]): Promise<string[]> {
  const c = await RawConnection.open(server.port, 2000);
  try {
    const dirty = async (): Promise<number> => {
      const info = (await c.call(['INFO', 'persistence'])).toString('latin1');
      return Number(/rdb_changes_since_last_save:(\d+)/.exec(info)?.[1]);
    };
    const out: string[] = [];
    for (const line of lines) {
      const before = await dirty();
      const reply = showBytes(await c.call(line));
      out.push(`${line.join(' ')} -> ${reply} dirty+${(await dirty()) - before}`);
    }
    return out;
  } finally {
    c.close();
  }
}

test('SETBIT and BITFIELD that change nothing are not counted as changes (redis-server 7.0)', async () => {
  const lines: Line[] = [
    ['FLUSHALL'],
    ['SETBIT', 'b', '3', '1'],
    ['SETBIT', 'b', '3', '1'],
    ['SETBIT', 'b', '3', '0'],
    ['SETBIT', 'b', '100', '0'],
    ['SETBIT', 'new', '0', '0'],
    ['BITFIELD', 'b', 'SET', 'u8', '0', '0'],
    ['BITFIELD', 'b', 'SET', 'u8', '0', '16'],
    ['BITFIELD', 'b', 'SET', 'u8', '0', '16', 'GET', 'u8', '0', 'SET', 'u8', '0', '16'],
    ['BITFIELD', 'b', 'SET', 'u8', '0', '2', 'SET', 'u8', '8', '3', 'INCRBY', 'u8', '0', '1'],
    ['BITFIELD', 'b', 'SET', 'u8', '0', '3', 'SET', 'u8', '8', '3', 'SET', 'u8', '16', '3'],
    ['BITFIELD', 'b', 'INCRBY', 'u8', '0', '0'],
    // Growing the string counts every write of the call, changed or not.
    ['BITFIELD', 'b', 'SET', 'u8', '0', '3', 'SET', 'u8', '400', '0'],
    ['BITFIELD', 'nk', 'SET', 'u8', '0', '0'],
    ['BITFIELD', 'nk', 'SET', 'u8', '0', '1', 'SET', 'u8', '8', '1'],
    ['BITFIELD', 'nk', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '1000'],
    ['BITFIELD', 'nk', 'OVERFLOW', 'SAT', 'INCRBY', 'u8', '0', '1000'],
    ['BITFIELD', 'nk', 'OVERFLOW', 'SAT', 'INCRBY', 'u8', '0', '1000'],
    ['BITFIELD', 'nk', 'OVERFLOW', 'WRAP', 'SET', 'i8', '8', '257'],
    ['GET', 'b'],
    ['GET', 'nk'],
  ];
  await withBoth(async (redis, redmesh) => {
    const real = await repliesWithDirty(redis, lines);
    const ours = await repliesWithDirty(redmesh, lines);
    assert.deepEqual(ours, real);
  });
});

test('small integers are not shared objects while maxmemory has an LRU/LFU policy (redis-server 7.0)', async () => {
  const stored = (key: string): Line[] => [
    ['OBJECT', 'REFCOUNT', key],
    ['OBJECT', 'ENCODING', key],
  ];
  const lines: Line[] = [
    ['FLUSHALL'],
    ['SET', 'a', '100'],
    ...stored('a'),
    // An LRU policy without maxmemory still shares.
    ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'],
    ['SET', 'b', '100'],
    ...stored('b'),
    ['CONFIG', 'SET', 'maxmemory', '1gb'],
    ['SET', 'c', '100'],
    ...stored('c'),
    ['INCR', 'c'],
    ...stored('c'),
    ['MSET', 'm1', '5', 'm2', '10000'],
    ...stored('m1'),
    ...stored('m2'),
    // Stored before: still the shared object.
    ...stored('a'),
    ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu'],
    ['SET', 'd', '0'],
    ...stored('d'),
    ['CONFIG', 'SET', 'maxmemory-policy', 'volatile-ttl'],
    ['SET', 'e', '200'],
    ...stored('e'),
    ...stored('c'),
    ['RENAME', 'e', 'e2'],
    ...stored('e2'),
    ['CONFIG', 'SET', 'maxmemory', '0'],
    ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'],
  ];
  await withBoth(async (redis, redmesh) => {
    const real = await replies(redis, lines);
    const ours = await replies(redmesh, lines);
    assert.deepEqual(ours, real);
    assert.ok(real.includes(':1\\r\\n') && real.includes(':2147483647\\r\\n'), real.join(' '));
  });
});
