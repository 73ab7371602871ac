/**
 * A key as the commands that rebuild it (aof.c rewriteAppendOnlyFileRio, used for the base file when
 * aof-use-rdb-preamble is no): SET, RPUSH, SADD, ZADD, HSET in batches of 64 items
 * (AOF_REWRITE_ITEMS_PER_CMD), then PEXPIREAT for a volatile key.
 */
import {
  idFromKey,
  idText,
  MAX_ID,
  ZERO_ID,
  stringText,
  type Stream,
  type Value,
} from '../../store/index.js';
import { d2string } from '../rdb/write-values.js';
import { encodeCommand } from './reader.js';

const ITEMS_PER_CMD = 64;

function batched(name: string, key: string, items: readonly string[], per: number): string {
  let s = '';
  for (let i = 0; i < items.length; i += ITEMS_PER_CMD * per) {
    s += encodeCommand([name, key, ...items.slice(i, i + ITEMS_PER_CMD * per)]);
  }
  return s;
}

export function keyCommands(key: string, value: Value, expireMs: number | undefined): string {
  let s: string;
  if (typeof value === 'string' || value.type === 'string')
    s = encodeCommand(['SET', key, stringText(value)]);
  else {
    switch (value.type) {
      case 'list':
        s = batched('RPUSH', key, value.items.toArray(), 1);
        break;
      case 'set':
        s = batched('SADD', key, [...value.members], 1);
        break;
      case 'hash':
        s = batched('HSET', key, [...value.fields].flat(), 2);
        break;
      case 'zset':
        s = batched(
          'ZADD',
          key,
          [...value.zset.entries()].flatMap((e) => [d2string(e.score), e.member]),
          2,
        );
        break;
      case 'stream':
        s = streamCommands(key, value.stream);
        break;
    }
  }
  if (expireMs !== undefined) s += encodeCommand(['PEXPIREAT', key, String(expireMs)]);
  return s;
}

/** aof.c rewriteStreamObject: XADDs (or the XADD MAXLEN 0 trick), XSETID, groups, consumers, PELs. */
function streamCommands(key: string, stream: Stream): string {
  let out = '';
  if (stream.length > 0) {
    for (const [id, pairs] of stream.range(ZERO_ID, MAX_ID))
      out += encodeCommand(['XADD', key, idText(id), ...pairs]);
  } else {
    out += encodeCommand(['XADD', key, 'MAXLEN', '0', '0-1', 'x', 'y']);
  }
  out += encodeCommand([
    'XSETID',
    key,
    idText(stream.lastId),
    'ENTRIESADDED',
    String(stream.entriesAdded),
    'MAXDELETEDID',
    idText(stream.maxDeletedId),
  ]);
  for (const [name, g] of stream.groups?.entries() ?? []) {
    out += encodeCommand([
      'XGROUP',
      'CREATE',
      key,
      name,
      idText(g.lastId),
      'ENTRIESREAD',
      String(g.entriesRead),
    ]);
    for (const [cname, c] of g.consumers.entries()) {
      if (c.pel.size === 0) {
        out += encodeCommand(['XGROUP', 'CREATECONSUMER', key, name, cname]);
        continue;
      }
      for (const [k, nack] of c.pel.entries()) {
        out += encodeCommand([
          'XCLAIM',
          key,
          name,
          cname,
          '0',
          idText(idFromKey(k)),
          'TIME',
          String(nack.deliveryTime),
          'RETRYCOUNT',
          String(nack.deliveryCount),
          'JUSTID',
          'FORCE',
        ]);
      }
    }
  }
  return out;
}
