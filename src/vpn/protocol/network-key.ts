import { scrypt } from 'node:crypto';
import { SCRYPT_N, SCRYPT_P, SCRYPT_R, SCRYPT_SALT_LABEL } from './constants.js';

/**
 * The network secret every member derives from `networkname` + `psk`: 32 bytes of scrypt output.
 * All handshake keys (Noise PSK, MAC1 key, cookie and hello keys) are derived from it, never from the
 * raw PSK, so a captured packet lets an attacker test PSK guesses only at scrypt cost, and only for
 * this network (the salt binds the normalised network name).
 */
export interface NetworkKey {
  readonly networkName: string;
  readonly secret: Uint8Array; // 32 bytes
}

/**
 * Stretch the PSK with scrypt (memory-hard, 32 MiB, ~200 ms of CPU) salted with the normalised
 * network name. Async: it runs on the libuv threadpool, so call it once at startup, before
 * building the engine.
 */
export function deriveNetworkKey(networkName: string, psk: string): Promise<NetworkKey> {
  const salt = Buffer.concat([Buffer.from(SCRYPT_SALT_LABEL, 'latin1'), Buffer.from(networkName, 'utf8')]);
  return new Promise((resolve, reject) => {
    scrypt(
      Buffer.from(psk, 'utf8'),
      salt,
      32,
      { N: SCRYPT_N, r: SCRYPT_R, p: SCRYPT_P, maxmem: 256 * SCRYPT_N * SCRYPT_R },
      (err, key) => {
        if (err) reject(err);
        else resolve({ networkName, secret: new Uint8Array(key) });
      },
    );
  });
}
