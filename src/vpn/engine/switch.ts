import { MAC_TABLE_MAX_ENTRIES, MAC_TABLE_TIMEOUT } from '../protocol/constants.js';
import type { Peer } from './peer.js';

/**
 * The L2 learning switch's MAC table: source MAC of a frame received from a peer → that peer.
 * Frames from the TAP go to the learned peer; broadcast, multicast and unknown or stale unicast are
 * flooded. Frames from peers only ever go to the TAP (never peer → peer), so there are no loops.
 */
export class MacTable {
  private readonly entries = new Map<number, { peer: Peer; at: number }>();

  learn(frame: Uint8Array, peer: Peer, now: number): void {
    if ((frame[6]! & 1) !== 0) return; // multicast/broadcast source: never learned
    const mac = macAt(frame, 6);
    const e = this.entries.get(mac);
    if (e !== undefined && e.peer === peer && now - e.at < 1000) return; // hot path: nothing to do
    this.entries.delete(mac); // re-insert: Map order is age order, oldest first
    this.entries.set(mac, { peer, at: now });
    if (this.entries.size > MAC_TABLE_MAX_ENTRIES) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }

  /** The peer owning the frame's destination MAC, if learned, fresh and unicast. */
  lookup(frame: Uint8Array, now: number): Peer | undefined {
    if ((frame[0]! & 1) !== 0) return undefined;
    const e = this.entries.get(macAt(frame, 0));
    if (e === undefined || now - e.at > MAC_TABLE_TIMEOUT) return undefined;
    return e.peer;
  }

  forgetPeer(peer: Peer): void {
    for (const [mac, e] of this.entries) if (e.peer === peer) this.entries.delete(mac);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** A 48-bit MAC as a number (exact: < 2^53). */
function macAt(frame: Uint8Array, offset: number): number {
  return (
    frame[offset]! * 0x100_0000_0000 +
    frame[offset + 1]! * 0x1_0000_0000 +
    ((frame[offset + 2]! << 24) >>> 0) +
    (frame[offset + 3]! << 16) +
    (frame[offset + 4]! << 8) +
    frame[offset + 5]!
  );
}
