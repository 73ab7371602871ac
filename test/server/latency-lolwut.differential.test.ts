/**
 * What cannot be compared byte for byte with redis-server 7.0 because it measures time or draws at
 * random, compared by shape instead: LATENCY HISTOGRAM (commands, calls, Redis's bucket labels,
 * cumulative counts), the latency events of slow commands (LATEST, HISTORY, GRAPH, DOCTOR with the
 * numbers masked), LOLWUT's random drawings (rows, columns, characters), and MONITOR's form for a
 * Unix socket client.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseReply, type ReplyNode } from '../../src/resp/index.js';
import { RawConnection } from '../helpers/raw-resp.js';
import { startRedis, startRedmesh, type RunningServer } from '../helpers/servers.js';

const DEBUG = ['--enable-debug-command', 'yes'];

/** Every label LATENCY HISTOGRAM can use (HDR log iteration from 1024 ns, doubling, 2 digits). */
const BUCKETS = new Set([
  1, 2, 4, 8, 16, 33, 66, 132, 264, 528, 1056, 2113, 4227, 8454, 16908, 33816, 67633, 135266, 270532, 541065,
  1073741,
]);

function node(bytes: Buffer): ReplyNode {
  const r = parseReply(bytes);
  if (r === undefined) throw new Error('incomplete reply');
  return r.node;
}

/** The elements of an aggregate reply (none for a null one). */
function itemsOf(n: ReplyNode): readonly ReplyNode[] {
  if (!('items' in n)) throw new Error(`not an aggregate: ${JSON.stringify(n)}`);
  return n.items ?? [];
}

/** A RESP3 map reply as [key text, value node] pairs. */
function mapEntries(n: ReplyNode): [string, ReplyNode][] {
  const items = itemsOf(n);
  const out: [string, ReplyNode][] = [];
  for (let i = 0; i < items.length; i += 2)
    out.push([textOf(items[i] as ReplyNode), items[i + 1] as ReplyNode]);
  return out;
}

function textOf(n: ReplyNode): string {
  if ('bulk' in n && n.bulk !== null) return n.bulk.toString('latin1');
  if ('line' in n) return n.line.toString('latin1');
  throw new Error(`not text: ${JSON.stringify(n)}`);
}

function intOf(n: ReplyNode): number {
  return Number(textOf(n));
}

/** {command: calls} after checking each histogram's labels and cumulative counts. */
function histogramShape(reply: Buffer): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of mapEntries(node(reply))) {
    const fields = Object.fromEntries(mapEntries(value));
    const calls = intOf(fields.calls as ReplyNode);
    let last = 0;
    for (const [usec, count] of mapEntries(fields.histogram_usec as ReplyNode)) {
      assert.ok(BUCKETS.has(Number(usec)), `${name}: bucket ${usec}`);
      assert.ok(intOf(count) > last, `${name}: cumulative counts grow`);
      last = intOf(count);
    }
    assert.equal(last, calls, `${name}: the last bucket counts every call`);
    out[name] = calls;
  }
  return out;
}

async function onBoth(
  args: readonly string[],
  body: (server: RunningServer) => Promise<unknown>,
): Promise<unknown[]> {
  const results: unknown[] = [];
  for (const start of [startRedis, startRedmesh]) {
    const server = await start(0, args);
    try {
      results.push(await body(server));
    } finally {
      await server.stop();
    }
  }
  return results;
}

test('LATENCY HISTOGRAM: the same commands, calls and bucket labels as Redis', async () => {
  const [redis, redmesh] = await onBoth(DEBUG, async (server) => {
    const c = await RawConnection.open(server.port);
    try {
      await c.call(['HELLO', '3']);
      await c.call(['CONFIG', 'RESETSTAT']);
      for (let i = 0; i < 3; i++) await c.call(['SET', 'a', String(i)]);
      await c.call(['GET', 'a']);
      await c.call(['DEBUG', 'SLEEP', '0.003']);
      await c.call(['GET']); // refused before running: not counted
      const some = histogramShape(
        await c.call(['LATENCY', 'HISTOGRAM', 'set', 'GET', 'debug', 'nosuch', 'config', 'client|id']),
      );
      const all = histogramShape(await c.call(['LATENCY', 'HISTOGRAM']));
      await c.call(['CONFIG', 'SET', 'latency-tracking', 'no']);
      await c.call(['SET', 'a', 'b']);
      const untracked = histogramShape(await c.call(['LATENCY', 'HISTOGRAM', 'set']));
      return { some, all, untracked };
    } finally {
      c.close();
    }
  });
  assert.deepEqual(redmesh, redis);
  assert.deepEqual((redis as { some: unknown }).some, { set: 3, get: 1, debug: 1, 'config|resetstat': 1 });
});

