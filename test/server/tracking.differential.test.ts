/**
 * Client-side caching (CLIENT TRACKING and friends) and MONITOR against a real redis-server 7.0: the
 * same scenario of commands over several connections runs on both servers, and what each connection
 * received over the whole scenario is compared byte for byte (after replacing client ids, ports and
 * timestamps, which differ by nature). After each step every connection answers a PING barrier, one
 * after the other, so pushes caused by a step (invalidations, monitor lines) have arrived before the
 * next step starts, and a monitor sees the barrier lines in a fixed order.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawConnection, showBytes } from '../helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

/** A step: [connection index, ...argv]; `$ID<n>` in an argument is connection n's client id. */
type Step = readonly [number, ...string[]] | readonly ['close', number] | readonly ['sleep', number];

const BARRIER = '__barrier__';
const BARRIER_REPLIES = [
  `$${BARRIER.length}\r\n${BARRIER}\r\n`,
  `*2\r\n$4\r\npong\r\n$${BARRIER.length}\r\n${BARRIER}\r\n`,
  `>2\r\n$4\r\npong\r\n$${BARRIER.length}\r\n${BARRIER}\r\n`,
];

interface Session {
  readonly conns: (RawConnection | undefined)[];
  /** Connections inside MULTI: they queue a PING, so they get no barrier. */
  readonly inMulti: Set<number>;
  readonly ids: number[];
  /** Everything each connection received, barrier replies left out. */
  readonly streams: string[];
}

async function open(server: RunningServer, s: Session, i: number): Promise<RawConnection> {
  const c = await RawConnection.open(server.port);
  const reply = (await c.call(['CLIENT', 'ID'])).toString('latin1');
  s.conns[i] = c;
  s.ids[i] = Number(/^:(\d+)/.exec(reply)?.[1]);
  s.streams[i] = '';
  return c;
}

/** Reads connection i until its barrier reply, keeping what came before it. */
async function drainTo(s: Session, i: number): Promise<void> {
  const c = s.conns[i] as RawConnection;
  c.send(['PING', BARRIER]);
  for (;;) {
    const r = await c.read(5000);
    if (r.kind !== 'reply') throw new Error(`connection ${i}: ${r.kind} before the barrier`);
    const text = r.bytes.toString('latin1');
    if (BARRIER_REPLIES.includes(text)) return;
    s.streams[i] += text;
  }
}

async function runScenario(server: RunningServer, steps: readonly Step[]): Promise<Session> {
  const s: Session = { conns: [], inMulti: new Set(), ids: [], streams: [] };
  try {
    for (const step of steps) {
      if (step[0] === 'sleep') {
        await new Promise((r) => setTimeout(r, step[1]));
        continue;
      }
      if (step[0] === 'close') {
        s.conns[step[1]]?.close();
        s.conns[step[1]] = undefined;
        continue;
      }
      const [i, ...argv] = step;
      const c = s.conns[i] ?? (await open(server, s, i));
      c.send(argv.map((a) => a.replace(/\$ID(\d)/g, (_, n: string) => String(s.ids[Number(n)]))));
      const word = (argv[0] as string).toUpperCase();
      try {
        if (s.inMulti.has(i) && word !== 'EXEC' && word !== 'DISCARD') {
          // Queued: one reply (+QUEUED or an error), then the barrier for the others.
          const r = await c.read(5000);
          if (r.kind !== 'reply') throw new Error(`connection ${i}: ${r.kind} in MULTI`);
          s.streams[i] += r.bytes.toString('latin1');
        }
        if (word === 'MULTI' && !s.inMulti.has(i)) {
          // Its reply first: MULTI has run before any other connection's barrier is sent.
          const r = await c.read(5000);
          if (r.kind !== 'reply') throw new Error(`connection ${i}: ${r.kind} after MULTI`);
          s.streams[i] += r.bytes.toString('latin1');
          s.inMulti.add(i);
        }
        if (word === 'EXEC' || word === 'DISCARD') s.inMulti.delete(i);
        // The sender first: its command has run before any other connection's barrier is sent.
        const order = [i, ...s.conns.keys()].filter((j, k, all) => all.indexOf(j) === k);
        for (const j of order) {
          if (s.conns[j] !== undefined && !s.inMulti.has(j)) await drainTo(s, j);
        }
      } catch (e) {
        throw new Error(`${server.name}, step ${JSON.stringify(step)}: ${(e as Error).message}`);
      }
    }
  } finally {
    for (const c of s.conns) c?.close();
  }
  return s;
}

