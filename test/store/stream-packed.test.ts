/**
 * The stream's packed nodes against an obviously-correct model (an array of entries): seeded random
 * XADD-like appends with varied field counts, lengths (0 to past 64 KB), binary bytes, integer-like
 * values and IDs across the whole unsigned 64-bit range, deletions, exact and approximate trims,
 * forward and reverse ranges, lookups and snapshot clones. A packing error (a varint, an offset, a
 * same-fields entry, a flag) shows up as a differing entry.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import {
  compareIds,
  idText,
  MAX_ID,
  Stream,
  UINT64_MAX,
  ZERO_ID,
  type StreamID,
  type StreamNodeLimits,
} from '../../src/store/stream.js';
import { seeded } from '../commands/twin.js';

interface ModelEntry {
  readonly id: StreamID;
  readonly pairs: readonly string[];
}

type Rand = () => number;

function int(rand: Rand, n: number): number {
  return Math.floor(rand() * n);
}

function bigBelow(rand: Rand, bound: bigint): bigint {
  // 64 random bits, reduced: good enough for spreading IDs over the range.
  const r = (BigInt(int(rand, 2 ** 32)) << 32n) | BigInt(int(rand, 2 ** 32));
  return bound <= 0n ? 0n : r % bound;
}

/** The next ID after `last`: small steps mostly, sometimes huge jumps (past 2^53, up to 2^64 − 1). */
function nextId(rand: Rand, last: StreamID): StreamID | undefined {
  const roomMs = UINT64_MAX - last.ms;
  const pick = rand();
  if (pick < 0.45 && last.seq < UINT64_MAX) {
    const step = 1n + BigInt(int(rand, pick < 0.05 ? 2 ** 30 : 5));
    const seq = last.seq + step;
    if (seq <= UINT64_MAX) return { ms: last.ms, seq };
  }
  if (roomMs === 0n) return last.seq < UINT64_MAX ? { ms: last.ms, seq: last.seq + 1n } : undefined;
  let dMs: bigint;
  if (pick < 0.8) dMs = 1n + BigInt(int(rand, 1000));
  else if (pick < 0.9) dMs = 1n + bigBelow(rand, 2n ** 60n);
  else dMs = roomMs - BigInt(int(rand, 3));
  if (dMs > roomMs) dMs = roomMs;
  if (dMs < 1n) dMs = 1n;
  const seqKind = rand();
  const seq = seqKind < 0.6 ? 0n : seqKind < 0.8 ? BigInt(int(rand, 200)) : UINT64_MAX - BigInt(int(rand, 3));
  return { ms: last.ms + dMs, seq };
}

const ALPHABET = [
  'a',
  'field',
  'f2',
  'x',
  '',
  '0',
  '12',
  '-7',
  '9223372036854775807',
  '18446744073709551615',
];

function randomString(rand: Rand): string {
  const kind = rand();
  if (kind < 0.35) return ALPHABET[int(rand, ALPHABET.length)] as string;
  if (kind < 0.5) return String(int(rand, 2 ** 31) - 2 ** 30);
  let len = int(rand, 40);
  if (kind > 0.97) len = 100 + int(rand, 20_000);
  else if (kind > 0.9) len = 120 + int(rand, 300);
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(int(rand, 256));
  return s;
}

function randomPairs(rand: Rand, lastPairs: readonly string[] | undefined): string[] {
  if (lastPairs !== undefined && rand() < 0.5) {
    // The same fields as before (a same-fields entry when they match the node's master entry).
    const out = [...lastPairs];
    for (let i = 1; i < out.length; i += 2) out[i] = randomString(rand);
    return out;
  }
  const nf = 1 + int(rand, rand() < 0.9 ? 4 : 12);
  const out: string[] = [];
  for (let i = 0; i < nf; i++) out.push(randomString(rand), randomString(rand));
  return out;
}

/** Long strings as their length and a hash, so a failure prints readably. */
function shown(s: string): string {
  if (s.length <= 24) return JSON.stringify(s);
  return `<${s.length} bytes ${createHash('sha1').update(s, 'latin1').digest('hex').slice(0, 12)}>`;
}

function render(entries: Iterable<readonly [StreamID, readonly string[]]>): string[] {
  const out: string[] = [];
  for (const [id, pairs] of entries) out.push(`${idText(id)} ${pairs.map(shown).join(' ')}`);
  return out;
}

