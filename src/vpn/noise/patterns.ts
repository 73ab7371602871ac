/**
 * Noise handshake patterns (spec §7): the 15 fundamental and 23 deferred patterns, and the `pskN`
 * modifiers (§9) applied to them by name, e.g. `IKpsk2` or `XXpsk0+psk3`.
 */

export type Token = 'e' | 's' | 'ee' | 'es' | 'se' | 'ss' | 'psk';

export interface MessagePattern {
  /** true: initiator → responder. */
  readonly fromInitiator: boolean;
  readonly tokens: readonly Token[];
}

export interface HandshakePattern {
  readonly name: string;
  /** Pre-message tokens ('e' or 's') known in advance: the initiator's, then the responder's. */
  readonly initiatorPreMessage: readonly Token[];
  readonly responderPreMessage: readonly Token[];
  readonly messages: readonly MessagePattern[];
  /** One-way patterns (N, K, X): after the handshake only the initiator sends. */
  readonly oneWay: boolean;
}

/** Pattern text as in the spec, one message per `;`: `-> s | <- s ... -> e, es, ss`. */
const PATTERNS: Readonly<Record<string, string>> = {
  N: '<- s ... -> e, es',
  K: '-> s | <- s ... -> e, es, ss',
  X: '<- s ... -> e, es, s, ss',
  NN: '-> e; <- e, ee',
  NK: '<- s ... -> e, es; <- e, ee',
  NX: '-> e; <- e, ee, s, es',
  XN: '-> e; <- e, ee; -> s, se',
  XK: '<- s ... -> e, es; <- e, ee; -> s, se',
  XX: '-> e; <- e, ee, s, es; -> s, se',
  KN: '-> s ... -> e; <- e, ee, se',
  KK: '-> s | <- s ... -> e, es, ss; <- e, ee, se',
  KX: '-> s ... -> e; <- e, ee, se, s, es',
  IN: '-> e, s; <- e, ee, se',
  IK: '<- s ... -> e, es, s, ss; <- e, ee, se',
  IX: '-> e, s; <- e, ee, se, s, es',
  NK1: '<- s ... -> e; <- e, ee, es',
  NX1: '-> e; <- e, ee, s; -> es',
  X1N: '-> e; <- e, ee; -> s; <- se',
  X1K: '<- s ... -> e, es; <- e, ee; -> s; <- se',
  XK1: '<- s ... -> e; <- e, ee, es; -> s, se',
  X1K1: '<- s ... -> e; <- e, ee, es; -> s; <- se',
  X1X: '-> e; <- e, ee, s, es; -> s; <- se',
  XX1: '-> e; <- e, ee, s; -> es, s, se',
  X1X1: '-> e; <- e, ee, s; -> es, s; <- se',
  K1N: '-> s ... -> e; <- e, ee; -> se',
  K1K: '-> s | <- s ... -> e, es; <- e, ee; -> se',
  KK1: '-> s | <- s ... -> e; <- e, ee, se, es',
  K1K1: '-> s | <- s ... -> e; <- e, ee, es; -> se',
  K1X: '-> s ... -> e; <- e, ee, s, es; -> se',
  KX1: '-> s ... -> e; <- e, ee, se, s; -> es',
  K1X1: '-> s ... -> e; <- e, ee, s; -> se, es',
  I1N: '-> e, s; <- e, ee; -> se',
  I1K: '<- s ... -> e, es, s; <- e, ee; -> se',
  IK1: '<- s ... -> e, s; <- e, ee, se, es',
  I1K1: '<- s ... -> e, s; <- e, ee, es; -> se',
  I1X: '-> e, s; <- e, ee, s, es; -> se',
  IX1: '-> e, s; <- e, ee, se, s; -> es',
  I1X1: '-> e, s; <- e, ee, s; -> se, es',
};

function parseMessage(text: string): MessagePattern {
  const m = /^(->|<-)\s*(.*)$/.exec(text.trim());
  if (!m) throw new Error(`bad message pattern: ${text}`);
  const tokens = (m[2] ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '') as Token[];
  return { fromInitiator: m[1] === '->', tokens };
}

/** Look up a pattern by its name with modifiers (`XXpsk0+psk3`); throws on an unknown one. */
export function handshakePattern(fullName: string): HandshakePattern {
  const m = /^([A-Z0-9]+?)((?:psk\d)(?:\+psk\d)*)?$/.exec(fullName);
  const base = m?.[1];
  const text = base === undefined ? undefined : PATTERNS[base];
  if (m === null || base === undefined || text === undefined) {
    throw new Error(`unknown Noise handshake pattern: ${fullName}`);
  }
  const [pre, body] = text.includes('...') ? text.split('...') : ['', text];
  const initiatorPreMessage: Token[] = [];
  const responderPreMessage: Token[] = [];
  for (const part of (pre ?? '').split('|')) {
    if (part.trim() === '') continue;
    const msg = parseMessage(part);
    (msg.fromInitiator ? initiatorPreMessage : responderPreMessage).push(...msg.tokens);
  }
  const messages = (body ?? '').split(';').map(parseMessage);
  for (const modifier of m[2] ? m[2].split('+') : []) {
    const n = Number(modifier.slice(3));
    const target = n === 0 ? 0 : n - 1;
    const msg = messages[target];
    if (msg === undefined) throw new Error(`${modifier} does not fit pattern ${base}`);
    messages[target] = {
      fromInitiator: msg.fromInitiator,
      tokens: n === 0 ? ['psk', ...msg.tokens] : [...msg.tokens, 'psk'],
    };
  }
  return {
    name: fullName,
    initiatorPreMessage,
    responderPreMessage,
    messages,
    oneWay: messages.length === 1,
  };
}
