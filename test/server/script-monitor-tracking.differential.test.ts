/**
 * Commands run by scripts, as redis-server 7.0 shows them (issue 16, point 5): MONITOR sees EVAL,
 * EVALSHA (even one that is not loaded), the _RO forms and FCALL before the script's own commands,
 * which appear as `[db lua]` in the database they left selected (admin commands hidden); and a client
 * with CLIENT TRACKING that runs a script which reads remembers the keys of its EVAL / FCALL (7.0
 * remembers the caller's command's keys, not the keys the script read), while a script that only
 * writes, or EVAL_RO that reads nothing, leaves nothing to invalidate.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawConnection, showBytes } from '../helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

const LIBRARY = `#!lua name=mclib
redis.register_function('mcget', function(keys, args) return redis.call('get', keys[1]) end)
redis.register_function{function_name='mcro', callback=function(keys, args) return redis.call('get', keys[1]) end, flags={'no-writes'}}`;

const SCRIPTS: readonly (readonly string[])[] = [
  ['EVAL', "redis.call('set', 'a', '1'); redis.call('get', 'a'); return 1", '0'],
  [
    'EVAL',
    "redis.pcall('config', 'get', 'x'); redis.call('select', 3); redis.call('set', 'b', 'x'); return 1",
    '0',
  ],
  ['EVAL', "return redis.call('incr', KEYS[1])", '1', 'n'],
  ['EVALSHA', '1234567890123456789012345678901234567890', '0'],
  ['EVAL_RO', "return redis.call('get', 'a')", '0'],
  ['FCALL', 'mcget', '1', 'a'],
  ['FCALL_RO', 'mcro', '1', 'a'],
  ['EVAL', "return redis.call('nosuch')", '0'],
  ['EVAL', 'return 1', '0'],
];

/** The monitor's lines for SCRIPTS, without timestamps and with the client's address replaced. */
async function monitorTranscript(server: RunningServer): Promise<string[]> {
  const m = await RawConnection.open(server.port, 2000);
  const c = await RawConnection.open(server.port, 2000);
  try {
    await c.call(['FLUSHALL']);
    await c.call(['FUNCTION', 'LOAD', 'REPLACE', LIBRARY]);
    assert.equal(showBytes(await m.call(['MONITOR'])), '+OK\\r\\n');
    for (const argv of SCRIPTS) await c.call(argv);
    await c.call(['ECHO', 'end-of-scripts']);
    const lines: string[] = [];
    for (;;) {
      const r = await m.read(3000);
      if (r.kind !== 'reply') throw new Error(`monitor ${r.kind} after ${lines.join('\n')}`);
      const line = r.bytes
        .toString('latin1')
        .replace(/^\+\d+\.\d+ /, '')
        .replace(/\[(\d+) (?!lua\])[^\]]+\]/, '[$1 client]');
      lines.push(line);
      if (line.includes('end-of-scripts')) return lines;
    }
  } finally {
    m.close();
    c.close();
  }
}

test('MONITOR shows EVAL / FCALL before their commands, which appear as [db lua], as redis-server 7.0', async () => {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    [redis, redmesh] = await Promise.all([startRedis(0), startRedmesh(0)]);
    const real = await monitorTranscript(redis);
    assert.ok(real.includes('[3 lua] "select" "3"\r\n'), real.join(''));
    assert.deepEqual(await monitorTranscript(redmesh), real);
  } finally {
    await stopAll(redis, redmesh);
  }
});

/** Runs `argv` on the tracking connection, then which keys each later SET invalidates for it. */
async function trackingTranscript(server: RunningServer): Promise<string[]> {
  const t = await RawConnection.open(server.port, 2000);
  const w = await RawConnection.open(server.port, 2000);
  const out: string[] = [];
  // Everything the tracking connection receives up to the PONG of a PING it sends.
  const pushesUntilPong = async (): Promise<string> => {
    t.send(['PING']);
    let got = '';
    for (;;) {
      const r = await t.read(3000);
      if (r.kind !== 'reply') throw new Error(`tracking connection ${r.kind}`);
      const text = showBytes(r.bytes);
      if (text === '+PONG\\r\\n') return got;
      got += text;
    }
  };
  try {
    await w.call(['FLUSHALL']);
    await w.call(['FUNCTION', 'LOAD', 'REPLACE', LIBRARY]);
    await w.call([
      'MSET',
      'k1',
      'a',
      'k2',
      'b',
      'other',
      'c',
      'k3',
      'd',
      'k4',
      'e',
      'k5',
      'f',
      'k6',
      'g',
      'k7',
      'h',
    ]);
    await t.call(['HELLO', '3']);
    await t.call(['CLIENT', 'TRACKING', 'ON']);
    const runs: (readonly string[])[] = [
      ['EVAL', "redis.call('get', KEYS[1]); return 1", '1', 'k1'],
      ['EVAL', "redis.call('get', 'other'); return 1", '1', 'k2'],
      ['EVAL', "redis.call('set', KEYS[1], 'x'); return 1", '1', 'k3'],
      ['EVAL_RO', "return redis.call('get', KEYS[1])", '1', 'k4'],
      ['EVAL_RO', 'return 1', '1', 'k5'],
      ['FCALL', 'mcget', '1', 'k6'],
      ['FCALL_RO', 'mcro', '1', 'k7'],
    ];
    for (const argv of runs) {
      out.push(`${argv.join(' ')} -> ${showBytes(await t.call(argv))} ${await pushesUntilPong()}`);
    }
    for (const key of ['k1', 'k2', 'other', 'k3', 'k4', 'k5', 'k6', 'k7']) {
      await w.call(['SET', key, 'changed']);
      out.push(`SET ${key} -> ${await pushesUntilPong()}`);
    }
    return out;
  } finally {
    t.close();
    w.close();
  }
}

test('a tracking client remembers the keys of its EVAL / FCALL when the script reads, as redis-server 7.0', async () => {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    [redis, redmesh] = await Promise.all([startRedis(0), startRedmesh(0)]);
    const real = await trackingTranscript(redis);
    assert.ok(
      real.some((l) => l.startsWith('SET k2 -> >2')),
      real.join('\n'),
    );
    assert.ok(real.includes('SET other -> '), real.join('\n'));
    assert.deepEqual(await trackingTranscript(redmesh), real);
  } finally {
    await stopAll(redis, redmesh);
  }
});
