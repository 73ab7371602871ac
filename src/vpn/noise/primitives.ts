import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';

/**
 * The Noise "crypto functions" (spec §4) on node:crypto: DH (25519, 448), cipher (ChaChaPoly, AESGCM)
 * and hash (SHA256, SHA512, BLAKE2s, BLAKE2b). Node 20 cannot import raw X25519/X448 keys, so raw keys
 * are wrapped in fixed DER prefixes (PKCS#8 for private, SPKI for public keys).
 */

export interface KeyPair {
  readonly privateKey: Buffer;
  readonly publicKey: Buffer;
}

export interface DhFunction {
  readonly name: '25519' | '448';
  readonly dhLen: number;
  generateKeyPair(): KeyPair;
  /** The key pair of a raw private key (for fixed test vectors and configured identities). */
  keyPairFromPrivate(privateKey: Uint8Array): KeyPair;
  /** DH(private, public); throws on an invalid public key (e.g. small order → all-zero output). */
  dh(privateKey: Uint8Array, publicKey: Uint8Array): Buffer;
}

export interface CipherFunction {
  readonly name: 'ChaChaPoly' | 'AESGCM';
  encrypt(key: Uint8Array, nonce: bigint, ad: Uint8Array, plaintext: Uint8Array): Buffer;
  /** Returns undefined when authentication fails. */
  decrypt(key: Uint8Array, nonce: bigint, ad: Uint8Array, ciphertext: Uint8Array): Buffer | undefined;
}

export interface HashFunction {
  readonly name: 'SHA256' | 'SHA512' | 'BLAKE2s' | 'BLAKE2b';
  readonly hashLen: number;
  hash(...parts: readonly Uint8Array[]): Buffer;
  hmac(key: Uint8Array, ...parts: readonly Uint8Array[]): Buffer;
}

function makeDh(name: '25519' | '448', dhLen: number, pkcs8Hex: string, spkiHex: string): DhFunction {
  const pkcs8Prefix = Buffer.from(pkcs8Hex, 'hex');
  const spkiPrefix = Buffer.from(spkiHex, 'hex');
  // Importing a raw key costs more than the DH itself, so KeyObjects are cached per key *object*
  // (WeakMaps: an entry lives exactly as long as the caller keeps the key, so ephemeral private
  // keys do not outlive their handshake here).
  const privateObjects = new WeakMap<Uint8Array, KeyObject>();
  const publicObjects = new WeakMap<Uint8Array, KeyObject>();
  const keyPairs = new WeakMap<Uint8Array, KeyPair>();
  const privateKeyObject = (raw: Uint8Array): KeyObject => {
    let k = privateObjects.get(raw);
    if (k === undefined) {
      k = createPrivateKey({ key: Buffer.concat([pkcs8Prefix, raw]), format: 'der', type: 'pkcs8' });
      privateObjects.set(raw, k);
    }
    return k;
  };
  const publicKeyObject = (raw: Uint8Array): KeyObject => {
    let k = publicObjects.get(raw);
    if (k === undefined) {
      k = createPublicKey({ key: Buffer.concat([spkiPrefix, raw]), format: 'der', type: 'spki' });
      publicObjects.set(raw, k);
    }
    return k;
  };
  const rawPublic = (key: KeyObject): Buffer =>
    createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(spkiPrefix.length);
  return {
    name,
    dhLen,
    generateKeyPair() {
      const { privateKey } = name === '25519' ? generateKeyPairSync('x25519') : generateKeyPairSync('x448');
      const der = privateKey.export({ format: 'der', type: 'pkcs8' });
      return { privateKey: der.subarray(pkcs8Prefix.length), publicKey: rawPublic(privateKey) };
    },
    keyPairFromPrivate(privateKey) {
      if (privateKey.length !== dhLen) throw new Error(`X${name} private key must be ${dhLen} bytes`);
      let kp = keyPairs.get(privateKey);
      if (kp === undefined) {
        const copy = Buffer.from(privateKey);
        kp = { privateKey: copy, publicKey: rawPublic(privateKeyObject(copy)) };
        keyPairs.set(privateKey, kp);
      }
      return kp;
    },
    dh(privateKey, publicKey) {
      if (publicKey.length !== dhLen) throw new Error(`X${name} public key must be ${dhLen} bytes`);
      return diffieHellman({
        privateKey: privateKeyObject(privateKey),
        publicKey: publicKeyObject(publicKey),
      });
    },
  };
}

