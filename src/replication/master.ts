/**
 * The master side (replication.c: syncCommand, masterTryPartialResynchronization, replconfCommand,
 * replicationFeedSlaves, replicationCron's master part): replicas attach with SYNC/PSYNC, get either
 * the backlog tail (+CONTINUE) or a full payload (+FULLRESYNC, then `$<len>` or `$EOF:<mark>` framing)
 * followed by the command stream; every byte of the stream counts in master_repl_offset.
 *
 * The order of bytes on a replica's connection is the protocol: a replica that gets a full sync gets
 * the stream from the snapshot's instant on, queued in `pending` until its payload has been sent
 * (diskless: until its first ACK, since it finds the end of the payload by the last bytes of a read).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, rmSync, type ReadStream } from 'node:fs';
import { ERR_BGSAVE_FOR_REPLICATION } from '../resp/index.js';
import { GETACK_ARGV, PING_ARGV, RDB_EOF_MARK_SIZE, type ReplicaState } from './constants.js';
import { ReplicationBacklog } from './backlog.js';
import type { ReplicationOffsets } from './offsets.js';
import { encodeCommand, selectCommand } from './stream.js';
import type { ReplicaChannel, ReplicationHost, SnapshotStream, SnapshotWriter } from './types.js';

/** A connection that sent REPLCONF/SYNC/PSYNC: what it told us, and its state once a replica. */
export class ReplicaLink {
  state: ReplicaState | undefined;
  listeningPort = 0;
  announcedIp = '';
  capaEof = false;
  capaPsync2 = false;
  /** REPLCONF rdb-only 1 (redis-cli --rdb): the payload and nothing after it. */
  rdbOnly = false;
  /** Plain SYNC (CLIENT_PRE_PSYNC): no +FULLRESYNC line, never ACKs. */
  preSync = false;
  /** repl_ack_off / repl_ack_time. */
  ackOffset = 0;
  ackTimeMs = Date.now();
  /** Stream bytes held until the payload is sent (or, for EOF framing, until the first ACK). */
  pending: Buffer[] = [];
  pendingBytes = 0;
  /** Diskless payload sent: stream starts on the first REPLCONF ACK (repl_start_cmd_stream_on_ack). */
  startOnAck = false;
  /** The offset the full sync started at (+FULLRESYNC <id> <offset>). */
  syncOffset = 0;
  /** Disk-based sync: the payload file being sent to this replica (sendBulkToSlave). */
  payloadReader: ReadStream | undefined;
  closed = false;

  constructor(readonly channel: ReplicaChannel) {}

  /** Redis replicationGetSlaveName: ip:port as INFO and the log name it. */
  get name(): string {
    return `${this.ip}:${this.listeningPort}`;
  }

  get ip(): string {
    return this.announcedIp !== '' ? this.announcedIp : this.channel.ip;
  }

  /** Whether stream bytes go straight to the connection. */
  get streaming(): boolean {
    return this.state === 'online' && !this.startOnAck;
  }

  hold(bytes: Buffer): void {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
  }

  /** Sends what was held, in order, and streams from now on. */
  release(): void {
    for (const b of this.pending) this.channel.write(b);
    this.pending = [];
    this.pendingBytes = 0;
  }
}

/** One payload being produced, shared by the replicas that wait for it. */
interface FullSync {
  readonly offset: number;
  readonly diskless: boolean;
  /** Disk-based: replicas that arrive while the file is being written share it. */
  readonly links: ReplicaLink[];
  writer: SnapshotWriter | undefined;
  /** Diskless: the snapshot written to the sockets, paused while one of them is full. */
  stream: SnapshotStream | undefined;
  paused: boolean;
  readonly eofMark: string;
}

/** A disk-based payload being sent: removed once no replica reads it any more. */
interface PayloadFile {
  readonly path: string;
  readonly size: number;
  readers: number;
}

/**
 * Bytes a replica's connection may hold before the payload file's reading pauses for it to drain:
 * the file streams at the replica's pace instead of piling up in the master's memory.
 */
const PAYLOAD_SEND_HIGH_WATER = 1 << 20;