/** Client ids become ID<n>, addresses ADDR, monitor timestamps TS. */
function normalize(s: Session, text: string): string {
  let out = text
    .replace(/\$2\r\nid\r\n:\d+\r\n/g, '$2\r\nid\r\n:ID\r\n')
    .replace(/\+\d{10}\.\d{6} /g, '+TS ')
    .replace(/127\.0\.0\.1:\d+/g, 'ADDR')
    .replace(/\$\d+\r\nADDR\r\n/g, '$n\r\nADDR\r\n');
  s.ids.forEach((id, n) => {
    out = out
      .replace(new RegExp(`(redirect\\r\\n|tracking-redir-broken\\r\\n):${id}\\r\\n`, 'g'), `$1:ID${n}\r\n`)
      .replace(new RegExp(`redir=${id} `, 'g'), `redir=ID${n} `);
  });
  return out;
}

async function compare(
  name: string,
  steps: readonly Step[],
  redisArgs: readonly string[] = [],
): Promise<void> {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    [redis, redmesh] = await Promise.all([startRedis(0, redisArgs), startRedmesh(0, redisArgs)]);
    const expected = await runScenario(redis, steps);
    const actual = await runScenario(redmesh, steps);
    for (let i = 0; i < expected.streams.length; i++) {
      const want = normalize(expected, expected.streams[i] ?? '');
      const got = normalize(actual, actual.streams[i] ?? '');
      if (got === want) continue;
      let at = 0;
      while (at < want.length && got[at] === want[at]) at++;
      const from = Math.max(0, at - 200);
      const show = (t: string): string => showBytes(Buffer.from(t.slice(from, at + 300), 'latin1'), 600);
      assert.fail(
        `${name}, connection ${i}, from byte ${from}:\n  redis:   ${show(want)}\n  redmesh: ${show(got)}`,
      );
    }
  } finally {
    await stopAll(redis, redmesh);
  }
}

test('default tracking: invalidation after the reply, MULTI, NOLOOP, FLUSHDB null, SWAPDB silent', async () => {
  await compare('default', [
    [0, 'HELLO', '3'],
    [0, 'CLIENT', 'TRACKING', 'on'],
    [0, 'GET', 'a'],
    [1, 'SET', 'a', '1'],
    [0, 'SET', 'a', '2'],
    [0, 'GET', 'a'],
    [0, 'SET', 'a', '3'],
    [0, 'CLIENT', 'TRACKINGINFO'],
    [0, 'GET', 'a'],
    [0, 'FLUSHDB'],
    [0, 'GET', 'a'],
    [1, 'SET', 'a', 'x'],
    [0, 'GET', 'a'],
    [0, 'SWAPDB', '0', '1'],
    [0, 'MULTI'],
    [0, 'GET', 'b'],
    [0, 'SET', 'b', '1'],
    [0, 'EXEC'],
    [0, 'CLIENT', 'TRACKING', 'on', 'NOLOOP'],
    [0, 'GET', 'b'],
    [0, 'SET', 'b', '2'],
    [0, 'CLIENT', 'TRACKINGINFO'],
    [0, 'GET', 'c'],
    [0, 'DEL', 'c'],
    [0, 'SET', 'c', '1'],
    [1, 'DEL', 'c'],
    [1, 'LPUSH', 'l', 'a'],
    [0, 'GET', 'l'],
    [1, 'LPUSH', 'l', 'b'],
    [0, 'MGET', 'a1', 'a2'],
    [0, 'EXISTS', 'a3'],
    [0, 'TTL', 'a4'],
    [0, 'OBJECT', 'ENCODING', 'a5'],
    [0, 'SSUBSCRIBE', 'a6'],
    [0, 'GET', 'nokey', 'extra'],
    // Movable keys (no first key in the table) are tracked too.
    [0, 'ZUNION', '2', 'a7', 'a8'],
    [0, 'SINTERCARD', '2', 'a9', 'a10'],
    [0, 'SORT_RO', 'a11'],
    [1, 'MSET', 'a1', '1', 'a2', '2', 'a3', '1', 'a4', '1', 'a5', '1', 'a6', '1', 'nokey', '1'],
    [1, 'MSET', 'a7', '1', 'a8', '1', 'a9', '1', 'a10', '1', 'a11', '1'],
    [1, 'SET', 'e', '1', 'PX', '30'],
    [0, 'GET', 'e'],
    ['sleep', 60],
    [1, 'GET', 'e'],
    [0, 'CLIENT', 'TRACKING', 'off'],
    [0, 'CLIENT', 'TRACKINGINFO'],
    [0, 'CLIENT', 'GETREDIR'],
  ]);
});

