import { BigMap, BigSet } from './big-map.js';
import type { Value } from './types.js';

/**
 * A deep copy of a value (COPY): the new key must not share a container with the old one.
 * Bare strings are immutable JS strings, so they are shared as they are; a ByteString is copied.
 */
export function cloneValue(value: Value): Value {
  if (typeof value === 'string') return value;
  switch (value.type) {
    case 'string':
      return value.clone();
    case 'list':
      return { ...value, items: value.items.clone() };
    case 'hash':
      // The copy gets no sampler: it would be shared with the original and miss the copy's changes.
      return { ...value, fields: new BigMap(value.fields), sampler: undefined };
    case 'set':
      return { ...value, members: new BigSet(value.members), sampler: undefined };
    case 'zset':
      return { ...value, zset: value.zset.clone() };
    case 'stream':
      return { type: 'stream', stream: value.stream.clone() };
  }
}
