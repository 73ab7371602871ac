import { MESSAGE_TRANSPORT, TRANSPORT_HEADER_SIZE, TRANSPORT_OVERHEAD } from './constants.js';
import { sodium } from './sodium.js';

/**
 * Transport (data) packets: the per-packet hot path.
 *
 *   0  type = 4      1  kind (what the plaintext is)   2..3  zero
 *   4  receiver index (u32 LE)   8  counter (u64 LE)   16  ChaCha20-Poly1305(payload) ‖ tag(16)
 *
 * The nonce is 32 zero bits then the counter, little-endian (Noise's ChaChaPoly nonce); the 16-byte
 * header is the AEAD's associated data, so kind, index and counter are all authenticated.
 * Sealing writes straight into the datagram buffer; the only allocation per packet is that buffer.
 */

/** What a transport payload is (header byte 1). */
export const TransportKind = {
  keepalive: 0,
  frame: 1,
  peerInfo: 2,
  relayIn: 3,
  relayOut: 4,
  /**
   * origin NodeID(32) ‖ inner handshake-class datagram, from a relay: the relay names who handed it the
   * datagram, so the target can send a cookie reply back to that origin through it under load. Transport
   * datagrams go in relayOut (no origin: 32 bytes less on the relayed data path).
   */
  relayOutFrom: 5,
} as const;
export type TransportKind = (typeof TransportKind)[keyof typeof TransportKind];

const nonce = new Uint8Array(12); // shared: used and rewritten synchronously per call

function writeCounter(buf: Uint8Array, offset: number, counter: number): void {
  const lo = counter >>> 0;
  const hi = Math.floor(counter / 0x1_0000_0000);
  buf[offset] = lo & 0xff;
  buf[offset + 1] = (lo >>> 8) & 0xff;
  buf[offset + 2] = (lo >>> 16) & 0xff;
  buf[offset + 3] = lo >>> 24;
  buf[offset + 4] = hi & 0xff;
  buf[offset + 5] = (hi >>> 8) & 0xff;
  buf[offset + 6] = (hi >>> 16) & 0xff;
  buf[offset + 7] = hi >>> 24;
}

function readU32(buf: Uint8Array, offset: number): number {
  return (buf[offset]! | (buf[offset + 1]! << 8) | (buf[offset + 2]! << 16)) + buf[offset + 3]! * 0x100_0000;
}

/** Seal `payload` into a new datagram for the peer's `receiverIndex`. */
export function sealTransport(
  key: Uint8Array,
  receiverIndex: number,
  counter: number,
  kind: TransportKind,
  payload: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(TRANSPORT_OVERHEAD + payload.length);
  out[0] = MESSAGE_TRANSPORT;
  out[1] = kind;
  out[4] = receiverIndex & 0xff;
  out[5] = (receiverIndex >>> 8) & 0xff;
  out[6] = (receiverIndex >>> 16) & 0xff;
  out[7] = receiverIndex >>> 24;
  writeCounter(out, 8, counter);
  nonce.set(out.subarray(8, 16), 4);
  sodium.crypto_aead_chacha20poly1305_ietf_encrypt(
    out.subarray(TRANSPORT_HEADER_SIZE),
    payload,
    out.subarray(0, TRANSPORT_HEADER_SIZE),
    null,
    nonce,
    key,
  );
  return out;
}

/** The parsed clear header of a transport datagram; undefined if it cannot be one. */
export interface TransportHeader {
  readonly kind: number;
  readonly receiverIndex: number;
  readonly counter: number;
}

export function parseTransportHeader(datagram: Uint8Array): TransportHeader | undefined {
  if (datagram.length < TRANSPORT_OVERHEAD || datagram[0] !== MESSAGE_TRANSPORT) return undefined;
  if (datagram[2] !== 0 || datagram[3] !== 0) return undefined;
  const hi = readU32(datagram, 12);
  if (hi >= 0x20_0000) return undefined; // beyond 2^53: never sent (REJECT_AFTER_MESSAGES)
  return {
    kind: datagram[1]!,
    receiverIndex: readU32(datagram, 4),
    counter: hi * 0x1_0000_0000 + readU32(datagram, 8),
  };
}

/** Open a transport datagram; undefined when authentication fails. Allocates only the plaintext. */
export function openTransport(key: Uint8Array, datagram: Uint8Array): Uint8Array | undefined {
  const out = new Uint8Array(datagram.length - TRANSPORT_OVERHEAD);
  nonce.set(datagram.subarray(8, 16), 4);
  try {
    sodium.crypto_aead_chacha20poly1305_ietf_decrypt(
      out,
      null,
      datagram.subarray(TRANSPORT_HEADER_SIZE),
      datagram.subarray(0, TRANSPORT_HEADER_SIZE),
      nonce,
      key,
    );
  } catch {
    return undefined;
  }
  return out;
}
