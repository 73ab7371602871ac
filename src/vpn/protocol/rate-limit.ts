import { HANDSHAKE_BURST_PER_IP, HANDSHAKES_PER_SECOND_PER_IP, RATE_LIMIT_MAX_SOURCES } from './constants.js';

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Per-source-IP token bucket for handshake-class messages (wireguard-go's ratelimiter): each address
 * may spend HANDSHAKES_PER_SECOND_PER_IP with bursts of HANDSHAKE_BURST_PER_IP. It runs after MAC1 and
 * before the load count, so one source replaying a captured initiation can neither cost us more than
 * its share of Diffie-Hellman work nor, alone, push the node under load (which would make every other
 * peer go through a cookie round trip). Keyed by address only: ports are free for an attacker to vary.
 *
 * Memory is bounded: at RATE_LIMIT_MAX_SOURCES addresses, idle ones (full bucket) are swept; if the
 * table is still full, a new address is `untracked`: the caller admits it only with a valid cookie
 * (MAC2), as under load. Only a flood of many sources gets there; refusing new addresses outright
 * would let that flood keep every new peer out.
 */
export type RateVerdict = 'allowed' | 'over-rate' | 'untracked';

export class HandshakeRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  /** Spend one token of `address`: over its rate, or untracked when the table is full of active sources. */
  admit(address: string, now: number): RateVerdict {
    let b = this.buckets.get(address);
    if (b === undefined) {
      if (this.buckets.size >= RATE_LIMIT_MAX_SOURCES && !this.sweep(now)) return 'untracked';
      b = { tokens: HANDSHAKE_BURST_PER_IP, at: now };
      this.buckets.set(address, b);
    } else {
      b.tokens = refill(b, now);
      b.at = now;
    }
    if (b.tokens < 1) return 'over-rate';
    b.tokens -= 1;
    return 'allowed';
  }

  /** Addresses currently tracked (for tests). */
  get size(): number {
    return this.buckets.size;
  }

  /** Drops every address whose bucket has refilled; true when room was made. */
  private sweep(now: number): boolean {
    for (const [address, b] of this.buckets) {
      if (refill(b, now) >= HANDSHAKE_BURST_PER_IP) this.buckets.delete(address);
    }
    return this.buckets.size < RATE_LIMIT_MAX_SOURCES;
  }
}

function refill(b: Bucket, now: number): number {
  const earned = (Math.max(0, now - b.at) / 1000) * HANDSHAKES_PER_SECOND_PER_IP;
  return Math.min(HANDSHAKE_BURST_PER_IP, b.tokens + earned);
}
