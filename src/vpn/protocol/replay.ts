import { REJECT_AFTER_MESSAGES, REPLAY_WINDOW_SIZE } from './constants.js';

const BLOCK_BITS = 32;
const BLOCKS = REPLAY_WINDOW_SIZE / BLOCK_BITS;

/**
 * Sliding-window replay filter over 64-bit message counters (RFC 6479, as in WireGuard): a ring of
 * REPLAY_WINDOW_SIZE bits; advancing clears whole 32-bit blocks, so at least
 * REPLAY_WINDOW_SIZE - 32 counters behind the newest one are still accepted once each.
 *
 * Call `accept` only after the packet authenticated; it records the counter.
 */
export class ReplayWindow {
  private readonly bits = new Uint32Array(BLOCKS);
  private last = -1;

  /** true: counter is new (now recorded); false: a replay or too old. */
  accept(counter: number): boolean {
    if (counter >= REJECT_AFTER_MESSAGES) return false;
    const block = Math.floor(counter / BLOCK_BITS);
    if (counter > this.last) {
      const current = Math.floor(this.last / BLOCK_BITS);
      const advance = Math.min(block - current, BLOCKS);
      for (let i = 1; i <= advance; i++) this.bits[(current + i) % BLOCKS] = 0;
      this.last = counter;
    } else if (this.last - counter >= REPLAY_WINDOW_SIZE - BLOCK_BITS) {
      return false;
    }
    const index = block % BLOCKS;
    const mask = 1 << (counter % BLOCK_BITS);
    const word = this.bits[index] ?? 0;
    if ((word & mask) !== 0) return false;
    this.bits[index] = word | mask;
    return true;
  }
}
