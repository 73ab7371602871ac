/**
 * What a command propagates to replicas/AOF (ServerState.addPropagator), against the replication
 * stream a real redis-server 7.0 sends to a replica (SYNC), byte for byte: the commands of an EXEC
 * that wrote more than once are wrapped in MULTI … EXEC, a single write goes out alone, and a lazy
 * expiry DEL belongs to the command that caused it.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { RawConnection, encodeCommand } from '../helpers/raw-resp.js';
import { startRedis } from '../helpers/servers.js';
import { ServerState, commandTable, defaultConfig } from '../../src/server/index.js';
import { withServer } from './wire.js';

const END_MARKER = ['SET', '__end', '1'];
/** The marker's last bytes: waiting for '__end' alone could cut the stream before its final '1'. */
const END_BYTES = encodeCommand(END_MARKER).subarray(-12);

/** Steps: a command, or a pause that lets a TTL pass. */
const SCRIPT: readonly (readonly string[] | number)[] = [
  ['DEBUG', 'SET-ACTIVE-EXPIRE', '0'],
  ['MULTI'],
  ['SET', 'a', '1'],
  ['INCR', 'n'],
  ['GET', 'a'],
  ['EXEC'],
  ['MULTI'],
  ['SET', 'b', '2'],
  ['GET', 'b'],
  ['EXEC'],
  ['MULTI'],
  ['GET', 'a'],
  ['EXEC'],
  ['MULTI'],
  ['SELECT', '1'],
  ['SET', 'c', '3'],
  ['SELECT', '0'],
  ['DEL', 'a'],
  ['EXEC'],
  ['MULTI'],
  ['SET', 'y', '1'],
  ['SET', 'y', '2', 'NX'],
  ['EXEC'],
  ['MULTI'],
  ['SADD', 's', 'x'],
  ['SADD', 's', 'x'],
  ['LPUSH', 'l', 'p', 'q'],
  ['EXEC'],
  ['MSET', 'm1', '1', 'm2', '2'],
  ['SET', 'x', '1', 'PX', '20'],
  60,
  ['SET', 'x', '2'],
  ['SET', 'z', '1', 'PX', '20'],
  60,
  ['MULTI'],
  ['GET', 'z'],
  ['SET', 'w', '1'],
  ['EXEC'],
  ['SET', 'v', '1', 'PX', '20'],
  60,
  ['GET', 'v'],
];

async function runScript(port: number, script = SCRIPT): Promise<void> {
  const c = await RawConnection.open(port);
  try {
    for (const step of script) {
      if (typeof step === 'number') await new Promise((r) => setTimeout(r, step));
      else await c.call(step);
    }
    await c.call(END_MARKER);
  } finally {
    c.close();
  }
}

/** Readable, comparable form of a stream: one command per line, timestamps named. */
function show(stream: Buffer): string[] {
  const lines: string[] = [];
  let pos = 0;
  const text = stream.toString('latin1');
  while (pos < text.length) {
    const m = /^\*(\d+)\r\n/.exec(text.slice(pos));
    if (m === null) throw new Error(`not a command at ${pos}: ${JSON.stringify(text.slice(pos, pos + 40))}`);
    pos += m[0].length;
    const argv: string[] = [];
    for (let i = 0; i < Number(m[1]); i++) {
      const b = /^\$(\d+)\r\n/.exec(text.slice(pos)) as RegExpExecArray;
      pos += b[0].length;
      argv.push(text.slice(pos, pos + Number(b[1])));
      pos += Number(b[1]) + 2;
    }
    if (argv.length === 1 && argv[0] === 'PING') continue; // the replication heartbeat
    lines.push(argv.map((a) => (/^\d{13}$/.test(a) ? '<ms>' : a)).join(' '));
  }
  return lines;
}

