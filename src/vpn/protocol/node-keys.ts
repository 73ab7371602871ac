/**
 * Per-node identities (optional): a node's long-term X25519 key pair from a `nodekey` file instead of a
 * fresh one per process, and the `allowednodes` list of public keys a node admits. Text formats, as
 * WireGuard's: a key is 32 bytes in standard base64 (44 characters).
 *
 *   nodekey file:      one line, the private key (`redmesh keygen --node`)
 *   allowednodes file: one public key per line (`redmesh keygen --public < nodekey`), then optionally a
 *                      name; `#` starts a comment; blank lines are ignored
 */
import { X25519 } from '../noise/index.js';
import { isLowOrderPoint, nodeIdOf } from './keys.js';

export const NODE_KEY_SIZE = 32;

/** A new private node key, base64 (what `redmesh keygen --node` prints). */
export function generateNodeKey(): string {
  return Buffer.from(X25519.generateKeyPair().privateKey).toString('base64');
}

/** The 32 bytes of a base64 key, or undefined when the text is not exactly one. */
export function decodeKey(text: string): Uint8Array | undefined {
  const t = text.trim();
  if (!/^[A-Za-z0-9+/]{43}=$/.test(t)) return undefined;
  const bytes = Buffer.from(t, 'base64');
  return bytes.length === NODE_KEY_SIZE ? new Uint8Array(bytes) : undefined;
}

export function encodeKey(key: Uint8Array): string {
  return Buffer.from(key).toString('base64');
}

/** A node identity from the text of a `nodekey` file; throws with the reason when it is not one. */
export function nodeIdentityFromText(text: string): {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly nodeId: string;
} {
  const privateKey = decodeKey(text);
  if (privateKey === undefined) {
    throw new Error(
      'not a node key: expected one line of base64 (44 characters), as `redmesh keygen --node` prints',
    );
  }
  const kp = X25519.keyPairFromPrivate(privateKey);
  return {
    privateKey,
    publicKey: new Uint8Array(kp.publicKey),
    nodeId: nodeIdOf(kp.publicKey),
  };
}

/** The public key (base64) of a private node key (base64): `redmesh keygen --public`. */
export function publicKeyOf(privateKeyText: string): string {
  return encodeKey(nodeIdentityFromText(privateKeyText).publicKey);
}

/** One entry of an allowednodes file. */
export interface AllowedNode {
  readonly publicKey: Uint8Array;
  readonly name: string | undefined;
}

/**
 * Parses an allowednodes file. Throws `line N: reason` on the first bad line: a list that is not
 * what the operator meant must never be applied (it could admit a node or shut out every one).
 */
export function parseAllowedNodes(text: string): AllowedNode[] {
  const nodes: AllowedNode[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/#.*$/, '').trim();
    if (line === '') continue;
    const [keyText = '', ...rest] = line.split(/\s+/);
    const publicKey = decodeKey(keyText);
    if (publicKey === undefined) {
      throw new Error(
        `line ${i + 1}: '${keyText.slice(0, 48)}' is not a public node key (44 characters of base64)`,
      );
    }
    if (isLowOrderPoint(publicKey)) throw new Error(`line ${i + 1}: a small-order key nobody can hold`);
    nodes.push({ publicKey, name: rest.length > 0 ? rest.join(' ') : undefined });
  }
  return nodes;
}
