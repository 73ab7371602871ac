import { HandshakeState } from '../noise/index.js';
import { NOISE_PROLOGUE, NOISE_PROTOCOL_NAME } from './constants.js';
import { isLowOrderPoint, type NetworkKeys } from './keys.js';
import {
  HELLO,
  INITIATION,
  RESPONSE,
  mac1Of,
  randomBytes,
  readU32,
  readU64,
  writeMacs,
  writeU32,
  writeU64,
  type MessageLayout,
} from './messages.js';
import { sodium } from './sodium.js';

/**
 * The redmesh handshake: Noise_IKpsk1_25519_ChaChaPoly_BLAKE2s, psk = the network's scrypt-derived
 * key, in one round trip:
 *
 *   initiator → responder   e, es, s, ss, psk, {timestamp, flags}
 *   responder → initiator   e, ee, se, {flags}
 *
 * psk1 (not WireGuard's psk2) so that the initiation's payload — the replay-protecting timestamp —
 * is already authenticated by the PSK: a node without the network secret cannot get the responder
 * to create any state, even past MAC1.
 *
 * IK needs the responder's static key in advance: we learn it from peer exchange, or — for an
 * `initpeers` endpoint we know nothing about — by sending a Hello, which carries our static key
 * encrypted under the network's helloKey; the receiver then initiates the IK handshake to us.
 */

const PROLOGUE = Buffer.from(NOISE_PROLOGUE, 'latin1');

