/**
 * Packed stream nodes against a real redis-server 7.0: a seeded random sequence of XADD (1 to 9
 * fields, often the node's master fields, binary and integer-like values, lengths 0 to 3000, IDs
 * up to 2^64 − 1), XDEL, XTRIM exact and `~` with LIMIT, XRANGE/XREVRANGE windows, XINFO STREAM
 * (FULL), DEBUG RELOAD (the nodes through an RDB and back) on both; every reply byte compared.
 * Small node limits make many node boundaries, where the approximate trims and radix-tree-keys
 * depend on each entry's listpack size being modelled exactly.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seeded, withTwin } from '../twin.js';

type Rand = () => number;

function int(rand: Rand, n: number): number {
  return Math.floor(rand() * n);
}

const WORDS = [
  'a',
  'field',
  'name',
  '',
  '0',
  '-1',
  '127',
  '4095',
  '65536',
  '9223372036854775807',
  '-9223372036854775808',
];

function value(rand: Rand): string {
  const k = rand();
  if (k < 0.3) return WORDS[int(rand, WORDS.length)] as string;
  if (k < 0.5) return String(int(rand, 2 ** 40) - 2 ** 39);
  const len = k > 0.97 ? 200 + int(rand, 3000) : int(rand, 70);
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(int(rand, 256));
  return s;
}

function idText(ms: bigint, seq: bigint): string {
  return `${ms}-${seq}`;
}

const MAX = 18446744073709551615n;

/** One seeded sequence of stream commands on key `s` (IDs explicit and increasing). */
function sequence(seed: number, steps: number): string[][] {
  const rand = seeded(seed);
  const out: string[][] = [];
  let ms = rand() < 0.5 ? 1n : MAX - 100_000n;
  let seq = 0n;
  const ids: string[] = [];
  let fields = ['f1', 'f2'];
  for (let step = 0; step < steps; step++) {
    const op = rand();
    if (op < 0.6) {
      const j = rand();
      if (j < 0.5 && seq < MAX - 1000n) seq += 1n + BigInt(int(rand, 3));
      else if (j < 0.55 && ms < MAX - 2n ** 40n) {
        ms += 2n ** BigInt(30 + int(rand, 10)); // jumps past 2^53 from the node's master
        seq = BigInt(int(rand, 5));
      } else if (j < 0.6) seq = seq < MAX - 5n ? MAX - BigInt(int(rand, 5)) : seq;
      else if (ms < MAX) {
        ms += 1n + BigInt(int(rand, 50));
        seq = 0n;
      } else if (seq < MAX) seq += 1n;
      else continue;
      if (rand() < 0.3) {
        const nf = 1 + int(rand, 9);
        fields = [];
        for (let f = 0; f < nf; f++) fields.push(rand() < 0.3 ? value(rand) : `f${f}`);
      }
      const id = idText(ms, seq);
      ids.push(id);
      const args = ['XADD', 's', id];
      for (const f of fields) args.push(f, value(rand));
      out.push(args);
    } else if (op < 0.72 && ids.length > 0) {
      const n = 1 + int(rand, 3);
      const del = ['XDEL', 's'];
      for (let k = 0; k < n; k++) del.push(ids[int(rand, ids.length)] as string);
      out.push(del);
    } else if (op < 0.78) {
      const approx = rand() < 0.6 ? ['~'] : [];
      const limit = approx.length > 0 && rand() < 0.5 ? ['LIMIT', String(1 + int(rand, 40))] : [];
      if (rand() < 0.5 || ids.length === 0)
        out.push(['XTRIM', 's', 'MAXLEN', ...approx, String(int(rand, 120)), ...limit]);
      else out.push(['XTRIM', 's', 'MINID', ...approx, ids[int(rand, ids.length)] as string, ...limit]);
    } else if (op < 0.93) {
      const a = ids.length > 0 ? (ids[int(rand, ids.length)] as string) : '-';
      const b = ids.length > 0 ? (ids[int(rand, ids.length)] as string) : '+';
      const count = rand() < 0.5 ? ['COUNT', String(1 + int(rand, 30))] : [];
      if (rand() < 0.5) out.push(['XRANGE', 's', a < b ? a : '-', rand() < 0.3 ? '+' : b, ...count]);
      else out.push(['XREVRANGE', 's', rand() < 0.3 ? '+' : b, a, ...count]);
    } else if (op < 0.97) {
      out.push(rand() < 0.5 ? ['XINFO', 'STREAM', 's'] : ['XINFO', 'STREAM', 's', 'FULL', 'COUNT', '20']);
    } else {
      out.push(['DEBUG', 'RELOAD'], ['XRANGE', 's', '-', '+', 'COUNT', '50'], ['XINFO', 'STREAM', 's']);
    }
  }
  out.push(['XLEN', 's'], ['XRANGE', 's', '-', '+'], ['XREVRANGE', 's', '+', '-'], ['XINFO', 'STREAM', 's']);
  out.push(['DEBUG', 'RELOAD'], ['XRANGE', 's', '-', '+'], ['XINFO', 'STREAM', 's', 'FULL']);
  return out;
}

test('packed stream nodes reply as Redis does: seeded XADD/XDEL/XTRIM/XRANGE/XINFO/DEBUG RELOAD sequences', async () => {
  await withTwin(
    async (t) => {
      for (const [entries, bytes] of [
        ['100', '4096'],
        ['7', '300'],
        ['0', '2000'],
      ] as const) {
        await t.sameAll([
          ['CONFIG', 'SET', 'stream-node-max-entries', entries],
          ['CONFIG', 'SET', 'stream-node-max-bytes', bytes],
        ]);
        for (let seed = 1; seed <= 6; seed++) {
          await t.same(['DEL', 's']);
          const commands = sequence(seed * 1000 + Number(entries), 250);
          const replies = await t.sameAll(commands, 30_000);
          // The RDB round trips really ran (DEBUG is enabled on both).
          commands.forEach((c, i) => {
            if (c[0] === 'DEBUG') assert.equal(replies[i]?.toString('latin1'), '+OK\r\n');
          });
        }
      }
    },
    ['--enable-debug-command', 'yes'],
  );
});
