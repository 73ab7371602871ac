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
/** processCommand's ACL refusals (Redis 7.0 server.c). */
export const ERR_NOPERM_COMMAND = (fullName: string): string =>
  `NOPERM this user has no permissions to run the '${fullName}' command`;
export const ERR_NOPERM_KEY =
  'NOPERM this user has no permissions to access one of the keys used as arguments';
export const ERR_NOPERM_CHANNEL =
  'NOPERM this user has no permissions to access one of the channels used as arguments';
/** EXEC's re-check of a queued command (multi.c): the rules changed after it was queued. */
export const ERR_NOPERM_EXEC = (reason: 'command' | 'key' | 'channel'): string =>
  'NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. ' +
  'This command is no longer allowed for the following reason: ' +
  (reason === 'command'
    ? 'no permission to execute the command or subcommand'
    : reason === 'key'
      ? 'no permission to touch the specified keys'
      : 'no permission to access one of the channels used as arguments');
export const ERR_READONLY = "READONLY You can't write against a read only replica.";
export const ERR_OOM = "OOM command not allowed when used memory > 'maxmemory'.";
export const ERR_EXECABORT = 'EXECABORT Transaction discarded because of previous errors.';
export const ERR_DB_INDEX = 'ERR DB index is out of range';
export const ERR_INVALID_EXPIRE = (cmd: string): string => `ERR invalid expire time in '${cmd}' command`;
export const ERR_TIMEOUT_NOT_FLOAT = 'ERR timeout is not a float or out of range';
export const ERR_TIMEOUT_NEGATIVE = 'ERR timeout is negative';
export const ERR_MISCONF =
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";
/** Redis shared.loadingerr: a command without the `loading` flag while the dataset loads. */
export const ERR_LOADING = 'LOADING Redis is loading the dataset in memory';
export const ERR_BGSAVE_IN_PROGRESS = 'ERR Background save already in progress';
export const ERR_AOF_REWRITE_IN_PROGRESS = 'ERR Background append only file rewriting already in progress';
/** Redis's shared.err: a bare "ERR", what SAVE / BGSAVE / DEBUG RELOAD reply when the write failed. */
export const ERR_BARE = 'ERR';
export const ERR_BUSYKEY = 'BUSYKEY Target key name already exists.';
export const ERR_DUMP_PAYLOAD = 'ERR DUMP payload version or checksum are wrong';
export const ERR_BAD_DATA_FORMAT = 'ERR Bad data format';
export const ERR_INVALID_TTL = 'ERR Invalid TTL value, must be >= 0';
export const ERR_INVALID_IDLETIME = 'ERR Invalid IDLETIME value, must be >= 0';
export const ERR_INVALID_FREQ = 'ERR Invalid FREQ value, must be >= 0 and <= 255';
export const ERR_RELOAD = 'ERR Error trying to load the RDB dump, check server logs.';
export const ERR_RELOAD_OPTIONS = 'ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.';
/** A server run without the persistence room (embedded, unit tests): no file to save to. */
export const ERR_NO_PERSISTENCE = 'ERR persistence is not available in this server';
/** RESTORE of a type this server cannot hold yet. */
export const restoreUnsupported = (typeName: string): string =>
  `ERR Bad data format: values of type ${typeName} are not supported by this server yet`;

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

/**
 * addReplySubcommandSyntaxError: `unknown subcommand or wrong number of arguments for '%.128s'. Try %s
 * HELP.` — for commands that dispatch on their first argument themselves (DEBUG).
 */
