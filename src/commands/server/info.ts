/**
 * INFO [section [section ...]] — Redis 7.0.15's sections and field names, in its order. Values come
 * from the live state where redmesh has it; fields of features redmesh lacks (modules, cluster, AOF
 * rewrite, io-threads) show what an idle Redis without them shows. Replication fields come from the
 * replication port when the server has one.
 */
import { cpuUsage, memoryUsage } from 'node:process';
import { totalmem, type } from 'node:os';
import { bytesToHuman, REDIS_COMPAT_VERSION } from '../../config/index.js';
import { verbatim } from '../../resp/index.js';
import { BASELINE_BYTES, datasetBytes, type Keyspace } from '../../store/index.js';
import type { CommandContext, CommandSpec, LoadingStatus, ServerPorts } from '../types.js';
import { lastSaveTime } from './persistence.js';
import { defineCommand } from '../define.js';

type Fields = readonly (readonly [string, string | number])[];

const DEFAULT_SECTIONS = [
  'server',
  'clients',
  'memory',
  'persistence',
  'stats',
  'replication',
  'cpu',
  'modules',
  'errorstats',
  'cluster',
  'keyspace',
];
const ALL_SECTIONS = [
  'server',
  'clients',
  'memory',
  'persistence',
  'stats',
  'replication',
  'cpu',
  'modules',
  'commandstats',
  'errorstats',
  'latencystats',
  'cluster',
  'keyspace',
];

const startedReplId = Array.from({ length: 40 }, () => Math.floor(Math.random() * 16).toString(16)).join('');

function replicationFields(server: ServerPorts): Fields {
  if (server.replication !== undefined) return server.replication.infoFields();
  const size = server.config.getNumber('repl-backlog-size');
  return [
    ['role', 'master'],
    ['connected_slaves', 0],
    ['master_failover_state', 'no-failover'],
    ['master_replid', startedReplId],
    ['master_replid2', '0000000000000000000000000000000000000000'],
    ['master_repl_offset', 0],
    ['second_repl_offset', -1],
    ['repl_backlog_active', 0],
    ['repl_backlog_size', size],
    ['repl_backlog_first_byte_offset', 0],
    ['repl_backlog_histlen', 0],
  ];
}

function serverFields(ctx: CommandContext, nowMs: number): Fields {
  const h = ctx.server;
  const uptime = Math.floor((nowMs - h.startedAtMs) / 1000);
  const rc = h.config;
  return [
    ['redis_version', REDIS_COMPAT_VERSION],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', 'redmesh'],
    ['redis_mode', 'standalone'],
    ['os', `${type()} ${process.version} ${process.arch}`],
    ['arch_bits', 64],
    ['monotonic_clock', 'POSIX clock_gettime'],
    ['multiplexing_api', 'epoll'],
    ['atomicvar_api', 'c11-builtin'],
    ['gcc_version', '0.0.0'],
    ['process_id', process.pid],
    ['process_supervised', h.supervised],
    ['run_id', h.runId],
    ['tcp_port', h.boundPorts[0] ?? h.config.port],
    ['server_time_usec', nowMs * 1000],
    ['uptime_in_seconds', uptime],
    ['uptime_in_days', Math.floor(uptime / 86400)],
    ['hz', rc.effectiveHz()],
    ['configured_hz', rc.getNumber('hz')],
    ['lru_clock', Math.floor(nowMs / 1000) & 0xffffff],
    ['executable', process.argv[1] ?? ''],
    ['config_file', rc.configFile ?? ''],
    ['io_threads_active', 0],
  ];
}

function clientsFields(ctx: CommandContext): Fields {
  const h = ctx.server;
  return [
    ['connected_clients', h.clients.list().length],
    ['cluster_connections', 0],
    ['maxclients', h.config.maxclients],
    ['client_recent_max_input_buffer', h.stats.clientRecentMaxInputBuffer],
    ['client_recent_max_output_buffer', h.stats.clientRecentMaxOutputBuffer],
    ['blocked_clients', h.clients.blockedCount()],
    ['tracking_clients', h.tracking.clientCount()],
    ['clients_in_timeout_table', 0],
  ];
}