export class MasterSide {
  /** Replicas in the order they attached (INFO slaveN order). */
  readonly links: ReplicaLink[] = [];
  backlog: ReplicationBacklog | undefined;
  /** server.slaveseldb: the database of the last command fed; -1 forces a SELECT. */
  selectedDb = -1;
  private fullSync: FullSync | undefined;
  /** When the first replica started waiting for a delayed diskless sync. */
  private waitingSinceMs = 0;
  /** repl_no_slaves_since: for repl-backlog-ttl. */
  private noReplicasSinceMs = Date.now();
  private cronLoops = 0;
  private getackScheduled = false;

  constructor(
    private readonly host: ReplicationHost,
    private readonly offsets: ReplicationOffsets,
    /** Whether this server is a master now (a replica proxies its master's stream instead). */
    private readonly isMaster: () => boolean,
  ) {}

  // --- the stream ---

  /**
   * replicationFeedSlaves: one command of a master's own writes. SELECT goes first when the command's
   * database is not the last one fed. Nothing is produced while there is neither backlog nor replica.
   */
  feedCommand(dbIndex: number, argv: readonly string[]): void {
    if (this.backlog === undefined && this.links.length === 0) return;
    let text = '';
    if (dbIndex !== this.selectedDb) {
      text = selectCommand(dbIndex);
      this.selectedDb = dbIndex;
    }
    text += encodeCommand(argv);
    this.feedBytes(Buffer.from(text, 'latin1'));
  }

  /** Stream bytes as they are (a replica proxying its master's stream): backlog, offset, replicas. */
  feedBytes(bytes: Buffer): void {
    this.offsets.masterReplOffset += bytes.length;
    this.backlog?.append(bytes);
    for (const link of this.links) {
      if (link.streaming) link.channel.write(bytes);
      else if (link.state !== 'wait_bgsave' || this.fullSync?.links.includes(link) === true) {
        // Waiting for its payload (the snapshot has started): the stream after it is held.
        if (!link.rdbOnly) link.hold(bytes);
      }
    }
    this.checkOutputLimits();
  }

  /** createReplicationBacklog: the next stream byte is the backlog's first. */
  createBacklog(): void {
    this.backlog = new ReplicationBacklog(
      this.host.settings().replBacklogSize,
      this.offsets.masterReplOffset + 1,
    );
  }

  /** A replica drops its old backlog on a full sync from its master: a new one at the new offset. */
  resetBacklog(): void {
    this.createBacklog();
  }

  // --- REPLCONF ---

  /** REPLCONF ACK <offset> from an attached replica (no reply). */
  ack(link: ReplicaLink, offset: number): void {
    if (link.state === undefined) return;
    if (offset > link.ackOffset) link.ackOffset = offset;
    link.ackTimeMs = Date.now();
    if (link.startOnAck && link.state === 'online') {
      // replicaStartCommandStream: the replica has loaded the EOF-framed payload.
      link.startOnAck = false;
      link.release();
    }
    this.host.acksChanged();
  }

  // --- SYNC / PSYNC ---

  /**
   * PSYNC <replid> <offset> (or SYNC, with `psync` undefined). Returns true when the link became a
   * replica (its replies are written here), false with nothing written otherwise.
   */
  attach(link: ReplicaLink, psync: { readonly replid: string; readonly offset: string } | undefined): void {
    this.host.log(`Replica ${link.name} asks for synchronization`);
    link.preSync = psync === undefined;
    link.channel.onClose(() => this.detach(link));
    if (psync !== undefined && this.tryPartial(link, psync.replid, psync.offset)) {
      this.host.syncStats.syncPartialOk++;
      return;
    }
    if (psync !== undefined && psync.replid !== '?') this.host.syncStats.syncPartialErr++;
    this.host.syncStats.syncFull++;
    this.startFullSync(link);
  }

