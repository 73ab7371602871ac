/**
 * The server family's shared state, kept in ServerHooks.services so the dispatcher (server/) and these
 * commands see the same objects: the live RedisConfig, the slow log, command statistics, save times.
 * A server started without them (unit tests, an embedding) gets them created on first use.
 */
import { RedisConfig } from '../../config/index.js';
import type { Value } from '../../store/index.js';
import type { ServerConfig, ServerHooks } from '../types.js';
import { SlowLog } from './slowlog-store.js';

export const CONFIG_SERVICE = 'config';
export const SLOWLOG_SERVICE = 'slowlog';
export const COMMANDSTATS_SERVICE = 'commandstats';
export const PERSISTENCE_INFO_SERVICE = 'persistence-info';
export const SHUTDOWN_SERVICE = 'shutdown';
export const LISTENER_SERVICE = 'listeners';

/** Per command (lowercase full name, e.g. "config|get"): Redis's cmdstat_* fields. */
export interface CommandStat {
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
}

export class CommandStats {
  readonly byName = new Map<string, CommandStat>();
  /** Error replies by their first word (INFO errorstats: errorstat_ERR:count=…). */
  readonly errors = new Map<string, number>();
  totalErrorReplies = 0;

  private stat(name: string): CommandStat {
    let s = this.byName.get(name);
    if (s === undefined) {
      s = { calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0 };
      this.byName.set(name, s);
    }
    return s;
  }
  /** A command ran; `failed` when it replied with an error. */
  recordCall(name: string, usec: number, failed: boolean): void {
    const s = this.stat(name);
    s.calls++;
    s.usec += usec;
    if (failed) s.failedCalls++;
  }
  /** A command was refused before running (arity, OOM, NOAUTH…). */
  recordRejected(name: string): void {
    this.stat(name).rejectedCalls++;
  }
  recordError(message: string): void {
    const code = message.split(' ', 1)[0] ?? 'ERR';
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
    this.totalErrorReplies++;
  }
  reset(): void {
    this.byName.clear();
    this.errors.clear();
    this.totalErrorReplies = 0;
  }
}

/** What persistence tells INFO/LASTSAVE; until a persistence room registers one, nothing was saved. */
export interface PersistenceInfo {
  /** Unix seconds of the last successful save (startup time when none). */
  lastSaveTime(): number;
  rdbSaves(): number;
  bgsaveInProgress(): boolean;
  /** Writes an RDB now (SHUTDOWN SAVE, FLUSHALL); returns an error message or undefined. */
  saveNow?(): string | undefined;
  /** SAVE: saveNow, counted in rdb_saves; returns the error reply text or undefined. */
  saveCommand?(): string | undefined;
  /** BGSAVE [SCHEDULE]: the status reply, or the error reply text. */
  bgsave?(schedule: boolean): { readonly status: string } | { readonly error: string };
  /** FLUSHALL, before it empties anything: a background save in progress is dropped (Redis kills the child). */
  abortBackgroundSave?(): void;
  /** stop-writes-on-bgsave-error: true while writes (and PING) must get MISCONF. */
  writesDenied?(): boolean;
  /** INFO's background save timings and progress. */
  bgsaveTimes?(): { last: number; current: number; keysProcessed: number; keysTotal: number };
  /** True when `save` rules exist (FLUSHALL and SHUTDOWN save then). */
  hasSavePoints?(): boolean;
  /** DEBUG RELOAD: save, empty the keyspace, load the file; an error message or undefined. */
  reload?(): string | undefined;
  /** INFO rdb_last_bgsave_status. */
  lastBgsaveStatus?(): 'ok' | 'err';
  /** INFO rdb_last_load_keys_loaded / _expired. */
  lastLoadKeys?(): { loaded: number; expired: number };
  /** DUMP: the value serialized as real Redis would (type, value, RDB version, CRC64). */
  dump?(value: Value): Buffer;
  /** RESTORE: undefined when the payload's version or checksum is wrong. */
  restore?(payload: Buffer): RestoreResult | undefined;
}

/** What a RESTORE payload decodes to. */
export type RestoreResult =
  | { readonly kind: 'value'; readonly value: Value }
  | { readonly kind: 'bad-format'; readonly detail: string }
  | { readonly kind: 'unsupported'; readonly typeName: string };

/**
 * The server's TCP listeners, as CONFIG SET port / bind reach them (Redis changeListenPort /
 * changeBindAddr). `change` is synchronous; false means the new listeners could not be opened and the
 * old ones are back.
 */
export interface ListenerService {
  change(bind: readonly string[], port: number): boolean;
}

/** The server's way to stop (SHUTDOWN): closes listeners and clients, then the process may exit. */
export interface ShutdownService {
  shutdown(): void;
}

function service<T>(hooks: ServerHooks, name: string, guard: (v: unknown) => v is T, make: () => T): T {
  const existing = hooks.services.get(name);
  if (guard(existing)) return existing;
  const created = make();
  hooks.services.set(name, created);
  return created;
}

export function redisConfigOf(hooks: ServerHooks): RedisConfig {
  return service(
    hooks,
    CONFIG_SERVICE,
    (v): v is RedisConfig => v instanceof RedisConfig,
    () => {
      const rc = new RedisConfig();
      seedFromServerConfig(rc, hooks.config);
      bindServerConfig(rc, hooks);
      return rc;
    },
  );
}

export function slowlogOf(hooks: ServerHooks): SlowLog {
  return service(
    hooks,
    SLOWLOG_SERVICE,
    (v): v is SlowLog => v instanceof SlowLog,
    () => new SlowLog(redisConfigOf(hooks)),
  );
}