function memoryFields(ctx: CommandContext): Fields {
  const mu = memoryUsage();
  // The data as Redis's allocator would hold it (store/memory.ts), not V8's heap: the heap holds
  // garbage until it is collected, so it would move with churn rather than with the data.
  const dataset = datasetBytes(ctx.keyspace);
  const used = BASELINE_BYTES + dataset;
  const rc = ctx.server.config;
  const maxmemory = rc.getNumber('maxmemory');
  const peak = Math.max(used, peakUsed);
  peakUsed = peak;
  const overhead = Math.max(0, used - dataset);
  const pct = (a: number, b: number): string => `${b === 0 ? '0.00' : ((a / b) * 100).toFixed(2)}%`;
  // One Lua VM serves EVAL and FUNCTION here (Redis has one each): its memory shows as the eval VM's.
  const scripting = ctx.server.scripting;
  const lua = scripting?.engine.memory() ?? 0;
  const scriptBytes = scripting?.scriptBytes() ?? 0;
  const functionBytes = scripting?.libraryCodes().reduce((n, c) => n + c.length, 0) ?? 0;
  return [
    ['used_memory', used],
    ['used_memory_human', bytesToHuman(used)],
    ['used_memory_rss', mu.rss],
    ['used_memory_rss_human', bytesToHuman(mu.rss)],
    ['used_memory_peak', peak],
    ['used_memory_peak_human', bytesToHuman(peak)],
    ['used_memory_peak_perc', pct(used, peak)],
    ['used_memory_overhead', overhead],
    ['used_memory_startup', BASELINE_BYTES],
    ['used_memory_dataset', dataset],
    ['used_memory_dataset_perc', pct(dataset, used)],
    ['allocator_allocated', mu.heapUsed],
    ['allocator_active', mu.heapTotal],
    ['allocator_resident', mu.rss],
    ['total_system_memory', totalmem()],
    ['total_system_memory_human', bytesToHuman(totalmem())],
    ['used_memory_lua', lua],
    ['used_memory_vm_eval', lua],
    ['used_memory_lua_human', bytesToHuman(lua)],
    ['used_memory_scripts_eval', scriptBytes],
    ['number_of_cached_scripts', scripting?.scriptCount() ?? 0],
    ['number_of_functions', scripting?.functionCount() ?? 0],
    ['number_of_libraries', scripting?.libraries.size ?? 0],
    ['used_memory_vm_functions', 0],
    ['used_memory_vm_total', lua],
    ['used_memory_vm_total_human', bytesToHuman(lua)],
    ['used_memory_functions', functionBytes],
    ['used_memory_scripts', scriptBytes + functionBytes],
    ['used_memory_scripts_human', bytesToHuman(scriptBytes + functionBytes)],
    ['maxmemory', maxmemory],
    ['maxmemory_human', bytesToHuman(maxmemory)],
    ['maxmemory_policy', rc.getString('maxmemory-policy')],
    ['allocator_frag_ratio', (mu.heapTotal / Math.max(1, mu.heapUsed)).toFixed(2)],
    ['allocator_frag_bytes', mu.heapTotal - mu.heapUsed],
    ['allocator_rss_ratio', (mu.rss / Math.max(1, mu.heapTotal)).toFixed(2)],
    ['allocator_rss_bytes', mu.rss - mu.heapTotal],
    ['rss_overhead_ratio', '1.00'],
    ['rss_overhead_bytes', 0],
    ['mem_fragmentation_ratio', (mu.rss / Math.max(1, used)).toFixed(2)],
    ['mem_fragmentation_bytes', mu.rss - used],
    ['mem_not_counted_for_evict', 0],
    ['mem_replication_backlog', 0],
    ['mem_total_replication_buffers', 0],
    ['mem_clients_slaves', 0],
    ['mem_clients_normal', 0],
    ['mem_cluster_links', 0],
    ['mem_aof_buffer', 0],
    ['mem_allocator', `v8-${process.versions.v8}`],
    ['active_defrag_running', 0],
    ['lazyfree_pending_objects', 0],
    ['lazyfreed_objects', 0],
  ];
}

