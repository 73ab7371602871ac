/**
 * This server's replication: its role, its ids and offsets, the master side (always there: a replica
 * serves sub-replicas too) and, while it is a replica, the link to its master. The server reaches it
 * through the commands' ReplicationPort (ROLE, REPLICAOF, SYNC/PSYNC, REPLCONF, WAIT, INFO) and feeds
 * it every propagated write.
 */
import {
  ERR_INVALID_MASTER_PORT,
  ERR_MASTERDOWN,
  ERR_NOMASTERLINK,
  ERR_PSYNC_FAILOVER_REPLID,
  ERR_SYNC_WHILE_FAILING_OVER,
  ERR_NOREPLICAS,
  ERR_READONLY,
  ERR_REPLICA_CLIENT,
  ERR_REPLICAOF_FAILING_OVER,
  ERR_SYNC_PENDING_OUTPUT,
  ERR_NOT_INTEGER,
  ERR_SYNTAX,
  OK,
  array,
  bulk,
  error,
  integer,
  simple,
  unrecognizedReplconf,
  type Reply,
} from '../resp/index.js';
import { REPLICATION_CRON_MS } from './constants.js';
import { Failover } from './failover.js';
import { MasterSide, ReplicaLink } from './master.js';
import { ReplicationOffsets } from './offsets.js';
import { ReplicaSide } from './replica.js';
import type { ReplicaChannel, ReplicationHost } from './types.js';

export type InfoField = readonly [string, string | number];

/** What a command is, for the checks processCommand makes before running it. */
export interface CommandTraits {
  readonly write: boolean;
  /** Flagged `stale`: allowed on a replica whose link is down with replica-serve-stale-data no. */
  readonly stale: boolean;
}

export class Replication {
  readonly offsets = new ReplicationOffsets();
  readonly master: MasterSide;
  private replica: ReplicaSide | undefined;
  private readonly links = new WeakMap<ReplicaChannel, ReplicaLink>();
  private cronTimer: NodeJS.Timeout | undefined;
  private readonly failover: Failover;

  constructor(private readonly host: ReplicationHost) {
    this.master = new MasterSide(host, this.offsets, () => this.replica === undefined);
    this.failover = new Failover(host, this.master, this.offsets, {
      isReplica: () => this.replica !== undefined,
      followTarget: (targetHost, port, done) => {
        this.becomeReplica(targetHost, port, true);
        if (this.replica !== undefined) this.replica.failover = done;
      },
      becomeMaster: () => this.becomeMaster(),
    });
  }

  /** FAILOVER [TO host port [FORCE]] [TIMEOUT ms] | ABORT. */
  failoverCommand(argv: readonly string[]): Reply {
    return this.failover.command(argv);
  }

  /** Starts the cron; with `replicaof` in the config, the server starts as a replica of it. */
  start(replicaOf: { readonly host: string; readonly port: number } | undefined): void {
    this.cronTimer = setInterval(() => this.cron(), REPLICATION_CRON_MS);
    this.cronTimer.unref();
    if (replicaOf !== undefined) this.becomeReplica(replicaOf.host, replicaOf.port, false);
  }

  /** The history saved in an RDB file at start (repl-id / repl-offset aux): PSYNC can continue it. */
  restoreHistory(replid: string, offset: number, streamDb: number): void {
    if (this.replica !== undefined) {
      this.replica.streamDb = streamDb;
      // A replica offers PSYNC <saved id> <saved offset + 1> to its master.
      this.offsets.replid = replid;
      this.offsets.masterReplOffset = offset;
      this.replica.cacheMyself();
      return;
    }
    // A master keeps the saved history as its secondary id, so its replicas can continue partially.
    this.offsets.replid2 = replid;
    this.offsets.secondReplidOffset = offset + 1;
    this.offsets.masterReplOffset = offset;
    this.master.createBacklog();
  }

  /**
   * rdbPopulateSaveInfo: what a save records so a restart can continue the history (a master with a
   * backlog, or a replica); nothing otherwise.
   */
  saveInfo(): [string, string][] {
    let streamDb: number;
    if (this.replica !== undefined) streamDb = this.replica.streamDb;
    else if (this.master.backlog !== undefined) streamDb = Math.max(0, this.master.selectedDb);
    else return [];
    return [
      ['repl-stream-db', String(streamDb)],
      ['repl-id', this.offsets.replid],
      ['repl-offset', String(this.offsets.masterReplOffset)],
    ];
  }

