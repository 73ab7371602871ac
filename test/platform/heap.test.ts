/**
 * The server sizes its V8 heap to the machine instead of Node's ~4 GB default (which killed it with
 * every key in memory), by re-executing itself with --max-old-space-size; an operator's own limit wins.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  heapDecision,
  boundHeapHeadroom,
  heapGrowingPercent,
  initialOldSpaceMb,
  semiSpaceMb,
  serverHeapLimitMb,
  usableMemoryBytes,
} from '../../src/platform/index.js';
import { runProcess } from '../helpers/process.js';
import { RawConnection, infoField, replyText } from '../helpers/raw-resp.js';
import { startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

test('the heap limit is 90% of the usable memory, and usable memory is never more than the RAM', () => {
  assert.equal(serverHeapLimitMb(24 * 2 ** 30), Math.floor(24 * 1024 * 0.9));
  assert.ok(usableMemoryBytes() > 0);
});

test('an operator-chosen limit, REDMESH_HEAP=node, or a process already sized are left alone', () => {
  assert.equal(heapDecision([], {}, 4144, 21000), undefined);
  assert.match(heapDecision(['--max-old-space-size=600'], {}, 600, 21000) ?? '', /given to node/);
  assert.match(heapDecision([], { NODE_OPTIONS: '--max-old-space-size=600' }, 600, 21000) ?? '', /given/);
  assert.match(heapDecision([], { REDMESH_HEAP: 'node' }, 4144, 21000) ?? '', /Node's default/);
  assert.match(heapDecision([], { REDMESH_HEAP_SIZED: '21000' }, 21048, 21000) ?? '', /sized at start/);
  assert.match(heapDecision([], {}, 30000, 21000) ?? '', /^heap limit 30000 MB$/);
  // After a re-execution: the semi-spaces it was given are named; a limit kept is still described.
  const semi = ['--max-semi-space-size=16', '--min-semi-space-size=16'];
  assert.equal(
    heapDecision(semi, { REDMESH_HEAP_SIZED: '21000' }, 21048, 21000),
    'heap limit 21048 MB (sized at start), semi-spaces 16 MB',
  );
  assert.equal(
    heapDecision(['--max-old-space-size=600', ...semi], { REDMESH_HEAP_SIZED: 'young' }, 600, 21000),
    'heap limit 600 MB (--max-old-space-size given to node), semi-spaces 16 MB',
  );
  assert.equal(
    heapDecision(semi, { REDMESH_HEAP_SIZED: 'young' }, 30000, 21000),
    'heap limit 30000 MB, semi-spaces 16 MB',
  );
});

test('`redmesh server` re-executes itself with the bigger heap: same pid, stdout still logged', async () => {
  let server: RunningServer | undefined;
  try {
    server = await startRedmesh(0);
    const cmdline = readFileSync(`/proc/${server.pid}/cmdline`, 'latin1').split('\0');
    assert.ok(cmdline.includes(`--max-old-space-size=${serverHeapLimitMb()}`), cmdline.join(' '));
    // No maxmemory: semi-spaces of 16 MB from the start.
    assert.ok(cmdline.includes('--max-semi-space-size=16'), cmdline.join(' '));
    assert.ok(cmdline.includes('--min-semi-space-size=16'), cmdline.join(' '));
    const c = await RawConnection.open(server.port);
    try {
      const info = replyText(await c.call(['INFO', 'server']));
      assert.equal(infoField(info, 'process_id'), String(server.pid));
    } finally {
      c.close();
    }
    assert.match(server.output(), /heap limit \d+ MB \(sized at start\), semi-spaces 16 MB;/);
    assert.ok(
      !cmdline.some((a) => a.includes('initial-old-space')),
      'no maxmemory: V8 sizes the old generation',
    );
    assert.match(server.output(), /ready to accept connections/);
  } finally {
    await stopAll(server);
  }
});

test('the old generation starts at maxmemory / 8, between 32 and 64 MB, only when maxmemory is set', () => {
  assert.equal(initialOldSpaceMb(0), 0);
  assert.equal(initialOldSpaceMb(50 * 2 ** 20), 32);
  assert.equal(initialOldSpaceMb(400 * 2 ** 20), 50);
  assert.equal(initialOldSpaceMb(4 * 2 ** 30), 64);
});

test('the young generation is 16 MB semi-spaces, or maxmemory / 32 between 4 and 16 MB', () => {
  assert.equal(semiSpaceMb(0), 16);
  assert.equal(semiSpaceMb(50 * 2 ** 20), 4);
  assert.equal(semiSpaceMb(256 * 2 ** 20), 8);
  assert.equal(semiSpaceMb(500 * 2 ** 20), 15);
  assert.equal(semiSpaceMb(4 * 2 ** 30), 16);
  assert.equal(semiSpaceMb(1), 4);
});

test('an operator-given heap limit is kept, and the semi-spaces are still sized; REDMESH_HEAP=node sizes neither', async () => {
  let server: RunningServer | undefined;
  try {
    server = await startRedmesh(0, [], { NODE_OPTIONS: '--max-old-space-size=600' });
    const cmdline = readFileSync(`/proc/${server.pid}/cmdline`, 'latin1').split('\0');
    assert.ok(cmdline.includes('--min-semi-space-size=16'), cmdline.join(' '));
    assert.ok(!cmdline.some((a) => a.startsWith('--max-old-space-size')), cmdline.join(' '));
    assert.match(
      server.output(),
      /heap limit 6\d\d MB \(--max-old-space-size given to node\), semi-spaces 16 MB/,
    );
    await stopAll(server);
    server = await startRedmesh(0, [], { REDMESH_HEAP: 'node' });
    const plain = readFileSync(`/proc/${server.pid}/cmdline`, 'latin1');
    assert.ok(!plain.includes('semi-space') && !plain.includes('old-space'), plain);
    assert.match(server.output(), /REDMESH_HEAP=node/);
  } finally {
    await stopAll(server);
  }
});

test('a server with a small maxmemory keeps small semi-spaces and a small starting old generation (an operator-given size wins)', async () => {
  let server: RunningServer | undefined;
  try {
    server = await startRedmesh(0, ['--maxmemory', '50mb']);
    const cmdline = readFileSync(`/proc/${server.pid}/cmdline`, 'latin1').split('\0');
    assert.ok(cmdline.includes('--min-semi-space-size=4'), cmdline.join(' '));
    assert.ok(cmdline.includes('--initial-old-space-size=32'), cmdline.join(' '));
    assert.match(server.output(), /semi-spaces 4 MB, old space from 32 MB/);
    await stopAll(server);
    server = await startRedmesh(0, ['--maxmemory', '50mb'], { NODE_OPTIONS: '--max-semi-space-size=2' });
    const given = readFileSync(`/proc/${server.pid}/cmdline`, 'latin1');
    // Node refuses --initial-old-space-size in NODE_OPTIONS; given as node's own option, it is kept.
    assert.ok(!given.includes('semi-space') && given.includes('--initial-old-space-size=32'), given);
  } finally {
    await stopAll(server);
  }
});

test('the old generation grows by 20% (10% under maxmemory), but by at least the headroom floor (64 MB, or 10% of maxmemory)', () => {
  const MB = 2 ** 20;
  assert.equal(heapGrowingPercent(2048 * MB, 64 * MB), 20, 'a big heap: 20%');
  assert.equal(heapGrowingPercent(320 * MB, 64 * MB), 20, 'where 20% is the floor');
  assert.equal(heapGrowingPercent(32 * MB, 64 * MB), 200, 'a small heap: the floor');
  assert.equal(heapGrowingPercent(0, 64 * MB), 6400, 'an empty heap counts as 1 MB');
  assert.equal(heapGrowingPercent(32 * MB, 5 * MB, 10), 16, 'maxmemory 50mb bounds the floor to 5 MB');
  assert.equal(heapGrowingPercent(2048 * MB, 64 * MB, 10), 10, 'under maxmemory: 10%');
  // What the server sets when maxmemory changes, and back when it is unset.
  boundHeapHeadroom(500 * MB);
  assert.equal(heapGrowingPercent(450 * MB), 12, 'maxmemory 500mb: 10%, with a floor of 50 MB');
  assert.equal(heapGrowingPercent(2048 * MB), 10);
  boundHeapHeadroom(0);
  assert.equal(heapGrowingPercent(450 * MB), 20, 'no maxmemory: 20%, with a floor of 64 MB');
});

/**
 * A child process that keeps 100k 100-byte values and overwrites them 200k times (a replica applying
 * SETs on random keys: every overwritten value dies in the old generation), printing how many full
 * collections it made. `tuned` uses the server's policy, otherwise a fixed 20% growth.
 */