  /** masterTryPartialResynchronization. */
  private tryPartial(link: ReplicaLink, replid: string, offsetText: string): boolean {
    const offset = Number(offsetText);
    const ids = this.offsets;
    if (!/^-?\d+$/.test(offsetText)) return false;
    if (replid !== ids.replid && (replid !== ids.replid2 || offset > ids.secondReplidOffset)) {
      if (replid !== '?') {
        if (replid !== ids.replid && replid !== ids.replid2) {
          this.host.log(
            `Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '${replid}', my replication IDs are '${ids.replid}' and '${ids.replid2}')`,
          );
        } else {
          this.host.log(
            `Partial resynchronization not accepted: Requested offset for second ID was ${offset}, but I can reply up to ${ids.secondReplidOffset}`,
          );
        }
      } else {
        this.host.log(`Full resync requested by replica ${link.name}`);
      }
      return false;
    }
    const backlog = this.backlog;
    if (backlog === undefined || !backlog.covers(offset)) {
      this.host.log(
        `Unable to partial resync with replica ${link.name} for lack of backlog (Replica request was: ${offset}).`,
      );
      if (backlog !== undefined && offset > this.offsets.masterReplOffset) {
        this.host.log(
          `Warning: replica ${link.name} tried to PSYNC with an offset that is greater than the master replication offset.`,
        );
      }
      return false;
    }
    link.state = 'online';
    link.ackTimeMs = Date.now();
    this.links.push(link);
    link.channel.write(link.capaPsync2 ? `+CONTINUE ${ids.replid}\r\n` : '+CONTINUE\r\n');
    const tail = backlog.from(offset);
    link.channel.write(tail);
    this.host.log(
      `Partial resynchronization request from ${link.name} accepted. Sending ${tail.length} bytes of backlog starting from offset ${offset}.`,
    );
    this.host.acksChanged();
    return true;
  }

  private startFullSync(link: ReplicaLink): void {
    link.state = 'wait_bgsave';
    this.links.push(link);
    if (this.backlog === undefined && this.isMaster()) {
      // The first replica of a master with no history: a new replication history starts.
      this.offsets.changeReplicationId();
      this.offsets.clearReplicationId2();
      this.createBacklog();
      this.host.log(
        `Replication backlog created, my new replication IDs are '${this.offsets.replid}' and '${this.offsets.replid2}'`,
      );
    } else if (this.backlog === undefined) {
      this.createBacklog();
    }
    const running = this.fullSync;
    if (running !== undefined && !running.diskless && !link.rdbOnly) {
      // Redis: "Waiting for end of BGSAVE for SYNC" — share the payload being produced.
      const peer = running.links.find((l) => !l.rdbOnly);
      if (peer !== undefined) {
        this.joinFullSync(link, running, peer);
        this.host.log('Waiting for end of BGSAVE for SYNC');
        return;
      }
    }
    if (running !== undefined) {
      this.host.log("Can't attach the replica to the current BGSAVE. Waiting for next BGSAVE for SYNC");
      return;
    }
    const s = this.host.settings();
    if (s.replDisklessSync && link.capaEof && s.replDisklessSyncDelay > 0) {
      if (this.waitingSinceMs === 0) this.waitingSinceMs = Date.now();
      this.host.log(`Delay next BGSAVE for diskless SYNC`);
      this.maybeStartDelayed();
      return;
    }
    this.startSnapshot();
  }

  private joinFullSync(link: ReplicaLink, sync: FullSync, peer: ReplicaLink): void {
    sync.links.push(link);
    link.syncOffset = sync.offset;
    link.pending = [...peer.pending];
    link.pendingBytes = peer.pendingBytes;
    if (!link.preSync) link.channel.write(`+FULLRESYNC ${this.offsets.replid} ${sync.offset}\r\n`);
  }

  /** Starts the delayed diskless sync once the delay passed or enough replicas wait. */
  private maybeStartDelayed(): void {
    if (this.fullSync !== undefined || this.waitingSinceMs === 0) return;
    const s = this.host.settings();
    const waiting = this.links.filter((l) => l.state === 'wait_bgsave').length;
    const due = Date.now() - this.waitingSinceMs >= s.replDisklessSyncDelay * 1000;
    const enough = s.replDisklessSyncMaxReplicas > 0 && waiting >= s.replDisklessSyncMaxReplicas;
    if (due || enough) this.startSnapshot();
  }

