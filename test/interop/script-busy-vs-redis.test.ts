/**
 * Scripts past busy-reply-threshold, against Debian's real redis-server 7.0: the same scenario runs
 * on a fresh real Redis and a fresh redmesh and every reply must be the same bytes — what a second
 * client gets while a script spins (BUSY for EVAL and for functions, the allow-busy commands, MULTI
 * refusing queued commands), SCRIPT KILL / FUNCTION KILL and the error the script's caller gets (with
 * pcall in the way too), NOTBUSY, UNKILLABLE after a write, a script that runs long but under the
 * threshold, INFO errorstats, and SHUTDOWN NOSAVE ending a server whose script cannot be killed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawConnection, showBytes } from '../helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

const SPIN = 'while true do end';
const SPIN_IN_PCALL = "local f = function() while 1 do redis.call('ping') end end while 1 do pcall(f) end";
const LIBRARY = [
  '#!lua name=spinlib',
  "redis.register_function('spin', function() while true do end end)",
  "redis.register_function{function_name='spin_ro', callback=function() while true do end end, flags={'no-writes'}}",
].join('\n');

/** What one client saw, in order: each command and its reply bytes (or what happened instead). */
class Transcript {
  readonly lines: string[] = [];
  add(label: string, reply: Buffer | string): void {
    this.lines.push(`${label} -> ${typeof reply === 'string' ? reply : showBytes(reply)}`);
  }
}

/** Sends `argv` and records the reply. */
async function record(
  t: Transcript,
  c: RawConnection,
  argv: readonly string[],
  timeoutMs = 5000,
): Promise<Buffer> {
  const reply = await c.call(argv, timeoutMs);
  t.add(argv.join(' '), reply);
  return reply;
}

/**
 * Waits (bounded) until the server answers BUSY: PINGs that arrive before the script started get
 * PONG and are not recorded; the first BUSY is.
 */
async function waitBusy(t: Transcript, c: RawConnection): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const reply = await c.call(['PING'], 10_000);
    if (reply.toString('latin1').startsWith('-BUSY')) {
      t.add('PING (busy)', reply);
      return;
    }
    assert.ok(Date.now() < deadline, 'the server never became busy');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The caller's reply to its script, once it ends. */
async function scriptReply(t: Transcript, caller: RawConnection, label: string): Promise<void> {
  const r = await caller.read(10_000);
  t.add(label, r.kind === 'reply' ? r.bytes : r.kind);
}

/** FUNCTION STATS with the running time (which differs from run to run) blanked. */
async function functionStats(t: Transcript, c: RawConnection): Promise<void> {
  const reply = await c.call(['FUNCTION', 'STATS'], 5000);
  t.add('FUNCTION STATS', reply.toString('latin1').replace(/duration_ms\r\n:\d+/, 'duration_ms\r\n:N'));
}

/** INFO errorstats and the EVAL / FCALL call counters (without their timings). */
async function stats(t: Transcript, c: RawConnection): Promise<void> {
  const errors = (await c.call(['INFO', 'errorstats'])).toString('latin1');
  t.add(
    'INFO errorstats',
    errors
      .split('\r\n')
      .filter((l) => l.startsWith('errorstat_'))
      .join(' '),
  );
  const commands = (await c.call(['INFO', 'commandstats'])).toString('latin1');
  const counters = commands
    .split('\r\n')
    .filter((l) => /^cmdstat_(eval|fcall|get|script\|kill|function\|kill):/.test(l))
    .map((l) => l.replace(/usec=\d+,usec_per_call=[\d.]+,/, ''))
    .sort();
  t.add('INFO commandstats', counters.join(' '));
}

