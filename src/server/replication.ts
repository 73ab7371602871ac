/**
 * The server's side of replication: builds the replication room's host (settings from the live
 * config, the master's client, replica connections made from clients) and the commands' port over
 * it. Everything replication needs from a Client is here, so the room never sees one.
 */
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import type { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import type { ClientView, ReplicationPort, Scripting } from '../commands/index.js';
import type { RedisConfig } from '../config/index.js';
import {
  Replication,
  type PayloadLoader,
  type ReplicaChannel,
  type ReplicationRdb,
  type ReplicationSettings,
} from '../replication/index.js';
import { Keyspace } from '../store/index.js';
import { RdbSnapshotStream, RdbStreamLoad, type RdbPersistence } from '../persistence/index.js';
import { Client } from './client.js';
import type { ServerCore } from './core.js';

/** Wall-clock budget of one slice of a full-sync snapshot (as BGSAVE's: clients wait at most about this). */
const SNAPSHOT_SLICE_MS = 0.5;

/**
 * Full sync through persistence: a payload is decoded into a keyspace of its own (a replica keeps
 * keys whose TTL passed: its master sends their DEL), and the snapshot streams as an RDB carrying the
 * replication AUX fields.
 */
export function rdbForReplication(
  persistence: RdbPersistence,
  config: RedisConfig,
  scripting: Scripting | undefined,
): ReplicationRdb {
  const payloadLoader = (): PayloadLoader => {
    const keyspace = new Keyspace(config.databases);
    const load = new RdbStreamLoad(keyspace, {
      limits: persistence.limits(),
      nowMs: Date.now(),
      dropExpired: false,
    });
    return {
      feed: (bytes) => load.feed(bytes),
      end: () => load.end(),
      step: (maxBytes) => {
        const result = load.step(maxBytes);
        if (result === undefined || result === 'more') return result;
        // The payload is good, so the dataset is replaced right after this: the libraries go with it.
        scripting?.replaceLibraries(result.functions, (line) => process.stderr.write(`${line}\n`));
        return { keyspace, aux: result.aux };
      },
      get position() {
        return load.position;
      },
      get usedMem() {
        const usedMem = Number(load.aux.get('used-mem'));
        return Number.isSafeInteger(usedMem) ? usedMem : 0;
      },
    };
  };
  const streamOf = (
    keyspace: Keyspace,
    aux: readonly (readonly [string, string])[],
    chunk: (bytes: Buffer) => void,
    done: (error: string | undefined) => void,
  ): RdbSnapshotStream =>
    new RdbSnapshotStream(
      keyspace,
      {
        compression: config.getBool('rdbcompression'),
        checksum: config.getBool('rdbchecksum'),
        limits: persistence.limits(),
        ctime: Math.floor(Date.now() / 1000),
        usedMem: process.memoryUsage().rss,
        extraAux: aux,
        functions: scripting?.libraryCodes(),
        sliceMs: SNAPSHOT_SLICE_MS,
        inputWaiting: persistence.inputWaiting,
      },
      chunk,
      done,
    );
  let files = 0;
  return {
    payloadLoader,
    startLoading: (totalBytes, async) => persistence.startLoading(totalBytes, async),
    stopLoading: () => persistence.stopLoading(),
    snapshot: streamOf,
    snapshotToFile: (keyspace, aux, done) => {
      const path = join(dirname(persistence.filePath()), `temp-repl-${process.pid}-${++files}.rdb`);
      let fd: number;
      try {
        fd = openSync(path, 'w', 0o600);
      } catch (err) {
        setImmediate(() => done({ error: `Failed opening ${path}: ${(err as Error).message}` }));
        return { cancel: () => undefined };
      }
      let size = 0;
      let writeError: string | undefined;
      let open = true;
      const close = (): void => {
        if (!open) return;
        open = false;
        closeSync(fd);
      };
      const stream = streamOf(
        keyspace,
        aux,
        (bytes) => {
          if (writeError !== undefined) return;
          try {
            for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
            size += bytes.length;
          } catch (err) {
            writeError = `Write error saving the payload on disk: ${(err as Error).message}`;
          }
        },
        (error) => {
          close();
          const failure = error ?? writeError;
          if (failure === undefined) {
            done({ path, size });
            return;
          }
          rmSync(path, { force: true });
          done({ error: failure });
        },
      );
      return {
        cancel: () => {
          stream.cancel();
          close();
          rmSync(path, { force: true });
        },
      };
    },
    transferFiles: () => {
      const final = persistence.filePath();
      return {
        temp: join(dirname(final), `temp-${Math.floor(Date.now() / 1000)}.${process.pid}.rdb`),
        final,
        // rdb-del-sync-files with every persistence off (allPersistenceDisabled): nothing keeps it.
        removeAfterLoad:
          config.getBool('rdb-del-sync-files') &&
          !persistence.hasSavePoints() &&
          !config.getBool('appendonly'),
      };
    },
  };
}

/**
 * The replication settings as the live config has them now. Read on every command (READONLY and
 * min-replicas checks), so derived once per config generation and bound port, not per call: twenty
 * config lookups per command halved pipelined throughput.
 */
function settingsOf(config: RedisConfig, boundPort: () => number): ReplicationSettings {
  const port = boundPort();
  const cached = config.cached('replication-settings', () => ({
    port,
    settings: readSettings(config, port),
  }));
  if (cached.port === port) return cached.settings;
  return readSettings(config, port);
}

function readSettings(config: RedisConfig, port: number): ReplicationSettings {
  const limit = config.clientOutputBufferLimit.replica;
  return {
    masterauth: config.getString('masterauth'),
    masteruser: config.getString('masteruser'),
    port,
    replicaAnnounceIp: config.getString('replica-announce-ip'),
    replicaAnnouncePort: config.getNumber('replica-announce-port'),
    replicaPriority: config.getNumber('replica-priority'),
    replicaReadOnly: config.getBool('replica-read-only'),
    replicaAnnounced: config.getBool('replica-announced'),
    replicaServeStaleData: config.getBool('replica-serve-stale-data'),
    replBacklogSize: config.getNumber('repl-backlog-size'),
    replBacklogTtl: config.getNumber('repl-backlog-ttl'),
    replPingReplicaPeriod: config.getNumber('repl-ping-replica-period'),
    replTimeout: config.getNumber('repl-timeout'),
    replDisklessSync: config.getBool('repl-diskless-sync'),
    replDisklessSyncDelay: config.getNumber('repl-diskless-sync-delay'),
    replDisklessSyncMaxReplicas: config.getNumber('repl-diskless-sync-max-replicas'),
    replDisableTcpNodelay: config.getBool('repl-disable-tcp-nodelay'),
    replDisklessLoad: config.getString('repl-diskless-load') as ReplicationSettings['replDisklessLoad'],
    minReplicasToWrite: config.getNumber('min-replicas-to-write'),
    minReplicasMaxLag: config.getNumber('min-replicas-max-lag'),
    replicaOutputLimit: limit,
  };
}

/** A client that sent REPLCONF/SYNC/PSYNC, as the master side sees it. */
function channelOf(c: Client, core: ServerCore): ReplicaChannel {
  const existing = c.replicaChannel;
  if (existing !== undefined) return existing;
  let corked = false;
  const uncork = (): void => {
    corked = false;
    c.socket.uncork();
  };
  const channel: ReplicaChannel = {
    id: c.id,
    ip: c.addr.slice(0, c.addr.lastIndexOf(':')),
    write: (bytes) => {
      if (c.closed) return;
      // Replies queued before (REPLCONF's +OK) go first: the stream must follow them.
      if (c.out.length > 0) core.flush(c);
      // What a loop turn propagates leaves in one write once the turn's input has run, as Redis
      // writes replicas' buffers in beforeSleep: not one system call per command.
      if (!corked) {
        corked = true;
        c.socket.cork();
        setImmediate(uncork);
      }
      c.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
    },
    get pendingBytes() {
      return c.socket.writableLength;
    },
    close: () => {
      c.socket.destroy();
      core.forget(c);
    },
    onClose: (listener) => {
      if (c.socket.destroyed) setImmediate(listener);
      else c.socket.once('close', listener);
    },
    onDrain: (listener) => {
      if (c.socket.writableLength === 0 || c.socket.destroyed) setImmediate(listener);
      // Called once every byte written before has left ('drain' alone is not emitted for a
      // buffer that never passed the high-water mark, nor while the turn's writes are corked).
      else c.socket.write(Buffer.alloc(0), () => listener());
    },
  };
  c.replicaChannel = channel;
  return channel;
}

/**
 * Creates the server's replication, registers it as the propagator of writes, and returns it. The
 * caller starts it once the listeners are bound (REPLCONF listening-port needs the port).
 */
export function attachReplication(
  core: ServerCore,
  log: (line: string) => void,
  rdb: () => ReplicationRdb | undefined,
): Replication {
  const state = core.state;
  const config = state.config;
  const boundPort = (): number => state.boundPorts[0] ?? config.port;
  const replication = new Replication({
    keyspace: core.keyspace,
    settings: () => settingsOf(config, boundPort),
    syncStats: state.stats,
    log,
    get rdb() {
      return rdb();
    },
    openMasterClient: (socket: Socket) => core.openMasterClient(socket),
    acksChanged: () => core.retryAckWaiters(),
    // Redis pauses with LLONG_MAX; a Node timer holds at most 2^31-1 ms (about 24 days).
    pauseWrites: () => state.pauseClients(Date.now() + 2 ** 31 - 1, 'write'),
    resumeWrites: () => state.unpauseClients(),
    datasetReplaced: () => {
      for (const db of core.keyspace.databases) core.watch.touchAll(db.index);
      // Redis emptyData → signalFlushedDb: caching clients drop everything.
      state.tracking.invalidateAll();
      for (const hook of state.afterDatasetReplaced) hook();
    },
  });
  state.addPropagator((db, argv) => replication.feed(db, argv));
  const clientOf = (view: ClientView): Client | undefined => {
    const c = state.registry.get(view.id);
    return c instanceof Client ? c : undefined;
  };
  const port: ReplicationPort = {
    role: () => replication.role(),
    infoFields: () => replication.infoFields(),
    roleReply: () => replication.roleReply(),
    replicaOf: (view, argv) => {
      const c = clientOf(view);
      const reply = replication.replicaOf(
        c?.replicaChannel,
        argv,
        c === undefined
          ? ''
          : `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=${c.info(Date.now()).fd} name=${c.name}`,
      );
      // CONFIG REWRITE writes (or removes) the replicaof line from what REPLICAOF set.
      const master = replication.masterAddress();
      const directive = config.lookup('replicaof');
      if (directive !== undefined && reply.kind !== 'error') {
        config.setFromFile(
          directive,
          master === undefined ? ['no', 'one'] : [master.host, String(master.port)],
          false,
        );
      }
      return reply;
    },
    replconf: (view, argv) => {
      const c = clientOf(view);
      return c === undefined ? undefined : replication.replconf(channelOf(c, core), argv);
    },
    sync: (view, argv) => {
      const c = clientOf(view);
      if (c === undefined) return undefined;
      const reply = replication.sync(channelOf(c, core), argv, false);
      if (reply === undefined) c.isReplica = true;
      return reply;
    },
    get masterReplOffset() {
      return replication.masterReplOffset;
    },
    ackedReplicas: (offset) => replication.ackedAtCurrentOffset(offset),
    requestAcks: () => replication.requestAcks(),
    isReplica: () => replication.isReplica(),
    failover: (argv) => replication.failoverCommand(argv),
    changeReplicationId: () => {
      log('Changing replication IDs after receiving DEBUG change-repl-id');
      replication.offsets.changeReplicationId();
      replication.offsets.clearReplicationId2();
    },
  };
  state.replication = port;
  state.replicationChecks = replication;
  return replication;
}