  /**
   * startBgsaveForReplication: one snapshot for every replica waiting now. Diskless when configured
   * and every one of them understands EOF framing; otherwise the `$<len>` framing once it is complete.
   */
  private startSnapshot(): void {
    this.waitingSinceMs = 0;
    const rdb = this.host.rdb;
    const waiting = this.links.filter((l) => l.state === 'wait_bgsave');
    if (waiting.length === 0) return;
    if (rdb === undefined) {
      for (const l of waiting) {
        l.channel.write(`-${ERR_BGSAVE_FOR_REPLICATION}\r\n`);
        this.host.log('BGSAVE for replication failed: this server has no RDB persistence');
        l.channel.close();
      }
      return;
    }
    const s = this.host.settings();
    const diskless = s.replDisklessSync && waiting.every((l) => l.capaEof);
    const offset = this.offsets.masterReplOffset;
    const sync: FullSync = {
      offset,
      diskless,
      links: waiting,
      writer: undefined,
      stream: undefined,
      paused: false,
      eofMark: randomBytes(RDB_EOF_MARK_SIZE / 2).toString('hex'),
    };
    this.fullSync = sync;
    this.host.log(
      diskless
        ? `Starting BGSAVE for SYNC with target: replicas sockets`
        : `Starting BGSAVE for SYNC with target: disk`,
    );
    for (const l of waiting) {
      l.syncOffset = offset;
      if (!l.preSync) l.channel.write(`+FULLRESYNC ${this.offsets.replid} ${offset}\r\n`);
      if (diskless) {
        l.state = 'send_bulk';
        l.channel.write(`$EOF:${sync.eofMark}\r\n`);
      }
    }
    // The next command fed must say its database (the replica starts from the payload's db).
    const streamDb = this.selectedDb < 0 ? 0 : this.selectedDb;
    this.selectedDb = -1;
    const aux: [string, string][] = [
      ['repl-stream-db', String(streamDb)],
      ['repl-id', this.offsets.replid],
      ['repl-offset', String(offset)],
    ];
    if (!diskless) {
      // Disk-based (repl-diskless-sync no): the snapshot goes to a file, then the file to each replica.
      sync.writer = rdb.snapshotToFile(this.host.keyspace, aux, (result) =>
        this.payloadFileDone(sync, result),
      );
      return;
    }
    sync.stream = rdb.snapshot(
      this.host.keyspace,
      aux,
      (bytes) => {
        for (const l of sync.links) if (!l.closed) l.channel.write(bytes);
        this.throttle(sync);
      },
      (error) => this.snapshotDone(sync, error),
    );
    sync.writer = sync.stream;
  }

  /**
   * Diskless payload backpressure: while a replica's socket holds PAYLOAD_SEND_HIGH_WATER bytes not
   * taken by the kernel, the snapshot waits, so the payload leaves at the slowest replica's pace
   * instead of piling up in the master's memory (Redis's child blocks on the socket the same way).
   */
  private throttle(sync: FullSync): void {
    const stream = sync.stream;
    if (sync.paused || stream === undefined) return;
    const full = sync.links.filter((l) => !l.closed && l.channel.pendingBytes >= PAYLOAD_SEND_HIGH_WATER);
    if (full.length === 0) return;
    sync.paused = true;
    stream.pause();
    let waiting = full.length;
    for (const l of full) {
      l.channel.onDrain(() => {
        if (--waiting > 0) return;
        sync.paused = false;
        stream.resume();
      });
    }
  }

  /** The disk-based payload is on disk: `$<size>` and the file to each replica that waited for it. */
  private payloadFileDone(
    sync: FullSync,
    result: { readonly path: string; readonly size: number } | { readonly error: string },
  ): void {
    if (this.fullSync !== sync) {
      if ('path' in result) rmSync(result.path, { force: true });
      return;
    }
    if ('error' in result) {
      this.snapshotDone(sync, result.error);
      return;
    }
    this.fullSync = undefined;
    this.host.log('Background saving terminated with success');
    const file: PayloadFile = { path: result.path, size: result.size, readers: 0 };
    for (const l of sync.links) {
      if (l.closed) continue;
      l.state = 'send_bulk';
      l.channel.write(`$${file.size}\r\n`);
      this.sendPayloadFile(l, file);
    }
    if (file.readers === 0) rmSync(file.path, { force: true });
    this.startWaiting();
  }

