import { randomBytes } from 'node:crypto';

/** Random bytes in a generated PSK: the tutorial's `openssl rand -base64 382`. */
export const PSK_RANDOM_BYTES = 382;

/**
 * A fresh network PSK, exactly the shape of `openssl rand -base64 382 | tr -d '\n'`: 382 random bytes
 * as one line of standard base64 (512 characters ending in `==`, no `#` or `;`, so PeerVPN's comment rule cannot cut it).
 */
export function generatePsk(): string {
  return randomBytes(PSK_RANDOM_BYTES).toString('base64');
}
