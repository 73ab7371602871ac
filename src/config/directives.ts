/**
 * Every directive of Redis 7.0.15's config table, with its default, limits and CONFIG SET flags, so
 * a stock redis.conf loads and CONFIG GET * answers like Redis. Many are accepted and shown but have
 * no effect in redmesh (TLS, cluster, io-threads, …): `unsupportedSettings` in load.ts says which
 * values refuse to start.
 */
import {
  type AnyDirective,
  boolDirective as bool,
  enumDirective as oneOf,
  flagsDirective,
  INT_MAX,
  INT_MIN,
  intDirective as int,
  LLONG_MAX,
  memoryDirective as memory,
  stringDirective as str,
  UINT_MAX,
  ULLONG_MAX,
} from './directive.js';
import {
  bindDirective,
  clientOutputBufferLimitDirective,
  dirDirective,
  latencyPercentilesDirective,
  maxmemoryClientsDirective,
  notifyKeyspaceEventsDirective,
  octalDirective,
  oomScoreAdjValuesDirective,
  replicaofDirective,
  saveDirective,
} from './special.js';

const IMMUTABLE = { immutable: true } as const;
const YES_NO_LOCAL = ['no', 'yes', 'local'] as const;

export const MAXMEMORY_POLICIES = [
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'noeviction',
] as const;
export type MaxmemoryPolicy = (typeof MAXMEMORY_POLICIES)[number];

function baseName(what: string): (v: string) => string | undefined {
  return (v) =>
    v.includes('/')
      ? `${what} can't be a path, just a ${what === 'appenddirname' ? 'dirname' : 'filename'}`
      : undefined;
}

