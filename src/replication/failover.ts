/**
 * FAILOVER [TO host port [FORCE]] [TIMEOUT ms] | FAILOVER ABORT (failoverCommand, updateFailoverStatus,
 * abortFailover in replication.c): the master holds writes, waits until a replica (the one named, or
 * any) acknowledged its whole stream, then becomes a replica of it with `PSYNC <id> <offset> FAILOVER`,
 * which makes the target promote itself before it answers. Writes resume once the target answered.
 */
import {
  ERR_FAILOVER_FORCE,
  ERR_FAILOVER_NONE,
  ERR_FAILOVER_NOT_ONLINE,
  ERR_FAILOVER_NOT_REPLICA,
  ERR_FAILOVER_NO_REPLICAS,
  ERR_FAILOVER_ON_REPLICA,
  ERR_FAILOVER_RUNNING,
  ERR_FAILOVER_TIMEOUT,
  ERR_NOT_INTEGER,
  ERR_SYNTAX,
  OK,
  error,
  type Reply,
} from '../resp/index.js';
import type { MasterSide, ReplicaLink } from './master.js';
import type { ReplicationOffsets } from './offsets.js';
import type { ReplicationHost } from './types.js';

/** How often the wait for the target to catch up is checked (Redis runs its cron at 10 Hz then). */
const FAILOVER_CHECK_MS = 100;

export type FailoverState = 'no-failover' | 'waiting-for-sync' | 'failover-in-progress';

/** What FAILOVER needs from the rest of replication. */
export interface FailoverActions {
  isReplica(): boolean;
  /** replicationSetMaster with the FAILOVER PSYNC; `done` says whether the target took it. */
  followTarget(host: string, port: number, done: (accepted: boolean) => void): void;
  /** replicationUnsetMaster: back to master after a failed attempt. */
  becomeMaster(): void;
}

export class Failover {
  state: FailoverState = 'no-failover';
  private target: { host: string; port: number } | undefined;
  private deadlineMs = 0;
  private force = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly host: ReplicationHost,
    private readonly master: MasterSide,
    private readonly offsets: ReplicationOffsets,
    private readonly actions: FailoverActions,
  ) {}

  command(argv: readonly string[]): Reply {
    if (argv.length === 2 && (argv[1] as string).toLowerCase() === 'abort') {
      if (this.state === 'no-failover') return error(ERR_FAILOVER_NONE);
      this.abort('Failover manually aborted');
      return OK;
    }
    let timeout = 0;
    let force = false;
    let target: { host: string; port: number } | undefined;
    for (let j = 1; j < argv.length; j++) {
      const word = (argv[j] as string).toLowerCase();
      if (word === 'timeout' && j + 1 < argv.length && timeout === 0) {
        const text = argv[j + 1] as string;
        if (!/^-?\d+$/.test(text)) return error(ERR_NOT_INTEGER);
        timeout = Number(text);
        if (timeout <= 0) return error(ERR_FAILOVER_TIMEOUT);
        j++;
      } else if (word === 'to' && j + 2 < argv.length && target === undefined) {
        const portText = argv[j + 2] as string;
        if (!/^-?\d+$/.test(portText)) return error(ERR_NOT_INTEGER);
        target = { host: argv[j + 1] as string, port: Number(portText) };
        j += 2;
      } else if (word === 'force' && !force) {
        force = true;
      } else {
        return error(ERR_SYNTAX);
      }
    }
    if (this.state !== 'no-failover') return error(ERR_FAILOVER_RUNNING);
    if (this.actions.isReplica()) return error(ERR_FAILOVER_ON_REPLICA);
    if (this.master.links.every((l) => l.state === undefined)) return error(ERR_FAILOVER_NO_REPLICAS);
    if (force && (timeout === 0 || target === undefined)) return error(ERR_FAILOVER_FORCE);
    if (target !== undefined) {
      const link = this.find(target.host, target.port);
      if (link === undefined) return error(ERR_FAILOVER_NOT_REPLICA);
      if (link.state !== 'online') return error(ERR_FAILOVER_NOT_ONLINE);
      this.host.log(`FAILOVER requested to ${target.host}:${target.port}.`);
    } else {
      this.host.log('FAILOVER requested to any replica.');
    }
    this.target = target;
    this.deadlineMs = timeout === 0 ? 0 : Date.now() + timeout;
    this.force = force;
    this.state = 'waiting-for-sync';
    this.host.pauseWrites();
    this.timer = setInterval(() => this.update(), FAILOVER_CHECK_MS);
    this.update();
    return OK;
  }

  private find(host: string, port: number): ReplicaLink | undefined {
    return this.master.links.find((l) => l.state !== undefined && l.ip === host && l.listeningPort === port);
  }

  /** updateFailoverStatus. */
  private update(): void {
    if (this.state !== 'waiting-for-sync') return;
    if (this.deadlineMs !== 0 && Date.now() >= this.deadlineMs) {
      if (this.force && this.target !== undefined) {
        this.host.log(`FAILOVER to ${this.target.host}:${this.target.port} time out exceeded, failing over.`);
        this.start(this.target);
      } else {
        this.abort('Replica never caught up before timeout');
      }
      return;
    }
    const offset = this.offsets.masterReplOffset;
    let link: ReplicaLink | undefined;
    if (this.target !== undefined) link = this.find(this.target.host, this.target.port);
    else link = this.master.links.find((l) => l.state === 'online' && l.ackOffset === offset);
    if (link !== undefined && link.ackOffset === offset) {
      const target = this.target ?? { host: link.ip, port: link.listeningPort };
      this.target = target;
      this.host.log(`Failover target ${target.host}:${target.port} is synced, failing over.`);
      this.start(target);
      return;
    }
    this.master.requestAcks();
  }

  private start(target: { host: string; port: number }): void {
    this.state = 'failover-in-progress';
    this.actions.followTarget(target.host, target.port, (accepted) => {
      if (accepted) this.clear();
      else this.abort('Failover target rejected psync request');
    });
  }

  /** abortFailover. */
  abort(reason: string): void {
    if (this.state === 'no-failover') return;
    const t = this.target;
    this.host.log(
      t !== undefined
        ? `FAILOVER to ${t.host}:${t.port} aborted: ${reason}`
        : `FAILOVER to any replica aborted: ${reason}`,
    );
    if (this.state === 'failover-in-progress') this.actions.becomeMaster();
    this.clear();
  }

  /** clearFailoverState: writes resume. */
  private clear(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.state = 'no-failover';
    this.target = undefined;
    this.deadlineMs = 0;
    this.force = false;
    this.host.resumeWrites();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
