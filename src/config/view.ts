/**
 * The read-only face of the live config. RedisConfig is the one config model; the server and the
 * commands read it through this view. The settings the server checks on every connection or command
 * (`port`, `requirepass`, `protoMaxBulkLen`, …) are typed fields, derived from the directives and
 * recomputed after each change (nothing copies them on change); every other directive is read by name.
 */
import type { OutputBufferLimits, ReplicaOf, SaveParam } from './special.js';

/** The directives the server itself acts on, typed. Names follow redis.conf in camelCase. */
export interface ServerSettings {
  readonly port: number;
  readonly bind: readonly string[];
  readonly requirepass: string;
  /** Seconds of idleness after which a normal client is closed; 0 = never. */
  readonly timeout: number;
  /** Seconds between TCP keepalive probes; 0 = off. */
  readonly tcpKeepalive: number;
  readonly maxclients: number;
  readonly protectedMode: boolean;
  readonly protoMaxBulkLen: number;
  /** Cron frequency as the server uses it (Redis clamps `hz` to 1..500). */
  readonly hz: number;
  readonly databases: number;
  /** `unixsocket`: path of a Unix-domain listening socket; '' = none. Immutable after start. */
  readonly unixsocket: string;
  /** `unixsocketperm`: the socket file's mode (0 = leave it to the umask). */
  readonly unixsocketperm: number;
  /** `client-output-buffer-limit`: hard bytes, soft bytes, soft seconds per class; 0 disables a limit. */
  readonly clientOutputBufferLimit: OutputBufferLimits;
}

/** The live config as everything but CONFIG SET / config loading sees it. */
export interface ConfigView extends ServerSettings {
  /** Changes with every value change: a hot path that keeps a derived value compares this number. */
  readonly generation: number;
  /** Absolute path of the file loaded at startup (INFO config_file, CONFIG REWRITE). */
  readonly configFile: string | undefined;
  getBool(name: string): boolean;
  getNumber(name: string): number;
  getString(name: string): string;
  bindAddresses(): readonly string[];
  saveParams(): readonly SaveParam[];
  outputBufferLimits(): OutputBufferLimits;
  replicaOf(): ReplicaOf | undefined;
  /** hz as the server uses it: Redis clamps to 1..500. */
  effectiveHz(): number;
  /** CONFIG GET's text of a directive. */
  format(name: string): string;
  /** A value computed from the config, recomputed only after a change (see RedisConfig.cached). */
  cached<T>(key: string, compute: (config: ConfigView) => T): T;
}