  /** sendBulkToSlave: the file at the replica's pace; then it goes online with the held stream. */
  private sendPayloadFile(link: ReplicaLink, file: PayloadFile): void {
    file.readers++;
    const reader = createReadStream(file.path, { highWaterMark: 256 * 1024 });
    link.payloadReader = reader;
    reader.on('data', (chunk) => {
      if (link.closed) {
        reader.destroy();
        return;
      }
      link.channel.write(chunk);
      if (link.channel.pendingBytes >= PAYLOAD_SEND_HIGH_WATER) {
        reader.pause();
        link.channel.onDrain(() => {
          if (!link.closed) reader.resume();
        });
      }
    });
    reader.on('end', () => {
      link.payloadReader = undefined;
      if (!link.closed) this.replicaOnline(link, false);
    });
    reader.on('error', (err) => {
      this.host.log(`SYNC failed. Can't read RDB file: ${err.message}`);
      link.channel.close();
    });
    reader.on('close', () => {
      if (--file.readers === 0) rmSync(file.path, { force: true });
    });
  }

  /** Replicas that arrived while a payload was produced wait for the next snapshot. */
  private startWaiting(): void {
    if (!this.links.some((l) => l.state === 'wait_bgsave')) return;
    const s = this.host.settings();
    if (s.replDisklessSync && s.replDisklessSyncDelay > 0) this.waitingSinceMs = Date.now();
    else this.startSnapshot();
  }

  /** The diskless payload is sent (or the snapshot failed). */
  private snapshotDone(sync: FullSync, error: string | undefined): void {
    if (this.fullSync !== sync) return;
    this.fullSync = undefined;
    if (error !== undefined) {
      this.host.log(`Background transfer error: ${error}`);
      for (const l of sync.links) l.channel.close();
    } else {
      this.host.log('Background RDB transfer terminated with success');
      for (const l of sync.links) {
        if (l.closed) continue;
        l.channel.write(sync.eofMark);
        this.replicaOnline(l, true);
      }
    }
    this.startWaiting();
  }

  /** replicaPutOnline: the payload is sent; the held stream follows (after the first ACK for EOF). */
  private replicaOnline(link: ReplicaLink, diskless: boolean): void {
    if (link.rdbOnly) {
      // redis-cli --rdb: the payload is all it wanted (closed once it has left).
      this.host.log(
        `Streamed RDB transfer with replica ${link.name} succeeded (socket). Waiting for REPLCONF ACK from slave to enable streaming`,
      );
      link.channel.onDrain(() => link.channel.close());
      return;
    }
    link.state = 'online';
    link.ackTimeMs = Date.now();
    if (diskless && !link.preSync) {
      link.startOnAck = true;
      this.host.log(
        `Streamed RDB transfer with replica ${link.name} succeeded (socket). Waiting for REPLCONF ACK from slave to enable streaming`,
      );
    } else {
      link.release();
      this.host.log(`Synchronization with replica ${link.name} succeeded`);
    }
  }

  private detach(link: ReplicaLink): void {
    if (link.closed) return;
    link.closed = true;
    link.payloadReader?.destroy();
    link.payloadReader = undefined;
    const i = this.links.indexOf(link);
    if (i < 0) return;
    this.links.splice(i, 1);
    if (link.state !== undefined) this.host.log(`Connection with replica ${link.name} lost.`);
    const sync = this.fullSync;
    if (sync !== undefined) {
      const j = sync.links.indexOf(link);
      if (j >= 0) sync.links.splice(j, 1);
      if (sync.links.length === 0) {
        sync.writer?.cancel();
        this.fullSync = undefined;
      }
    }
    if (this.links.length === 0) this.noReplicasSinceMs = Date.now();
    this.host.acksChanged();
  }

  /** Disconnects every replica (promotion of a replica, REPLICAOF on a master with sub-replicas). */
  disconnectAll(): void {
    for (const l of [...this.links]) l.channel.close();
  }

  /** A full sync in progress is dropped (the dataset is about to be replaced). */
  cancelFullSync(): void {
    const sync = this.fullSync;
    if (sync === undefined) return;
    sync.writer?.cancel();
    this.fullSync = undefined;
    for (const l of sync.links) l.channel.close();
  }

