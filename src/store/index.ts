export { Database, Keyspace } from './database.js';
export type { KeyspaceObserver } from './database.js';
export { typeOf } from './types.js';
export type { Value, StringValue, ListValue, HashValue, SetValue, ZSetValue, TypeName } from './types.js';
export { Quicklist } from './list.js';
export { SortedSet } from './zset.js';
export { globMatch } from './glob.js';
export { ActiveExpirer } from './expire.js';
