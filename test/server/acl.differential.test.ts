/**
 * ACL as Redis 7.0 does it, checked against Debian's redis-server 7.0.15 started beside redmesh: the
 * same commands go to both over raw connections and the replies must be the same bytes (ACL LOG
 * entries are compared field by field, minus the age and the connection-specific client-info fields).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseReply, type ReplyNode } from '../../src/resp/index.js';
import { RawConnection, showBytes } from '../helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

type Js = string | null | Js[];

function toJs(n: ReplyNode): Js {
  if ('line' in n) return n.line.toString('latin1');
  if ('bulk' in n) return n.bulk === null ? null : n.bulk.toString('latin1');
  return n.items === null ? null : n.items.map(toJs);
}

function parsed(bytes: Buffer): Js {
  const r = parseReply(bytes);
  assert.ok(r !== undefined, `incomplete reply ${showBytes(bytes)}`);
  return toJs(r.node);
}

/** A connection to each server; `same` sends argv to both and compares the reply bytes. */
interface PairConnection {
  readonly redis: RawConnection;
  readonly redmesh: RawConnection;
  same(argv: readonly string[]): Promise<Buffer>;
  /** Both replies, parsed, for comparisons that must ignore a part. */
  both(argv: readonly string[]): Promise<[Js, Js]>;
  close(): void;
}

interface Pair {
  readonly redis: RunningServer;
  readonly redmesh: RunningServer;
  open(): Promise<PairConnection>;
}

async function withPair(
  body: (pair: Pair) => Promise<void>,
  extraArgs: readonly string[] = [],
): Promise<void> {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  const opened: PairConnection[] = [];
  try {
    redis = await startRedis(0, extraArgs);
    redmesh = await startRedmesh(0, extraArgs);
    const r0 = redis;
    const m0 = redmesh;
    await body({
      redis: r0,
      redmesh: m0,
      async open() {
        const r = await RawConnection.open(r0.port);
        const m = await RawConnection.open(m0.port);
        const both = async (argv: readonly string[]): Promise<[Buffer, Buffer]> => {
          r.send(argv);
          m.send(argv);
          const [a, b] = await Promise.all([r.read(5000), m.read(5000)]);
          assert.equal(a.kind, 'reply', `redis: ${argv.join(' ')}`);
          assert.equal(b.kind, 'reply', `redmesh: ${argv.join(' ')}`);
          return [(a as { bytes: Buffer }).bytes, (b as { bytes: Buffer }).bytes];
        };
        const pc: PairConnection = {
          redis: r,
          redmesh: m,
          async same(argv) {
            const [a, b] = await both(argv);
            assert.ok(
              a.equals(b),
              `${argv.join(' ')}\n  redis:   ${showBytes(a)}\n  redmesh: ${showBytes(b)}`,
            );
            return a;
          },
          async both(argv) {
            const [a, b] = await both(argv);
            return [parsed(a), parsed(b)];
          },
          close() {
            r.close();
            m.close();
          },
        };
        opened.push(pc);
        return pc;
      },
    });
  } finally {
    for (const c of opened) c.close();
    await stopAll(redis, redmesh);
  }
}

/** An ACL LOG reply with what differs between two servers taken out: the age, and client-info but a few fields. */
function normalizeLog(log: Js): Js {
  assert.ok(Array.isArray(log));
  return log.map((entry) => {
    assert.ok(Array.isArray(entry));
    const out: Js[] = [];
    for (let i = 0; i < entry.length; i += 2) {
      const k = entry[i] as string;
      let v = entry[i + 1] as Js;
      if (k === 'age-seconds') {
        assert.ok(Number(v) >= 0 && Number(v) < 60, `age ${String(v)}`);
        v = 'age';
      }
      if (k === 'client-info') {
        const fields = new Map((v as string).split(' ').map((f) => f.split('=', 2) as [string, string]));
        v = ['name', 'db', 'multi', 'cmd', 'user', 'resp', 'sub', 'psub']
          .map((f) => `${f}=${fields.get(f)}`)
          .join(' ');
      }
      out.push(k, v);
    }
    return out;
  });
}

