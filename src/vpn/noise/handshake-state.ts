import { handshakePattern, type HandshakePattern, type MessagePattern } from './patterns.js';
import {
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

/** Names from the Noise spec (rev 34): CipherState §5.1, SymmetricState §5.2, HandshakeState §5.3. */

const MAX_NONCE = 2n ** 64n - 1n;
const EMPTY = new Uint8Array(0);

export class CipherState {
  private k: Buffer | undefined;
  private n = 0n;
  constructor(private readonly cipher: CipherFunction) {}

  initializeKey(key: Buffer | undefined): void {
    this.k = key;
    this.n = 0n;
  }
  hasKey(): boolean {
    return this.k !== undefined;
  }
  /** The raw key, for handing a transport key to the data plane. Undefined before a key is set. */
  key(): Buffer | undefined {
    return this.k;
  }
  encryptWithAd(ad: Uint8Array, plaintext: Uint8Array): Buffer {
    if (this.k === undefined) return Buffer.from(plaintext);
    if (this.n === MAX_NONCE) throw new Error('Noise nonce exhausted');
    const out = this.cipher.encrypt(this.k, this.n, ad, plaintext);
    this.n += 1n;
    return out;
  }
  /** Throws NoiseDecryptError when authentication fails (the nonce is then not advanced). */
  decryptWithAd(ad: Uint8Array, ciphertext: Uint8Array): Buffer {
    if (this.k === undefined) return Buffer.from(ciphertext);
    if (this.n === MAX_NONCE) throw new Error('Noise nonce exhausted');
    const out = this.cipher.decrypt(this.k, this.n, ad, ciphertext);
    if (out === undefined) throw new NoiseDecryptError();
    this.n += 1n;
    return out;
  }
}

/** Authentication of a handshake or transport message failed. */
export class NoiseDecryptError extends Error {
  constructor() {
    super('Noise decryption failed');
  }
}

export class SymmetricState {
  readonly cipherState: CipherState;
  private ck: Buffer;
  private h: Buffer;

  constructor(
    protocolName: string,
    private readonly hash: HashFunction,
    cipher: CipherFunction,
  ) {
    this.cipherState = new CipherState(cipher);
    const name = Buffer.from(protocolName, 'latin1');
    this.h =
      name.length <= hash.hashLen
        ? Buffer.concat([name, Buffer.alloc(hash.hashLen - name.length)])
        : hash.hash(name);
    this.ck = this.h;
  }

  mixKey(ikm: Uint8Array): void {
    const [ck, tempK] = hkdf(this.hash, this.ck, ikm, 2) as [Buffer, Buffer];
    this.ck = ck;
    this.cipherState.initializeKey(tempK.subarray(0, 32));
  }
  mixHash(data: Uint8Array): void {
    this.h = this.hash.hash(this.h, data);
  }
  mixKeyAndHash(ikm: Uint8Array): void {
    const [ck, tempH, tempK] = hkdf(this.hash, this.ck, ikm, 3) as [Buffer, Buffer, Buffer];
    this.ck = ck;
    this.mixHash(tempH);
    this.cipherState.initializeKey(tempK.subarray(0, 32));
  }
  handshakeHash(): Buffer {
    return this.h;
  }
  encryptAndHash(plaintext: Uint8Array): Buffer {
    const c = this.cipherState.encryptWithAd(this.h, plaintext);
    this.mixHash(c);
    return c;
  }
  decryptAndHash(ciphertext: Uint8Array): Buffer {
    const p = this.cipherState.decryptWithAd(this.h, ciphertext);
    this.mixHash(ciphertext);
    return p;
  }
  /** The two transport keys: [initiator → responder, responder → initiator]. */
  split(): [Buffer, Buffer] {
    const [k1, k2] = hkdf(this.hash, this.ck, EMPTY, 2) as [Buffer, Buffer];
    return [k1.subarray(0, 32), k2.subarray(0, 32)];
  }
}

export interface Suite {
  readonly pattern: HandshakePattern;
  readonly dh: DhFunction;
  readonly cipher: CipherFunction;
  readonly hash: HashFunction;
}

/** Parse `Noise_<pattern>_<dh>_<cipher>_<hash>`; throws on anything unsupported. */
export function parseProtocolName(protocolName: string): Suite {
  const parts = protocolName.split('_');
  if (parts.length !== 5 || parts[0] !== 'Noise') throw new Error(`bad Noise protocol name: ${protocolName}`);
  const [, p, d, c, h] = parts as [string, string, string, string, string];
  const dh = { '25519': X25519, '448': X448 }[d];
  const cipher = { ChaChaPoly, AESGCM }[c];
  const hash = { SHA256, SHA512, BLAKE2s, BLAKE2b }[h];
  if (!dh || !cipher || !hash) throw new Error(`unsupported Noise functions: ${protocolName}`);
  return { pattern: handshakePattern(p), dh, cipher, hash };
}

export interface HandshakeOptions {
  readonly protocolName: string;
  readonly initiator: boolean;
  readonly prologue?: Uint8Array;
  /** Our static key pair (raw private key; the public key is derived). */
  readonly staticPrivateKey?: Uint8Array;
  /** A fixed ephemeral private key (test vectors only); a fresh one otherwise. */
  readonly ephemeralPrivateKey?: Uint8Array;
  readonly remoteStaticKey?: Uint8Array;
  readonly remoteEphemeralKey?: Uint8Array;
  readonly psks?: readonly Uint8Array[];
}

/** What the handshake produced once its last message is written or read. */
export interface TransportKeys {
  readonly send: CipherState;
  readonly receive: CipherState;
  readonly handshakeHash: Buffer;
}

export class HandshakeState {
  readonly suite: Suite;
  private readonly ss: SymmetricState;
  private readonly initiator: boolean;
  private s: KeyPair | undefined;
  private e: KeyPair | undefined;
  private rs: Buffer | undefined;
  private re: Buffer | undefined;
  private readonly psks: Uint8Array[];
  private readonly pskMode: boolean;
  private messageIndex = 0;
  private keys: TransportKeys | undefined;

  constructor(options: HandshakeOptions) {
    this.suite = parseProtocolName(options.protocolName);
    const { pattern, dh } = this.suite;
    this.ss = new SymmetricState(options.protocolName, this.suite.hash, this.suite.cipher);
    this.initiator = options.initiator;
    this.s = options.staticPrivateKey ? dh.keyPairFromPrivate(options.staticPrivateKey) : undefined;
    this.e = options.ephemeralPrivateKey ? dh.keyPairFromPrivate(options.ephemeralPrivateKey) : undefined;
    this.rs = options.remoteStaticKey ? Buffer.from(options.remoteStaticKey) : undefined;
    this.re = options.remoteEphemeralKey ? Buffer.from(options.remoteEphemeralKey) : undefined;
    this.psks = [...(options.psks ?? [])];
    this.pskMode = pattern.messages.some((m) => m.tokens.includes('psk'));
    this.ss.mixHash(options.prologue ?? EMPTY);
    this.mixPreMessage(pattern.initiatorPreMessage, this.initiator);
    this.mixPreMessage(pattern.responderPreMessage, !this.initiator);
  }

  private mixPreMessage(tokens: readonly string[], ours: boolean): void {
    for (const t of tokens) {
      const key = t === 's' ? (ours ? this.s?.publicKey : this.rs) : ours ? this.e?.publicKey : this.re;
      if (key === undefined) throw new Error(`pre-message key '${t}' missing`);
      this.ss.mixHash(key);
      if (t === 'e' && this.pskMode) this.ss.mixKey(key);
    }
  }

  isComplete(): boolean {
    return this.keys !== undefined;
  }
  /** Whether the next message is ours to write. */
  isMyTurn(): boolean {
    const next = this.suite.pattern.messages[this.messageIndex];
    return next !== undefined && next.fromInitiator === this.initiator;
  }
  remoteStaticKey(): Buffer | undefined {
    return this.rs;
  }
  handshakeHash(): Buffer {
    return this.ss.handshakeHash();
  }
  transportKeys(): TransportKeys {
    if (!this.keys) throw new Error('handshake not complete');
    return this.keys;
  }

  writeMessage(payload: Uint8Array): Buffer {
    const msg = this.nextMessage(true);
    const out: Buffer[] = [];
    for (const t of msg.tokens) {
      switch (t) {
        case 'e': {
          this.e ??= this.suite.dh.generateKeyPair();
          out.push(this.e.publicKey);
          this.ss.mixHash(this.e.publicKey);
          if (this.pskMode) this.ss.mixKey(this.e.publicKey);
          break;
        }
        case 's':
          out.push(this.ss.encryptAndHash(this.need(this.s, 's').publicKey));
          break;
        case 'psk':
          this.ss.mixKeyAndHash(this.nextPsk());
          break;
        default:
          this.ss.mixKey(this.dhToken(t));
      }
    }
    out.push(this.ss.encryptAndHash(payload));
    this.finishMessage();
    return Buffer.concat(out);
  }

  /** Returns the payload; throws NoiseDecryptError on authentication failure, Error on bad length. */
  /**
   * `checkRemoteStatic`, when given, sees the remote static key as soon as it is decrypted, before
   * any DH that uses it: it may throw to stop the handshake there (a key we refuse anyway).
   */
  readMessage(message: Uint8Array, checkRemoteStatic?: (remoteStatic: Buffer) => void): Buffer {
    const msg = this.nextMessage(false);
    let off = 0;
    const take = (n: number): Buffer => {
      if (off + n > message.length) throw new NoiseDecryptError();
      const b = Buffer.from(message.subarray(off, off + n));
      off += n;
      return b;
    };
    const dhLen = this.suite.dh.dhLen;
    for (const t of msg.tokens) {
      switch (t) {
        case 'e': {
          this.re = take(dhLen);
          this.ss.mixHash(this.re);
          if (this.pskMode) this.ss.mixKey(this.re);
          break;
        }
        case 's':
          this.rs = this.ss.decryptAndHash(take(this.ss.cipherState.hasKey() ? dhLen + 16 : dhLen));
          checkRemoteStatic?.(this.rs);
          break;
        case 'psk':
          this.ss.mixKeyAndHash(this.nextPsk());
          break;
        default:
          this.ss.mixKey(this.dhToken(t));
      }
    }
    const payload = this.ss.decryptAndHash(message.subarray(off));
    this.finishMessage();
    return payload;
  }

  private nextMessage(writing: boolean): MessagePattern {
    const msg = this.suite.pattern.messages[this.messageIndex];
    if (msg === undefined) throw new Error('handshake already complete');
    if ((msg.fromInitiator === this.initiator) !== writing) throw new Error('not our turn in the handshake');
    return msg;
  }

  private finishMessage(): void {
    this.messageIndex += 1;
    if (this.messageIndex < this.suite.pattern.messages.length) return;
    const [k1, k2] = this.ss.split();
    const c1 = new CipherState(this.suite.cipher);
    const c2 = new CipherState(this.suite.cipher);
    c1.initializeKey(k1);
    c2.initializeKey(k2);
    this.keys = this.initiator
      ? { send: c1, receive: c2, handshakeHash: this.ss.handshakeHash() }
      : { send: c2, receive: c1, handshakeHash: this.ss.handshakeHash() };
  }

  private dhToken(t: 'ee' | 'es' | 'se' | 'ss'): Buffer {
    const dh = this.suite.dh;
    const e = (): KeyPair => this.need(this.e, 'e');
    const s = (): KeyPair => this.need(this.s, 's');
    const re = (): Buffer => this.need(this.re, 're');
    const rs = (): Buffer => this.need(this.rs, 'rs');
    switch (t) {
      case 'ee':
        return dh.dh(e().privateKey, re());
      case 'ss':
        return dh.dh(s().privateKey, rs());
      case 'es':
        return this.initiator ? dh.dh(e().privateKey, rs()) : dh.dh(s().privateKey, re());
      case 'se':
        return this.initiator ? dh.dh(s().privateKey, re()) : dh.dh(e().privateKey, rs());
    }
  }

  private nextPsk(): Uint8Array {
    const psk = this.psks.shift();
    if (psk === undefined || psk.length !== 32) throw new Error('Noise PSK missing or not 32 bytes');
    return psk;
  }

  private need<T>(v: T | undefined, what: string): T {
    if (v === undefined) throw new Error(`Noise key '${what}' missing`);
    return v;
  }
}
