/** A general Noise Protocol Framework implementation (rev 34) on node:crypto. */
export {
  CipherState,
  HandshakeState,
  NoiseDecryptError,
  SymmetricState,
  parseProtocolName,
  type HandshakeOptions,
  type Suite,
  type TransportKeys,
} from './handshake-state.js';
export { handshakePattern, type HandshakePattern, type MessagePattern, type Token } from './patterns.js';
export {
  AESGCM,
  BLAKE2b,
  BLAKE2s,
  ChaChaPoly,
  SHA256,
  SHA512,
  X25519,
  X448,
  hkdf,
  type CipherFunction,
  type DhFunction,
  type HashFunction,
  type KeyPair,
} from './primitives.js';