test('latency events of slow commands: LATEST, HISTORY, GRAPH and DOCTOR as Redis words them', async () => {
  const mask = (t: string): string => t.replace(/\d+/g, 'N');
  const [redis, redmesh] = await onBoth(DEBUG, async (server) => {
    const c = await RawConnection.open(server.port);
    try {
      await c.call(['HELLO', '3']);
      await c.call(['CONFIG', 'SET', 'latency-monitor-threshold', '15']);
      await c.call(['DEBUG', 'SLEEP', '0.02']);
      const latest = node(await c.call(['LATENCY', 'LATEST']));
      const history = node(await c.call(['LATENCY', 'HISTORY', 'command']));
      const graph = textOf(node(await c.call(['LATENCY', 'GRAPH', 'command'])));
      const doctor = textOf(node(await c.call(['LATENCY', 'DOCTOR'])));
      // Only the command event's part: a slow machine may add an expire-cycle event on either side.
      const commandLines = doctor.split('\n').filter((l) => / command: |Slow Log|large objects/.test(l));
      const events = itemsOf(latest).map((e) => textOf(itemsOf(e)[0] as ReplyNode));
      return {
        hasCommandEvent: events.includes('command'),
        historyLength: itemsOf(history).length,
        graph: mask(graph),
        doctor: commandLines.map(mask),
        reset: textOf(node(await c.call(['LATENCY', 'RESET', 'command']))),
      };
    } finally {
      c.close();
    }
  });
  assert.deepEqual(redmesh, redis);
  assert.equal((redis as { hasCommandEvent: boolean }).hasCommandEvent, true);
});

/** Rows of a drawing and, per row, how many cells it has (Braille characters or coloured spaces). */
function drawingShape(text: string, cell: RegExp): { rows: number; widths: number[]; caption: string } {
  const lines = text.split('\n');
  const art = lines.filter((l) => cell.test(l) || l === '');
  const widths = art.map((l) => (l.match(new RegExp(cell.source, 'g')) ?? []).length);
  return { rows: art.length, widths, caption: lines.filter((l) => !cell.test(l) && l !== '').join('\n') };
}

test('LOLWUT VERSION 5 and 6 with their randomness: same size, cells and caption as Redis', async () => {
  const braille = /\xe2[\xa0-\xa3][\x80-\xbf]/;
  const coloured = /\x1b\[0;(30;40|90;100|37;47|97;107)m \x1b\[0m/;
  const [redis, redmesh] = await onBoth([], async (server) => {
    const c = await RawConnection.open(server.port);
    try {
      const shapes = [];
      for (const [argv, cell] of [
        [['LOLWUT', 'VERSION', '5'], braille],
        [['LOLWUT', 'VERSION', '5', '30', '4', '7'], braille],
        [['LOLWUT', 'VERSION', '6'], coloured],
        [['LOLWUT', 'VERSION', '6', '13', '5'], coloured],
      ] as const) {
        shapes.push(drawingShape(textOf(node(await c.call([...argv]))), cell));
      }
      return shapes;
    } finally {
      c.close();
    }
  });
  assert.deepEqual(redmesh, redis);
});

/** One command over a Unix socket; resolves once its reply arrived. */
function unixCommand(path: string, argv: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect(path);
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('no reply over the Unix socket'));
    }, 3000);
    s.on('error', reject);
    s.on('data', () => {
      clearTimeout(timer);
      s.destroy();
      resolve();
    });
    s.write(`*${argv.length}\r\n` + argv.map((a) => `$${a.length}\r\n${a}\r\n`).join(''));
  });
}

test('MONITOR shows a Unix socket client as [db unix:<path>]', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-monitor-unix-'));
  try {
    const lines: string[] = [];
    for (const start of [startRedis, startRedmesh]) {
      const path = join(dir, `${lines.length}.sock`);
      const server = await start(0, ['--unixsocket', path]);
      const monitor = await RawConnection.open(server.port);
      try {
        await monitor.call(['MONITOR']);
        await unixCommand(path, ['SELECT', '3']);
        const r = await monitor.read(3000);
        assert.equal(r.kind, 'reply');
        lines.push(
          (r.kind === 'reply' ? r.bytes.toString('latin1') : '')
            .replace(path, '<path>')
            .replace(/^\+\d+\.\d{6} /, '+TS '),
        );
      } finally {
        monitor.close();
        await server.stop();
      }
    }
    assert.equal(lines[1], lines[0]);
    assert.equal(lines[0], '+TS [3 unix:<path>] "SELECT" "3"\r\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
