/**
 * Scripts past busy-reply-threshold and replication, with real redis-server 7.0 on the other end:
 * a redmesh master's script that is suspended between slices still sends its writes as one
 * MULTI … EXEC (nothing leaves half way), and a redmesh replica busy with a read-only script keeps
 * the master's stream until the script ends (Redis does not answer the master BUSY: it waits), so no
 * write is lost.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RawConnection } from '../helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';
import { connectTo, info, infoFields, text, waitFor, waitInSync } from './helpers.js';

/** Waits (bounded) until `c` is answered BUSY. */
async function waitBusy(c: RawConnection): Promise<void> {
  await waitFor('the server to be busy with the script', async () =>
    (await text(c, ['PING'])).startsWith('-BUSY'),
  );
}

test('a redmesh master suspends a long script and its writes still reach a real Redis replica as one MULTI/EXEC', async () => {
  let master: RunningServer | undefined;
  let replica: RunningServer | undefined;
  try {
    master = await startRedmesh(0);
    const m = await connectTo(master);
    const other = await connectTo(master);
    replica = await startRedis(0, ['--replicaof', '127.0.0.1', String(master.port)]);
    const r = await connectTo(replica);
    await waitFor('the replica link', async () => (await info(r, 'master_link_status')) === 'up');
    await text(m, ['CONFIG', 'SET', 'busy-reply-threshold', '50']);
    // Writes, spins until another client writes... which it cannot: it spins until its own counter
    // says so, long enough to be past the threshold on any machine, then writes again.
    m.send([
      'EVAL',
      "redis.call('set', 'a', '1') local n = 0 while n < tonumber(ARGV[1]) do n = n + 1 end redis.call('set', 'b', '2') return n",
      '0',
      '20000000',
    ]);
    await waitBusy(other);
    const reply = await m.read(120_000);
    assert.equal(reply.kind === 'reply' ? reply.bytes.toString('latin1') : reply.kind, ':20000000\r\n');
    await waitInSync(m, r);
    const stats = Object.fromEntries(await infoFields(r, 'commandstats'));
    assert.match(stats.cmdstat_multi ?? '', /calls=1\b/, JSON.stringify(stats));
    assert.match(stats.cmdstat_set ?? '', /calls=2\b/, JSON.stringify(stats));
    assert.match(stats.cmdstat_exec ?? '', /calls=1\b/, JSON.stringify(stats));
    assert.equal(await text(r, ['MGET', 'a', 'b']), '*2\r\n$1\r\n1\r\n$1\r\n2');
    for (const c of [m, other, r]) c.close();
  } finally {
    await stopAll(master, replica);
  }
});

test("a redmesh replica busy with a script keeps the master's writes until SCRIPT KILL ends it", async () => {
  let master: RunningServer | undefined;
  let replica: RunningServer | undefined;
  try {
    master = await startRedis(0);
    const m = await connectTo(master);
    replica = await startRedmesh(0, ['--replicaof', '127.0.0.1', String(master.port)]);
    const r = await connectTo(replica);
    const other = await connectTo(replica);
    await waitInSync(m, r);
    await text(r, ['CONFIG', 'SET', 'busy-reply-threshold', '50']);
    r.send(['EVAL_RO', 'while true do end', '0']);
    await waitBusy(other);
    await text(m, ['SET', 'written', 'during the script']);
    await text(m, ['INCR', 'counter']);
    // Round trips to the busy replica give the master's stream time to arrive there while it is busy.
    for (let i = 0; i < 50; i++) assert.match(await text(other, ['PING']), /^-BUSY/);
    assert.equal(await text(other, ['SCRIPT', 'KILL']), '+OK');
    const killed = await r.read(10_000);
    assert.match(
      killed.kind === 'reply' ? killed.bytes.toString('latin1') : killed.kind,
      /^-ERR Script killed by user/,
    );
    await waitInSync(m, r);
    assert.equal(await text(r, ['GET', 'written']), 'during the script');
    assert.equal(await text(r, ['GET', 'counter']), '1');
    for (const c of [m, r, other]) c.close();
  } finally {
    await stopAll(master, replica);
  }
});
