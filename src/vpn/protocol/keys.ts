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