test('ACL SETUSER, GETUSER, LIST, USERS, DRYRUN, DELUSER, CAT, GENPASS, LOG, LOAD/SAVE errors and HELP reply as redis-server 7.0', async () => {
  await withPair(async (pair) => {
    const c = await pair.open();
    const commands: string[][] = [
      ['ACL', 'WHOAMI'],
      ['ACL', 'USERS'],
      ['ACL', 'LIST'],
      ['ACL', 'GETUSER', 'default'],
      ['ACL', 'GETUSER', 'nouser'],
      ['ACL', 'SETUSER', 'x'],
      ['ACL', 'GETUSER', 'x'],
      ['ACL', 'SETUSER', 'a b'],
      ['ACL', 'SETUSER', 'x', '(~a', '+get'],
      ['ACL', 'SETUSER', 'x', '(~a', '+get)', '(%R~b +@read)', '&chan'],
      ['ACL', 'GETUSER', 'x'],
      ['ACL', 'SETUSER', 'x', 'bogus'],
      ['ACL', 'SETUSER', 'x', '+nosuch'],
      ['ACL', 'SETUSER', 'x', '-@nosuch'],
      ['ACL', 'SETUSER', 'x', 'allkeys', '~a'],
      ['ACL', 'SETUSER', 'x', 'allchannels', '&a'],
      ['ACL', 'SETUSER', 'x', '<nopw'],
      ['ACL', 'SETUSER', 'x', '#abc'],
      ['ACL', 'SETUSER', 'x', `!${'0'.repeat(64)}`],
      ['ACL', 'SETUSER', 'x', '+config|get|x'],
      ['ACL', 'SETUSER', 'x', '+select|0'],
      ['ACL', 'SETUSER', 'x', '-select|0'],
      ['ACL', 'SETUSER', 'x', '+config|nosuch'],
      ['ACL', 'SETUSER', 'x', '+get|'],
      ['ACL', 'SETUSER', 'x', '%RX~a'],
      ['ACL', 'SETUSER', 'x', '%~a'],
      ['ACL', 'SETUSER', 'x', '~a b'],
      ['ACL', 'GETUSER', 'x'],
      ['ACL', 'LIST'],
      ['ACL', 'SETUSER', 'x', '(&* ~x'],
      ['ACL', 'SETUSER', 'x', 'clearselectors', '-@all', '+@hash', '+get'],
      ['ACL', 'GETUSER', 'x'],
      ['ACL', 'SETUSER', 'x', '+@all', '-@dangerous'],
      ['ACL', 'GETUSER', 'x'],
      ['ACL', 'SETUSER', 'x', 'nopass', '>p1', '>p2', '<p1', `#${'a'.repeat(64)}`],
      ['ACL', 'GETUSER', 'x'],
      ['ACL', 'SETUSER', 'x', `!${'a'.repeat(64)}`, 'skip-sanitize-payload'],
      ['ACL', 'LIST'],
      ['ACL', 'SETUSER', 'x', 'on', 'reset'],
      ['ACL', 'GETUSER', 'x'],
      [
        'ACL',
        'SETUSER',
        'y',
        'on',
        '>p',
        '~k*',
        '%R~r*',
        '%W~w*',
        '%RW~rw*',
        '&c*',
        '-@all',
        '+@string',
        '+@list',
      ],
      ['ACL', 'GETUSER', 'y'],
      ['ACL', 'SETUSER', 'y', '+@all', '-@admin', '-@dangerous'],
      ['ACL', 'GETUSER', 'y'],
      ['ACL', 'SETUSER', 'y', '-@all', '+@read', '-get'],
      ['ACL', 'GETUSER', 'y'],
      ['ACL', 'SETUSER', 'y', '-@all', '+config'],
      ['ACL', 'GETUSER', 'y'],
      ['ACL', 'SETUSER', 'y', '-@all', '+config|get'],
      ['ACL', 'GETUSER', 'y'],
      ['ACL', 'SETUSER', 'y', '+@all', '-config|set'],
      ['ACL', 'GETUSER', 'y'],
      ['ACL', 'SETUSER', 'y', 'allcommands', '-@all', '+@pubsub', '+@keyspace'],
      ['ACL', 'LIST'],
      ['ACL', 'DRYRUN', 'y', 'get', 'k1'],
      ['ACL', 'DRYRUN', 'y', 'del', 'k1'],
      ['ACL', 'DRYRUN', 'y', 'del', 'r1'],
      ['ACL', 'DRYRUN', 'y', 'publish', 'c1', 'x'],
      ['ACL', 'DRYRUN', 'y', 'publish', 'd1', 'x'],
      ['ACL', 'DRYRUN', 'y', 'subscribe', 'c1', 'd1'],
      ['ACL', 'DRYRUN', 'y', 'psubscribe', 'c*'],
      ['ACL', 'DRYRUN', 'y', 'psubscribe', 'c1'],
      ['ACL', 'DRYRUN', 'y', 'rename', 'r1', 'w1'],
      ['ACL', 'DRYRUN', 'y', 'rename', 'rw1', 'rw2'],
      ['ACL', 'DRYRUN', 'y', 'copy', 'r1', 'w2'],
      ['ACL', 'DRYRUN', 'y', 'nosuch'],
      ['ACL', 'DRYRUN', 'nouser', 'get', 'a'],
      ['ACL', 'DRYRUN', 'y', 'get'],
      ['ACL', 'DRYRUN', 'y', 'config', 'get', 'x'],
      ['ACL', 'DRYRUN', 'y', 'config', 'nosub'],
      ['ACL', 'DRYRUN', 'x', 'select', '0'],
      ['ACL', 'CAT'],
      ['ACL', 'CAT', 'nosuch'],
      ['ACL', 'CAT', 'a', 'b'],
      ['ACL', 'GENPASS', '0'],
      ['ACL', 'GENPASS', '4097'],
      ['ACL', 'GENPASS', 'x'],
      ['ACL', 'GENPASS', '1', '2'],
      ['ACL', 'LOG', 'x'],
      ['ACL', 'LOG', '-1'],
      ['ACL', 'LOG', '1', '2'],
      ['ACL', 'LOAD'],
      ['ACL', 'SAVE'],
      ['ACL', 'DELUSER', 'default'],
      ['ACL', 'DELUSER', 'x', 'y', 'zz'],
      ['ACL', 'WHOAMI', 'x'],
      ['ACL', 'foo'],
      ['ACL', 'HELP'],
      ['ACL', 'USERS'],
      // acl-pubsub-default decides the channels of new users and of `reset` (7.0's default: none).
      ['ACL', 'SETUSER', 'pc1', 'on'],
      ['CONFIG', 'SET', 'acl-pubsub-default', 'allchannels'],
      ['ACL', 'SETUSER', 'pc2', 'on', '(~x +get)'],
      ['ACL', 'SETUSER', 'pc1', 'reset'],
      ['ACL', 'LIST'],
      ['CONFIG', 'SET', 'acl-pubsub-default', 'resetchannels'],
      ['ACL', 'SETUSER', 'pc2', 'reset'],
      ['ACL', 'LIST'],
    ];
    for (const argv of commands) await c.same(argv);
    // ACL CAT <category>: Redis lists its command dict in hash order, so compare the sets.
    for (const category of [
      'keyspace',
      'read',
      'write',
      'admin',
      'pubsub',
      'dangerous',
      'scripting',
      'stream',
    ]) {
      const [a, b] = await c.both(['ACL', 'CAT', category]);
      assert.deepEqual([...(b as string[])].sort(), [...(a as string[])].sort(), `ACL CAT ${category}`);
    }
    for (const bits of ['1', '5', '256', '4096']) {
      const [a, b] = await c.both(['ACL', 'GENPASS', bits]);
      assert.equal((b as string).length, (a as string).length, `GENPASS ${bits}`);
      assert.match(b as string, /^[0-9a-f]+$/);
    }
  });
});

