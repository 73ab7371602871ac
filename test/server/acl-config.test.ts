/**
 * ACL users from the configuration, as redis-server 7.0.15 reads them: `user` lines (here given as
 * `--user` options, which both servers turn into config lines), the aclfile with ACL LOAD / SAVE,
 * the rule that both together stop the start, bad lines, and CONFIG REWRITE writing the users.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RawConnection, replyText, showBytes } from '../helpers/raw-resp.js';
import { runProcess } from '../helpers/process.js';
import {
  freePort,
  redmeshMain,
  startRedis,
  startRedmesh,
  stopAll,
  type RunningServer,
} from '../helpers/servers.js';

async function open(server: RunningServer): Promise<RawConnection> {
  return RawConnection.open(server.port);
}

async function sameReply(a: RawConnection, b: RawConnection, argv: readonly string[]): Promise<string> {
  const [x, y] = await Promise.all([a.call(argv), b.call(argv)]);
  assert.ok(x.equals(y), `${argv.join(' ')}\n  redis:   ${showBytes(x)}\n  redmesh: ${showBytes(y)}`);
  return x.toString('latin1');
}

test('user lines in the configuration create users as redis-server 7.0 does (default user included)', async () => {
  const users = [
    '--user',
    'reader',
    'on',
    '>rpw',
    '~cache:*',
    '+get',
    '(',
    '%R~pub:*',
    '+@read',
    ')',
    '--user',
    'default',
    'on',
    '>defpw',
    '~*',
    '&*',
    '+@all',
    '-flushall',
  ];
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    redis = await startRedis(0, users);
    redmesh = await startRedmesh(0, users);
    const r = await open(redis);
    const m = await open(redmesh);
    try {
      await sameReply(r, m, ['PING']);
      await sameReply(r, m, ['AUTH', 'defpw']);
      await sameReply(r, m, ['ACL', 'LIST']);
      await sameReply(r, m, ['FLUSHALL']);
      await sameReply(r, m, ['AUTH', 'reader', 'rpw']);
      await sameReply(r, m, ['GET', 'cache:1']);
      await sameReply(r, m, ['GET', 'pub:1']);
      await sameReply(r, m, ['GET', 'other']);
    } finally {
      r.close();
      m.close();
    }
  } finally {
    await stopAll(redis, redmesh);
  }
});

/** Starts a server that must refuse to start; its exit code and output. */
async function refusedStart(kind: 'redis' | 'redmesh', args: readonly string[]): Promise<string> {
  const port = await freePort();
  const result =
    kind === 'redis'
      ? await runProcess('redis-server', ['--port', String(port), '--save', '', ...args], undefined, 10_000)
      : await runProcess(
          process.execPath,
          [redmeshMain, 'server', '--port', String(port), ...args],
          undefined,
          15_000,
        );
  assert.notEqual(result.code, 0, `${kind} started:\n${result.stdout}${result.stderr}`);
  return result.stdout + result.stderr;
}