test('BCAST prefixes, option errors (with 7.0.15 double reply), NOLOOP broadcast', async () => {
  await compare('bcast', [
    [0, 'HELLO', '3'],
    [0, 'CLIENT', 'TRACKING', 'on', 'PREFIX', 'a'],
    [0, 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'a', 'PREFIX', 'ab'],
    [0, 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'ab', 'PREFIX', 'a'],
    [0, 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'ab', 'PREFIX', 'x', 'PREFIX', 'xy'],
    [0, 'CLIENT', 'TRACKING', 'on', 'BCAST', 'OPTIN'],
    [0, 'CLIENT', 'TRACKING', 'on', 'OPTIN', 'OPTOUT'],
    [0, 'CLIENT', 'TRACKING', 'on', 'REDIRECT', '999999'],
    [0, 'CLIENT', 'TRACKING', 'on', 'REDIRECT', 'abc'],
    [0, 'CLIENT', 'TRACKING', 'on', 'REDIRECT', '$ID0', 'REDIRECT', '$ID0'],
    [0, 'CLIENT', 'TRACKING', 'maybe'],
    [0, 'CLIENT', 'TRACKING', 'on', 'FOO'],
    [0, 'CLIENT', 'TRACKING', 'on', 'PREFIX'],
    [0, 'CLIENT', 'TRACKING'],
    [0, 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'ab', 'PREFIX', 'cd'],
    [0, 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'a'],
    [0, 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'abc'],
    [0, 'CLIENT', 'TRACKING', 'on'],
    [0, 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'ef'],
    [0, 'CLIENT', 'TRACKINGINFO'],
    [1, 'SET', 'abc', '1'],
    [1, 'SET', 'zz', '1'],
    [1, 'MSET', 'cd1', '1', 'efg', '2', 'ab2', '3', 'ab1', '4'],
    [0, 'CLIENT', 'TRACKING', 'off'],
    [0, 'CLIENT', 'TRACKING', 'on', 'BCAST', 'NOLOOP'],
    [0, 'MSET', 'k1', '1', 'k2', '2'],
    [1, 'SET', 'k1', 'x'],
    [0, 'CLIENT', 'TRACKING', 'off'],
    [2, 'HELLO', '3'],
    [2, 'CLIENT', 'TRACKING', 'on', 'BCAST'],
    [0, 'FLUSHALL'],
    [0, 'CLIENT', 'TRACKINGINFO'],
  ]);
});