  // --- WAIT, min-replicas ---

  /** Replicas online whose ACK reached `offset` (replicationCountAcksByOffset). */
  acked(offset: number): number {
    let n = 0;
    for (const l of this.links) if (l.state === 'online' && l.ackOffset >= offset) n++;
    return n;
  }

  /** REPLCONF GETACK * to every replica, once per event-loop turn (WAIT's beforeSleep). */
  requestAcks(): void {
    if (this.getackScheduled || this.links.length === 0) return;
    this.getackScheduled = true;
    setImmediate(() => {
      this.getackScheduled = false;
      if (this.links.length === 0) return;
      this.feedCommand(this.selectedDb < 0 ? 0 : this.selectedDb, GETACK_ARGV);
    });
  }

  /** refreshGoodSlavesCount: replicas online with an ACK younger than min-replicas-max-lag. */
  goodReplicas(): number {
    const s = this.host.settings();
    const now = Date.now();
    let n = 0;
    for (const l of this.links) {
      if (l.state === 'online' && (now - l.ackTimeMs) / 1000 <= s.minReplicasMaxLag) n++;
    }
    return n;
  }

  // --- replicationCron, master part ---

  cron(): void {
    const s = this.host.settings();
    const now = Date.now();
    // CONFIG SET repl-backlog-size (resizeReplicationBacklog).
    if (this.backlog !== undefined && this.backlog.size !== s.replBacklogSize)
      this.backlog.resize(s.replBacklogSize);
    if (this.isMaster() && this.links.length > 0 && this.cronLoops % s.replPingReplicaPeriod === 0) {
      this.feedCommand(this.selectedDb, PING_ARGV);
    }
    this.cronLoops++;
    for (const l of this.links) {
      // Keep-alive newlines while a replica waits for its payload to start (not counted in offsets);
      // never once its payload has begun (`send_bulk`: the `$` line or EOF mark is out).
      if (l.state === 'wait_bgsave') l.channel.write('\n');
    }
    for (const l of [...this.links]) {
      if (l.state !== 'online' || l.preSync || l.startOnAck) continue;
      if (now - l.ackTimeMs > s.replTimeout * 1000) {
        this.host.log(`Disconnecting timedout replica (streaming sync): ${l.name}`);
        l.channel.close();
      }
    }
    this.maybeStartDelayed();
    if (
      this.isMaster() &&
      this.links.length === 0 &&
      this.backlog !== undefined &&
      s.replBacklogTtl > 0 &&
      now - this.noReplicasSinceMs > s.replBacklogTtl * 1000
    ) {
      // freeReplicationBacklog after repl-backlog-ttl: a new history starts with the next replica.
      this.offsets.changeReplicationId();
      this.offsets.clearReplicationId2();
      this.backlog = undefined;
      this.host.log(
        `Replication backlog freed after ${s.replBacklogTtl} seconds without connected replicas.`,
      );
    }
    this.checkOutputLimits();
  }

  /**
   * client-output-buffer-limit replica: a replica whose unsent bytes pass the hard limit, or the soft
   * one for longer than its seconds, is dropped (it resyncs) instead of growing the master's memory.
   */
  private softSince = new Map<ReplicaLink, number>();
  private checkOutputLimits(): void {
    const limit = this.host.settings().replicaOutputLimit;
    if (limit.hard === 0 && limit.soft === 0) return;
    for (const l of [...this.links]) {
      const used = l.channel.pendingBytes + l.pendingBytes;
      let over = limit.hard > 0 && used >= limit.hard;
      if (!over && limit.soft > 0 && used >= limit.soft) {
        const since = this.softSince.get(l) ?? Date.now();
        this.softSince.set(l, since);
        over = Date.now() - since >= limit.softSeconds * 1000;
      } else if (!over) {
        this.softSince.delete(l);
      }
      if (over) {
        this.softSince.delete(l);
        this.host.log(
          `Client id=${l.channel.id} addr=${l.channel.ip} scheduled to be closed ASAP for overcoming of output buffer limits.`,
        );
        l.channel.close();
      }
    }
  }
}