  stop(): void {
    clearInterval(this.cronTimer);
    this.failover.stop();
    this.replica?.stop();
    this.master.disconnectAll();
  }

  role(): 'master' | 'replica' {
    return this.replica === undefined ? 'master' : 'replica';
  }

  /** The propagator: a master's own writes become its stream; a replica proxies its master's instead. */
  feed(dbIndex: number, argv: readonly string[]): void {
    if (this.replica !== undefined) return;
    this.master.feedCommand(dbIndex, argv);
  }

  private cron(): void {
    this.replica?.cron();
    this.master.cron();
  }

  // --- REPLICAOF ---

  /** REPLICAOF host port | NO ONE (replicaofCommand). */
  replicaOf(channel: ReplicaChannel | undefined, argv: readonly string[], clientName: string): Reply {
    const hostArg = argv[1] as string;
    const portArg = argv[2] as string;
    if (this.failover.state !== 'no-failover') return error(ERR_REPLICAOF_FAILING_OVER);
    if (hostArg.toLowerCase() === 'no' && portArg.toLowerCase() === 'one') {
      if (this.replica !== undefined) {
        this.becomeMaster();
        this.host.log(`MASTER MODE enabled (user request from '${clientName}')`);
      }
      return OK;
    }
    if (channel !== undefined && this.links.get(channel)?.state !== undefined)
      return error(ERR_REPLICA_CLIENT);
    if (!/^-?\d+$/.test(portArg)) return error(ERR_INVALID_MASTER_PORT);
    const port = Number(portArg);
    if (port < 0 || port > 65535) return error(ERR_INVALID_MASTER_PORT);
    const current = this.replica;
    if (current !== undefined && current.masterHost === hostArg && current.masterPort === port) {
      this.host.log(
        'REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.',
      );
      return simple('OK Already connected to specified master');
    }
    this.becomeReplica(hostArg, port, true);
    this.host.log(`REPLICAOF ${hostArg}:${port} enabled (user request from '${clientName}')`);
    return OK;
  }

  /** The master this server replicates, if any (CONFIG REWRITE's replicaof line). */
  masterAddress(): { readonly host: string; readonly port: number } | undefined {
    const r = this.replica;
    return r === undefined ? undefined : { host: r.masterHost, port: r.masterPort };
  }

  /** replicationSetMaster. */
  private becomeReplica(host: string, port: number, offerOwnHistory: boolean): void {
    const wasMaster = this.replica === undefined;
    const previous = this.replica;
    const cached = previous?.psyncFrom;
    previous?.stop();
    // replicationSetMaster: our replicas resync with us too (partially, through replid2).
    if (offerOwnHistory) this.master.disconnectAll();
    const side = new ReplicaSide(this.host, this.offsets, this.master, host, port);
    this.replica = side;
    for (const db of this.host.keyspace.databases) db.expiryIsMasterDriven = true;
    if (wasMaster && offerOwnHistory) side.cacheMyself();
    else if (!wasMaster) {
      // A replica moved to another master keeps what it has applied: PSYNC from there.
      if (previous?.linkState === 'connected') side.cacheMyself();
      else if (cached !== undefined) side.psyncFrom = cached;
    }
    if (offerOwnHistory) side.connect();
  }

  /** replicationUnsetMaster: promotion. The old history stays reachable as replid2. */
  private becomeMaster(): void {
    this.replica?.stop();
    this.replica = undefined;
    for (const db of this.host.keyspace.databases) db.expiryIsMasterDriven = false;
    this.offsets.shiftReplicationId();
    this.host.log(
      `Setting secondary replication ID to ${this.offsets.replid2}, valid up to offset: ${this.offsets.secondReplidOffset}. New replication ID is ${this.offsets.replid}`,
    );
    // Sub-replicas reconnect and continue from replid2; the next write says its database.
    this.master.disconnectAll();
    this.master.selectedDb = -1;
    if (this.master.backlog === undefined) this.master.createBacklog();
  }

  // --- REPLCONF, SYNC, PSYNC ---

