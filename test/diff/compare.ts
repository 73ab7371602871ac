/**
 * Comparing two servers' outcomes for one step. Byte-exact unless the step's check says Redis leaves
 * something open (element order, random choice, clock drift); then both sides are normalised the same
 * way before their bytes are compared, so nothing is ever compared more loosely than the check states.
 */
import { encodeReplyNode, parseReply, type ReplyNode } from '../../src/resp/index.js';
import { showBytes } from '../helpers/raw-resp.js';
import type { Check } from './sequence.js';
import { RdbInput, readValue } from '../../src/persistence/index.js';

/** One item a step observed: a reply's bytes, or an event marker such as '<closed>' or '<timeout>'. */
export type Observed = Buffer | string;

function parse(bytes: Buffer): ReplyNode | undefined {
  try {
    return parseReply(bytes)?.node;
  } catch {
    return undefined;
  }
}

function byBytes(a: Buffer, b: Buffer): number {
  return Buffer.compare(a, b);
}

/** Sorts an aggregate's elements (a map's entries as pairs); other replies are returned as they are. */
function sortAggregate(bytes: Buffer, pairsInArrays: boolean): Buffer {
  const node = parse(bytes);
  if (node === undefined || !('items' in node) || node.items === null) return bytes;
  const paired = node.type === '%' || (pairsInArrays && node.type === '*' && node.items.length % 2 === 0);
  if (!paired) {
    const items = [...node.items].map(encodeReplyNode).sort(byBytes);
    return Buffer.concat([Buffer.from(`${node.type}${items.length}\r\n`), ...items]);
  }
  const pairs: Buffer[] = [];
  for (let i = 0; i < node.items.length; i += 2) {
    pairs.push(
      Buffer.concat([
        encodeReplyNode(node.items[i] as ReplyNode),
        encodeReplyNode(node.items[i + 1] as ReplyNode),
      ]),
    );
  }
  pairs.sort(byBytes);
  const header = node.type === '%' ? `%${pairs.length}\r\n` : `*${pairs.length * 2}\r\n`;
  return Buffer.concat([Buffer.from(header), ...pairs]);
}

/** A description of a reply's shape: types, lengths (and distinct-element counts when asked); error texts in full. */
function shapeOf(node: ReplyNode, distinct: boolean): string {
  if ('line' in node) return node.type === '-' ? `-${node.line.toString('latin1')}` : node.type;
  if ('bulk' in node) return node.bulk === null ? `${node.type}nil` : node.type;
  if (node.items === null) return `${node.type}nil`;
  const encoded = node.items.map((n) => encodeReplyNode(n).toString('latin1'));
  const unique = distinct ? `/${new Set(encoded).size}` : '';
  return `${node.type}${node.items.length}${unique}[${node.items.map((n) => shapeOf(n, false)).join(',')}]`;
}

/** HELLO's map with the connection id's value masked (ids differ between servers by design). */
function maskHelloId(bytes: Buffer): Buffer {
  const node = parse(bytes);
  if (node === undefined || !('items' in node) || node.items === null) return bytes;
  const items = [...node.items];
  for (let i = 0; i + 1 < items.length; i += 2) {
    const k = items[i] as ReplyNode;
    if ('bulk' in k && k.bulk?.toString('latin1') === 'id')
      items[i + 1] = { type: ':', line: Buffer.from('0') };
  }
  return encodeReplyNode({ type: node.type, items });
}

/**
 * A DUMP payload of a hash-table set or hash (RDB types 2 and 4): its elements come in the order of
 * Redis's dict, whose hash seed is random per process, so two real Redis servers differ too. Those are
 * compared as their sorted content (the checksum then differs as well and is dropped); every other
 * payload byte for byte.
 */
function normaliseDump(bytes: Buffer): Buffer {
  const node = parse(bytes);
  if (node === undefined || !('bulk' in node) || node.bulk === null) return bytes;
  const payload = node.bulk;
  const type = payload[0];
  if (type !== 2 && type !== 4) return bytes;
  try {
    const value = readValue(new RdbInput(payload, 1, payload.length - 10), type);
    const content =
      value.kind === 'set'
        ? [...value.members].sort()
        : value.kind === 'hash'
          ? value.fields.map(([f, v]) => `${f}\0${v}`).sort()
          : [];
    return Buffer.from(
      `dump type ${type} version ${payload.readUInt16LE(payload.length - 10)}: ${JSON.stringify(content)}`,
      'latin1',
    );
  } catch {
    return bytes;
  }
}

function normalise(check: Check, item: Observed): string {
  if (typeof item === 'string') return item;
  switch (check) {
    case 'dump':
      return normaliseDump(item).toString('latin1');
    case 'unordered':
      return sortAggregate(item, false).toString('latin1');
    case 'pairs':
      return sortAggregate(item, true).toString('latin1');
    case 'shape':
    case 'sample': {
      const node = parse(item);
      return node === undefined ? item.toString('latin1') : shapeOf(node, check === 'sample');
    }
    case 'hello':
      return maskHelloId(item).toString('latin1');
    default:
      return item.toString('latin1');
  }
}

function intOf(item: Observed): number | undefined {
  if (typeof item === 'string') return undefined;
  const node = parse(item);
  return node !== undefined && node.type === ':' ? Number(node.line.toString('latin1')) : undefined;
}

/** True when the two outcomes agree under `check`. */
export function agree(check: Check, a: readonly Observed[], b: readonly Observed[], tolerance = 0): boolean {
  if (a.length !== b.length) return false;
  return a.every((x, i) => {
    const y = b[i] as Observed;
    if (check === 'ttl') {
      const [p, q] = [intOf(x), intOf(y)];
      if (p !== undefined && q !== undefined) return p < 0 || q < 0 ? p === q : Math.abs(p - q) <= tolerance;
    }
    return normalise(check, x) === normalise(check, y);
  });
}

/** Readable form of an outcome for mismatch reports. */
export function show(items: readonly Observed[]): string {
  return items.map((x) => showBytes(typeof x === 'string' ? Buffer.from(x, 'latin1') : x, 600)).join(' ');
}