function inRange(model: readonly ModelEntry[], start: StreamID, end: StreamID): ModelEntry[] {
  return model.filter((e) => compareIds(e.id, start) >= 0 && compareIds(e.id, end) <= 0);
}

function randomBound(rand: Rand, model: readonly ModelEntry[]): StreamID {
  const k = rand();
  if (model.length > 0 && k < 0.6) {
    const e = model[int(rand, model.length)] as ModelEntry;
    if (k < 0.4) return e.id;
    return { ms: e.id.ms, seq: e.id.seq === 0n ? 0n : e.id.seq - 1n };
  }
  if (k < 0.7) return ZERO_ID;
  if (k < 0.8) return MAX_ID;
  return { ms: bigBelow(rand, UINT64_MAX), seq: bigBelow(rand, UINT64_MAX) };
}

function check(stream: Stream, model: readonly ModelEntry[], rand: Rand, what: string): void {
  assert.equal(stream.length, model.length, `${what}: length`);
  const all = model.map((e) => [e.id, e.pairs] as const);
  assert.deepEqual(render(stream.range(ZERO_ID, MAX_ID)), render(all), `${what}: forward`);
  assert.deepEqual(
    render(stream.range(ZERO_ID, MAX_ID, true)),
    render([...all].reverse()),
    `${what}: reverse`,
  );
  for (let k = 0; k < 5; k++) {
    let start = randomBound(rand, model);
    let end = randomBound(rand, model);
    if (compareIds(start, end) > 0) [start, end] = [end, start];
    const want = inRange(model, start, end).map((e) => [e.id, e.pairs] as const);
    const label = `${what}: ${idText(start)}..${idText(end)}`;
    assert.deepEqual(render(stream.range(start, end)), render(want), label);
    assert.deepEqual(render(stream.range(start, end, true)), render([...want].reverse()), `${label} rev`);
  }
  for (let k = 0; k < 5 && model.length > 0; k++) {
    const e = model[int(rand, model.length)] as ModelEntry;
    const found = stream.find(e.id);
    assert.ok(found !== undefined, `${what}: find ${idText(e.id)}`);
    const [node, i] = found;
    assert.deepEqual(node.pairsAt(i).map(shown), e.pairs.map(shown), `${what}: pairs of ${idText(e.id)}`);
    assert.equal(compareIds(node.idAt(i), e.id), 0);
  }
  let live = 0;
  for (const node of stream.nodes) {
    live += node.live;
    assert.equal(node.count, node.live + node.deleted);
    for (let i = 1; i < node.count; i++) assert.ok(compareIds(node.idAt(i - 1), node.idAt(i)) < 0);
    assert.equal(compareIds(node.idAt(0), node.master), 0, `${what}: a node starts at its master ID`);
  }
  assert.equal(live, model.length, `${what}: live entries of the nodes`);
}

function runSequence(seed: number, limits: StreamNodeLimits, steps: number): void {
  const rand = seeded(seed);
  const stream = new Stream();
  let model: ModelEntry[] = [];
  let last: StreamID = rand() < 0.5 ? ZERO_ID : { ms: UINT64_MAX - 5000n, seq: 0n };
  let lastPairs: string[] | undefined;
  for (let step = 0; step < steps; step++) {
    const what = `seed ${seed} step ${step}`;
    const op = rand();
    if (op < 0.7) {
      const id = stream.length === 0 && last === ZERO_ID ? { ms: 0n, seq: 1n } : nextId(rand, last);
      if (id === undefined) continue;
      const pairs = randomPairs(rand, lastPairs);
      assert.ok(stream.append(id, pairs, limits));
      model.push({ id, pairs });
      last = id;
      lastPairs = pairs;
    } else if (op < 0.85) {
      const victim =
        model.length > 0 && rand() < 0.8 ? (model[int(rand, model.length)] as ModelEntry) : undefined;
      const id = victim?.id ?? randomBound(rand, model);
      const existed = model.some((e) => compareIds(e.id, id) === 0);
      assert.equal(stream.delete(id), existed, `${what}: delete ${idText(id)}`);
      model = model.filter((e) => compareIds(e.id, id) !== 0);
      stream.refreshFirstId();
    } else if (op < 0.93) {
      const approx = rand() < 0.5;
      const limit = approx && rand() < 0.3 ? 1 + int(rand, 300) : 0;
      const before = model.length;
      let removed: number;
      if (rand() < 0.5) {
        const maxlen = int(rand, Math.max(1, before + 5));
        removed = stream.trim({ kind: 'maxlen', maxlen }, approx, limit);
        if (!approx) assert.equal(stream.length, Math.min(before, maxlen), `${what}: exact MAXLEN`);
      } else {
        const minid = randomBound(rand, model);
        removed = stream.trim({ kind: 'minid', minid }, approx, limit);
        if (!approx)
          assert.ok(
            model.slice(removed).every((e) => compareIds(e.id, minid) >= 0) &&
              model.slice(0, removed).every((e) => compareIds(e.id, minid) < 0),
            `${what}: exact MINID`,
          );
      }
      // Both trims take entries from the head only.
      model = model.slice(removed);
    } else {
      // A snapshot clone keeps its entries while the original changes.
      const copy = stream.clone();
      const frozen = [...model];
      const id = nextId(rand, last);
      if (id !== undefined) {
        const pairs = randomPairs(rand, lastPairs);
        assert.ok(stream.append(id, pairs, limits));
        model.push({ id, pairs });
        last = id;
        lastPairs = pairs;
      }
      const first = model[0];
      if (first !== undefined && model.length > 1) {
        assert.ok(stream.delete(first.id));
        model = model.slice(1);
        stream.refreshFirstId();
      }
      check(copy, frozen, rand, `${what} (clone)`);
    }
    if (step % 25 === 0 || step === steps - 1) check(stream, model, rand, what);
  }
}