  private linkOf(channel: ReplicaChannel): ReplicaLink {
    let link = this.links.get(channel);
    if (link === undefined) {
      link = new ReplicaLink(channel);
      this.links.set(channel, link);
    }
    return link;
  }

  /** REPLCONF <option> <value> …; undefined when no reply is due (ACK, GETACK). */
  replconf(channel: ReplicaChannel, argv: readonly string[]): Reply | undefined {
    if (argv.length % 2 === 0) return error(ERR_SYNTAX);
    const link = this.linkOf(channel);
    for (let i = 1; i < argv.length; i += 2) {
      const option = (argv[i] as string).toLowerCase();
      const value = argv[i + 1] as string;
      switch (option) {
        case 'listening-port': {
          const port = Number(value);
          if (!/^-?\d+$/.test(value)) return error(ERR_NOT_INTEGER);
          link.listeningPort = port;
          break;
        }
        case 'ip-address':
          link.announcedIp = value;
          break;
        case 'capa':
          if (value.toLowerCase() === 'eof') link.capaEof = true;
          else if (value.toLowerCase() === 'psync2') link.capaPsync2 = true;
          break;
        case 'ack': {
          const offset = Number(value);
          if (link.state !== undefined && /^-?\d+$/.test(value)) this.master.ack(link, offset);
          return undefined;
        }
        case 'getack':
          this.replica?.sendAck();
          return undefined;
        case 'rdb-only':
          if (value !== '0' && value !== '1') return error(ERR_NOT_INTEGER);
          link.rdbOnly = value === '1';
          break;
        case 'rdb-filter-only':
          if (value !== '' && value.toLowerCase() !== 'functions') return error(ERR_SYNTAX);
          break;
        default:
          return error(unrecognizedReplconf(argv[i] as string));
      }
    }
    return OK;
  }

  /**
   * SYNC / PSYNC <replid> <offset>: undefined when the connection became a replica (everything it gets
   * from now on is written by the master side), else an error reply.
   */
  sync(channel: ReplicaChannel, argv: readonly string[], pendingOutput: boolean): Reply | undefined {
    const link = this.linkOf(channel);
    if (link.state !== undefined) return undefined; // already a replica: ignored, as in Redis
    if (argv.length > 3 && (argv[3] as string).toLowerCase() === 'failover') {
      // The old master hands over: this replica becomes the master before it answers.
      if (argv[1] !== this.offsets.replid) return error(ERR_PSYNC_FAILOVER_REPLID);
      if (this.replica !== undefined) this.becomeMaster();
      this.host.log(`MASTER MODE enabled (failover request from '${link.channel.ip}')`);
    }
    if (this.failover.state !== 'no-failover') return error(ERR_SYNC_WHILE_FAILING_OVER);
    if (this.replica !== undefined && this.replica.linkState !== 'connected') return error(ERR_NOMASTERLINK);
    if (pendingOutput) return error(ERR_SYNC_PENDING_OUTPUT);
    const isPsync = (argv[0] as string).toLowerCase() === 'psync';
    this.master.attach(link, isPsync ? { replid: argv[1] as string, offset: argv[2] as string } : undefined);
    return undefined;
  }

  // --- WAIT, checks before a command ---

  isReplica(): boolean {
    return this.replica !== undefined;
  }

  /** Replicas whose ACK reached the master's current offset (WAIT's count). */
  ackedAtCurrentOffset(target: number): number {
    return this.master.acked(target);
  }

  get masterReplOffset(): number {
    return this.offsets.masterReplOffset;
  }

  requestAcks(): void {
    this.master.requestAcks();
  }

  /**
   * processCommand's replication checks, in Redis's order: NOREPLICAS (min-replicas-to-write), then
   * READONLY, then MASTERDOWN (replica-serve-stale-data no while the link is down).
   */
  refusal(traits: CommandTraits, fromMaster: boolean): string | undefined {
    if (fromMaster) return undefined;
    const s = this.host.settings();
    if (
      this.replica === undefined &&
      traits.write &&
      s.minReplicasToWrite > 0 &&
      s.minReplicasMaxLag > 0 &&
      this.master.goodReplicas() < s.minReplicasToWrite
    ) {
      return ERR_NOREPLICAS;
    }
    if (this.replica !== undefined && s.replicaReadOnly && traits.write) return ERR_READONLY;
    if (
      this.replica !== undefined &&
      this.replica.linkState !== 'connected' &&
      !s.replicaServeStaleData &&
      !traits.stale
    ) {
      return ERR_MASTERDOWN;
    }
    return undefined;
  }