test('RESP2 REDIRECT to a __redis__:invalidate subscriber, OPTIN/OPTOUT and CACHING, broken redirect', async () => {
  await compare('redirect', [
    [0, 'SUBSCRIBE', '__redis__:invalidate'],
    [1, 'CLIENT', 'TRACKING', 'on', 'REDIRECT', '$ID0'],
    [1, 'GET', 'k'],
    [2, 'SET', 'k', 'v'],
    [1, 'CLIENT', 'CACHING', 'yes'],
    [1, 'CLIENT', 'TRACKING', 'on', 'OPTOUT', 'REDIRECT', '$ID0'],
    [1, 'CLIENT', 'CACHING', 'yes'],
    [1, 'CLIENT', 'CACHING', 'no'],
    [1, 'CLIENT', 'TRACKINGINFO'],
    [1, 'GET', 'k'],
    [1, 'GET', 'k2'],
    [2, 'MSET', 'k', '1', 'k2', '2'],
    [1, 'CLIENT', 'CACHING', 'maybe'],
    [1, 'CLIENT', 'CACHING', 'no', 'extra'],
    [1, 'GET', 'k3'],
    [2, 'FLUSHDB'],
    [1, 'CLIENT', 'TRACKING', 'off'],
    [1, 'CLIENT', 'CACHING', 'yes'],
    [1, 'CLIENT', 'TRACKING', 'on', 'OPTIN', 'REDIRECT', '$ID0'],
    [1, 'CLIENT', 'TRACKING', 'on', 'OPTOUT'],
    [1, 'CLIENT', 'CACHING', 'yes'],
    [1, 'CLIENT', 'GETNAME'],
    [1, 'GET', 'x1'],
    [1, 'GET', 'x2'],
    [2, 'MSET', 'x1', '1', 'x2', '2'],
    [1, 'CLIENT', 'CACHING', 'yes'],
    [1, 'MULTI'],
    [1, 'GET', 'y1'],
    [1, 'GET', 'y2'],
    [1, 'EXEC'],
    [2, 'MSET', 'y1', '1', 'y2', '2'],
    [1, 'MULTI'],
    [1, 'CLIENT', 'CACHING', 'yes'],
    [1, 'GET', 'z1'],
    [1, 'EXEC'],
    [1, 'GET', 'z2'],
    [2, 'MSET', 'z1', '1', 'z2', '2'],
    [1, 'CLIENT', 'CACHING', 'yes'],
    [1, 'GET', 'k'],
    ['close', 0],
    ['sleep', 50],
    [2, 'SET', 'k', '3'],
    [1, 'CLIENT', 'TRACKINGINFO'],
    [1, 'HELLO', '3'],
    [1, 'CLIENT', 'CACHING', 'yes'],
    [1, 'GET', 'k'],
    [2, 'SET', 'k', '4'],
    [1, 'FLUSHALL'],
    [1, 'RESET'],
    [1, 'CLIENT', 'TRACKINGINFO'],
  ]);
});

test('REDIRECT to a RESP3 client (pushes, subscribed or not) and to a RESP2 one that is not subscribed', async () => {
  await compare('redirect-resp3', [
    [0, 'HELLO', '3'],
    [2, 'PING'],
    [1, 'CLIENT', 'TRACKING', 'on', 'REDIRECT', '$ID0'],
    [1, 'GET', 'k'],
    [3, 'SET', 'k', '1'],
    [1, 'CLIENT', 'TRACKING', 'on', 'REDIRECT', '$ID2'],
    [1, 'GET', 'k'],
    [3, 'SET', 'k', '2'],
    [1, 'CLIENT', 'TRACKINGINFO'],
    [1, 'CLIENT', 'TRACKING', 'off'],
    [1, 'CLIENT', 'TRACKING', 'on', 'BCAST', 'REDIRECT', '$ID0', 'PREFIX', 'k'],
    [3, 'MSET', 'k', '3', 'kk', '4', 'x', '5'],
    [0, 'SUBSCRIBE', '__redis__:invalidate'],
    [3, 'SET', 'k', '6'],
    [3, 'FLUSHALL'],
  ]);
});

