/**
 * What the replication room needs from the server and from persistence. The server implements these
 * (server/replication-host.ts); the room never sees a Client, a config object or a command table.
 */
import type { Socket } from 'node:net';
import type { Keyspace } from '../store/index.js';

/** The replication settings of the live config, read when needed (CONFIG SET applies at once). */
export interface ReplicationSettings {
  readonly masterauth: string;
  readonly masteruser: string;
  /** The port this server listens on (REPLCONF listening-port unless replica-announce-port). */
  readonly port: number;
  readonly replicaAnnounceIp: string;
  readonly replicaAnnouncePort: number;
  readonly replicaPriority: number;
  readonly replicaReadOnly: boolean;
  readonly replicaAnnounced: boolean;
  readonly replicaServeStaleData: boolean;
  readonly replBacklogSize: number;
  /** Seconds; 0 = never free the backlog. */
  readonly replBacklogTtl: number;
  readonly replPingReplicaPeriod: number;
  /** Seconds. */
  readonly replTimeout: number;
  readonly replDisklessSync: boolean;
  readonly replDisklessSyncDelay: number;
  readonly replDisklessSyncMaxReplicas: number;
  readonly replDisableTcpNodelay: boolean;
  /** How a replica loads a payload: from a file it was written to, or from memory (see ReplicaSide). */
  readonly replDisklessLoad: 'disabled' | 'on-empty-db' | 'swapdb';
  readonly minReplicasToWrite: number;
  readonly minReplicasMaxLag: number;
  /** client-output-buffer-limit replica: bytes (0 = none) and seconds. */
  readonly replicaOutputLimit: { readonly hard: number; readonly soft: number; readonly softSeconds: number };
}

/** The master's client on a replica: commands of the replication stream run through it. */
export interface MasterClient {
  /** Runs one command of the stream (no reply, no READONLY/auth checks). */
  run(argv: string[]): void;
  /**
   * Runs `work`, the commands of one read of the stream, as a client's input batch: the clock is
   * read once for all of them (Redis's cached time), not once per command.
   */
  batch(work: () => void): void;
  /** The database the stream is in now (after its SELECTs). */
  readonly dbIndex: number;
  /** Leaves the server's client table (the link is gone). */
  close(): void;
}

/** A connection that became a replica of this server (after SYNC/PSYNC), as the master sees it. */
export interface ReplicaChannel {
  /** The client id (CLIENT LIST). */
  readonly id: number;
  /** The peer address (INFO slaveN ip= unless REPLCONF ip-address). */
  readonly ip: string;
  /** Queues bytes on the connection. */
  write(bytes: Buffer | string): void;
  /** Bytes written but not yet taken by the kernel: what a replica that stopped reading piles up. */
  readonly pendingBytes: number;
  /** Closes the connection at once (queued bytes dropped). */
  close(): void;
  /** Called once when the connection is gone. */
  onClose(listener: () => void): void;
  /** Called once when the bytes written so far have been taken by the kernel (at once if none wait). */
  onDrain(listener: () => void): void;
}

/** A payload being written for a full sync: the snapshot of one instant, in slices. */
export interface SnapshotWriter {
  cancel(): void;
}

/** A payload written to replicas' sockets: it waits (pause) while a socket is full. */
export interface SnapshotStream extends SnapshotWriter {
  pause(): void;
  resume(): void;
}

/** A full-sync payload decoded: a keyspace built apart from the live one, and its AUX fields. */
export interface DecodedPayload {
  readonly keyspace: Keyspace;
  readonly aux: ReadonlyMap<string, string>;
}

/**
 * A payload decoded as it arrives, into a keyspace of the server's size built apart from the live
 * one (a corrupt or cut payload never touches the dataset): `feed` the bytes in order, `end` once
 * the payload is whole; `step` throws with a reason when the payload is bad.
 */
export interface PayloadLoader {
  feed(bytes: Buffer): void;
  end(): void;
  /**
   * Decodes about `maxBytes` more: the payload once whole, 'more' when nothing can be decoded
   * before more bytes are fed, undefined after a slice (call again).
   */
  step(maxBytes: number): DecodedPayload | 'more' | undefined;
  /** Payload bytes decoded so far. */
  readonly position: number;
  /** The payload's used-mem AUX field once read, else 0. */
  readonly usedMem: number;
}

/** A load in progress as INFO persistence shows it (loading_loaded_bytes, loading_rdb_used_mem). */
export interface LoadingProgress {
  loadedBytes: number;
  rdbUsedMem: number;
}

/** What persistence lends replication: the RDB codec and the fork-less snapshot. */
export interface ReplicationRdb {
  /** A decoder for one full-sync payload. */
  payloadLoader(): PayloadLoader;
  /**
   * Redis startLoading: from now until stopLoading, commands not flagged `loading` get -LOADING and
   * INFO shows loading:1 with the progress the caller keeps in the object returned. An `async` load
   * (7.0 async loading) refuses only commands flagged no-async-loading and shows async_loading:1.
   */
  startLoading(totalBytes: number, async?: boolean): LoadingProgress;
  stopLoading(): void;
  /**
   * Writes the keyspace as it is now as an RDB, in slices on the event loop (copy-on-write keeps the
   * instant), with the given AUX fields; `chunk` gets the bytes in order, `done` the end or an error.
   */
  snapshot(
    keyspace: Keyspace,
    aux: readonly (readonly [string, string])[],
    chunk: (bytes: Buffer) => void,
    done: (error: string | undefined) => void,
  ): SnapshotStream;
  /**
   * The same snapshot written to a file of its own in the server's `dir` (disk-based full sync: the
   * payload never sits whole in memory); `done` gets the file and its size, or an error (the file
   * is then gone). A cancelled writer removes its file and calls nothing.
   */
  snapshotToFile(
    keyspace: Keyspace,
    aux: readonly (readonly [string, string])[],
    done: (result: { readonly path: string; readonly size: number } | { readonly error: string }) => void,
  ): SnapshotWriter;
  /**
   * A file for a payload a replica receives to disk (repl-diskless-load disabled): a fresh temp
   * file in `dir` (Redis's temp-<unixtime>.<pid>.rdb), where it goes once whole (dbfilename), and
   * whether it is removed once loaded (rdb-del-sync-files with persistence off).
   */
  transferFiles(): { readonly temp: string; readonly final: string; readonly removeAfterLoad: boolean };
}

/** What the server lends the replication room. */
export interface ReplicationHost {
  readonly keyspace: Keyspace;
  settings(): ReplicationSettings;
  /** INFO stats counters the master side keeps. */
  readonly syncStats: { syncFull: number; syncPartialOk: number; syncPartialErr: number };
  log(line: string): void;
  /** The RDB codec and snapshot, when persistence is there (full sync needs it). */
  readonly rdb: ReplicationRdb | undefined;
  /** Opens the master's client on the socket of the link (CLIENT LIST shows it with flag M). */
  openMasterClient(socket: Socket): MasterClient;
  /** FAILOVER: holds every write command (CLIENT PAUSE WRITE) until resumeWrites. */
  pauseWrites(): void;
  resumeWrites(): void;
  /** Replicas' ACK offsets changed: clients in WAIT may be served. */
  acksChanged(): void;
  /** A sync replaced the dataset: WATCHed keys are dirty, blocked clients re-check. */
  datasetReplaced(): void;
}
