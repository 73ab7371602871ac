/**
 * Server-wide state that commands can see through ServerHooks: live config, stats counters, the
 * command table, the client registry. It holds no sockets, so unit tests can build one alone.
 */
import { randomBytes } from 'node:crypto';
import type {
  ClientInfo,
  ClientView,
  CommandSpec,
  ServerConfig,
  ServerHooks,
  ServerStats,
  Session,
} from '../commands/index.js';

/** Redis 7.0's defaults for the settings the server acts on. */
export function defaultConfig(): ServerConfig {
  return {
    port: 6379,
    bind: ['*', '-::*'],
    requirepass: '',
    timeout: 0,
    tcpKeepalive: 300,
    maxclients: 10000,
    protectedMode: true,
    protoMaxBulkLen: 512 * 1024 * 1024,
    hz: 10,
    databases: 16,
    clientOutputBufferLimit: {
      normal: { hardBytes: 0, softBytes: 0, softSeconds: 0 },
      replica: { hardBytes: 256 * 1024 * 1024, softBytes: 64 * 1024 * 1024, softSeconds: 60 },
      pubsub: { hardBytes: 32 * 1024 * 1024, softBytes: 8 * 1024 * 1024, softSeconds: 60 },
    },
    extra: new Map(),
  };
}

export function emptyStats(): ServerStats {
  return {
    totalConnectionsReceived: 0,
    totalCommandsProcessed: 0,
    rejectedConnections: 0,
    keyspaceHits: 0,
    keyspaceMisses: 0,
    expiredKeys: 0,
    evictedKeys: 0,
    dirty: 0,
    totalNetInputBytes: 0,
    totalNetOutputBytes: 0,
    clientOutputBufferLimitDisconnections: 0,
  };
}

/** What the server registers per connection so the state can list and find it. */
export interface RegisteredClient extends Session {
  readonly view: ClientView;
  info(now: number): ClientInfo;
  readonly blocked: boolean;
}

/** Pub/sub counts come from the pub/sub registry; the state only asks it. */
export interface PubsubCounts {
  channelCount(): number;
  patternCount(): number;
}

export class ServerState implements ServerHooks {
  readonly stats: ServerStats = emptyStats();
  readonly startedAtMs = Date.now();
  readonly runId = randomBytes(20).toString('hex');
  readonly services = new Map<string, unknown>();
  readonly boundPorts: number[] = [];
  /** Connected clients by id, in connection order (CLIENT LIST order). */
  readonly registry = new Map<number, RegisteredClient>();
  pubsub: PubsubCounts = { channelCount: () => 0, patternCount: () => 0 };

  constructor(
    readonly config: ServerConfig,
    readonly commands: ReadonlyMap<string, CommandSpec>,
  ) {}

  clients(): readonly ClientInfo[] {
    const now = Date.now();
    return [...this.registry.values()].map((c) => c.info(now));
  }

  blockedClients(): number {
    let n = 0;
    for (const c of this.registry.values()) if (c.blocked) n++;
    return n;
  }

  pubsubChannelCount(): number {
    return this.pubsub.channelCount();
  }

  pubsubPatternCount(): number {
    return this.pubsub.patternCount();
  }

  session(client: ClientView): Session | undefined {
    return this.registry.get(client.id);
  }
}

/** The command table by lowercase name. */
export function commandTable(specs: readonly CommandSpec[]): Map<string, CommandSpec> {
  return new Map(specs.map((c) => [c.name.toLowerCase(), c]));
}
