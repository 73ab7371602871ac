/**
 * Persistence: the RDB codec (rdb/), loading a file into the keyspace, saving the keyspace to a file,
 * DUMP/RESTORE payloads. Pure codec code imports only store, resp, config, util and platform.
 */
export { describeRdb, scoreText } from './rdb/describe.js';
export type { Json } from './rdb/describe.js';
export { readRdb } from './rdb/reader.js';
export type { RdbKey, RdbSummary, RdbVisitor } from './rdb/reader.js';
export { RdbError, RDB_VERSION } from './rdb/constants.js';
export { crc64, crc64LE, Crc64 } from './rdb/crc64.js';
export { lzfCompress, lzfDecompress } from './rdb/lzf.js';
export { buildListpack, listpackEntries } from './rdb/listpack.js';
export { buildIntset, intsetMembers } from './rdb/intset.js';
export { ziplistEntries } from './rdb/ziplist.js';
export type { RdbValue, RdbStream } from './rdb/values.js';
export { readValue } from './rdb/values.js';
export { RdbInput } from './rdb/input.js';
export { serializeRdb, REDIS_VERSION } from './rdb/writer.js';
export type { RdbWriteOptions, AccessRecord } from './rdb/writer.js';
export { DEFAULT_ENCODING_LIMITS, d2string } from './rdb/write-values.js';
export type { EncodingLimits } from './rdb/write-values.js';
export { loadRdb, storeValueOf, RdbStreamLoad } from './load.js';
export type { LoadOptions, LoadResult } from './load.js';
export { dumpPayload, dumpPayloadIsValid, restorePayload } from './dump.js';
export type { RestoreOutcome } from './dump.js';
export { writeFileAtomically } from './files.js';
export { RdbPersistence, RdbLoadError } from './rdb-service.js';
export { AofPersistence } from './aof/aof-service.js';
export type { AofHost } from './aof/aof-service.js';
export { parseManifest, formatManifest } from './aof/manifest.js';
export type { AofManifest, AofFileInfo } from './aof/manifest.js';
export { scanAof, encodeCommand } from './aof/reader.js';
export type { PersistenceHost, PersistenceSettings } from './rdb-service.js';
export { RdbSnapshotStream } from './snapshot-stream.js';
export type { SnapshotStreamOptions } from './snapshot-stream.js';