let peakUsed = 0;

function persistenceFields(ctx: CommandContext): Fields {
  const p = ctx.server.persistence;
  const aof = ctx.server.config.getBool('appendonly');
  const times = p?.bgsaveTimes();
  const aofInfo = p?.aofInfo();
  return [
    ['loading', p?.loading === undefined || p.loading.async ? 0 : 1],
    ['async_loading', p?.loading?.async === true ? 1 : 0],
    ['current_cow_peak', 0],
    ['current_cow_size', 0],
    ['current_cow_size_age', 0],
    ['current_fork_perc', '0.00'],
    ['current_save_keys_processed', times?.keysProcessed ?? 0],
    ['current_save_keys_total', times?.keysTotal ?? 0],
    ['rdb_changes_since_last_save', ctx.server.stats.dirty],
    ['rdb_bgsave_in_progress', p?.bgsaveInProgress() === true ? 1 : 0],
    ['rdb_last_save_time', lastSaveTime(ctx.server)],
    ['rdb_last_bgsave_status', p?.lastBgsaveStatus() ?? 'ok'],
    ['rdb_last_bgsave_time_sec', times?.last ?? -1],
    ['rdb_current_bgsave_time_sec', times?.current ?? -1],
    ['rdb_saves', p?.rdbSaves() ?? 0],
    ['rdb_last_cow_size', 0],
    ['rdb_last_load_keys_expired', p?.lastLoadKeys().expired ?? 0],
    ['rdb_last_load_keys_loaded', p?.lastLoadKeys().loaded ?? 0],
    ...(aofInfo !== undefined && aofInfo.always.length > 0
      ? aofInfo.always
      : ([
          ['aof_enabled', aof ? 1 : 0],
          ['aof_rewrite_in_progress', 0],
          ['aof_rewrite_scheduled', 0],
          ['aof_last_rewrite_time_sec', -1],
          ['aof_current_rewrite_time_sec', -1],
          ['aof_last_bgrewrite_status', 'ok'],
          ['aof_rewrites', 0],
          ['aof_rewrites_consecutive_failures', 0],
          ['aof_last_write_status', 'ok'],
          ['aof_last_cow_size', 0],
        ] as const)),
    ['module_fork_in_progress', 0],
    ['module_fork_last_cow_size', 0],
    ...(aofInfo?.enabled ?? []),
    ...loadingFields(p?.loading),
  ];
}

/** Redis 7.0's loading_* fields, shown while a load is in progress (same formulas, eta included). */
function loadingFields(loading: LoadingStatus | undefined): Fields {
  if (loading === undefined) return [];
  let perc = 0;
  let remaining = 1;
  if (loading.totalBytes > 0) {
    perc = (loading.loadedBytes / loading.totalBytes) * 100;
    remaining = loading.totalBytes - loading.loadedBytes;
  }
  const elapsed = Math.floor(Date.now() / 1000) - loading.startTimeSec;
  // A fake 1 second figure without enough information, as Redis does.
  const eta = elapsed === 0 ? 1 : Math.floor((elapsed * remaining) / (loading.loadedBytes + 1));
  return [
    ['loading_start_time', loading.startTimeSec],
    ['loading_total_bytes', loading.totalBytes],
    ['loading_rdb_used_mem', loading.rdbUsedMem],
    ['loading_loaded_bytes', loading.loadedBytes],
    ['loading_loaded_perc', perc.toFixed(2)],
    ['loading_eta_seconds', eta],
  ];
}