export function commandStatsOf(hooks: ServerHooks): CommandStats {
  return service(
    hooks,
    COMMANDSTATS_SERVICE,
    (v): v is CommandStats => v instanceof CommandStats,
    () => new CommandStats(),
  );
}

function isPersistenceInfo(v: unknown): v is PersistenceInfo {
  return typeof v === 'object' && v !== null && 'lastSaveTime' in v && 'rdbSaves' in v;
}

export function persistenceInfoOf(hooks: ServerHooks): PersistenceInfo {
  const startedSec = Math.floor(hooks.startedAtMs / 1000);
  return service(hooks, PERSISTENCE_INFO_SERVICE, isPersistenceInfo, () => ({
    lastSaveTime: () => startedSec,
    rdbSaves: () => 0,
    bgsaveInProgress: () => false,
  }));
}

export function shutdownServiceOf(hooks: ServerHooks): ShutdownService | undefined {
  const s = hooks.services.get(SHUTDOWN_SERVICE);
  return typeof s === 'object' && s !== null && 'shutdown' in s && typeof s.shutdown === 'function'
    ? (s as ShutdownService)
    : undefined;
}

/** Copies the server's struct into a fresh RedisConfig (a server started without a config file). */
function seedFromServerConfig(rc: RedisConfig, sc: ServerConfig): void {
  const lines: [string, readonly string[]][] = [
    ['port', [String(sc.port)]],
    ['bind', sc.bind.length === 0 ? [''] : sc.bind],
    ['requirepass', [sc.requirepass]],
    ['timeout', [String(sc.timeout)]],
    ['tcp-keepalive', [String(sc.tcpKeepalive)]],
    ['maxclients', [String(sc.maxclients)]],
    ['protected-mode', [sc.protectedMode ? 'yes' : 'no']],
    ['proto-max-bulk-len', [String(sc.protoMaxBulkLen)]],
    ['hz', [String(sc.hz)]],
    ['databases', [String(sc.databases)]],
  ];
  for (const [name, args] of lines) {
    const d = rc.lookup(name);
    if (d !== undefined) rc.setFromFile(d, args, false);
  }
}

/** The ServerConfig fields copied from the RedisConfig, by directive. */
function fieldCopies(rc: RedisConfig, sc: ServerConfig): [string, () => void][] {
  return [
    ['port', () => (sc.port = rc.getNumber('port'))],
    ['bind', () => (sc.bind = [...rc.bindAddresses()])],
    ['requirepass', () => (sc.requirepass = rc.getString('requirepass'))],
    ['timeout', () => (sc.timeout = rc.getNumber('timeout'))],
    ['tcp-keepalive', () => (sc.tcpKeepalive = rc.getNumber('tcp-keepalive'))],
    ['maxclients', () => (sc.maxclients = rc.getNumber('maxclients'))],
    ['protected-mode', () => (sc.protectedMode = rc.getBool('protected-mode'))],
    ['proto-max-bulk-len', () => (sc.protoMaxBulkLen = rc.getNumber('proto-max-bulk-len'))],
    ['hz', () => (sc.hz = rc.effectiveHz())],
    ['databases', () => (sc.databases = rc.getNumber('databases'))],
    ['unixsocket', () => (sc.unixsocket = rc.getString('unixsocket'))],
    ['unixsocketperm', () => (sc.unixsocketperm = rc.getNumber('unixsocketperm'))],
    [
      'client-output-buffer-limit',
      () => {
        const l = rc.outputBufferLimits();
        for (const cls of ['normal', 'replica', 'pubsub'] as const) {
          sc.clientOutputBufferLimit[cls] = {
            hardBytes: l[cls].hard,
            softBytes: l[cls].soft,
            softSeconds: l[cls].softSeconds,
          };
        }
      },
    ],
  ];
}

/** Copies the live config into a ServerConfig struct once (what startServer is given). */
export function copyServerConfig(rc: RedisConfig, sc: ServerConfig): void {
  for (const [, copy] of fieldCopies(rc, sc)) copy();
  for (const d of rc.directives) sc.extra.set(d.name, rc.format(d.name));
}

function listenerServiceOf(hooks: ServerHooks): ListenerService | undefined {
  const s = hooks.services.get(LISTENER_SERVICE);
  return typeof s === 'object' && s !== null && 'change' in s && typeof s.change === 'function'
    ? (s as ListenerService)
    : undefined;
}

/** Redis's apply errors for a listener change (CONFIG SET wraps them in "CONFIG SET failed …"). */
const LISTEN_FAILURES: readonly (readonly [string, string])[] = [
  ['port', 'Unable to listen on this port. Check server logs.'],
  ['bind', 'Failed to bind to specified addresses.'],
];

/**
 * Keeps the server's ServerConfig struct (which the listener and dispatcher read) equal to the live
 * RedisConfig: copies every field now and again after each CONFIG SET of the directive. A new port or
 * bind list also replaces the TCP listeners, and fails the CONFIG SET when they cannot be opened.
 */
export function bindServerConfig(rc: RedisConfig, hooks: ServerHooks): void {
  const sc = hooks.config;
  copyServerConfig(rc, sc);
  for (const [name, copy] of fieldCopies(rc, sc)) {
    rc.onApply(name, () => {
      copy();
      return undefined;
    });
  }
  for (const [name, failure] of LISTEN_FAILURES) {
    rc.onApply(name, () => {
      const listeners = listenerServiceOf(hooks);
      if (listeners === undefined) return undefined;
      return listeners.change(sc.bind, sc.port) ? undefined : failure;
    });
  }
  for (const d of rc.directives) {
    rc.onApply(d.name, () => {
      sc.extra.set(d.name, rc.format(d.name));
      return undefined;
    });
  }
}
