/**
 * Replication through an ACL user that may run only what replication needs (PSYNC, REPLCONF, PING),
 * with Debian's real redis-server 7.0 on the other end, both ways: the replica logs in with
 * `masteruser` + `masterauth` (AUTH user pass in its handshake). A user without PSYNC gets nowhere,
 * and the master's ACL LOG says why.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';
import type { RawConnection } from '../helpers/raw-resp.js';
import { connectTo, info, text, waitFor, waitInSync } from './helpers.js';

const REPL_USER = ['--user', 'repl', 'on', '>replpw', '-@all', '+psync', '+replconf', '+ping'];
const ADMIN = ['--user', 'default', 'on', '>adminpw', '~*', '&*', '+@all'];

function logs(...servers: (RunningServer | undefined)[]): () => string {
  return () => servers.map((s) => (s === undefined ? '' : `--- ${s.name}\n${s.output()}`)).join('\n');
}

async function writeAndCheck(m: RawConnection, r: RawConnection, detail: () => string): Promise<void> {
  for (const argv of [
    ['SET', 'acl:a', '1'],
    ['HSET', 'acl:h', 'f', 'v'],
    ['INCR', 'acl:n'],
  ]) {
    assert.doesNotMatch(await text(m, argv), /^-/);
  }
  await waitInSync(m, r, detail);
  assert.equal(await text(r, ['GET', 'acl:a']), '1');
  assert.equal(await text(r, ['HGET', 'acl:h', 'f']), 'v');
  assert.equal(await text(r, ['GET', 'acl:n']), '1');
}

for (const [masterKind, replicaKind] of [
  ['redis', 'redmesh'],
  ['redmesh', 'redis'],
] as const) {
  test(`${masterKind} master with a PSYNC/REPLCONF/PING-only replication user → ${replicaKind} replica with masteruser/masterauth`, async () => {
    let master: RunningServer | undefined;
    let replica: RunningServer | undefined;
    try {
      const start = (kind: 'redis' | 'redmesh', args: string[]): Promise<RunningServer> =>
        kind === 'redis' ? startRedis(0, args) : startRedmesh(0, args);
      master = await start(masterKind, [...ADMIN, ...REPL_USER, '--repl-diskless-sync-delay', '0']);
      const m = await connectTo(master, 'adminpw');
      replica = await start(replicaKind, [
        '--replicaof',
        '127.0.0.1',
        String(master.port),
        '--masteruser',
        'repl',
        '--masterauth',
        'replpw',
      ]);
      const r = await connectTo(replica);
      await writeAndCheck(m, r, logs(master, replica));
      // The replication link runs as `repl` on the master; nothing it did was refused.
      const clients = await text(m, ['CLIENT', 'LIST', 'TYPE', 'replica']);
      assert.match(clients, / user=repl /);
      assert.equal(await text(m, ['ACL', 'LOG']), '*0');
      m.close();
      r.close();
    } finally {
      await stopAll(master, replica);
    }
  });

  test(`${masterKind} master refuses a replication user without +psync; ${replicaKind} replica never syncs and the master logs why`, async () => {
    let master: RunningServer | undefined;
    let replica: RunningServer | undefined;
    try {
      const start = (kind: 'redis' | 'redmesh', args: string[]): Promise<RunningServer> =>
        kind === 'redis' ? startRedis(0, args) : startRedmesh(0, args);
      master = await start(masterKind, [
        ...ADMIN,
        '--user',
        'repl',
        'on',
        '>replpw',
        '-@all',
        '+replconf',
        '+ping',
      ]);
      const m = await connectTo(master, 'adminpw');
      replica = await start(replicaKind, [
        '--replicaof',
        '127.0.0.1',
        String(master.port),
        '--masteruser',
        'repl',
        '--masterauth',
        'replpw',
      ]);
      const r = await connectTo(replica);
      await waitFor(
        'the master to log the refused PSYNC',
        async () => /psync/.test(await text(m, ['ACL', 'LOG', '1'])),
        20_000,
        logs(master, replica),
      );
      const entry = await text(m, ['ACL', 'LOG', '1']);
      assert.match(entry, /command/);
      assert.match(entry, /repl/);
      assert.equal(await info(r, 'master_link_status'), 'down');
      m.close();
      r.close();
    } finally {
      await stopAll(master, replica);
    }
  });
}