test('a bad user line, a duplicate user, and users together with an aclfile stop the start with Redis’s message', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-acl-'));
  try {
    const aclfile = join(dir, 'users.acl');
    writeFileSync(aclfile, '');
    const cases: [string[], string][] = [
      [['--user', 'bob', 'on', '>pw', '~a', 'bogus'], "Error in user declaration '>pw': Syntax error"],
      [
        ['--user', 'bob', 'on', '--user', 'bob', 'off'],
        "Error in user declaration 'bob': Duplicate user found. A user can only be defined once in config files",
      ],
      [
        ['--aclfile', aclfile, '--user', 'bob', 'on'],
        'please define either an ACL file or declare users directly in your redis.conf, but not both.',
      ],
      [
        ['--user', 'bob', 'on', '+nosuchcommand'],
        "Error loading ACL rule '+nosuchcommand' for the user named 'bob': Unknown command or category name in ACL",
      ],
      [
        ['--aclfile', join(dir, 'missing.acl')],
        `Error loading ACLs, opening file '${join(dir, 'missing.acl')}'`,
      ],
    ];
    for (const [args, message] of cases) {
      assert.ok((await refusedStart('redis', args)).includes(message), `redis ${args.join(' ')}`);
      const ours = await refusedStart('redmesh', args);
      assert.ok(ours.includes(message), `redmesh ${args.join(' ')}:\n${ours}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('aclfile: users load at start, ACL SAVE writes the same file as Redis, ACL LOAD replaces users and drops their clients', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-aclfile-'));
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    const initial =
      'user default on nopass ~* &* +@all\n' +
      'user app on #' +
      'a1'.repeat(32) +
      ' ~app:* resetchannels -@all +@read +set\n' +
      'user ops on >opspw ~* &* +@all -@dangerous\n';
    const rfile = join(dir, 'redis.acl');
    const mfile = join(dir, 'redmesh.acl');
    writeFileSync(rfile, initial);
    writeFileSync(mfile, initial);
    redis = await startRedis(0, ['--aclfile', rfile]);
    redmesh = await startRedmesh(0, ['--aclfile', mfile]);
    const r = await open(redis);
    const m = await open(redmesh);
    const ro = await open(redis);
    const mo = await open(redmesh);
    try {
      await sameReply(r, m, ['ACL', 'LIST']);
      await sameReply(r, m, ['ACL', 'SETUSER', 'new', 'on', '>np', '~n:*', '+get']);
      await sameReply(r, m, ['ACL', 'SAVE']);
      assert.equal(readFileSync(mfile, 'latin1'), readFileSync(rfile, 'latin1'));
      assert.match(
        readFileSync(mfile, 'latin1'),
        /^user new on #[0-9a-f]{64} ~n:\* resetchannels -@all \+get$/m,
      );

      // An ops connection, then a file with an error: nothing changes.
      await sameReply(ro, mo, ['AUTH', 'ops', 'opspw']);
      writeFileSync(rfile, 'user ops on nopass\nbogus\nuser x (~a\n');
      writeFileSync(mfile, 'user ops on nopass\nbogus\nuser x (~a\n');
      const [er, em] = await Promise.all([r.call(['ACL', 'LOAD']), m.call(['ACL', 'LOAD'])]);
      assert.equal(replyText(em).replaceAll(mfile, 'FILE'), replyText(er).replaceAll(rfile, 'FILE'));
      await sameReply(r, m, ['ACL', 'USERS']);
      // A good file: users replaced, the old ops connection dropped, the default user kept.
      writeFileSync(rfile, 'user ops on nopass ~* +@all\n');
      writeFileSync(mfile, 'user ops on nopass ~* +@all\n');
      await sameReply(r, m, ['ACL', 'LOAD']);
      await sameReply(r, m, ['ACL', 'LIST']);
      assert.equal(await ro.waitClosed(3000), true);
      assert.equal(await mo.waitClosed(3000), true);
      // ACL LOAD sent by a connection whose user it replaces: the reply arrives, then the connection closes.
      const ro2 = await open(redis);
      const mo2 = await open(redmesh);
      try {
        await sameReply(ro2, mo2, ['AUTH', 'ops', 'any']);
        await sameReply(ro2, mo2, ['ACL', 'LOAD']);
        assert.equal(await ro2.waitClosed(3000), true);
        assert.equal(await mo2.waitClosed(3000), true);
      } finally {
        ro2.close();
        mo2.close();
      }
      await sameReply(r, m, ['CONFIG', 'REWRITE']);
    } finally {
      for (const c of [r, m, ro, mo]) c.close();
    }
  } finally {
    await stopAll(redis, redmesh);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Starts a server on a config file of its own; stopped by the caller. */
async function startOnFile(
  kind: 'redis' | 'redmesh',
  file: string,
): Promise<{ child: ChildProcess; port: number }> {
  const port = Number(/^port (\d+)$/m.exec(readFileSync(file, 'latin1'))?.[1]);
  const child =
    kind === 'redis'
      ? spawn('redis-server', [file], { stdio: 'ignore' })
      : spawn(process.execPath, [redmeshMain, 'server', file], { stdio: 'ignore' });
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const c = await RawConnection.open(port, 500);
      c.close();
      return { child, port };
    } catch (e) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw e;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

test('CONFIG REWRITE writes every user as a user line, in place of the old ones, as Redis 7.0 does', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-aclrw-'));
  const children: ChildProcess[] = [];
  try {
    const files: Record<'redis' | 'redmesh', string> = {
      redis: join(dir, 'redis.conf'),
      redmesh: join(dir, 'redmesh.conf'),
    };
    const texts: string[] = [];
    for (const kind of ['redis', 'redmesh'] as const) {
      const port = await freePort();
      writeFileSync(
        files[kind],
        `port ${port}\nbind 127.0.0.1\nsave ""\ndir ${dir}\n# users\nuser bob on >pw ~a +get\nuser carl off\n`,
      );
      const { child } = await startOnFile(kind, files[kind]);
      children.push(child);
      const c = await RawConnection.open(port);
      try {
        for (const argv of [
          ['ACL', 'DELUSER', 'carl'],
          ['ACL', 'SETUSER', 'dan', 'on', 'nopass', '&news'],
          ['CONFIG', 'REWRITE'],
        ]) {
          assert.doesNotMatch(replyText(await c.call(argv)), /^ERR/);
        }
      } finally {
        c.close();
      }
      texts.push(readFileSync(files[kind], 'latin1'));
    }
    const userLines = (t: string): string[] => t.split('\n').filter((l) => l.startsWith('user '));
    assert.deepEqual(userLines(texts[1] as string), userLines(texts[0] as string));
    assert.deepEqual(userLines(texts[1] as string), [
      'user bob on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 ~a resetchannels -@all +get',
      'user dan on nopass resetchannels &news -@all',
      'user default on nopass ~* &* +@all',
    ]);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map((c) =>
        c.exitCode !== null ? Promise.resolve() : new Promise<void>((r) => c.once('exit', () => r())),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  }
});
