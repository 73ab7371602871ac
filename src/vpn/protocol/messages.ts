import {
  MESSAGE_COOKIE_REPLY,
  MESSAGE_HANDSHAKE_INITIATION,
  MESSAGE_HANDSHAKE_RESPONSE,
  MESSAGE_HELLO,
} from './constants.js';
import { sodium } from './sodium.js';

/**
 * Layouts of the handshake-class messages (all integers little-endian, byte 0 = type, 1..3 zero).
 *
 *   HandshakeInitiation (148): sender(4) @4, ephemeral(32) @8, static(32+16) @40,
 *                              payload{timestamp(8) flags(4)}(12+16) @88, mac1(16) @116, mac2(16) @132
 *   HandshakeResponse    (96): sender(4) @4, receiver(4) @8, ephemeral(32) @12,
 *                              payload{flags(4)}(4+16) @44, mac1 @64, mac2 @80
 *   CookieReply          (64): receiver(4) @4, nonce(24) @8, cookie(16+16) @32
 *   Hello               (148): sender(4) @4, nonce(24) @8, {static(32) timestamp(8) zero(28)}(68+16) @32,
 *                              mac1 @116, mac2 @132
 *
 * A hello is padded to the size of the initiation it asks for, so answering one never sends more bytes
 * than arrived (no amplification).
 *
 * The Noise message proper (ephemeral..payload) sits between the index fields and the MACs.
 * MAC1 = BLAKE2b-128 keyed with the network's mac1Key over everything before it: it proves the sender
 * knows the network secret before we spend any Diffie-Hellman on the packet. MAC2 = BLAKE2b-128 keyed
 * with a cookie over everything before it: only checked when we are under load.
 */
export interface MessageLayout {
  readonly type: number;
  readonly size: number;
  readonly noiseOffset: number;
  readonly noiseEnd: number;
  readonly mac1Offset: number;
}

export const INITIATION: MessageLayout = {
  type: MESSAGE_HANDSHAKE_INITIATION,
  size: 148,
  noiseOffset: 8,
  noiseEnd: 116,
  mac1Offset: 116,
};
export const RESPONSE: MessageLayout = {
  type: MESSAGE_HANDSHAKE_RESPONSE,
  size: 96,
  noiseOffset: 12,
  noiseEnd: 64,
  mac1Offset: 64,
};
export const HELLO: MessageLayout = {
  type: MESSAGE_HELLO,
  size: 148,
  noiseOffset: 8,
  noiseEnd: 116,
  mac1Offset: 116,
};
export const COOKIE_REPLY_SIZE = 64;
export const MAC_SIZE = 16;

export function layoutOf(datagram: Uint8Array): MessageLayout | undefined {
  const layout = [INITIATION, RESPONSE, HELLO].find((l) => l.type === datagram[0]);
  if (layout === undefined || datagram.length !== layout.size) return undefined;
  if (datagram[1] !== 0 || datagram[2] !== 0 || datagram[3] !== 0) return undefined;
  return layout;
}

export function readU32(buf: Uint8Array, offset: number): number {
  return (buf[offset]! | (buf[offset + 1]! << 8) | (buf[offset + 2]! << 16)) + buf[offset + 3]! * 0x100_0000;
}

export function writeU32(buf: Uint8Array, offset: number, value: number): void {
  buf[offset] = value & 0xff;
  buf[offset + 1] = (value >>> 8) & 0xff;
  buf[offset + 2] = (value >>> 16) & 0xff;
  buf[offset + 3] = value >>> 24;
}

export function writeU64(buf: Uint8Array, offset: number, value: number): void {
  writeU32(buf, offset, value >>> 0);
  writeU32(buf, offset + 4, Math.floor(value / 0x1_0000_0000));
}

export function readU64(buf: Uint8Array, offset: number): number {
  return readU32(buf, offset + 4) * 0x1_0000_0000 + readU32(buf, offset);
}

/** Keyed BLAKE2b-128. */
export function mac(key: Uint8Array, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(MAC_SIZE);
  sodium.crypto_generichash(out, data, key);
  return out;
}

/** Constant-time comparison of two MACs. */
export function macEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Fill MAC1 (and MAC2 when a cookie is known; zeros otherwise) of a message built in `msg`. */
export function writeMacs(
  layout: MessageLayout,
  msg: Uint8Array,
  mac1Key: Uint8Array,
  cookie: Uint8Array | undefined,
): void {
  msg.set(mac(mac1Key, msg.subarray(0, layout.mac1Offset)), layout.mac1Offset);
  const mac2Offset = layout.mac1Offset + MAC_SIZE;
  if (cookie !== undefined) msg.set(mac(cookie, msg.subarray(0, mac2Offset)), mac2Offset);
}

export function mac1Valid(layout: MessageLayout, msg: Uint8Array, mac1Key: Uint8Array): boolean {
  const expected = mac(mac1Key, msg.subarray(0, layout.mac1Offset));
  return macEqual(expected, msg.subarray(layout.mac1Offset, layout.mac1Offset + MAC_SIZE));
}

export function mac2Valid(layout: MessageLayout, msg: Uint8Array, cookie: Uint8Array): boolean {
  const mac2Offset = layout.mac1Offset + MAC_SIZE;
  const expected = mac(cookie, msg.subarray(0, mac2Offset));
  return macEqual(expected, msg.subarray(mac2Offset, mac2Offset + MAC_SIZE));
}

export function mac1Of(layout: MessageLayout, msg: Uint8Array): Uint8Array {
  return msg.slice(layout.mac1Offset, layout.mac1Offset + MAC_SIZE);
}

export function randomBytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  sodium.randombytes_buf(b);
  return b;
}

export { MESSAGE_COOKIE_REPLY };