/** Builds a fresh table (directives hold no state, but dir's default is the cwd at build time). */
export function buildDirectives(): readonly AnyDirective[] {
  return [
    // Network
    bindDirective(),
    str('bind-source-addr', ''),
    int('port', 6379, 0, 65535),
    bool('protected-mode', true),
    int('tcp-backlog', 511, 0, INT_MAX, IMMUTABLE),
    str('unixsocket', '', IMMUTABLE),
    octalDirective('unixsocketperm', IMMUTABLE),
    int('timeout', 0, 0, UINT_MAX),
    int('tcp-keepalive', 300, 0, INT_MAX),
    int('socket-mark-id', 0, 0, UINT_MAX, IMMUTABLE),
    // TLS (accepted, not supported: see load.ts)
    int('tls-port', 0, 0, 65535),
    str('tls-cert-file', ''),
    str('tls-key-file', ''),
    str('tls-key-file-pass', ''),
    str('tls-client-cert-file', ''),
    str('tls-client-key-file', ''),
    str('tls-client-key-file-pass', ''),
    str('tls-dh-params-file', ''),
    str('tls-ca-cert-file', ''),
    str('tls-ca-cert-dir', ''),
    oneOf('tls-auth-clients', 'yes', ['no', 'yes', 'optional']),
    bool('tls-replication', false),
    bool('tls-cluster', false),
    str('tls-protocols', ''),
    str('tls-ciphers', ''),
    str('tls-ciphersuites', ''),
    bool('tls-prefer-server-ciphers', false),
    bool('tls-session-caching', true),
    int('tls-session-cache-size', 20480, 0, INT_MAX),
    int('tls-session-cache-timeout', 300, 0, INT_MAX),
    // General
    bool('daemonize', false, IMMUTABLE),
    oneOf('supervised', 'no', ['upstart', 'systemd', 'auto', 'no'], IMMUTABLE),
    str('pidfile', '', IMMUTABLE),
    oneOf('loglevel', 'notice', ['debug', 'verbose', 'notice', 'warning']),
    str('logfile', '', IMMUTABLE),
    bool('syslog-enabled', false, IMMUTABLE),
    str('syslog-ident', 'redis', IMMUTABLE),
    oneOf(
      'syslog-facility',
      'local0',
      ['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'],
      IMMUTABLE,
    ),
    bool('crash-log-enabled', true),
    bool('crash-memcheck-enabled', true),
    int('databases', 16, 1, INT_MAX, IMMUTABLE),
    bool('always-show-logo', false, IMMUTABLE),
    bool('set-proc-title', true, IMMUTABLE),
    str('proc-title-template', '{title} {listen-addr} {server-mode}'),
    str('ignore-warnings', ''),
    oneOf('enable-protected-configs', 'no', YES_NO_LOCAL, IMMUTABLE),
    oneOf('enable-debug-command', 'no', YES_NO_LOCAL, IMMUTABLE),
    oneOf('enable-module-command', 'no', YES_NO_LOCAL, IMMUTABLE),
    // Snapshotting
    saveDirective(),
    bool('stop-writes-on-bgsave-error', true),
    bool('rdbcompression', true),
    bool('rdbchecksum', true, IMMUTABLE),
    oneOf('sanitize-dump-payload', 'no', ['no', 'yes', 'clients']),
    str('dbfilename', 'dump.rdb', { protected: true, validate: baseName('dbfilename') }),
    bool('rdb-del-sync-files', false),
    dirDirective(),
    // Replication
    replicaofDirective(),
    str('masterauth', ''),
    str('masteruser', ''),
    bool('replica-serve-stale-data', true, { aliases: ['slave-serve-stale-data'] }),
    bool('replica-read-only', true, { aliases: ['slave-read-only'] }),
    bool('repl-diskless-sync', true),
    int('repl-diskless-sync-delay', 5, 0, INT_MAX),
    int('repl-diskless-sync-max-replicas', 0, 0, INT_MAX),
    oneOf('repl-diskless-load', 'disabled', ['disabled', 'on-empty-db', 'swapdb']),
    int('repl-ping-replica-period', 10, 1, INT_MAX, { aliases: ['repl-ping-slave-period'] }),
    int('repl-timeout', 60, 1, INT_MAX),
    bool('repl-disable-tcp-nodelay', false),
    memory('repl-backlog-size', 1024 * 1024, 1, LLONG_MAX),
    int('repl-backlog-ttl', 3600, 0, INT_MAX),
    int('replica-priority', 100, 0, INT_MAX, { aliases: ['slave-priority'] }),
    bool('replica-announced', true),
    int('min-replicas-to-write', 0, 0, INT_MAX, { aliases: ['min-slaves-to-write'] }),
    int('min-replicas-max-lag', 10, 0, INT_MAX, { aliases: ['min-slaves-max-lag'] }),
    str('replica-announce-ip', '', { aliases: ['slave-announce-ip'] }),
    int('replica-announce-port', 0, 0, 65535, { aliases: ['slave-announce-port'] }),
    bool('replica-ignore-disk-write-errors', false),
    bool('replica-ignore-maxmemory', true, { aliases: ['slave-ignore-maxmemory'] }),
    bool('replica-lazy-flush', false, { aliases: ['slave-lazy-flush'] }),
    oneOf('propagation-error-behavior', 'ignore', ['ignore', 'panic', 'panic-on-replicas']),
    // Keys tracking
    int('tracking-table-max-keys', 1000000, 0, LLONG_MAX),
    // Security
    int('acllog-max-len', 128, 0, LLONG_MAX),
    str('aclfile', '', IMMUTABLE),
    str('requirepass', ''),
    oneOf('acl-pubsub-default', 'resetchannels', ['allchannels', 'resetchannels']),
    // Clients
    int('maxclients', 10000, 1, UINT_MAX),
    // Memory management
    memory('maxmemory', 0, 0, ULLONG_MAX),
    oneOf('maxmemory-policy', 'noeviction', MAXMEMORY_POLICIES),
    int('maxmemory-samples', 5, 1, INT_MAX),
    int('maxmemory-eviction-tenacity', 10, 0, 100),
    maxmemoryClientsDirective(),
    // Lazy freeing
    bool('lazyfree-lazy-eviction', false),
    bool('lazyfree-lazy-expire', false),
    bool('lazyfree-lazy-server-del', false),
    bool('lazyfree-lazy-user-del', false),
    bool('lazyfree-lazy-user-flush', false),
    // Threads and kernel
    int('io-threads', 1, 1, 128, IMMUTABLE),
    bool('io-threads-do-reads', false, IMMUTABLE),
    oneOf('oom-score-adj', 'no', ['no', 'yes', 'relative', 'absolute']),
    oomScoreAdjValuesDirective(),
    bool('disable-thp', true, IMMUTABLE),
    str('server_cpulist', '', IMMUTABLE),
    str('bio_cpulist', '', IMMUTABLE),
    str('aof_rewrite_cpulist', '', IMMUTABLE),
    str('bgsave_cpulist', '', IMMUTABLE),
    // Append only mode
    bool('appendonly', false),
    str('appendfilename', 'appendonly.aof', { immutable: true, validate: baseName('appendfilename') }),
    str('appenddirname', 'appendonlydir', { immutable: true, validate: baseName('appenddirname') }),
    oneOf('appendfsync', 'everysec', ['everysec', 'always', 'no']),
    bool('no-appendfsync-on-rewrite', false),
    int('auto-aof-rewrite-percentage', 100, 0, INT_MAX),
    memory('auto-aof-rewrite-min-size', 64 * 1024 * 1024, 0, LLONG_MAX),
    bool('aof-load-truncated', true),
    bool('aof-use-rdb-preamble', true),
    bool('aof-timestamp-enabled', false),
    bool('aof-disable-auto-gc', false),
    bool('aof-rewrite-incremental-fsync', true),
    bool('rdb-save-incremental-fsync', true),
    // Shutdown
    int('shutdown-timeout', 10, 0, INT_MAX),
    flagsDirective('shutdown-on-sigint', 'default', ['default', 'save', 'nosave', 'now', 'force']),
    flagsDirective('shutdown-on-sigterm', 'default', ['default', 'save', 'nosave', 'now', 'force']),
    // Long blocking scripts
    int('busy-reply-threshold', 5000, 0, LLONG_MAX, { aliases: ['lua-time-limit'] }),
    // Cluster (accepted, not supported)
    bool('cluster-enabled', false, IMMUTABLE),
    str('cluster-config-file', 'nodes.conf', IMMUTABLE),
    int('cluster-node-timeout', 15000, 0, LLONG_MAX),
    int('cluster-port', 0, 0, 65535, IMMUTABLE),
    int('cluster-replica-validity-factor', 10, 0, INT_MAX, { aliases: ['cluster-slave-validity-factor'] }),
    int('cluster-migration-barrier', 1, 0, INT_MAX),
    bool('cluster-allow-replica-migration', true),
    bool('cluster-require-full-coverage', true),
    bool('cluster-replica-no-failover', false, { aliases: ['cluster-slave-no-failover'] }),
    bool('cluster-allow-reads-when-down', false),
    bool('cluster-allow-pubsubshard-when-down', true),
    memory('cluster-link-sendbuf-limit', 0, 0, LLONG_MAX),
    str('cluster-announce-ip', ''),
    str('cluster-announce-hostname', ''),
    int('cluster-announce-port', 0, 0, 65535),
    int('cluster-announce-bus-port', 0, 0, 65535),
    int('cluster-announce-tls-port', 0, 0, 65535),
    oneOf('cluster-preferred-endpoint-type', 'ip', ['ip', 'hostname', 'unknown-endpoint']),
    // Slow log, latency
    int('slowlog-log-slower-than', 10000, -1, LLONG_MAX),
    int('slowlog-max-len', 128, 0, LLONG_MAX),
    int('latency-monitor-threshold', 0, 0, LLONG_MAX),
    bool('latency-tracking', true),
    latencyPercentilesDirective(),
    // Event notification
    notifyKeyspaceEventsDirective(),
    // Advanced config
    int('hash-max-listpack-entries', 512, 0, LLONG_MAX, { aliases: ['hash-max-ziplist-entries'] }),
    memory('hash-max-listpack-value', 64, 0, LLONG_MAX, { aliases: ['hash-max-ziplist-value'] }),
    int('list-max-listpack-size', -2, INT_MIN, INT_MAX, { aliases: ['list-max-ziplist-size'] }),
    int('list-compress-depth', 0, 0, INT_MAX),
    int('set-max-intset-entries', 512, 0, LLONG_MAX),
    int('zset-max-listpack-entries', 128, 0, LLONG_MAX, { aliases: ['zset-max-ziplist-entries'] }),
    memory('zset-max-listpack-value', 64, 0, LLONG_MAX, { aliases: ['zset-max-ziplist-value'] }),
    memory('hll-sparse-max-bytes', 3000, 0, LLONG_MAX),
    memory('stream-node-max-bytes', 4096, 0, LLONG_MAX),
    int('stream-node-max-entries', 100, 0, LLONG_MAX),
    bool('activerehashing', true),
    clientOutputBufferLimitDirective(),
    memory('client-query-buffer-limit', 1024 * 1024 * 1024, 1024 * 1024, LLONG_MAX),
    memory('proto-max-bulk-len', 512 * 1024 * 1024, 1024 * 1024, LLONG_MAX),
    int('hz', 10, 0, INT_MAX),
    bool('dynamic-hz', true),
    int('lfu-log-factor', 10, 0, INT_MAX),
    int('lfu-decay-time', 1, 0, INT_MAX),
    int('active-expire-effort', 1, 1, 10),
    bool('activedefrag', false),
    memory('active-defrag-ignore-bytes', 100 * 1024 * 1024, 1, LLONG_MAX),
    int('active-defrag-threshold-lower', 10, 0, 1000),
    int('active-defrag-threshold-upper', 100, 0, 1000),
    int('active-defrag-cycle-min', 1, 1, 99),
    int('active-defrag-cycle-max', 25, 1, 99),
    int('active-defrag-max-scan-fields', 1000, 1, LLONG_MAX),
    bool('jemalloc-bg-thread', true),
  ];
}

/** Directives Redis 7.0 still accepts in a file and ignores (deprecated_configs: name, min argc, max argc). */
export const DEPRECATED_DIRECTIVES: readonly (readonly [string, number, number])[] = [
  ['list-max-ziplist-entries', 2, 2],
  ['list-max-ziplist-value', 2, 2],
  ['lua-replicate-commands', 2, 2],
];