function statsFields(ctx: CommandContext): Fields {
  const s = ctx.server.stats;
  const cs = ctx.server.commandStats;
  return [
    ['total_connections_received', s.totalConnectionsReceived],
    ['total_commands_processed', s.totalCommandsProcessed],
    ['instantaneous_ops_per_sec', 0],
    ['total_net_input_bytes', s.totalNetInputBytes],
    ['total_net_output_bytes', s.totalNetOutputBytes],
    ['total_net_repl_input_bytes', 0],
    ['total_net_repl_output_bytes', 0],
    ['instantaneous_input_kbps', '0.00'],
    ['instantaneous_output_kbps', '0.00'],
    ['instantaneous_input_repl_kbps', '0.00'],
    ['instantaneous_output_repl_kbps', '0.00'],
    ['rejected_connections', s.rejectedConnections],
    ['sync_full', s.syncFull],
    ['sync_partial_ok', s.syncPartialOk],
    ['sync_partial_err', s.syncPartialErr],
    ['expired_keys', s.expiredKeys],
    ['expired_stale_perc', '0.00'],
    ['expired_time_cap_reached_count', 0],
    ['expire_cycle_cpu_milliseconds', 0],
    ['evicted_keys', s.evictedKeys],
    ['evicted_clients', s.evictedClients],
    ['total_eviction_exceeded_time', 0],
    ['current_eviction_exceeded_time', 0],
    ['keyspace_hits', ctx.keyspace.lookups.hits],
    ['keyspace_misses', ctx.keyspace.lookups.misses],
    ['pubsub_channels', ctx.server.pubsub.channelCount()],
    ['pubsub_patterns', ctx.server.pubsub.patternCount()],
    ['pubsubshard_channels', 0],
    ['latest_fork_usec', 0],
    ['total_forks', 0],
    ['migrate_cached_sockets', ctx.server.migrate?.size ?? 0],
    ['slave_expires_tracked_keys', 0],
    ['active_defrag_hits', 0],
    ['active_defrag_misses', 0],
    ['active_defrag_key_hits', 0],
    ['active_defrag_key_misses', 0],
    ['total_active_defrag_time', 0],
    ['current_active_defrag_time', 0],
    ['tracking_total_keys', ctx.server.tracking.totalKeys()],
    ['tracking_total_items', ctx.server.tracking.totalItems()],
    ['tracking_total_prefixes', ctx.server.tracking.totalPrefixes()],
    ['unexpected_error_replies', 0],
    ['total_error_replies', cs.totalErrorReplies],
    ['dump_payload_sanitizations', 0],
    ['total_reads_processed', s.totalCommandsProcessed],
    ['total_writes_processed', s.totalCommandsProcessed],
    ['io_threaded_reads_processed', 0],
    ['io_threaded_writes_processed', 0],
    ['reply_buffer_shrinks', 0],
    ['reply_buffer_expands', 0],
  ];
}

function cpuFields(): Fields {
  const u = cpuUsage();
  const sec = (us: number): string => (us / 1e6).toFixed(6);
  return [
    ['used_cpu_sys', sec(u.system)],
    ['used_cpu_user', sec(u.user)],
    ['used_cpu_sys_children', '0.000000'],
    ['used_cpu_user_children', '0.000000'],
    ['used_cpu_sys_main_thread', sec(u.system)],
    ['used_cpu_user_main_thread', sec(u.user)],
  ];
}

function commandstatsFields(ctx: CommandContext): Fields {
  return [...ctx.server.commandStats.byName].map(([name, s]) => [
    `cmdstat_${name}`,
    `calls=${s.calls},usec=${s.usec},usec_per_call=${(s.calls === 0 ? 0 : s.usec / s.calls).toFixed(2)},` +
      `rejected_calls=${s.rejectedCalls},failed_calls=${s.failedCalls}`,
  ]);
}

/** errorstat_<CODE>:count=N, in byte order of the codes (Redis keeps them in a radix tree). */
function errorstatsFields(ctx: CommandContext): Fields {
  return [...ctx.server.commandStats.errors]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([code, n]) => [`errorstat_${code}`, `count=${n}`]);
}

/** printf("%f") with trailing zeros (and a bare point) trimmed: Redis's trimDoubleString. */
function percentileLabel(p: number): string {
  const text = p.toFixed(6);
  return text.replace(/\.?0+$/, '');
}

