export { Database, Keyspace } from './database.js';
export type { KeyspaceObserver } from './database.js';
export { typeOf, stringText } from './types.js';
export { ByteString } from './byte-string.js';
export type {
  Value,
  StringValue,
  ListValue,
  HashValue,
  SetValue,
  ZSetValue,
  StreamValue,
  TypeName,
} from './types.js';
export { Quicklist } from './list.js';
export type { ByteSink } from './list.js';
export { SortedSet } from './zset.js';
export {
  Stream,
  StreamNode,
  StreamGroup,
  StreamConsumer,
  SortedMap,
  compareIds,
  idText,
  idKey,
  idFromKey,
  incrId,
  decrId,
  ZERO_ID,
  MAX_ID,
  UINT64_MAX,
  INVALID_ENTRIES_READ,
  STREAM_ITEM_FLAG_DELETED,
  STREAM_ITEM_FLAG_SAMEFIELDS,
} from './stream.js';
export type { StreamID, StreamNack, StreamNodeLimits, TrimStrategy } from './stream.js';
export type { LexBound, LexRange, ScoreRange, ZEntry, ZSetEncoding, ZSetLimits } from './zset.js';
export { newSetValue, addMember, removeMember, randomMember } from './set.js';
export { newHashValue, setField, deleteField, randomField } from './hash.js';
export { globMatch } from '../util/index.js';
export { estimateKeyBytes, databaseBytes, datasetBytes } from './memory.js';
export { ActiveExpirer } from './expire.js';
export { cloneValue } from './clone.js';
export { ScanCursors, MAX_PARKED } from './scan.js';
export { Evictor, BASELINE_BYTES } from './eviction.js';
export type { EvictionPolicy, EvictionSettings } from './eviction.js';
export { KeyspaceSnapshot } from './snapshot.js';
export type { SnapshotEntry } from './snapshot.js';