test('NOPERM for commands, read/write keys by key spec and channels, with ACL LOG entries as redis-server 7.0', async () => {
  await withPair(async (pair) => {
    const admin = await pair.open();
    const user = await pair.open();
    await admin.same([
      'ACL',
      'SETUSER',
      'w',
      'on',
      '>pw',
      '%W~w:*',
      '%R~r:*',
      '~rw:*',
      '&news.*',
      '+@all',
      '-flushall',
    ]);
    await user.same(['AUTH', 'w', 'pw']);
    await user.same(['ACL', 'WHOAMI']);
    const lines: string[][] = [
      ['SET', 'w:1', 'x'],
      ['SET', 'w:1', 'x', 'GET'],
      ['GET', 'r:1'],
      ['SET', 'r:1', 'x'],
      ['GET', 'w:1'],
      ['BITFIELD', 'w:1', 'GET', 'u8', '0'],
      ['BITFIELD', 'r:1', 'GET', 'u8', '0'],
      ['BITFIELD', 'r:1', 'SET', 'u8', '0', '1'],
      ['LMOVE', 'r:1', 'w:1', 'LEFT', 'LEFT'],
      ['DEL', 'w:1'],
      ['COPY', 'r:1', 'w:2'],
      ['SORT', 'r:1', 'STORE', 'w:9'],
      ['EXISTS', 'w:1', 'other'],
      ['TYPE', 'nope'],
      ['GETDEL', 'w:1'],
      ['MSET', 'rw:1', 'a', 'w:2', 'b', 'r:3', 'c'],
      ['MGET', 'rw:1', 'r:1', 'w:1'],
      ['FLUSHALL'],
      ['CONFIG', 'GET', 'maxmemory'],
      ['PUBLISH', 'news.today', 'hi'],
      ['PUBLISH', 'sport', 'hi'],
      ['SUBSCRIBE', 'news.a', 'sport'],
      ['PSUBSCRIBE', 'news.*'],
      ['PSUBSCRIBE', 'news.a*'],
      ['PING'],
    ];
    for (const argv of lines) await user.same(argv);
    const [a, b] = await admin.both(['ACL', 'LOG']);
    assert.deepEqual(normalizeLog(b), normalizeLog(a));
    await admin.same(['ACL', 'LOG', 'RESET']);
    await admin.same(['ACL', 'LOG']);

    // Repeats of one denial are one entry with a count; a failed AUTH is logged with the name tried.
    await user.same(['GET', 'nope']);
    await user.same(['GET', 'nope']);
    await user.same(['AUTH', 'w', 'wrong']);
    await user.same(['AUTH', 'ghost', 'pw']);
    await user.same(['HELLO', '2', 'AUTH', 'ghost', 'pw']);
    const [a2, b2] = await admin.both(['ACL', 'LOG', '10']);
    assert.deepEqual(normalizeLog(b2), normalizeLog(a2));
    await admin.same(['CONFIG', 'SET', 'acllog-max-len', '1']);
    await user.same(['GET', 'another']);
    const [a3, b3] = await admin.both(['ACL', 'LOG']);
    assert.deepEqual(normalizeLog(b3), normalizeLog(a3));
    assert.equal((b3 as Js[]).length, 1);
  });
});