export const X25519 = makeDh('25519', 32, '302e020100300506032b656e04220420', '302a300506032b656e032100');
export const X448 = makeDh('448', 56, '3046020100300506032b656f043a0438', '3042300506032b656f033900');

/** Noise nonces: 32 zero bits then the 64-bit counter, little-endian (ChaChaPoly) or big-endian (AESGCM). */
function nonceBytes(n: bigint, littleEndian: boolean): Buffer {
  const iv = Buffer.alloc(12);
  if (littleEndian) iv.writeBigUInt64LE(n, 4);
  else iv.writeBigUInt64BE(n, 4);
  return iv;
}

function makeAead(name: 'ChaChaPoly' | 'AESGCM'): CipherFunction {
  const algorithm = name === 'ChaChaPoly' ? 'chacha20-poly1305' : 'aes-256-gcm';
  const le = name === 'ChaChaPoly';
  return {
    name,
    encrypt(key, nonce, ad, plaintext) {
      // The cast picks the AEAD overload; both algorithms are AEADs with 16-byte tags.
      const c = createCipheriv(algorithm as 'chacha20-poly1305', key, nonceBytes(nonce, le), {
        authTagLength: 16,
      });
      c.setAAD(ad, { plaintextLength: plaintext.length });
      return Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
    },
    decrypt(key, nonce, ad, ciphertext) {
      if (ciphertext.length < 16) return undefined;
      const body = ciphertext.subarray(0, ciphertext.length - 16);
      const d = createDecipheriv(algorithm as 'chacha20-poly1305', key, nonceBytes(nonce, le), {
        authTagLength: 16,
      });
      d.setAAD(ad, { plaintextLength: body.length });
      d.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
      try {
        return Buffer.concat([d.update(body), d.final()]);
      } catch {
        return undefined;
      }
    },
  };
}

export const ChaChaPoly = makeAead('ChaChaPoly');
export const AESGCM = makeAead('AESGCM');

function makeHash(name: HashFunction['name'], nodeName: string, hashLen: number): HashFunction {
  return {
    name,
    hashLen,
    hash(...parts) {
      const h = createHash(nodeName);
      for (const p of parts) h.update(p);
      return h.digest();
    },
    hmac(key, ...parts) {
      const h = createHmac(nodeName, key);
      for (const p of parts) h.update(p);
      return h.digest();
    },
  };
}

export const SHA256 = makeHash('SHA256', 'sha256', 32);
export const SHA512 = makeHash('SHA512', 'sha512', 64);
export const BLAKE2s = makeHash('BLAKE2s', 'blake2s256', 32);
export const BLAKE2b = makeHash('BLAKE2b', 'blake2b512', 64);

/** Noise HKDF (spec §4.3): HMAC-based, empty info, 2 or 3 outputs of HASHLEN bytes. */
export function hkdf(hash: HashFunction, chainingKey: Uint8Array, ikm: Uint8Array, outputs: 2 | 3): Buffer[] {
  const tempKey = hash.hmac(chainingKey, ikm);
  const out1 = hash.hmac(tempKey, Uint8Array.of(1));
  const out2 = hash.hmac(tempKey, out1, Uint8Array.of(2));
  if (outputs === 2) return [out1, out2];
  return [out1, out2, hash.hmac(tempKey, out2, Uint8Array.of(3))];
}
