/**
 * Redis's error strings, defined once so the wire text never drifts (clients match on them).
 * Each is the message without the leading '-'.
 */
export const ERR_WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
export const ERR_SYNTAX = 'ERR syntax error';
export const ERR_NOT_INTEGER = 'ERR value is not an integer or out of range';
export const ERR_NOT_FLOAT = 'ERR value is not a valid float';
export const ERR_OVERFLOW = 'ERR increment or decrement would overflow';
export const ERR_NO_SUCH_KEY = 'ERR no such key';
export const ERR_INDEX_OUT_OF_RANGE = 'ERR index out of range';
export const ERR_NOAUTH = 'NOAUTH Authentication required.';
export const ERR_WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';
export const ERR_READONLY = "READONLY You can't write against a read only replica.";
export const ERR_OOM = "OOM command not allowed when used memory > 'maxmemory'.";
export const ERR_EXECABORT = 'EXECABORT Transaction discarded because of previous errors.';
export const ERR_DB_INDEX = 'ERR DB index is out of range';
export const ERR_INVALID_EXPIRE = (cmd: string): string => `ERR invalid expire time in '${cmd}' command`;
export const ERR_TIMEOUT_NOT_FLOAT = 'ERR timeout is not a float or out of range';
export const ERR_TIMEOUT_NEGATIVE = 'ERR timeout is negative';

export function wrongArity(commandName: string): string {
  return `ERR wrong number of arguments for '${commandName.toLowerCase()}' command`;
}

/**
 * What C's `%.Ns` prints of a binary-safe string: the bytes before the first NUL, at most `max`.
 * Redis formats command names and arguments into error messages that way.
 */
export function cString(s: string, max = Infinity): string {
  const nul = s.indexOf('\0');
  return s.slice(0, Math.min(nul < 0 ? s.length : nul, max));
}

/**
 * Redis 7.0 processCommand: each argument is quoted and cut so the whole list stays near 128 bytes
 * (`'%.*s' ` with 128 - length so far, stopping once 128 is reached); name and arguments are C
 * strings there, so each stops at its first NUL byte.
 */
export function unknownCommand(name: string, args: readonly string[]): string {
  let shown = '';
  for (let i = 0; i < args.length && shown.length < 128; i++) {
    shown += `'${cString(args[i] as string, 128 - shown.length)}' `;
  }
  return `ERR unknown command '${cString(name, 128)}', with args beginning with: ${shown}`;
}

/** `unknown subcommand '%.128s'. Try %s HELP.` — `container` as the client typed it (upper-cased). */
export function unknownSubcommand(sub: string, container: string): string {
  return `ERR unknown subcommand '${cString(sub, 128)}'. Try ${cString(container).toUpperCase()} HELP.`;
}

// Strings and keyspace families (t_string.c, bitops.c, db.c, expire.c).
export const ERR_SAME_OBJECT = 'ERR source and destination objects are the same';
export const ERR_STRING_TOO_LONG = 'ERR string exceeds maximum allowed size (proto-max-bulk-len)';
export const ERR_OFFSET_RANGE = 'ERR offset is out of range';
export const ERR_BIT_OFFSET = 'ERR bit offset is not an integer or out of range';
export const ERR_BIT_VALUE = 'ERR bit is not an integer or out of range';
export const ERR_BIT_ARGUMENT = 'ERR The bit argument must be 1 or 0.';
export const ERR_BITOP_NOT = 'ERR BITOP NOT must be called with a single source key.';
export const ERR_BITFIELD_TYPE =
  'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';
export const ERR_BITFIELD_OVERFLOW = 'ERR Invalid OVERFLOW type specified';
export const ERR_BITFIELD_RO = 'ERR BITFIELD_RO only supports the GET subcommand';
export const ERR_INCR_NAN = 'ERR increment would produce NaN or Infinity';
export const ERR_DECR_OVERFLOW = 'ERR decrement would overflow';
export const ERR_LCS_TYPE = 'ERR The specified keys must contain string values';
export const ERR_LCS_IDX_LEN = 'ERR If you want both the length and indexes, please just use IDX.';
export const ERR_LCS_MEMORY = 'ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len';
export const ERR_EXPIRE_FLAGS_NX = 'ERR NX and XX, GT or LT options at the same time are not compatible';
export const ERR_EXPIRE_FLAGS_GT_LT = 'ERR GT and LT options at the same time are not compatible';
export const ERR_UNSUPPORTED_OPTION = (option: string): string => `ERR Unsupported option ${option}`;
export const ERR_LFU_NOT_SELECTED =
  'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';
