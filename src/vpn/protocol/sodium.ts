import { createRequire } from 'node:module';

/**
 * The few libsodium functions the data plane uses, typed. sodium-native ships no type declarations,
 * so it is loaded through createRequire and narrowed to this interface here, in one place.
 */
interface Sodium {
  crypto_aead_chacha20poly1305_ietf_encrypt(
    c: Uint8Array,
    m: Uint8Array,
    ad: Uint8Array | null,
    nsec: null,
    npub: Uint8Array,
    k: Uint8Array,
  ): number;
  /** Throws when authentication fails. */
  crypto_aead_chacha20poly1305_ietf_decrypt(
    m: Uint8Array,
    nsec: null,
    c: Uint8Array,
    ad: Uint8Array | null,
    npub: Uint8Array,
    k: Uint8Array,
  ): number;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
    c: Uint8Array,
    m: Uint8Array,
    ad: Uint8Array | null,
    nsec: null,
    npub: Uint8Array,
    k: Uint8Array,
  ): number;
  crypto_aead_xchacha20poly1305_ietf_decrypt(
    m: Uint8Array,
    nsec: null,
    c: Uint8Array,
    ad: Uint8Array | null,
    npub: Uint8Array,
    k: Uint8Array,
  ): number;
  /** Keyed BLAKE2b; output 16..64 bytes, key 16..64 bytes. */
  crypto_generichash(output: Uint8Array, input: Uint8Array, key?: Uint8Array): void;
  randombytes_buf(buffer: Uint8Array): void;
}

export const sodium = createRequire(import.meta.url)('sodium-native') as Sodium;