/** Connects to a real Redis as a replica (SYNC) and collects the command stream after the RDB. */
async function replicaStream(port: number): Promise<{ take: () => Buffer; close: () => void }> {
  const socket: Socket = connect({ host: '127.0.0.1', port });
  let buf = Buffer.alloc(0);
  socket.on('data', (d: Buffer) => (buf = Buffer.concat([buf, d])));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write('SYNC\r\n');
  const deadline = Date.now() + 5000;
  for (;;) {
    const text = buf.toString('latin1').replace(/^\n+/, ''); // newlines: keepalives while the RDB is made
    const m = /^\$(\d+)\r\n/.exec(text);
    if (m !== null && text.length >= m[0].length + Number(m[1])) {
      buf = Buffer.from(text.slice(m[0].length + Number(m[1])), 'latin1');
      break;
    }
    if (Date.now() > deadline) throw new Error('no RDB from SYNC');
    await new Promise((r) => setTimeout(r, 10));
  }
  return {
    take: () => buf,
    close: () => socket.destroy(),
  };
}

async function until(cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

test('EXEC with several writes propagates MULTI … EXEC, like the replication stream of real Redis', async () => {
  const redis = await startRedis(0, ['--enable-debug-command', 'yes']);
  let expected: string[];
  try {
    const replica = await replicaStream(redis.port);
    try {
      await runScript(redis.port);
      await until(() => replica.take().includes(END_BYTES), 5000);
      expected = show(replica.take());
    } finally {
      replica.close();
    }
  } finally {
    await redis.stop();
  }

  let got: string[] = [];
  await withServer({ port: 0 }, async (srv) => {
    const rc = srv.state.config;
    rc.setFromFile(
      rc.lookup('enable-debug-command') as NonNullable<ReturnType<typeof rc.lookup>>,
      ['yes'],
      false,
    );
    // Encoded as Redis feeds its replicas: a SELECT whenever the database changes.
    const stream: Buffer[] = [];
    let selected = -1;
    srv.state.addPropagator((db, argv) => {
      if (db !== selected) stream.push(encodeCommand(['SELECT', String(db)]));
      selected = db;
      stream.push(encodeCommand(argv));
    });
    await runScript(srv.port);
    got = show(Buffer.concat(stream));
  });
  assert.deepEqual(got, expected);
  // What the oracle shows (so the comparison is about the behaviour the issue names).
  assert.ok(expected.includes('MULTI') && expected.includes('DEL x'), expected.join('\n'));
});

/** The same stream, recorded from the server's propagators as Redis would feed a replica. */
async function redmeshStream(script: typeof SCRIPT): Promise<Buffer> {
  const stream: Buffer[] = [];
  await withServer({ port: 0 }, async (srv) => {
    let selected = -1;
    srv.state.addPropagator((db, argv) => {
      if (db !== selected) stream.push(encodeCommand(['SELECT', String(db)]));
      selected = db;
      stream.push(encodeCommand(argv));
    });
    await runScript(srv.port, script);
  });
  return Buffer.concat(stream);
}

async function redisStream(script: typeof SCRIPT): Promise<Buffer> {
  const redis = await startRedis(0);
  try {
    const replica = await replicaStream(redis.port);
    try {
      await runScript(redis.port, script);
      await until(() => replica.take().includes(END_BYTES), 5000);
      return replica.take();
    } finally {
      replica.close();
    }
  } finally {
    await redis.stop();
  }
}

/** SPOP with a count: every path of spopWithCountCommand, on small sets and on a big one (sampled). */
const SPOP_SCRIPT: readonly (readonly string[])[] = [
  ['SADD', 's', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'],
  ['SPOP', 's', '2'], // 8 stay, 8 × 5 > 2: pop one by one
  ['SPOP', 's', '7'], // 1 stays, 1 × 5 ≤ 7: the one that stays moves to a new set
  ['SPOP', 's'],
  ['SADD', 't', '1', '2', '3'],
  ['SPOP', 't', '5'], // the whole set
  ['SPOP', 'missing', '3'],
  ['SADD', 'w', '1', '2'],
  ['SPOP', 'w', '0'],
  ['SADD', 'big', ...Array.from({ length: 300 }, (_, i) => `m${i}`)],
  ['SPOP', 'big', '10'],
  ['SPOP', 'big', '250'],
  ['CONFIG', 'SET', 'lazyfree-lazy-server-del', 'yes'],
  ['SADD', 'u', '1', '2'],
  ['SPOP', 'u', '5'], // still DEL in 7.0.15, not UNLINK
];

test('SPOP propagates SREM per member in MULTI/EXEC, or DEL for the whole set, like real Redis', async () => {
  // The members popped are random: compare with each SREM's member replaced by a placeholder.
  const anonymous = (lines: string[]): string[] => lines.map((l) => l.replace(/^(SREM \S+) .*$/, '$1 <m>'));
  const expected = anonymous(show(await redisStream(SPOP_SCRIPT)));
  const stream = show(await redmeshStream(SPOP_SCRIPT));
  assert.deepEqual(anonymous(stream), expected);
  assert.ok(expected.includes('DEL u') && expected.filter((l) => l === 'SREM big <m>').length === 260);
  // The members a unit removes are distinct (what was popped), and are what the SADDs added.
  const big = stream.filter((l) => l.startsWith('SREM big ')).map((l) => l.slice(9));
  assert.equal(new Set(big).size, 260);
  assert.ok(big.every((m) => /^m\d+$/.test(m) && Number(m.slice(1)) < 300));
});

test('propagation outside a command (active expiry) is never wrapped; a unit with one command is not', () => {
  const state = new ServerState(defaultConfig(), commandTable([]));
  const seen: string[] = [];
  state.addPropagator((db, argv) => seen.push(`${db} ${argv.join(' ')}`));
  state.propagate(0, ['DEL', 'k1']);
  state.propagate(0, ['DEL', 'k2']);
  state.beginUnit();
  state.propagate(2, ['SET', 'k', 'v']);
  state.endUnit();
  state.beginUnit();
  state.beginUnit();
  state.propagate(2, ['SET', 'k', 'v']);
  state.endUnit();
  assert.equal(seen.length, 3); // held until the outer unit ends
  state.propagate(3, ['DEL', 'k']);
  state.endUnit();
  assert.deepEqual(seen, ['0 DEL k1', '0 DEL k2', '2 SET k v', '2 MULTI', '2 SET k v', '3 DEL k', '3 EXEC']);
});

/** GEO and HyperLogLog writes: GEOADD becomes ZADD with the geohash scores, the rest go out as sent. */
const GEO_HLL_SCRIPT: readonly (readonly string[])[] = [
  ['GEOADD', 'g', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'],
  ['GEOADD', 'g', 'nx', 'CH', '13.361389', '38.115556', 'Palermo', '1', '1', 'x'],
  ['GEOADD', 'g', 'XX', '1', '1', 'nosuch'],
  ['GEOADD', 'g', 'CH', '180', '85.05112878', 'edge', '1', '1', 'x'],
  ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE', 'd'],
  ['GEORADIUS', 'g', '15', '37', '200', 'km'],
  ['GEORADIUS_RO', 'g', '15', '37', '200', 'km'],
  ['GEORADIUSBYMEMBER', 'g', 'Palermo', '10', 'km', 'STOREDIST', 'd'],
  ['GEOSEARCHSTORE', 'd2', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'STOREDIST'],
  ['GEORADIUS', 'nokey', '1', '1', '1', 'km', 'STORE', 'd'],
  ['GEORADIUS', 'nokey', '1', '1', '1', 'km', 'STORE', 'd'],
  ['PFADD', 'h', 'a', 'b', 'c'],
  ['PFADD', 'h', 'a'],
  ['PFCOUNT', 'h'],
  ['PFCOUNT', 'h'],
  ['PFMERGE', 'h2', 'h'],
  ['PFCOUNT', 'h', 'h2'],
  ['PFDEBUG', 'TODENSE', 'h'],
  ['PFDEBUG', 'TODENSE', 'h'],
  ['PFDEBUG', 'GETREG', 'h2'],
  ['PFDEBUG', 'ENCODING', 'h2'],
];

test('GEO and HyperLogLog commands propagate like real Redis: GEOADD as ZADD, PFCOUNT when it caches', async () => {
  const expected = show(await redisStream(GEO_HLL_SCRIPT));
  const stream = show(await redmeshStream(GEO_HLL_SCRIPT));
  assert.deepEqual(stream, expected);
  assert.ok(
    expected.includes('zadd g 3479099956230698 Palermo 3479447370796909 Catania'),
    expected.join('\n'),
  );
  assert.ok(expected.includes('PFCOUNT h'), expected.join('\n'));
});