test('MULTI: NOPERM while queueing aborts EXEC; rules changed before EXEC fail the queued command as 7.0 words it', async () => {
  await withPair(async (pair) => {
    const admin = await pair.open();
    const user = await pair.open();
    await admin.same(['ACL', 'SETUSER', 'tx', 'on', 'nopass', '~*', '&*', '+@all']);
    await user.same(['AUTH', 'tx', 'anything']);
    await user.same(['MULTI']);
    await user.same(['GET', 'a']);
    await user.same(['SET', 'b', '1']);
    await user.same(['PUBLISH', 'ch', 'm']);
    await admin.same(['ACL', 'SETUSER', 'tx', '-get', 'resetkeys', '~a', 'resetchannels']);
    await user.same(['EXEC']);
    await user.same(['MULTI']);
    await user.same(['SET', 'b', '1']);
    await user.same(['EXEC']);
    const [a, b] = await admin.both(['ACL', 'LOG']);
    assert.deepEqual(normalizeLog(b), normalizeLog(a));
    // RESET goes back to the default user.
    await user.same(['RESET']);
    await user.same(['ACL', 'WHOAMI']);
  });
});

test('requirepass is the default user password: CONFIG SET requirepass, AUTH forms, NOAUTH, HELLO AUTH, default user off', async () => {
  await withPair(async (pair) => {
    const admin = await pair.open();
    await admin.same(['AUTH', 'x']);
    await admin.same(['AUTH', 'default', 'x']);
    await admin.same(['CONFIG', 'SET', 'requirepass', 'secret']);
    await admin.same(['ACL', 'GETUSER', 'default']);
    await admin.same(['ACL', 'LIST']);
    const fresh = await pair.open();
    await fresh.same(['GET', 'k']);
    await fresh.same(['HELLO', '3']);
    await fresh.same(['AUTH', 'wrong']);
    await fresh.same(['AUTH', 'secret']);
    await fresh.same(['AUTH', 'default', 'secret']);
    await fresh.same(['AUTH', 'a', 'b', 'c']);
    await admin.same(['ACL', 'SETUSER', 'app', 'on', '>apppw', '~*', '+@all']);
    const viaHello = await pair.open();
    await viaHello.same(['HELLO', '2', 'AUTH', 'app', 'wrong']);
    const [ha, hb] = await viaHello.both(['HELLO', '2', 'AUTH', 'app', 'apppw', 'SETNAME', 'n1']);
    const withoutId = (h: Js): Js => (h as Js[]).map((v, i, all) => (all[i - 1] === 'id' ? 'id' : v));
    assert.deepEqual(withoutId(hb), withoutId(ha));
    await viaHello.same(['ACL', 'WHOAMI']);
    // ACL SETUSER default changes what requirepass set, and CONFIG GET still shows requirepass.
    await admin.same(['ACL', 'SETUSER', 'default', 'resetpass', '>other']);
    await admin.same(['CONFIG', 'GET', 'requirepass']);
    const third = await pair.open();
    await third.same(['AUTH', 'secret']);
    await third.same(['AUTH', 'other']);
    await admin.same(['CONFIG', 'SET', 'requirepass', '']);
    await admin.same(['ACL', 'GETUSER', 'default']);
    const open = await pair.open();
    await open.same(['PING']);
    // A default user switched off: new connections must authenticate as someone else.
    await admin.same(['ACL', 'SETUSER', 'default', 'off']);
    const afterOff = await pair.open();
    await afterOff.same(['PING']);
    await afterOff.same(['AUTH', 'app', 'apppw']);
    await afterOff.same(['PING']);
    await admin.same(['ACL', 'SETUSER', 'default', 'on']);
  });
});

