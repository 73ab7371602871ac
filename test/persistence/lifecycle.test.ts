/**
 * The RDB file across a server's life, driven with redis-cli and signals like an operator would:
 * SIGTERM saves when save points exist and the restart has the data; kill -9 keeps what the last save
 * wrote; SHUTDOWN SAVE / NOSAVE; FLUSHALL saves; save points fire by themselves; CONFIG SET dir /
 * dbfilename; a failed save leaves the previous file intact; a corrupt file stops the start naming it,
 * with nothing overwritten. INFO persistence numbers are compared with real Redis doing the same.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runProcess } from '../helpers/process.js';
import { infoField } from '../helpers/raw-resp.js';
import { redmeshMain, startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

async function cli(port: number, ...args: string[]): Promise<string> {
  const r = await runProcess('redis-cli', ['-p', String(port), ...args], undefined, 20_000);
  return r.stdout.trim();
}

async function waitFor(
  what: string,
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function kill9(server: RunningServer): Promise<void> {
  process.kill(server.pid, 'SIGKILL');
  await waitFor('the killed server to exit', () => server.exited());
}

test('SIGTERM saves with save points, kill -9 keeps the last save, SHUTDOWN SAVE/NOSAVE, FLUSHALL saves', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-life-'));
  const file = join(dir, 'dump.rdb');
  let s: RunningServer | undefined;
  try {
    // Default save points: SIGTERM writes the file, the restart loads it.
    s = await startRedmesh(0, ['--dir', dir]);
    assert.equal(await cli(s.port, 'SET', 'a', '1'), 'OK');
    assert.equal(await cli(s.port, 'RPUSH', 'l', 'x', 'y'), '2');
    assert.equal(await cli(s.port, 'PEXPIREAT', 'l', '4102444800000'), '1');
    await s.stop();
    assert.ok(existsSync(file), 'SIGTERM with save points writes dump.rdb');
    assert.match(s.output(), /Saving the final RDB snapshot before exiting/);
    s = await startRedmesh(0, ['--dir', dir]);
    assert.equal(await cli(s.port, 'GET', 'a'), '1');
    assert.equal(await cli(s.port, 'LRANGE', 'l', '0', '-1'), 'x\ny');
    assert.equal(await cli(s.port, 'PEXPIRETIME', 'l'), '4102444800000');
    assert.match(s.output(), /DB loaded from disk/);

    // SAVE, then more writes, then kill -9: only what SAVE wrote survives.
    assert.equal(await cli(s.port, 'SET', 'saved', 'yes'), 'OK');
    const before = Number(await cli(s.port, 'LASTSAVE'));
    assert.equal(await cli(s.port, 'SAVE'), 'OK');
    assert.ok(Number(await cli(s.port, 'LASTSAVE')) >= before);
    const info = await cli(s.port, 'INFO', 'persistence');
    assert.equal(infoField(info, 'rdb_changes_since_last_save'), '0');
    assert.equal(infoField(info, 'rdb_saves'), '1');
    assert.equal(infoField(info, 'rdb_last_bgsave_status'), 'ok');
    assert.equal(infoField(info, 'rdb_last_load_keys_loaded'), '2');
    assert.equal(await cli(s.port, 'SET', 'unsaved', 'lost'), 'OK');
    assert.equal(infoField(await cli(s.port, 'INFO', 'persistence'), 'rdb_changes_since_last_save'), '1');
    await kill9(s);
    s = await startRedmesh(0, ['--dir', dir, '--save', '']);
    assert.equal(await cli(s.port, 'GET', 'saved'), 'yes');
    assert.equal(await cli(s.port, 'EXISTS', 'unsaved'), '0');

    // No save points: SIGTERM and SHUTDOWN NOSAVE leave the file alone; SHUTDOWN SAVE writes it.
    assert.equal(await cli(s.port, 'SET', 'late', '1'), 'OK');
    await cli(s.port, 'SHUTDOWN', 'NOSAVE');
    await waitFor('SHUTDOWN NOSAVE to stop the server', () => s?.exited() === true);
    s = await startRedmesh(0, ['--dir', dir, '--save', '']);
    assert.equal(await cli(s.port, 'EXISTS', 'late'), '0');
    assert.equal(await cli(s.port, 'SET', 'late', '2'), 'OK');
    await cli(s.port, 'SHUTDOWN', 'SAVE');
    await waitFor('SHUTDOWN SAVE to stop the server', () => s?.exited() === true);
    s = await startRedmesh(0, ['--dir', dir, '--save', '3600 1']);
    assert.equal(await cli(s.port, 'GET', 'late'), '2');

    // FLUSHALL with save points saves the empty dataset at once (kill -9 right after keeps it empty).
    assert.equal(await cli(s.port, 'FLUSHALL'), 'OK');
    assert.equal(infoField(await cli(s.port, 'INFO', 'persistence'), 'rdb_changes_since_last_save'), '0');
    await kill9(s);
    s = await startRedmesh(0, ['--dir', dir, '--save', '']);
    assert.equal(await cli(s.port, 'DBSIZE'), '0');
  } finally {
    await stopAll(s);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('INFO persistence after SAVE, writes and FLUSHALL reads as on real Redis', async () => {
  const dirs = [mkdtempSync(join(tmpdir(), 'redmesh-info-')), mkdtempSync(join(tmpdir(), 'redis-info-'))];
  let ours: RunningServer | undefined;
  let redis: RunningServer | undefined;
  try {
    ours = await startRedmesh(0, ['--dir', dirs[0] as string, '--save', '3600 1']);
    redis = await startRedis(0, ['--dir', dirs[1] as string, '--save', '3600 1']);
    const fields = [
      'rdb_changes_since_last_save',
      'rdb_bgsave_in_progress',
      'rdb_last_bgsave_status',
      'rdb_saves',
    ];
    const steps = [
      ['SET', 'a', '1'],
      ['MSET', 'b', '2', 'c', '3'],
      ['SAVE'],
      ['DEL', 'a', 'zz'],
      ['FLUSHALL'],
      ['SET', 'x', 'y'],
      ['SAVE'],
      ['FLUSHALL'],
      ['FLUSHALL'],
    ];
    for (const step of steps) {
      const got = await cli(ours.port, ...step);
      assert.equal(got, await cli(redis.port, ...step), step.join(' '));
      const a = await cli(ours.port, 'INFO', 'persistence');
      const b = await cli(redis.port, 'INFO', 'persistence');
      for (const f of fields) assert.equal(infoField(a, f), infoField(b, f), `${f} after ${step.join(' ')}`);
    }
  } finally {
    await stopAll(ours, redis);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});

test('save points save by themselves; CONFIG SET dir/dbfilename move the file; a failed save keeps the old file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-points-'));
  const other = mkdtempSync(join(tmpdir(), 'redmesh-other-'));
  let s: RunningServer | undefined;
  try {
    s = await startRedmesh(0, ['--dir', dir, '--save', '1 2', '--enable-protected-configs', 'yes']);
    const port = s.port;
    assert.equal(await cli(port, 'SET', 'one', '1'), 'OK');
    assert.equal(await cli(port, 'SET', 'two', '2'), 'OK');
    await waitFor('the save point to write dump.rdb', () => existsSync(join(dir, 'dump.rdb')), 10_000);
    await waitFor(
      'rdb_changes_since_last_save to drop to 0',
      async () => infoField(await cli(port, 'INFO', 'persistence'), 'rdb_changes_since_last_save') === '0',
    );
    assert.match(s.output(), /2 changes in 1 seconds\. Saving\.\.\./);

    // Save points set at run time: CONFIG SET save, then one write is enough.
    assert.equal(await cli(port, 'CONFIG', 'SET', 'save', ''), 'OK');
    assert.equal(await cli(port, 'SET', 'three', '3'), 'OK');
    assert.equal(await cli(port, 'CONFIG', 'SET', 'save', '1 1'), 'OK');
    await waitFor(
      'the CONFIG SET save point to save',
      async () => infoField(await cli(port, 'INFO', 'persistence'), 'rdb_changes_since_last_save') === '0',
    );
    assert.match(s.output(), /1 changes in 1 seconds\. Saving\.\.\./);

    assert.equal(await cli(port, 'CONFIG', 'SET', 'dir', other), 'OK');
    assert.equal(await cli(port, 'CONFIG', 'SET', 'dbfilename', 'moved.rdb'), 'OK');
    assert.equal(await cli(port, 'CONFIG', 'GET', 'dbfilename'), 'dbfilename\nmoved.rdb');
    assert.equal(await cli(port, 'SAVE'), 'OK');
    const good = readFileSync(join(other, 'moved.rdb'));

    // The temporary file cannot be created (a directory sits at its name): SAVE fails like Redis's
    // ("ERR"), the previous file is byte for byte what it was.
    const pid = infoField(await cli(port, 'INFO', 'server'), 'process_id');
    mkdirSync(join(other, `temp-${pid}.rdb`));
    assert.equal(await cli(port, 'SET', 'four', '4'), 'OK');
    assert.equal(await cli(port, 'SAVE'), 'ERR');
    assert.ok(readFileSync(join(other, 'moved.rdb')).equals(good));
    rmSync(join(other, `temp-${pid}.rdb`), { recursive: true });
    assert.equal(await cli(port, 'SAVE'), 'OK');
    assert.ok(!readFileSync(join(other, 'moved.rdb')).equals(good));
  } finally {
    await stopAll(s);
    rmSync(dir, { recursive: true, force: true });
    rmSync(other, { recursive: true, force: true });
  }
});

test('a corrupt RDB stops the start with a message naming the file and the problem, and is not overwritten', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-corrupt-'));
  let s: RunningServer | undefined;
  try {
    s = await startRedmesh(0, ['--dir', dir, '--save', '']);
    for (let i = 0; i < 50; i++) assert.equal(await cli(s.port, 'SET', `k${i}`, `value-${i}`), 'OK');
    assert.equal(await cli(s.port, 'SAVE'), 'OK');
    await s.stop();
    s = undefined;
    const file = join(dir, 'dump.rdb');
    const bytes = readFileSync(file);
    // A byte inside a value: the file still parses, only its checksum tells (the keys' order in the
    // file, hence what sits at a fixed offset, changes with the per-process hash seed).
    const flipAt = bytes.indexOf('value-25') + 3;
    assert.ok(flipAt > 3);
    const cases: [string, Buffer, RegExp][] = [
      ['flipped byte', Buffer.from(bytes.map((b, i) => (i === flipAt ? b ^ 0x20 : b))), /checksum/],
      ['truncated', bytes.subarray(0, bytes.length - 30), /unexpected end of data|past the end of the data/],
      ['not an RDB', Buffer.from('hello world, not a dump'), /not an RDB file/],
    ];
    for (const [name, content, problem] of cases) {
      writeFileSync(file, content);
      // Default save points: a start that went on would save over the file at SIGTERM.
      const r = await runProcess(
        process.execPath,
        [redmeshMain, 'server', '--port', '0', '--dir', dir],
        undefined,
        15_000,
      );
      assert.equal(r.code, 1, `${name}: ${r.stdout}${r.stderr}`);
      assert.ok(r.stderr.includes(file), `${name}: the message names the file: ${r.stderr}`);
      assert.match(r.stderr, problem, name);
      assert.ok(readFileSync(file).equals(content), `${name}: the file is untouched`);
    }
  } finally {
    await stopAll(s);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('DEBUG RELOAD and its MERGE / NOFLUSH / NOSAVE options answer and act as on real Redis', async () => {
  const dirs = [mkdtempSync(join(tmpdir(), 'redmesh-reload-')), mkdtempSync(join(tmpdir(), 'redis-reload-'))];
  let ours: RunningServer | undefined;
  let redis: RunningServer | undefined;
  try {
    const args = ['--save', '', '--enable-debug-command', 'yes'];
    ours = await startRedmesh(0, ['--dir', dirs[0] as string, ...args]);
    redis = await startRedis(0, ['--dir', dirs[1] as string, ...args]);
    const steps = [
      ['SET', 'a', '1'],
      ['SAVE'],
      ['SET', 'b', '2'],
      ['DEBUG', 'RELOAD', 'NOSAVE'],
      ['GET', 'b'],
      ['SET', 'c', '3'],
      ['SET', 'a', 'changed'],
      ['DEBUG', 'RELOAD', 'NOFLUSH', 'MERGE', 'NOSAVE'],
      ['MGET', 'a', 'b', 'c'],
      ['DEBUG', 'RELOAD', 'BOGUS'],
      ['DEBUG', 'RELOAD'],
      ['DBSIZE'],
    ];
    for (const step of steps)
      assert.equal(await cli(ours.port, ...step), await cli(redis.port, ...step), step.join(' '));
  } finally {
    await stopAll(ours, redis);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