async function scenario(port: number): Promise<string[]> {
  const t = new Transcript();
  const caller = await RawConnection.open(port);
  const other = await RawConnection.open(port);
  try {
    await record(t, other, ['CONFIG', 'SET', 'busy-reply-threshold', '100']);
    await record(t, other, ['CONFIG', 'GET', 'lua-time-limit']);
    await record(t, other, ['SCRIPT', 'KILL']);
    await record(t, other, ['FUNCTION', 'KILL']);

    // A read-only EVAL spinning: others get BUSY but for allow-busy commands; SCRIPT KILL ends it.
    caller.send(['EVAL', SPIN, '0']);
    await waitBusy(t, other);
    await record(t, other, ['GET', 'x']);
    await record(t, other, ['FUNCTION', 'STATS']);
    await record(t, other, ['FUNCTION', 'KILL']);
    await record(t, other, ['SHUTDOWN']);
    await record(t, other, ['MULTI']);
    await record(t, other, ['SET', 'x', '1']);
    await record(t, other, ['EXEC']);
    await record(t, other, ['DISCARD']);
    await record(t, other, ['SCRIPT', 'KILL']);
    await scriptReply(t, caller, 'EVAL spin');
    await record(t, other, ['SCRIPT', 'KILL']);
    await record(t, other, ['PING']);
    await record(t, caller, ['PING']);

    // Spinning inside pcall: the kill is not caught by it.
    caller.send(['EVAL', SPIN_IN_PCALL, '0']);
    await waitBusy(t, other);
    await record(t, other, ['SCRIPT', 'KILL']);
    await scriptReply(t, caller, 'EVAL spin in pcall');

    // A function: the FUNCTION variants of BUSY, FUNCTION STATS shows it, only FUNCTION KILL ends it.
    await record(t, other, ['FUNCTION', 'LOAD', LIBRARY]);
    caller.send(['FCALL', 'spin', '0']);
    await waitBusy(t, other);
    await functionStats(t, other);
    await record(t, other, ['SCRIPT', 'KILL']);
    await record(t, other, ['FUNCTION', 'KILL']);
    await scriptReply(t, caller, 'FCALL spin');
    caller.send(['FCALL_RO', 'spin_ro', '0']);
    await waitBusy(t, other);
    await record(t, other, ['FUNCTION', 'KILL']);
    await scriptReply(t, caller, 'FCALL_RO spin_ro');

    // A script inside MULTI … EXEC: the same reply (redmesh runs it to its end there, unsuspended).
    await record(t, caller, ['MULTI']);
    await record(t, caller, ['EVAL', 'local n = 0 for i = 1, 2000000 do n = n + 1 end return n', '0']);
    await record(t, caller, ['EXEC'], 30_000);

    // Long but under the threshold: nobody is told BUSY, the reply is the script's.
    await record(t, other, ['CONFIG', 'SET', 'busy-reply-threshold', '60000']);
    caller.send(['EVAL', 'local n = 0 for i = 1, 3000000 do n = n + 1 end return n', '0']);
    await record(t, other, ['PING'], 30_000);
    await scriptReply(t, caller, 'EVAL long under threshold');

    // A script that wrote cannot be killed; SHUTDOWN NOSAVE ends the server.
    await record(t, other, ['CONFIG', 'SET', 'busy-reply-threshold', '100']);
    await stats(t, other);
    caller.send(['EVAL', "redis.call('set', 'k', 'v') while true do end", '0']);
    await waitBusy(t, other);
    await record(t, other, ['SCRIPT', 'KILL']);
    await record(t, other, ['FUNCTION', 'KILL']);
    other.send(['SHUTDOWN', 'NOSAVE']);
    t.add('SHUTDOWN NOSAVE', (await other.read(10_000)).kind);
    t.add('script caller', (await caller.read(10_000)).kind);
    return t.lines;
  } finally {
    caller.close();
    other.close();
  }
}

test('scripts past busy-reply-threshold: BUSY, SCRIPT KILL, FUNCTION KILL, UNKILLABLE, SHUTDOWN NOSAVE as redis-server 7.0', async () => {
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    redis = await startRedis(0, ['--save', '']);
    const theirs = await scenario(redis.port);
    redmesh = await startRedmesh(0, ['--save', '']);
    const ours = await scenario(redmesh.port);
    assert.deepEqual(ours, theirs);
    // SHUTDOWN NOSAVE ended both processes while their script was still spinning.
    for (const server of [redis, redmesh]) {
      const deadline = Date.now() + 10_000;
      while (!server.exited() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.ok(server.exited(), `${server.name} still runs after SHUTDOWN NOSAVE`);
    }
  } finally {
    await stopAll(redis, redmesh);
  }
});
