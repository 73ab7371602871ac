import { BLAKE2s } from '../noise/index.js';
import type { NetworkKey } from './network-key.js';

/**
 * The keys every member of a network shares, each derived from the scrypt network secret with its
 * own label so no key serves two purposes.
 */
export interface NetworkKeys {
  /** Noise `psk` (IKpsk1). */
  readonly psk: Uint8Array;
  /** Keys MAC1 of handshake and hello messages: a cheap "is this our network?" test. */
  readonly mac1Key: Uint8Array;
  /** Encrypts the cookie in a cookie reply. */
  readonly cookieKey: Uint8Array;
  /** Encrypts a hello's static key. */
  readonly helloKey: Uint8Array;
}

export function networkKeys(key: NetworkKey): NetworkKeys {
  const derive = (label: string): Uint8Array =>
    new Uint8Array(BLAKE2s.hash(Buffer.from(`redmesh-vpn-v1 ${label}`, 'latin1'), key.secret));
  return {
    psk: derive('psk'),
    mac1Key: derive('mac1'),
    cookieKey: derive('cookie'),
    helloKey: derive('hello'),
  };
}

/** NodeID: hex BLAKE2s-256 of the static public key. */
export function nodeIdOf(staticPublicKey: Uint8Array): string {
  return BLAKE2s.hash(Buffer.from('redmesh-vpn-v1 node', 'latin1'), staticPublicKey).toString('hex');
}

/**
 * X25519 public keys of small order (libsodium's blacklist; the top bit is ignored, as X25519 does):
 * a Diffie-Hellman with one yields a value an attacker knows, so no message carrying one as a static or
 * ephemeral key is ever used.
 */
const LOW_ORDER_POINTS: readonly Uint8Array[] = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
].map((hex) => Buffer.from(hex, 'hex'));

/** Whether a 32-byte X25519 public key is one of the small-order points (or not 32 bytes at all). */
export function isLowOrderPoint(key: Uint8Array): boolean {
  if (key.length !== 32) return true;
  return LOW_ORDER_POINTS.some((p) => {
    for (let i = 0; i < 31; i++) if (key[i] !== p[i]) return false;
    return (key[31]! & 0x7f) === p[31];
  });
}