export interface StaticIdentity {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** Capability flags carried (encrypted) in both handshake messages and in peer exchange. */
export const PeerFlag = { userdata: 1, relay: 2 } as const;

export interface SessionKeys {
  readonly send: Uint8Array;
  readonly receive: Uint8Array;
}

function keysOf(state: HandshakeState): SessionKeys {
  const k = state.transportKeys();
  const keys = { send: new Uint8Array(k.send.key()!), receive: new Uint8Array(k.receive.key()!) };
  // The spent handshake's copies are wiped now rather than whenever the collector frees them.
  k.send.key()!.fill(0);
  k.receive.key()!.fill(0);
  return keys;
}

function frame(layout: MessageLayout, noise: Uint8Array, indexes: readonly number[]): Uint8Array {
  const msg = new Uint8Array(layout.size);
  msg[0] = layout.type;
  indexes.forEach((index, i) => writeU32(msg, 4 + 4 * i, index));
  if (noise.length !== layout.noiseEnd - layout.noiseOffset) throw new Error('Noise message size mismatch');
  msg.set(noise, layout.noiseOffset);
  return msg;
}

export interface OutgoingMessage {
  readonly message: Uint8Array;
  /** Kept to authenticate a cookie reply to this message. */
  readonly mac1: Uint8Array;
}

export interface Initiation extends OutgoingMessage {
  readonly state: HandshakeState;
}

export function createInitiation(
  keys: NetworkKeys,
  identity: StaticIdentity,
  remoteStatic: Uint8Array,
  senderIndex: number,
  timestamp: number,
  flags: number,
  cookie: Uint8Array | undefined,
): Initiation {
  const state = new HandshakeState({
    protocolName: NOISE_PROTOCOL_NAME,
    initiator: true,
    prologue: PROLOGUE,
    staticPrivateKey: identity.privateKey,
    remoteStaticKey: remoteStatic,
    psks: [keys.psk],
  });
  const payload = new Uint8Array(12);
  writeU64(payload, 0, timestamp);
  writeU32(payload, 8, flags);
  const message = frame(INITIATION, state.writeMessage(payload), [senderIndex]);
  writeMacs(INITIATION, message, keys.mac1Key, cookie);
  return { message, mac1: mac1Of(INITIATION, message), state };
}

export interface ConsumedInitiation {
  readonly remoteStatic: Uint8Array;
  readonly senderIndex: number;
  readonly timestamp: number;
  readonly flags: number;
  readonly state: HandshakeState;
}

/** An initiation whose static key `admits` refused (decrypted, but not yet proven by the `ss` DH). */
export interface RefusedInitiation {
  readonly refusedStatic: Uint8Array;
}

/**
 * Undefined when the Noise message does not authenticate (MAC1 was checked by the caller). The
 * initiator's static key is refused as soon as it is decrypted, before the `ss` DH and the PSK:
 * a small-order one (undefined), or one `admits` refuses (RefusedInitiation). That is one X25519 (`es`,
 * which the static key is encrypted under) per refused initiation instead of two; none is possible:
 * IK hides the initiator's identity under `es`, and any cleartext hint could be forged by whoever
 * holds the PSK, a revoked node included.
 */
export function consumeInitiation(
  keys: NetworkKeys,
  identity: StaticIdentity,
  message: Uint8Array,
): ConsumedInitiation | undefined;
export function consumeInitiation(
  keys: NetworkKeys,
  identity: StaticIdentity,
  message: Uint8Array,
  admits: (remoteStatic: Uint8Array) => boolean,
): ConsumedInitiation | RefusedInitiation | undefined;
export function consumeInitiation(
  keys: NetworkKeys,
  identity: StaticIdentity,
  message: Uint8Array,
  admits: (remoteStatic: Uint8Array) => boolean = () => true,
): ConsumedInitiation | RefusedInitiation | undefined {
  const state = new HandshakeState({
    protocolName: NOISE_PROTOCOL_NAME,
    initiator: false,
    prologue: PROLOGUE,
    staticPrivateKey: identity.privateKey,
    psks: [keys.psk],
  });
  // The ephemeral travels in clear first: a small-order one is refused before any DH work.
  if (isLowOrderPoint(message.subarray(INITIATION.noiseOffset, INITIATION.noiseOffset + 32)))
    return undefined;
  let refusedStatic: Uint8Array | undefined;
  const checkStatic = (rs: Uint8Array): void => {
    if (isLowOrderPoint(rs)) throw new Error('small-order static key');
    if (!admits(rs)) {
      refusedStatic = new Uint8Array(rs);
      throw new Error('static key not admitted');
    }
  };
  try {
    const payload = state.readMessage(
      message.subarray(INITIATION.noiseOffset, INITIATION.noiseEnd),
      checkStatic,
    );
    if (payload.length !== 12) return undefined;
    return {
      remoteStatic: new Uint8Array(state.remoteStaticKey()!),
      senderIndex: readU32(message, 4),
      timestamp: readU64(payload, 0),
      flags: readU32(payload, 8),
      state,
    };
  } catch {
    // authentication failure, an invalid (e.g. low-order) public key, or a refused one
    return refusedStatic === undefined ? undefined : { refusedStatic };
  }
}

export interface Response extends OutgoingMessage {
  readonly keys: SessionKeys;
}

export function createResponse(
  keys: NetworkKeys,
  state: HandshakeState,
  senderIndex: number,
  receiverIndex: number,
  flags: number,
  cookie: Uint8Array | undefined,
): Response {
  const payload = new Uint8Array(4);
  writeU32(payload, 0, flags);
  const message = frame(RESPONSE, state.writeMessage(payload), [senderIndex, receiverIndex]);
  writeMacs(RESPONSE, message, keys.mac1Key, cookie);
  return { message, mac1: mac1Of(RESPONSE, message), keys: keysOf(state) };
}

export interface ConsumedResponse {
  readonly senderIndex: number;
  readonly flags: number;
  readonly keys: SessionKeys;
}

export function consumeResponse(state: HandshakeState, message: Uint8Array): ConsumedResponse | undefined {
  try {
    const payload = state.readMessage(message.subarray(RESPONSE.noiseOffset, RESPONSE.noiseEnd));
    if (payload.length !== 4) return undefined;
    return { senderIndex: readU32(message, 4), flags: readU32(payload, 0), keys: keysOf(state) };
  } catch {
    return undefined;
  }
}

/** The receiver index of a response (our initiation's sender index). */
export function responseReceiver(message: Uint8Array): number {
  return readU32(message, 8);
}

/** static(32) timestamp(8) and zero padding to the initiation's size (see messages.ts). */
const HELLO_PLAINTEXT_SIZE = HELLO.noiseEnd - 32 - 16;

export function createHello(
  keys: NetworkKeys,
  identity: StaticIdentity,
  senderIndex: number,
  timestamp: number,
  cookie: Uint8Array | undefined,
): OutgoingMessage {
  const message = new Uint8Array(HELLO.size);
  message[0] = HELLO.type;
  writeU32(message, 4, senderIndex);
  const nonce = randomBytes(24);
  message.set(nonce, 8);
  const plain = new Uint8Array(HELLO_PLAINTEXT_SIZE); // the padding stays zero
  plain.set(identity.publicKey, 0);
  writeU64(plain, 32, timestamp);
  sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    message.subarray(32, HELLO.noiseEnd),
    plain,
    message.subarray(0, 8),
    null,
    nonce,
    keys.helloKey,
  );
  writeMacs(HELLO, message, keys.mac1Key, cookie);
  return { message, mac1: mac1Of(HELLO, message) };
}

export interface ConsumedHello {
  readonly remoteStatic: Uint8Array;
  readonly timestamp: number;
}

export function consumeHello(keys: NetworkKeys, message: Uint8Array): ConsumedHello | undefined {
  const plain = new Uint8Array(HELLO_PLAINTEXT_SIZE);
  try {
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      plain,
      null,
      message.subarray(32, HELLO.noiseEnd),
      message.subarray(0, 8),
      message.subarray(8, 32),
      keys.helloKey,
    );
  } catch {
    return undefined;
  }
  const remoteStatic = plain.slice(0, 32);
  if (isLowOrderPoint(remoteStatic)) return undefined; // nobody can complete a handshake with it
  return { remoteStatic, timestamp: readU64(plain, 32) };
}

/** Sender index of an initiation or hello (for addressing a cookie reply). */
export function senderIndexOf(message: Uint8Array): number {
  return readU32(message, 4);
}
