/**
 * The server's side of the live config: CONFIG GET/SET/REWRITE for the commands (ConfigAdminPort),
 * and the apply hooks through which a CONFIG SET of `port` or `bind` moves the TCP listeners (Redis
 * changeListenPort / changeBindAddr). Everything else the server reads straight from the one
 * RedisConfig (its typed `settings`), so nothing is copied when a value changes.
 */
import type { ConfigAdminPort } from '../commands/index.js';
import { rewriteConfigFile, type ConfigSetFailure, type RedisConfig } from '../config/index.js';

export class ConfigAdmin implements ConfigAdminPort {
  constructor(
    private readonly config: RedisConfig,
    /** The ACL users as CONFIG REWRITE writes them (`name rules…`). */
    private readonly userLines: () => readonly string[] = () => [],
  ) {}

  getMatching(patterns: readonly string[]): [string, string][] {
    return this.config.getMatching(patterns);
  }

  set(pairs: readonly (readonly [string, string])[]): ConfigSetFailure | undefined {
    return this.config.configSet(pairs);
  }

  rewrite(): string | undefined {
    return rewriteConfigFile(this.config, this.userLines());
  }
}

/** Redis's apply errors for a listener change (CONFIG SET wraps them in "CONFIG SET failed …"). */
const LISTEN_FAILURES: readonly (readonly [string, string])[] = [
  ['port', 'Unable to listen on this port. Check server logs.'],
  ['bind', 'Failed to bind to specified addresses.'],
];

/**
 * Makes CONFIG SET port / bind replace the listeners. `change` is synchronous and returns false when
 * the new listeners could not be opened (the old ones are back); the CONFIG SET then fails and rolls
 * back. Should be called once, after the listeners first started.
 */
export function bindListenerConfig(
  config: RedisConfig,
  change: (bind: readonly string[], port: number) => boolean,
): void {
  for (const [name, failure] of LISTEN_FAILURES) {
    config.onApply(name, (c) => (change(c.bindAddresses(), c.getNumber('port')) ? undefined : failure));
  }
}

/** Settings a caller of startServer may give instead of a config file (tests, embeddings). */
export interface SettingsOverrides {
  readonly port?: number;
  readonly bind?: readonly string[];
  readonly requirepass?: string;
  readonly timeout?: number;
  readonly tcpKeepalive?: number;
  readonly maxclients?: number;
  readonly protectedMode?: boolean;
  readonly protoMaxBulkLen?: number;
  readonly hz?: number;
  readonly databases?: number;
  readonly unixsocket?: string;
  readonly unixsocketperm?: number;
  readonly clientOutputBufferLimit?: Readonly<
    Record<'normal' | 'replica' | 'pubsub', { hard: number; soft: number; softSeconds: number }>
  >;
}

/** The redis.conf lines that say the same as the overrides. */
function overrideLines(o: SettingsOverrides): [string, string[]][] {
  const lines: [string, string[]][] = [];
  const put = (name: string, value: string | number | boolean | undefined): void => {
    if (value === undefined) return;
    lines.push([name, [typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value)]]);
  };
  put('port', o.port);
  if (o.bind !== undefined) lines.push(['bind', o.bind.length === 0 ? [''] : [...o.bind]]);
  put('requirepass', o.requirepass);
  put('timeout', o.timeout);
  put('tcp-keepalive', o.tcpKeepalive);
  put('maxclients', o.maxclients);
  put('protected-mode', o.protectedMode);
  put('proto-max-bulk-len', o.protoMaxBulkLen);
  put('hz', o.hz);
  put('databases', o.databases);
  put('unixsocket', o.unixsocket);
  if (o.unixsocketperm !== undefined) lines.push(['unixsocketperm', [o.unixsocketperm.toString(8)]]);
  const limits = o.clientOutputBufferLimit;
  if (limits !== undefined) {
    const args = (['normal', 'replica', 'pubsub'] as const).flatMap((c) => [
      c,
      String(limits[c].hard),
      String(limits[c].soft),
      String(limits[c].softSeconds),
    ]);
    lines.push(['client-output-buffer-limit', args]);
  }
  return lines;
}

/** Sets the overrides in the config as if a config file said them; throws on a value it refuses. */
export function applyOverrides(config: RedisConfig, overrides: SettingsOverrides): void {
  for (const [name, args] of overrideLines(overrides)) {
    const d = config.lookup(name);
    const problem = d === undefined ? 'unknown directive' : config.setFromFile(d, args, false);
    if (problem !== undefined) throw new Error(`bad ${name} ${args.join(' ')}: ${problem}`);
  }
}