  // --- INFO replication, ROLE ---

  /** INFO replication's fields, in genRedisInfoString's order. */
  infoFields(): InfoField[] {
    const s = this.host.settings();
    const now = Date.now();
    const out: InfoField[] = [['role', this.replica === undefined ? 'master' : 'slave']];
    const r = this.replica;
    if (r !== undefined) {
      const connected = r.linkState === 'connected';
      const cached = r.psyncFrom;
      out.push(
        ['master_host', r.masterHost],
        ['master_port', r.masterPort],
        ['master_link_status', connected ? 'up' : 'down'],
        ['master_last_io_seconds_ago', connected ? Math.floor((now - r.lastIoMs) / 1000) : -1],
        ['master_sync_in_progress', r.linkState === 'sync' ? 1 : 0],
        ['slave_read_repl_offset', connected ? r.readReplOffset : (cached?.offset ?? 1)],
        ['slave_repl_offset', connected ? this.offsets.masterReplOffset : (cached?.offset ?? 1)],
      );
      const t = r.transfer;
      if (r.linkState === 'sync' && t !== undefined) {
        const perc = t.total > 0 ? (t.read / t.total) * 100 : 0;
        out.push(
          ['master_sync_total_bytes', t.total],
          ['master_sync_read_bytes', t.read],
          ['master_sync_left_bytes', t.total - t.read],
          ['master_sync_perc', perc.toFixed(2)],
          ['master_sync_last_io_seconds_ago', Math.floor((now - t.lastIoMs) / 1000)],
        );
      }
      if (!connected) {
        out.push([
          'master_link_down_since_seconds',
          r.linkDownSinceMs === 0 ? -1 : Math.floor((now - r.linkDownSinceMs) / 1000),
        ]);
      }
      out.push(
        ['slave_priority', s.replicaPriority],
        ['slave_read_only', s.replicaReadOnly ? 1 : 0],
        ['replica_announced', s.replicaAnnounced ? 1 : 0],
      );
    }
    const attached = this.master.links.filter((l) => l.state !== undefined);
    out.push(['connected_slaves', attached.length]);
    if (s.minReplicasToWrite > 0 && s.minReplicasMaxLag > 0) {
      out.push(['min_slaves_good_slaves', this.master.goodReplicas()]);
    }
    attached.forEach((l, i) => {
      const lag = l.state === 'online' ? Math.floor((now - l.ackTimeMs) / 1000) : 0;
      out.push([
        `slave${i}`,
        `ip=${l.ip},port=${l.listeningPort},state=${l.state ?? ''},offset=${l.ackOffset},lag=${lag}`,
      ]);
    });
    const backlog = this.master.backlog;
    out.push(
      ['master_failover_state', this.failover.state],
      ['master_replid', this.offsets.replid],
      ['master_replid2', this.offsets.replid2],
      ['master_repl_offset', this.offsets.masterReplOffset],
      ['second_repl_offset', this.offsets.secondReplidOffset],
      ['repl_backlog_active', backlog === undefined ? 0 : 1],
      ['repl_backlog_size', s.replBacklogSize],
      ['repl_backlog_first_byte_offset', backlog?.firstByteOffset ?? 0],
      ['repl_backlog_histlen', backlog?.histlen ?? 0],
    );
    return out;
  }

  /** ROLE (roleCommand). */
  roleReply(): Reply {
    const r = this.replica;
    if (r === undefined) {
      const online = this.master.links.filter((l) => l.state === 'online');
      return array([
        bulk('master'),
        integer(this.offsets.masterReplOffset),
        array(
          online.map((l) => array([bulk(l.ip), bulk(String(l.listeningPort)), bulk(String(l.ackOffset))])),
        ),
      ]);
    }
    return array([
      bulk('slave'),
      bulk(r.masterHost),
      integer(r.masterPort),
      bulk(r.linkState),
      integer(r.linkState === 'connected' ? this.offsets.masterReplOffset : -1),
    ]);
  }
}