test('users changed or deleted: DELUSER drops their connections, narrower channels drop subscribers, CLIENT KILL USER, CLIENT LIST user=', async () => {
  await withPair(async (pair) => {
    const admin = await pair.open();
    await admin.same(['ACL', 'SETUSER', 'sub', 'on', 'nopass', '+@all', '~*', '&news.*', '&sport']);
    await admin.same(['ACL', 'SETUSER', 'gone', 'on', 'nopass', '+@all', '~*']);
    const subscriber = await pair.open();
    await subscriber.same(['AUTH', 'sub', 'x']);
    await subscriber.same(['SUBSCRIBE', 'sport']);
    const other = await pair.open();
    await other.same(['AUTH', 'gone', 'x']);
    const [la, lb] = await admin.both(['CLIENT', 'LIST']);
    const users = (s: Js): string[] => [...(s as string).matchAll(/ user=(\S+)/g)].map((m) => m[1] as string);
    assert.deepEqual(users(lb), users(la));
    assert.deepEqual(users(lb), ['default', 'sub', 'gone']);

    // Adding a channel keeps the subscriber; removing the one it listens to drops it.
    await admin.same(['ACL', 'SETUSER', 'sub', '&more']);
    await admin.same(['PUBLISH', 'sport', 'still']);
    await admin.same(['ACL', 'SETUSER', 'sub', 'resetchannels', '&news.*']);
    assert.equal(await subscriber.redis.waitClosed(3000), true, 'redis keeps the subscriber');
    assert.equal(await subscriber.redmesh.waitClosed(3000), true, 'redmesh keeps the subscriber');

    await admin.same(['CLIENT', 'KILL', 'USER', 'nouser']);
    await admin.same(['ACL', 'DELUSER', 'gone']);
    assert.equal(await other.redis.waitClosed(3000), true);
    assert.equal(await other.redmesh.waitClosed(3000), true);

    const victim = await pair.open();
    await victim.same(['AUTH', 'sub', 'x']);
    await admin.same(['CLIENT', 'KILL', 'USER', 'sub']);
    assert.equal(await victim.redmesh.waitClosed(3000), true);
    // Deleting the user a connection runs as: its own reply arrives, then the connection closes.
    await admin.same(['ACL', 'SETUSER', 'self', 'on', 'nopass', '+@all']);
    const selfish = await pair.open();
    await selfish.same(['AUTH', 'self', 'x']);
    await selfish.same(['ACL', 'DELUSER', 'self']);
    assert.equal(await selfish.redis.waitClosed(3000), true);
    assert.equal(await selfish.redmesh.waitClosed(3000), true);
  });
});

test('secrets never reach the slow log: AUTH, HELLO AUTH, ACL SETUSER and CONFIG SET of passwords are redacted as 7.0 does', async () => {
  await withPair(async (pair) => {
    const c = await pair.open();
    await c.same(['CONFIG', 'SET', 'slowlog-log-slower-than', '0']);
    await c.same(['SLOWLOG', 'RESET']);
    for (const argv of [
      ['ACL', 'SETUSER', 'q', 'on', '>secretpw', '~*', '+@all'],
      ['AUTH', 'q', 'secretpw'],
      ['AUTH', 'default', 'wrong'],
      ['HELLO', '2', 'AUTH', 'q', 'secretpw', 'SETNAME', 'n'],
      ['CONFIG', 'SET', 'masterauth', 'abc', 'maxmemory', '0'],
      ['CONFIG', 'SET', 'masteruser', 'u'],
      ['CONFIG', 'SET', 'requirepass', ''],
    ]) {
      await c.both(argv);
    }
    const [a, b] = await c.both(['SLOWLOG', 'GET', '20']);
    const argvs = (log: Js): Js[] => (log as Js[][]).map((e) => e[3] as Js);
    assert.deepEqual(argvs(b), argvs(a));
    assert.ok(!JSON.stringify(b).includes('secretpw'));
  });
});
