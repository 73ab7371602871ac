/**
 * The replication ids and offsets of this server, whatever its role (server.replid, replid2,
 * master_repl_offset, second_replid_offset in Redis). A replica carries its master's id and offset, so
 * that after a promotion its own replicas (and the old master) can continue partially.
 */
import { ZERO_REPLID } from './constants.js';
import { newReplid } from './ids.js';

export class ReplicationOffsets {
  replid = newReplid();
  replid2 = ZERO_REPLID;
  /** master_repl_offset: stream bytes produced (master) or applied (replica). */
  masterReplOffset = 0;
  /** second_replid_offset: replid2 is valid for offsets up to this one; -1 when unset. */
  secondReplidOffset = -1;

  /** changeReplicationId: a new history starts. */
  changeReplicationId(): void {
    this.replid = newReplid();
  }

  /** clearReplicationId2. */
  clearReplicationId2(): void {
    this.replid2 = ZERO_REPLID;
    this.secondReplidOffset = -1;
  }

  /**
   * shiftReplicationId: the current id becomes the secondary one, valid up to the current offset + 1,
   * and a new id starts (promotion, or a new master history after PSYNC +CONTINUE <newid>).
   */
  shiftReplicationId(newId = newReplid()): void {
    this.replid2 = this.replid;
    this.secondReplidOffset = this.masterReplOffset + 1;
    this.replid = newId;
  }
}