export function ERR_SUBCOMMAND_SYNTAX(sub: string, command: string): string {
  return `ERR unknown subcommand or wrong number of arguments for '${cString(sub, 128)}'. Try ${cString(command).toUpperCase()} HELP.`;
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

// Connection, transactions, pub/sub and dispatch (networking.c, multi.c, server.c).
export const ERR_DENIED_PROTECTED_MODE =
  "DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.";
export const ERR_MAX_CLIENTS = 'ERR max number of clients reached';
/** A request the RESP parser refused (Protocol error: …), as the reply before the connection closes. */
export const ERR_PROTOCOL = (message: string): string => `ERR ${message}`;
export const ERR_NOT_IN_MULTI = 'ERR Command not allowed inside a transaction';
export const ERR_PUBSUB_CONTEXT = (command: string): string =>
  `ERR Can't execute '${command}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`;
/** What a command that threw something other than a CommandError (a bug) replies. */
export const ERR_INTERNAL = 'ERR internal error';
export const ERR_MULTI_NESTED = 'ERR MULTI calls can not be nested';
export const ERR_DISCARD_WITHOUT_MULTI = 'ERR DISCARD without MULTI';
export const ERR_EXEC_WITHOUT_MULTI = 'ERR EXEC without MULTI';
export const ERR_WATCH_IN_MULTI = 'ERR WATCH inside MULTI is not allowed';
export const ERR_UNBLOCKED = 'UNBLOCKED client unblocked via CLIENT UNBLOCK';
export const ERR_NO_SESSION = 'ERR this command needs a client connection';
export const ERR_CLIENT_NAME = 'ERR Client names cannot contain spaces, newlines or special characters.';
export const ERR_AUTH_NOT_CONFIGURED =
  'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?';
export const ERR_HELLO_NOAUTH =
  'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time';
export const ERR_HELLO_PROTOCOL_NOT_INTEGER = 'ERR Protocol version is not an integer or out of range';
export const ERR_NOPROTO = 'NOPROTO unsupported protocol version';
export const ERR_HELLO_SYNTAX = (option: string): string => `ERR Syntax error in HELLO option '${option}'`;
export const ERR_UNKNOWN_CLIENT_TYPE = (type: string): string => `ERR Unknown client type '${type}'`;
export const ERR_INVALID_CLIENT_ID = 'ERR Invalid client ID';
export const ERR_CLIENT_ID_NOT_POSITIVE = 'ERR client-id should be greater than 0';
export const ERR_NO_SUCH_USER = (user: string): string => `ERR No such user '${user}'`;
export const ERR_NO_SUCH_CLIENT = 'ERR No such client';
export const ERR_TIMEOUT_NOT_INTEGER = 'ERR timeout is not an integer or out of range';
export const ERR_PAUSE_MODE = 'ERR CLIENT PAUSE mode must be WRITE or ALL';
export const ERR_UNBLOCK_REASON = 'ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR';

// Server commands (server.c, config.c, debug.c, slowlog.c, object.c).
export const ERR_SHUTDOWN = 'ERR Errors trying to SHUTDOWN. Check logs.';
export const ERR_NO_SHUTDOWN_IN_PROGRESS = 'ERR No shutdown in progress.';
export const ERR_GETKEYS_INVALID_COMMAND = 'ERR Invalid command specified';
export const ERR_GETKEYS_NO_KEYS = 'ERR The command has no key arguments';
export const ERR_GETKEYS_ARITY = 'ERR Invalid number of arguments specified for command';
/** COMMAND GETKEYS of a call whose keys cannot be found (a key count of 0, KEYS after a key…). */
export const ERR_GETKEYS_INVALID_ARGS = 'ERR Invalid arguments specified for command';
export const ERR_DEBUG_NOT_ALLOWED =
  'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.';
export const ERR_MODULE_NOT_ALLOWED =
  'ERR MODULE command not allowed. If the enable-module-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.';
export const ERR_MODULE_LOAD = 'ERR Error loading the extension. Please check the server logs.';
export const ERR_MODULE_UNLOAD = 'ERR Error unloading module: no such module with that name';
export const ERR_CLUSTER_DISABLED = 'ERR This instance has cluster support disabled';
export const ERR_DEBUG_PROTOCOL_TYPE =
  'ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false';
export const ERR_RESP2_UNSUPPORTED = 'ERR RESP2 is not supported by this command';
/** DEBUG LISTPACK / QUICKLIST of a value with another encoding. */
export const ERR_NOT_ENCODED_AS = (encoding: 'listpack' | 'quicklist'): string =>
  `ERR Not a ${encoding} encoded object.`;
export const ERR_CONFIG_SET_UNKNOWN = (argument: string): string =>
  `ERR Unknown option or number of arguments for CONFIG SET - '${argument}'`;
export const ERR_CONFIG_SET_FAILED = (argument: string, message: string): string =>
  `ERR CONFIG SET failed (possibly related to argument '${argument}') - ${message}`;
/** CONFIG REWRITE's failure: the problem as Redis words it after "ERR ". */
export const ERR_CONFIG_REWRITE = (problem: string): string => `ERR ${problem}`;
export const ERR_SLOWLOG_COUNT = 'ERR count should be greater than or equal to -1';
export const ERR_SORT_SCORE = "ERR One or more scores can't be converted into double";

// HyperLogLog (hyperloglog.c).
export const ERR_HLL_INVALID = 'INVALIDOBJ Corrupted HLL object detected';
export const ERR_HLL_WRONGTYPE = 'WRONGTYPE Key is not a valid HyperLogLog string value.';
export const ERR_HLL_NO_KEY = 'ERR The specified key does not exist';
export const ERR_HLL_NOT_SPARSE = 'ERR HLL encoding is not sparse';
export const ERR_HLL_TEST_REGISTER = (i: number, expected: number, got: number): string =>
  `ERR TESTFAILED Register ${i} should be ${expected} but is ${got}`;
export const ERR_HLL_TEST_SPARSE = 'ERR TESTFAILED sparse encoding not used';
export const ERR_HLL_TEST_DISAGREE = 'ERR TESTFAILED dense/sparse disagree';
export const ERR_HLL_TEST_ERROR = (card: number, abserr: number): string =>
  `ERR TESTFAILED Too big error. card:${card} abserr:${abserr}`;
export const ERR_PFDEBUG_UNKNOWN = (sub: string): string =>
  `ERR Unknown PFDEBUG subcommand '${cString(sub)}'`;

// Geo (geo.c).
export const ERR_GEO_INVALID_PAIR = (lon: string, lat: string): string =>
  `ERR invalid longitude,latitude pair ${lon},${lat}`;
export const ERR_GEO_UNIT = 'ERR unsupported unit provided. please use M, KM, FT, MI';
export const ERR_GEO_RADIUS_NOT_NUMBER = 'ERR need numeric radius';
export const ERR_GEO_WIDTH_NOT_NUMBER = 'ERR need numeric width';
export const ERR_GEO_HEIGHT_NOT_NUMBER = 'ERR need numeric height';
export const ERR_GEO_RADIUS_NEGATIVE = 'ERR radius cannot be negative';
export const ERR_GEO_BOX_NEGATIVE = 'ERR height or width cannot be negative';
export const ERR_GEO_MEMBER = 'ERR could not decode requested zset member';
export const ERR_GEO_COUNT = 'ERR COUNT must be > 0';
export const ERR_GEO_ANY_NEEDS_COUNT = 'ERR the ANY argument requires COUNT argument';
export const ERR_GEO_STORE_WITH = (what: string): string =>
  `ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`;
export const ERR_GEO_FROM = (command: string): string =>
  `ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${cString(command)}`;
export const ERR_GEO_BY = (command: string): string =>
  `ERR exactly one of BYRADIUS and BYBOX can be specified for ${cString(command)}`;

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
export const ERR_REPLICAOF_FAILING_OVER = 'ERR REPLICAOF not allowed while failing over.';
export const ERR_NO_REPLICATION = 'ERR this server has no replication';
export const ERR_FAILOVER_NONE = 'ERR No failover in progress.';
export const ERR_FAILOVER_TIMEOUT = 'ERR FAILOVER timeout must be greater than 0';
export const ERR_FAILOVER_RUNNING = 'ERR FAILOVER already in progress.';
export const ERR_FAILOVER_ON_REPLICA = 'ERR FAILOVER is not valid when server is a replica.';
export const ERR_FAILOVER_NO_REPLICAS = 'ERR FAILOVER requires connected replicas.';
export const ERR_FAILOVER_FORCE =
  'ERR FAILOVER with force option requires both a timeout and target HOST and IP.';
export const ERR_FAILOVER_NOT_REPLICA = 'ERR FAILOVER target HOST and PORT is not a replica.';
export const ERR_FAILOVER_NOT_ONLINE = 'ERR FAILOVER target replica is not online.';
export const ERR_PSYNC_FAILOVER_REPLID = 'ERR PSYNC FAILOVER replid must match my replid.';
export const ERR_SYNC_WHILE_FAILING_OVER = "NOMASTERLINK Can't SYNC while failing over";
export const ERR_BGSAVE_FOR_REPLICATION = "ERR BGSAVE failed, replication can't continue";
/** The PING replies a replica accepts from its master while the handshake goes on (auth pending). */
export const PING_REPLY_AUTH_PREFIXES = ['-NOAUTH', '-NOPERM', '-ERR operation not permitted'] as const;
export const unrecognizedReplconf = (option: string): string => `ERR Unrecognized REPLCONF option: ${option}`;

// --- streams (t_stream.c) ---

export const ERR_BUSYGROUP = 'BUSYGROUP Consumer Group name already exists';
export const ERR_STREAM_ELEMENTS_TOO_LARGE = 'ERR Elements are too large to be stored';
export const ERR_XCLAIM_IDLE = 'ERR Invalid IDLE option argument for XCLAIM';
export const ERR_XCLAIM_RETRYCOUNT = 'ERR Invalid RETRYCOUNT option argument for XCLAIM';
export const ERR_XCLAIM_TIME = 'ERR Invalid TIME option argument for XCLAIM';
export const ERR_XAUTOCLAIM_MIN_IDLE = 'ERR Invalid min-idle-time argument for XAUTOCLAIM';
export const ERR_XCLAIM_MIN_IDLE = 'ERR Invalid min-idle-time argument for XCLAIM';
export const ERR_STREAM_INVALID_ID = 'ERR Invalid stream ID specified as stream command argument';
export const ERR_XREADGROUP_MISSING_GROUP = 'ERR Missing GROUP option for XREADGROUP';
export const ERR_XREADGROUP_DOLLAR =
  'ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.';
export const ERR_XREAD_GT_ID =
  'ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.';
export const ERR_XREAD_GROUP_OPTION =
  'ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.';
export const ERR_XADD_ID_NOT_GREATER =
  'ERR The ID specified in XADD is equal or smaller than the target stream top item';
export const ERR_XADD_ID_ZERO = 'ERR The ID specified in XADD must be greater than 0-0';
export const ERR_XSETID_BELOW_GIVEN_MAX_DELETED =
  'ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id';
export const ERR_XSETID_BELOW_TOP =
  'ERR The ID specified in XSETID is smaller than the target stream top item';
export const ERR_STREAM_LIMIT_NEGATIVE = 'ERR The LIMIT argument must be >= 0.';
export const ERR_STREAM_MAXLEN_NEGATIVE = 'ERR The MAXLEN argument must be >= 0.';
export const ERR_XREAD_NOACK_OPTION =
  'ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.';
export const ERR_XGROUP_KEY_REQUIRED =
  'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.';
export const ERR_XSETID_ENTRIES_ADDED_BELOW_LENGTH =
  'ERR The entries_added specified in XSETID is smaller than the target stream length';
export const ERR_STREAM_IDS_EXHAUSTED =
  'ERR The stream has exhausted the last possible ID, unable to add more items';
export const ERR_XSETID_ENTRIES_ADDED_NEGATIVE = 'ERR entries_added must be positive';
export const ERR_STREAM_INVALID_END_ID = 'ERR invalid end ID for the interval';
export const ERR_STREAM_INVALID_START_ID = 'ERR invalid start ID for the interval';
export const ERR_STREAM_LIMIT_WITHOUT_STRATEGY =
  'ERR syntax error, LIMIT cannot be used without specifying a trimming strategy';
export const ERR_STREAM_LIMIT_WITHOUT_APPROX =
  'ERR syntax error, LIMIT cannot be used without the special ~ option';
export const ERR_STREAM_MAXLEN_AND_MINID =
  'ERR syntax error, MAXLEN and MINID options at the same time are not compatible';
export const ERR_XTRIM_NO_STRATEGY = 'ERR syntax error, XTRIM must be called with a trimming strategy';
export const ERR_XGROUP_ENTRIESREAD = 'ERR value for ENTRIESREAD must be positive or -1';
export const ERR_NOGROUP_BLOCKED = 'NOGROUP the consumer group this client was blocked on no longer exists';
export const ERR_UNBLOCKED_STREAM_DELETED = 'UNBLOCKED the stream key no longer exists';
/** The formatted stream errors: their %s arguments are C strings (cut at a NUL byte). */
export const ERR_XREAD_UNBALANCED = (command: string, symbol: string): string =>
  `ERR Unbalanced '${cString(command)}' list of streams: for each stream key an ID or '${symbol}' must be specified.`;
export const ERR_XCLAIM_OPTION = (option: string): string =>
  `ERR Unrecognized XCLAIM option '${cString(option)}'`;
export const ERR_NOGROUP_FOR_KEY = (group: string, key: string): string =>
  `NOGROUP No such consumer group '${cString(group)}' for key name '${cString(key)}'`;
export const ERR_NOGROUP = (key: string, group: string): string =>
  `NOGROUP No such key '${cString(key)}' or consumer group '${cString(group)}'`;
export const ERR_NOGROUP_XREADGROUP = (key: string, group: string): string =>
  `NOGROUP No such key '${cString(key)}' or consumer group '${cString(group)}' in XREADGROUP with GROUP option`;

// Scripting (eval.c, script.c, functions.c).
export const ERR_BUSY_SCRIPT =
  'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.';
export const ERR_NOTBUSY = 'NOTBUSY No scripts in execution right now.';
export const ERR_NOSCRIPT = 'NOSCRIPT No matching script. Please use EVAL.';
export const ERR_NUMKEYS_NEGATIVE = "ERR Number of keys can't be negative";
export const ERR_SCRIPT_RUN = (name: string, msg: string): string =>
  `ERR Error running script ${name}, ${msg}`;
export const ERR_LUA_MISSING_PREFIX = 'ERR scripting needs Lua 5.1';
export const ERR_LUA_MISSING = (detail: string): string => `${ERR_LUA_MISSING_PREFIX}${detail}`;
export const ERR_COMPILE_FUNCTION = (msg: string): string => `ERR Error compiling function: ${msg}`;
export const ERR_REGISTER_FUNCTIONS = (msg: string): string => `ERR Error registering functions: ${msg}`;
export const ERR_NO_FUNCTIONS = 'ERR No functions registered';
export const ERR_LUA_STACK_LIMIT = 'ERR reached lua stack limit';
export const ERR_NO_SCRIPTING = 'ERR scripting is not available in this server';
export const ERR_FCALL_NUMKEYS = 'ERR Bad number of keys provided';
export const ERR_SCRIPT_FLUSH_OPTION = 'ERR SCRIPT FLUSH only support SYNC|ASYNC option';
export const ERR_FUNCTION_FLUSH_OPTION = 'ERR FUNCTION FLUSH only supports SYNC|ASYNC option';
export const ERR_LIBRARYNAME_MISSING = 'ERR library name argument was not given';
export const ERR_UNKNOWN_ARGUMENT = (arg: string): string => `ERR Unknown argument ${arg}`;
export const ERR_UNKNOWN_OPTION_GIVEN = (arg: string): string => `ERR Unknown option given: ${arg}`;
export const ERR_FUNCTION_CODE_MISSING = 'ERR Function code is missing';
export const ERR_LIBRARY_NOT_FOUND = 'ERR Library not found';
export const ERR_RESTORE_POLICY =
  'ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.';
export const ERR_SHEBANG_INVALID = 'ERR Invalid script shebang';
export const ERR_SHEBANG_ENGINE_INVALID = 'ERR Invalid engine in script shebang';
export const ERR_SHEBANG_ENGINE = (engine: string): string =>
  `ERR Unexpected engine in script shebang: ${engine}`;
export const ERR_SHEBANG_OPTION = (option: string): string => `ERR Unknown lua shebang option: ${option}`;
export const ERR_SHEBANG_FLAG = (flag: string): string => `ERR Unexpected flag in script shebang: ${flag}`;
export const ERR_COMPILE_SCRIPT = (msg: string): string =>
  `ERR Error compiling script (new function): ${msg}`;
export const ERR_FUNCTION_NOT_FOUND = 'ERR Function not found';
export const ERR_SCRIPT_OOM =
  "OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'";
export const ERR_SCRIPT_WRITE_RO = 'ERR Can not execute a script with write flag using *_ro command.';
export const ERR_LIBRARY_EXISTS = (name: string): string => `ERR Library '${name}' already exists`;
export const ERR_FUNCTION_EXISTS = (name: string): string => `ERR Function ${name} already exists`;
export const ERR_LIBRARY_METADATA_MISSING = 'ERR Missing library metadata';
export const ERR_LIBRARY_METADATA_INVALID = 'ERR Invalid library metadata';
export const ERR_ENGINE_NOT_FOUND = (engine: string): string => `ERR Engine '${engine}' not found`;
export const ERR_LIBRARY_NAME_TWICE = 'ERR Invalid metadata value, name argument was given multiple times';
export const ERR_METADATA_VALUE = (part: string): string => `ERR Invalid metadata value given: ${part}`;
export const ERR_LIBRARY_NAME_MISSING = 'ERR Library name was not given';
export const ERR_LIBRARY_NAME_INVALID =
  'ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long';
export const ERR_SCRIPT_WRITE_ON_REPLICA = 'ERR Can not run script with write flag on readonly replica';
export const ERR_SCRIPT_MISCONF =
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Writable scripts are blocked. Use 'no-writes' flag for read only scripts.";
export const ERR_LDB_UNSUPPORTED =
  'ERR the Lua debugger (SCRIPT DEBUG YES|SYNC) is not supported by this server';
export const ERR_SCRIPT_DEBUG_MODE = 'ERR Use SCRIPT DEBUG YES/SYNC/NO';

// Client-side caching, MONITOR, LATENCY (networking.c, tracking.c, latency.c).
export const ERR_TRACKING_REDIRECT_SINGLE = 'ERR A client can only redirect to a single other client';
export const ERR_TRACKING_REDIRECT_MISSING = 'ERR The client ID you want redirect to does not exist';
export const ERR_TRACKING_PREFIX_NEEDS_BCAST = 'ERR PREFIX option requires BCAST mode to be enabled';
export const ERR_TRACKING_BCAST_SWITCH =
  "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.";
export const ERR_TRACKING_OPT_BCAST = 'ERR OPTIN and OPTOUT are not compatible with BCAST';
export const ERR_TRACKING_OPTIN_OPTOUT = "ERR You can't use both OPTIN and OPTOUT";
export const ERR_TRACKING_OPT_SWITCH =
  "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.";
export const ERR_TRACKING_PREFIX_EXISTING = (prefix: string, existing: string): string =>
  `ERR Prefix '${prefix}' overlaps with an existing prefix '${existing}'. Prefixes for a single client must not overlap.`;
export const ERR_TRACKING_PREFIX_PROVIDED = (prefix: string, other: string): string =>
  `ERR Prefix '${prefix}' overlaps with another provided prefix '${other}'. Prefixes for a single client must not overlap.`;
export const ERR_CACHING_NOT_TRACKING =
  'ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled';
export const ERR_CACHING_YES = 'ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.';
export const ERR_CACHING_NO = 'ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.';
export const ERR_MONITOR_DENY_BLOCKING = "ERR MONITOR isn't allowed for DENY BLOCKING client";
export const ERR_LATENCY_NO_SAMPLES = (event: string): string =>
  `ERR No samples available for event '${event}'`;

// --- ACL (acl.c aclCommand) ---
/** An ACL rule or file problem, whose text the ACL room words (ACLSetUserStringError and friends). */
export const ERR_ACL = (text: string): string => `ERR ${text}`;
export const ERR_ACL_NO_FILE =
  'ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ' +
  'ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) ' +
  'in order to store users in the Redis configuration.';
export const ERR_ACL_GENPASS_BITS =
  'ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096';
export const ERR_ACL_DEFAULT_UNDELETABLE = "ERR The 'default' user cannot be removed";
export const ERR_ACL_UNKNOWN_CATEGORY = (name: string): string =>
  `ERR Unknown category '${name.slice(0, 128)}'`;
export const ERR_ACL_DRYRUN_NO_USER = (name: string): string => `ERR User '${name}' not found`;
export const ERR_ACL_DRYRUN_NO_COMMAND = (name: string): string => `ERR Command '${name}' not found`;

// MIGRATE (cluster.c migrateCommand).
export const ERR_MIGRATE_KEYS_WITH_KEY =
  'ERR When using MIGRATE KEYS option, the key argument must be set to the empty string';
export const ERR_MIGRATE_CONNECT = 'IOERR error or timeout connecting to the client';
export const ERR_MIGRATE_IO = (writing: boolean): string =>
  `IOERR error or timeout ${writing ? 'writing' : 'reading'} to target instance`;
export const ERR_MIGRATE_TARGET = (targetError: string): string =>
  `ERR Target instance replied with error: ${targetError}`;
