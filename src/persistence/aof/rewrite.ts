/**
 * A key as the commands that rebuild it (aof.c rewriteAppendOnlyFileRio, used for the base file when
 * aof-use-rdb-preamble is no): SET, RPUSH, SADD, ZADD, HSET in batches of 64 items
 * (AOF_REWRITE_ITEMS_PER_CMD), then PEXPIREAT for a volatile key.
 */
import { stringText, type Value } from '../../store/index.js';
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
    }
  }
  if (expireMs !== undefined) s += encodeCommand(['PEXPIREAT', key, String(expireMs)]);
  return s;
}
