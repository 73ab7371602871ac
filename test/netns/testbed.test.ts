import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { Testbed, netnsPrefix, sh, waitFor, waitForOutput } from '../../src/ops/index.js';

/** True while `pid` is a live process (a zombie counts as gone: it runs nothing). */
async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

test('testbed: nodes reach each other on the underlay; destroy kills what ran inside (forked too) and deletes every namespace', async () => {
  const bed = await Testbed.create(2);
  const [a, b] = [bed.node(0), bed.node(1)];
  let orphan: number | undefined;
  let spawned: number | undefined;
  try {
    assert.match(a.ns, new RegExp(`^${netnsPrefix()}-a$`));
    await bed.exec(a.ns, 'ping', ['-c', '1', '-W', '2', '-n', b.underlay], 5000);
    // A process whose parent exits at once: the testbed never saw its pid, only the namespace knows it.
    const forker = bed.spawn(a.ns, 'sh', ['-c', 'sleep 300 </dev/null >/dev/null 2>&1 & echo $!']);
    await waitForOutput(forker, /^\d+$/m, 5000);
    orphan = Number(forker.output().trim());
    const sleeper = bed.spawn(b.ns, 'sleep', ['300']);
    spawned = sleeper.child.pid;
    assert.ok(spawned !== undefined && (await alive(spawned)));
    assert.ok(await alive(orphan));
  } finally {
    await bed.destroy();
  }
  await waitFor(
    'spawned and forked processes gone',
    async () => !(await alive(orphan)) && !(await alive(spawned)),
    5000,
  );
  const left = await sh('ip', ['netns', 'list']);
  for (const ns of [a.ns, b.ns, bed.hub])
    assert.ok(!new RegExp(`^${ns}\\b`, 'm').test(left), `${ns} left behind`);
});

test('testbed refuses a namespace prefix that is not 1 to 8 lowercase letters', async () => {
  await assert.rejects(Testbed.create(1, 'Bad-1'), /prefix "Bad-1"/);
  const saved = process.env.REDMESH_NETNS_PREFIX;
  process.env.REDMESH_NETNS_PREFIX = 'x1';
  try {
    assert.throws(() => netnsPrefix(), /prefix "x1": use 1 to 8 lowercase letters/);
  } finally {
    if (saved === undefined) delete process.env.REDMESH_NETNS_PREFIX;
    else process.env.REDMESH_NETNS_PREFIX = saved;
  }
});
