import type { UdpEndpoint } from '../engine/types.js';
import {
  COOKIE_SECRET_LIFETIME,
  HANDSHAKES_PER_SECOND_UNDER_LOAD,
  MESSAGE_COOKIE_REPLY,
} from './constants.js';
import { COOKIE_REPLY_SIZE, mac, randomBytes, readU32, writeU32 } from './messages.js';
import { sodium } from './sodium.js';

/**
 * WireGuard's DoS defence, adapted. Every handshake-class message passing MAC1 is counted; above
 * HANDSHAKES_PER_SECOND_UNDER_LOAD per second we are "under load" and only process messages whose
 * MAC2 proves the sender received a cookie at its source address. Others get a 64-byte cookie reply
 * (smaller than what triggered it) and cost us one BLAKE2b and one XChaCha20-Poly1305, no DH.
 *
 *   cookie = BLAKE2b-128(key = secret rotated every COOKIE_SECRET_LIFETIME, source)
 *   source = "address|port" for a direct sender (endpointSource), "relay|relayNodeId|originNodeId" for a
 *            handshake a relay passed on (relayedOriginSource): the relay names the origin, and the
 *            cookie reply goes back through that relay to that origin only
 *   reply  = type(4) receiver(4) nonce(24) XChaCha20-Poly1305(cookieKey, nonce, ad = MAC1 of the message, cookie)
 */
export class CookieChecker {
  private secret = randomBytes(32);
  private secretCreatedAt: number | undefined;
  private bucketStart = -Infinity;
  private bucketCount = 0;
  private previousBucketCount = 0;

  constructor(private readonly cookieKey: Uint8Array) {}

  /** Count one handshake-class message (after MAC1 passed). */
  noteHandshake(now: number): void {
    this.rollBucket(now);
    this.bucketCount += 1;
  }

  underLoad(now: number): boolean {
    this.rollBucket(now);
    return Math.max(this.bucketCount, this.previousBucketCount) > HANDSHAKES_PER_SECOND_UNDER_LOAD;
  }

  private rollBucket(now: number): void {
    if (now - this.bucketStart < 1000) return;
    this.previousBucketCount = now - this.bucketStart < 2000 ? this.bucketCount : 0;
    this.bucketStart = now;
    this.bucketCount = 0;
  }

  /** The cookie a sender at `source` (endpointSource / relayedOriginSource) must key its MAC2 with. */
  cookieFor(source: string, now: number): Uint8Array {
    if (this.secretCreatedAt === undefined || now - this.secretCreatedAt >= COOKIE_SECRET_LIFETIME) {
      this.secret = randomBytes(32);
      this.secretCreatedAt = now;
    }
    return mac(this.secret, Buffer.from(source, 'latin1'));
  }

  /** A cookie reply to the message whose sender index and MAC1 are given. */
  makeReply(receiverIndex: number, messageMac1: Uint8Array, source: string, now: number): Uint8Array {
    const reply = new Uint8Array(COOKIE_REPLY_SIZE);
    reply[0] = MESSAGE_COOKIE_REPLY;
    writeU32(reply, 4, receiverIndex);
    const nonce = randomBytes(24);
    reply.set(nonce, 8);
    sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
      reply.subarray(32),
      this.cookieFor(source, now),
      messageMac1,
      null,
      nonce,
      this.cookieKey,
    );
    return reply;
  }
}

/** What a cookie binds a direct sender to: its address and port. */
export function endpointSource(from: UdpEndpoint): string {
  return `${from.address}|${from.port}`;
}

/**
 * What a cookie binds a handshake that arrived through a relay to: that relay (it authenticated itself
 * to us) and the origin it says the handshake came from (its NodeID, hex). The cookie reply goes back
 * through that relay to that origin, so the cookie is useless from any other relay, origin or address.
 */
export function relayedOriginSource(relayNodeId: string, originNodeId: string): string {
  return `relay|${relayNodeId}|${originNodeId}`;
}

/** The receiver index a cookie reply is addressed to, or undefined if it is not one. */
export function cookieReplyReceiver(datagram: Uint8Array): number | undefined {
  if (datagram.length !== COOKIE_REPLY_SIZE || datagram[0] !== MESSAGE_COOKIE_REPLY) return undefined;
  if (datagram[1] !== 0 || datagram[2] !== 0 || datagram[3] !== 0) return undefined;
  return readU32(datagram, 4);
}

/** Decrypt the cookie of a reply to the message we sent with `sentMac1`; undefined if not authentic. */
export function openCookieReply(
  cookieKey: Uint8Array,
  datagram: Uint8Array,
  sentMac1: Uint8Array,
): Uint8Array | undefined {
  const cookie = new Uint8Array(16);
  try {
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      cookie,
      null,
      datagram.subarray(32),
      sentMac1,
      datagram.subarray(8, 32),
      cookieKey,
    );
  } catch {
    return undefined;
  }
  return cookie;
}