export const ERR_SWAPDB_FIRST = 'ERR invalid first DB index';
export const ERR_SWAPDB_SECOND = 'ERR invalid second DB index';

// Sorted sets (t_zset.c).
export const ERR_TIMEOUT_OUT_OF_RANGE = 'ERR timeout is out of range';
export const ERR_ZADD_XX_NX = 'ERR XX and NX options at the same time are not compatible';
export const ERR_ZADD_GT_LT_NX = 'ERR GT, LT, and/or NX options at the same time are not compatible';
export const ERR_ZADD_INCR_PAIR = 'ERR INCR option supports a single increment-element pair';
export const ERR_ZSET_NAN = 'ERR resulting score is not a number (NaN)';
export const ERR_MIN_MAX_NOT_FLOAT = 'ERR min or max is not a float';
export const ERR_MIN_MAX_NOT_STRING_RANGE = 'ERR min or max not valid string range item';
export const ERR_LIMIT_NEEDS_BY =
  'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX';
export const ERR_WITHSCORES_BYLEX = 'ERR syntax error, WITHSCORES not supported in combination with BYLEX';
export const ERR_WEIGHT_NOT_FLOAT = 'ERR weight value is not a float';
export const ERR_LIMIT_NEGATIVE = "ERR LIMIT can't be negative";
export const ERR_NUMKEYS_NOT_POSITIVE = 'ERR numkeys should be greater than 0';
export const ERR_COUNT_NOT_POSITIVE = 'ERR count should be greater than 0';
export const ERR_NOT_POSITIVE = 'ERR value is out of range, must be positive';
export const ERR_OUT_OF_RANGE = 'ERR value is out of range';
export const ERR_RANDMEMBER_RANGE =
  'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807';
export const ERR_INVALID_CURSOR = 'ERR invalid cursor';
export const ERR_AT_LEAST_ONE_KEY = (command: string): string =>
  `ERR at least 1 input key is needed for '${command}' command`;
export const ERR_LFU_SELECTED =
  'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';

// Lists, hashes, sets (t_list.c, t_hash.c, t_set.c).
export const ERR_NUMKEYS_TOO_MANY = "ERR Number of keys can't be greater than number of args";
export const ERR_LPOS_RANK_ZERO =
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";
export const ERR_LPOS_COUNT_NEGATIVE = "ERR COUNT can't be negative";
export const ERR_LPOS_MAXLEN_NEGATIVE = "ERR MAXLEN can't be negative";
export const ERR_HASH_NOT_INTEGER = 'ERR hash value is not an integer';
export const ERR_HASH_NOT_FLOAT = 'ERR hash value is not a float';
export const ERR_NAN_OR_INFINITY = 'ERR value is NaN or Infinity';
export const ERR_INCR_NAN_OR_INFINITY = 'ERR increment would produce NaN or Infinity';

// --- replication (replication.c, server.c shared objects) ---
export const ERR_MASTERDOWN =
  "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
export const ERR_NOREPLICAS = 'NOREPLICAS Not enough good replicas to write.';
export const ERR_NOMASTERLINK = "NOMASTERLINK Can't SYNC while not connected with my master";
export const ERR_SYNC_PENDING_OUTPUT = 'ERR SYNC and PSYNC are invalid with pending output';
export const ERR_REPLICA_CLIENT = 'ERR Command is not valid when client is a replica.';
export const ERR_INVALID_MASTER_PORT = 'ERR Invalid master port';
export const ERR_WAIT_ON_REPLICA =
  'ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.';
export const ERR_REPLICAOF_IN_CLUSTER = 'ERR REPLICAOF not allowed in cluster mode.';
export const unrecognizedReplconf = (option: string): string => `ERR Unrecognized REPLCONF option: ${option}`;