async function majorCollections(policy: 'tuned' | 'fixed 20%'): Promise<number> {
  const platform = new URL('../../src/platform/index.js', import.meta.url).href;
  const script = `
    import { PerformanceObserver, constants } from 'node:perf_hooks';
    import { setFlagsFromString } from 'node:v8';
    import { tuneGarbageCollector } from ${JSON.stringify(platform)};
    if (process.argv[1] === 'tuned') tuneGarbageCollector({});
    else setFlagsFromString('--heap-growing-percent=20');
    let majors = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors++;
    }).observe({ entryTypes: ['gc'] });
    const kept = new Map();
    for (let i = 0; i < 300000; i++) kept.set('key:' + (i % 100000), 'v'.repeat(100) + i);
    setTimeout(() => console.log(majors), 100);
  `;
  const r = await runProcess(
    process.execPath,
    ['--max-semi-space-size=4', '--input-type=module', '-e', script, policy],
    undefined,
    60_000,
  );
  assert.equal(r.code, 0, r.stderr);
  return Number(r.stdout.trim());
}

test('a small heap under overwrites is not fully collected every few MB (the headroom floor)', async () => {
  const tuned = await majorCollections('tuned');
  const fixed = await majorCollections('fixed 20%');
  assert.ok(fixed >= 3, `a fixed 20% growth collects often on a small heap (${fixed} full collections)`);
  assert.ok(tuned <= 2, `the floor leaves room for the churn (${tuned} full collections, ${fixed} at 20%)`);
});