test('packed stream nodes hold what was appended: seeded appends, deletes, trims and ranges against a model', () => {
  for (let seed = 1; seed <= 12; seed++) runSequence(seed, { maxBytes: 4096, maxEntries: 100 }, 400);
});

test('packed stream nodes with small node limits (many nodes, same-fields entries across boundaries)', () => {
  for (let seed = 100; seed <= 110; seed++) runSequence(seed, { maxBytes: 300, maxEntries: 5 }, 300);
});

test('packed stream nodes past 64 KB (32-bit entry offsets) and without entry limits', () => {
  for (let seed = 200; seed <= 203; seed++) runSequence(seed, { maxBytes: 0, maxEntries: 0 }, 400);
  // A node well past 64 KB of packed bytes: its later entries sit beyond any 16-bit offset.
  const stream = new Stream();
  const limits = { maxBytes: 0, maxEntries: 0 };
  const big = 'v'.repeat(1000);
  for (let i = 1; i <= 200; i++)
    assert.ok(stream.append({ ms: BigInt(i), seq: 0n }, ['f', `${i}${big}`], limits));
  assert.equal(stream.nodes.length, 1);
  const found = stream.find({ ms: 150n, seq: 0n });
  assert.ok(found !== undefined);
  assert.deepEqual(found[0].pairsAt(found[1]), ['f', `150${big}`]);
  assert.deepEqual(render(stream.range({ ms: 199n, seq: 0n }, MAX_ID)).length, 2);
});

test('IDs at the ends of the unsigned 64-bit range round-trip through a node', () => {
  const stream = new Stream();
  const limits = { maxBytes: 4096, maxEntries: 100 };
  const ids: StreamID[] = [
    { ms: 0n, seq: 1n },
    { ms: 0n, seq: UINT64_MAX },
    { ms: 2n ** 53n - 1n, seq: 0n },
    { ms: 2n ** 53n, seq: 2n ** 53n + 1n },
    { ms: 2n ** 63n, seq: 5n },
    { ms: UINT64_MAX - 1n, seq: UINT64_MAX },
    { ms: UINT64_MAX, seq: 0n },
    { ms: UINT64_MAX, seq: UINT64_MAX },
  ];
  for (const id of ids) assert.ok(stream.append(id, ['k', idText(id)], limits));
  assert.equal(stream.nodes.length, 1);
  assert.deepEqual(
    render(stream.range(ZERO_ID, MAX_ID)),
    render(ids.map((id) => [id, ['k', idText(id)]] as const)),
  );
  for (const id of ids) assert.ok(stream.find(id) !== undefined, idText(id));
  assert.equal(stream.find({ ms: 2n ** 53n, seq: 2n ** 53n }), undefined);
  assert.deepEqual(
    render(stream.range({ ms: 2n ** 53n, seq: 0n }, { ms: UINT64_MAX, seq: 0n }, true)).map(
      (l) => l.split(' ')[0],
    ),
    [
      '18446744073709551615-0',
      '18446744073709551614-18446744073709551615',
      '9223372036854775808-5',
      '9007199254740992-9007199254740993',
    ],
  );
});
