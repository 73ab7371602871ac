/**
 * A JSON description of an RDB file's content (`redmesh rdb describe`-style output, and the form of
 * ../shared/fixtures/redis7-sample.expected.json): per database and key the type byte and name, the
 * value, the expiry and the layout (quicklist node sizes, intset width). Byte strings are JSON strings
 * when valid UTF-8, else {"hex": ...}; sets are sorted; zset entries are [member, score] sorted by
 * (score, member) with the score as Python's repr prints it, without a trailing ".0".
 */
import { readRdb } from './reader.js';
import { TYPE_NAMES, type RdbStream, type RdbValue } from './values.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A latin1 byte string as JSON: text when it is valid UTF-8, else {"hex": ...}. */
export function bytesJson(s: string): Json {
  const bytes = Buffer.from(s, 'latin1');
  try {
    return utf8.decode(bytes);
  } catch {
    return { hex: bytes.toString('hex') };
  }
}

function keyText(s: string): string {
  const j = bytesJson(s);
  return typeof j === 'string' ? j : `hex:${Buffer.from(s, 'latin1').toString('hex')}`;
}

/** Python repr of a float, with "X.0" printed as "X" (how the fixture prints scores). */
export function scoreText(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  let body: string;
  if (exp >= -4 && exp < 16) {
    if (exp < 0) body = `0.${'0'.repeat(-exp - 1)}${digits}`;
    else if (digits.length <= exp + 1) body = digits + '0'.repeat(exp + 1 - digits.length);
    else body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  } else {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    body = `${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  return negative ? `-${body}` : body;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function bigJson(v: bigint | undefined): Json {
  return v === undefined ? null : Number(v);
}

function streamJson(s: RdbStream): Json {
  return {
    entries: s.entries.map(([id, fields]) => [id, fields.map(bytesJson)]),
    entries_added: bigJson(s.entriesAdded),
    first_id: s.firstId ?? null,
    groups: s.groups.map((g) => ({
      consumers: g.consumers.map((c) => ({ name: keyText(c.name), pel: [...c.pel], seen_time: c.seenTime })),
      entries_read: bigJson(g.entriesRead),
      last_id: g.lastId,
      name: keyText(g.name),
      pel: g.pel.map(([id, time, count]) => [id, time, count]),
    })),
    last_id: s.lastId,
    length: s.length,
    max_deleted_id: s.maxDeletedId ?? null,
  };
}

function valueJson(v: RdbValue): Json {
  switch (v.kind) {
    case 'string':
      return bytesJson(v.value);
    case 'list':
      return v.items.map(bytesJson);
    case 'set':
      return [...v.members].sort(compareText).map(bytesJson);
    case 'hash': {
      const out: { [key: string]: Json } = {};
      for (const [f, val] of v.fields) out[keyText(f)] = bytesJson(val);
      return out;
    }
    case 'zset':
      return [...v.entries]
        .sort((a, b) => a[1] - b[1] || compareText(a[0], b[0]))
        .map(([m, s]) => [bytesJson(m), scoreText(s)]);
    case 'stream':
      return streamJson(v.stream);
  }
}

function layoutOf(v: RdbValue): Json | undefined {
  if (v.kind === 'list' && v.nodes !== undefined) return [...v.nodes];
  if (v.kind === 'set' && v.intsetWidth !== undefined) return v.intsetWidth;
  return undefined;
}

/** Decodes a whole file into the fixture's JSON shape. */
export function describeRdb(file: Buffer): { [key: string]: Json } {
  const aux: { [key: string]: Json } = {};
  const dbs: { [db: string]: { [key: string]: Json } } = {};
  const summary = readRdb(file, {
    aux: (k, v) => (aux[keyText(k)] = bytesJson(v)),
    key: (e) => {
      const entry: { [key: string]: Json } = {
        type: TYPE_NAMES.get(e.typeByte) ?? String(e.typeByte),
        type_byte: e.typeByte,
        value: valueJson(e.value),
      };
      if (e.expireMs !== undefined) entry.expire_ms = e.expireMs;
      const layout = layoutOf(e.value);
      if (layout !== undefined) entry.layout = layout;
      (dbs[String(e.db)] ??= {})[keyText(e.key)] = entry;
    },
  });
  return { aux, dbs, version: summary.version };
}