test('tracking-table-max-keys evicts entries with invalidations; INFO tracking counters', async () => {
  for (const [name, start] of [
    ['redis', startRedis],
    ['redmesh', startRedmesh],
  ] as const) {
    const server = await start(0, ['--tracking-table-max-keys', '2']);
    const reader = await RawConnection.open(server.port);
    const other = await RawConnection.open(server.port);
    try {
      await reader.call(['HELLO', '3']);
      await reader.call(['CLIENT', 'TRACKING', 'on']);
      await reader.call(['MGET', 'k1', 'k2', 'k3']);
      // The next command of any client trims the table to two keys, invalidating one at random.
      const info = (await other.call(['INFO', 'stats'])).toString('latin1');
      assert.match(info, /tracking_total_keys:2\r\n/, name);
      assert.match(info, /tracking_total_items:2\r\n/, name);
      const pushed = await reader.read(3000);
      assert.equal(pushed.kind, 'reply', name);
      assert.match(
        pushed.kind === 'reply' ? pushed.bytes.toString('latin1') : '',
        /^>2\r\n\$10\r\ninvalidate\r\n\*1\r\n\$2\r\nk[123]\r\n$/,
        name,
      );
      const clients = (await other.call(['INFO', 'clients'])).toString('latin1');
      assert.match(clients, /tracking_clients:1\r\n/, name);
      await reader.call(['CLIENT', 'TRACKING', 'off']);
      await reader.call(['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'a', 'PREFIX', 'b']);
      const after = (await other.call(['INFO', 'everything'])).toString('latin1');
      assert.match(after, /tracking_total_prefixes:2\r\n/, name);
      // Entries of a client that stopped tracking go lazily, as in Redis.
      assert.match(after, /tracking_total_keys:2\r\n/, name);
    } finally {
      reader.close();
      other.close();
      await server.stop();
    }
  }
});

test('MONITOR lines: format, quoting, db after the command, redaction, hidden admin commands, MULTI', async () => {
  await compare('monitor', [
    [0, 'MONITOR'],
    [1, 'SET', 'a', 'hello world'],
    [1, 'SET', 'b', 'q"x\\y\r\n\t\x07\b\x01\xff'],
    [1, 'SELECT', '1'],
    [1, 'GET', 'a'],
    [1, 'SELECT', '0'],
    [1, 'AUTH', 'pw'],
    [1, 'AUTH', 'user', 'pw'],
    [1, 'HELLO', '2', 'AUTH', 'default', 'pw', 'SETNAME', 'x'],
    [1, 'HELLO', '2', 'SETNAME', 'y'],
    [1, 'HELLO', '4', 'AUTH', 'a', 'b'],
    [1, 'CONFIG', 'GET', 'maxmemory'],
    [1, 'CLIENT', 'KILL', 'ID', '999999'],
    [1, 'SLOWLOG', 'RESET'],
    [1, 'MULTI'],
    [1, 'INCR', 'n'],
    [1, 'EXEC'],
    [1, 'NOSUCH', 'x'],
    [1, 'GET'],
    [1, 'BLPOP', 'nolist', '0.01'],
    [0, 'PING'],
    [0, 'CLIENT', 'GETNAME'],
    [2, 'MULTI'],
    [2, 'MONITOR'],
    [2, 'EXEC'],
    [0, 'MONITOR'],
    [0, 'RESET'],
    [1, 'SET', 'after', 'reset'],
  ]);
});

test('LATENCY: disabled doctor, errors, help, history/graph/doctor of a command event, reset', async () => {
  await compare('latency', [
    [0, 'LATENCY', 'DOCTOR'],
    [0, 'LATENCY', 'LATEST'],
    [0, 'LATENCY', 'HISTORY', 'command'],
    [0, 'LATENCY', 'GRAPH', 'command'],
    [0, 'LATENCY', 'RESET'],
    [0, 'LATENCY', 'HELP'],
    [0, 'LATENCY', 'FOO'],
    [0, 'LATENCY', 'HISTORY'],
    [0, 'LATENCY', 'LATEST', 'x'],
    [0, 'LATENCY'],
    [0, 'LATENCY', 'HISTOGRAM', 'nosuch'],
    [0, 'CONFIG', 'SET', 'latency-monitor-threshold', '10000'],
    [0, 'LATENCY', 'DOCTOR'],
    [0, 'LATENCY', 'RESET', 'command', 'COMMAND', 'x'],
  ]);
});

test('LOLWUT: version line, VERSION 5 Schotter byte for byte where it has no randomness, errors', async () => {
  await compare('lolwut', [
    [0, 'LOLWUT'],
    [0, 'LOLWUT', 'VERSION', '5', '3', '1', '1'],
    [0, 'LOLWUT', 'VERSION', 'x'],
    [0, 'LOLWUT', 'VERSION'],
    [0, 'LOLWUT', 'foo'],
    [0, 'LOLWUT', 'VERSION', '5', 'x'],
    [0, 'LOLWUT', 'version', '4'],
    [0, 'LOLWUT', 'VERSION', '-5'],
    [0, 'LOLWUT', 'VERSION', '5', '66', '8', '2'],
    [0, 'LOLWUT', 'VERSION', '5', '40', '3', '2'],
    [0, 'LOLWUT', 'VERSION', '5', '17', '5', '1'],
    [0, 'LOLWUT', 'VERSION', '5', '5000', '500', '2'],
    [0, 'LOLWUT', 'VERSION', '6', '0', '0', 'x'],
    [0, 'HELLO', '3'],
    [0, 'LOLWUT', 'VERSION', '5', '9', '2', '1'],
    [0, 'LOLWUT', '1', '2'],
  ]);
});

/** `flags=… redir=…` of each client in CLIENT LIST order, ids replaced by connection numbers. */
function flagsAndRedirs(list: string, ids: readonly number[]): string[] {
  return list
    .split('\n')
    .filter((l) => l.startsWith('id='))
    .map((l) => {
      const id = Number(/^id=(\d+)/.exec(l)?.[1]);
      const redir = Number(/ redir=(-?\d+)/.exec(l)?.[1]);
      const flags = / flags=(\S+)/.exec(l)?.[1] ?? '';
      const who = (n: number): string => (ids.includes(n) ? `c${ids.indexOf(n)}` : String(n));
      return `${who(id)} flags=${flags} redir=${redir > 0 ? who(redir) : redir}`;
    });
}

test('CLIENT LIST flags in 7.0 order (P b t B, O, R) and redir=', async () => {
  const seen: string[][] = [];
  for (const start of [startRedis, startRedmesh]) {
    const server = await start(0);
    const s: Session = { conns: [], inMulti: new Set(), ids: [], streams: [] };
    try {
      for (let i = 0; i < 5; i++) await open(server, s, i);
      const [c0, c1, c2, c3, c4] = s.conns as RawConnection[];
      await c0?.call(['HELLO', '3']);
      await c0?.call(['SUBSCRIBE', 'x']);
      await c0?.call(['CLIENT', 'TRACKING', 'on', 'BCAST']);
      c0?.send(['BLPOP', 'nolist', '5']);
      await c1?.call(['MONITOR']);
      await c2?.call(['CLIENT', 'TRACKING', 'on', 'REDIRECT', String(s.ids[3])]);
      await c2?.call(['GET', 'k']);
      c3?.close();
      await c4?.call(['PING']);
      await c4?.call(['SET', 'k', '1']);
      const list = (await (c4 as RawConnection).call(['CLIENT', 'LIST'])).toString('latin1');
      seen.push(flagsAndRedirs(list, s.ids));
    } finally {
      for (const c of s.conns) c?.close();
      await server.stop();
    }
  }
  assert.deepEqual(seen[1], seen[0]);
  assert.deepEqual(seen[0], [
    'c0 flags=PbtB redir=0',
    'c1 flags=O redir=-1',
    'c2 flags=tR redir=c3',
    'c4 flags=N redir=-1',
  ]);
});

/** Reads invalidation pushes until `count` keys arrived; returns them sorted. */
async function invalidatedKeys(c: RawConnection, count: number, who: string): Promise<string[]> {
  const keys: string[] = [];
  while (keys.length < count) {
    const r = await c.read(5000);
    if (r.kind !== 'reply') throw new Error(`${r.kind} after [${keys.join(',')}] of ${count} (${who})`);
    const m = /^>2\r\n\$10\r\ninvalidate\r\n\*1\r\n\$\d+\r\n(.*)\r\n$/.exec(r.bytes.toString('latin1'));
    if (m === null) throw new Error(`not an invalidation: ${showBytes(r.bytes)}`);
    keys.push(m[1] as string);
  }
  return keys.sort();
}

test('eviction and active expiry invalidate tracked keys (nobody reads them)', async () => {
  for (const start of [startRedis, startRedmesh]) {
    const server = await start(0, ['--maxmemory-policy', 'allkeys-random']);
    const reader = await RawConnection.open(server.port);
    const writer = await RawConnection.open(server.port);
    try {
      await reader.call(['HELLO', '3']);
      await reader.call(['CLIENT', 'TRACKING', 'on']);
      // Read while it still exists (a loaded machine may take longer than its TTL to get there).
      let key = '';
      for (let attempt = 0; attempt < 5 && key === ''; attempt++) {
        await writer.call(['SET', `e${attempt}`, '1', 'PX', '200']);
        const value = (await reader.call(['GET', `e${attempt}`])).toString('latin1');
        if (value === '$1\r\n1\r\n') key = `e${attempt}`;
      }
      assert.notEqual(key, '', `${server.name}: no read within the TTL`);
      // The active expiry cycle deletes it: the invalidation comes unprompted.
      assert.deepEqual(await invalidatedKeys(reader, 1, server.name), [key]);
      const keys = ['k1', 'k2', 'k3', 'k4', 'k5'];
      for (const k of keys) await writer.call(['SET', k, 'x'.repeat(100)]);
      await reader.call(['MGET', ...keys]);
      // Far below what the data needs: the next command evicts every key.
      await writer.call(['CONFIG', 'SET', 'maxmemory', '1']);
      await writer.call(['PING']);
      assert.deepEqual(await invalidatedKeys(reader, 5, server.name), keys);
    } finally {
      reader.close();
      writer.close();
      await server.stop();
    }
  }
});

test('MONITOR lines are replies: CLIENT REPLY OFF and SKIP on the monitor silence them', async () => {
  const streams: string[] = [];
  for (const start of [startRedis, startRedmesh]) {
    const server = await start(0);
    const m = await RawConnection.open(server.port);
    const o = await RawConnection.open(server.port);
    // A second monitor tells when m's reply-less commands have run.
    const watcher = await RawConnection.open(server.port);
    const sawLine = async (fragment: string): Promise<void> => {
      for (;;) {
        const r = await watcher.read(5000);
        if (r.kind !== 'reply') throw new Error(`${server.name}: no monitor line ${fragment}`);
        if (r.bytes.toString('latin1').includes(fragment)) return;
      }
    };
    try {
      await watcher.call(['MONITOR']);
      await m.call(['MONITOR']);
      m.send(['CLIENT', 'REPLY', 'OFF']);
      await sawLine('"REPLY" "OFF"');
      await o.call(['SET', 'a', '1']);
      m.send(['CLIENT', 'REPLY', 'ON']);
      await sawLine('"REPLY" "ON"');
      await o.call(['SET', 'a', '2']);
      m.send(['CLIENT', 'REPLY', 'SKIP']);
      m.send(['PING', 'skipped']);
      await sawLine('"skipped"');
      await o.call(['SET', 'a', '3']);
      m.send(['PING', BARRIER]);
      let text = '';
      for (;;) {
        const r = await m.read(5000);
        if (r.kind !== 'reply') throw new Error(`${server.name}: ${r.kind}`);
        const t = r.bytes.toString('latin1');
        if (BARRIER_REPLIES.includes(t)) break;
        text += t;
      }
      streams.push(text.replace(/\+\d{10}\.\d{6} /g, '+TS ').replace(/127\.0\.0\.1:\d+/g, 'ADDR'));
    } finally {
      m.close();
      o.close();
      watcher.close();
      await server.stop();
    }
  }
  assert.equal(streams[1], streams[0]);
  assert.equal(
    streams[0],
    '+OK\r\n+TS [0 ADDR] "CLIENT" "REPLY" "ON"\r\n+TS [0 ADDR] "SET" "a" "2"\r\n' +
      '+TS [0 ADDR] "CLIENT" "REPLY" "SKIP"\r\n+TS [0 ADDR] "SET" "a" "3"\r\n',
  );
});