/** latency_percentiles_usec_<cmd>:p50=…,p99=… per command that ran, while latency-tracking is on. */
function latencystatsFields(ctx: CommandContext): Fields {
  const config = ctx.server.config;
  if (!config.getBool('latency-tracking')) return [];
  const raw = config.format('latency-tracking-info-percentiles');
  const percentiles = raw === '' ? [] : raw.split(' ').map(Number);
  return [...ctx.server.commandStats.latency].map(([name, h]) => [
    `latency_percentiles_usec_${name}`,
    percentiles.map((p) => `p${percentileLabel(p)}=${(h.valueAtPercentile(p) / 1000).toFixed(3)}`).join(','),
  ]);
}

/** db0:keys=1,expires=0,avg_ttl=0 for every non-empty database. */
export function keyspaceFields(keyspace: Keyspace, nowMs: number): Fields {
  const out: [string, string][] = [];
  for (const db of keyspace.databases) {
    if (db.size === 0) continue;
    let ttlSum = 0;
    let ttlCount = 0;
    for (const [, when] of db.expiryEntries()) {
      if (when > nowMs) {
        ttlSum += when - nowMs;
        ttlCount++;
      }
      if (ttlCount >= 1000) break; // Redis's avg_ttl is an estimate from sampled keys too
    }
    const avg = ttlCount === 0 ? 0 : Math.floor(ttlSum / ttlCount);
    out.push([`db${db.index}`, `keys=${db.size},expires=${db.volatileCount},avg_ttl=${avg}`]);
  }
  return out;
}

function sectionFields(name: string, ctx: CommandContext, nowMs: number): Fields | undefined {
  switch (name) {
    case 'server':
      return serverFields(ctx, nowMs);
    case 'clients':
      return clientsFields(ctx);
    case 'memory':
      return memoryFields(ctx);
    case 'persistence':
      return persistenceFields(ctx);
    case 'stats':
      return statsFields(ctx);
    case 'replication':
      return replicationFields(ctx.server);
    case 'cpu':
      return cpuFields();
    case 'modules':
      return [];
    case 'commandstats':
      return commandstatsFields(ctx);
    case 'errorstats':
      return errorstatsFields(ctx);
    case 'latencystats':
      return latencystatsFields(ctx);
    case 'cluster':
      return [['cluster_enabled', 0]];
    case 'keyspace':
      return keyspaceFields(ctx.keyspace, nowMs);
    default:
      return undefined;
  }
}

const TITLES: Readonly<Record<string, string>> = {
  cpu: 'CPU',
  commandstats: 'Commandstats',
  errorstats: 'Errorstats',
  latencystats: 'Latencystats',
};

/** Which sections an INFO call asks for, in Redis's order. */
export function selectSections(args: readonly string[]): string[] {
  const wanted = new Set<string>();
  if (args.length === 0) DEFAULT_SECTIONS.forEach((s) => wanted.add(s));
  for (const a of args.map((x) => x.toLowerCase())) {
    if (a === 'default') DEFAULT_SECTIONS.forEach((s) => wanted.add(s));
    else if (a === 'all' || a === 'everything') ALL_SECTIONS.forEach((s) => wanted.add(s));
    else wanted.add(a);
  }
  return ALL_SECTIONS.filter((s) => wanted.has(s));
}

/** The INFO text for the given sections ("# Server\r\nredis_version:7.0.15\r\n…"). */
export function infoText(ctx: CommandContext, args: readonly string[], nowMs = Date.now()): string {
  const parts: string[] = [];
  for (const name of selectSections(args)) {
    const fields = sectionFields(name, ctx, nowMs);
    if (fields === undefined) continue;
    const title = TITLES[name] ?? name.charAt(0).toUpperCase() + name.slice(1);
    parts.push(`# ${title}\r\n` + fields.map(([k, v]) => `${k}:${v}\r\n`).join(''));
  }
  return parts.join('\r\n');
}

/** INFO [section ...] */
export const infoCommand: CommandSpec = defineCommand({
  name: 'info',
  parse: (args) => args.rest(),
  apply: (ctx, sections) => verbatim(infoText(ctx, sections)),
});
