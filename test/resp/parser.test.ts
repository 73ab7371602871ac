import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RequestParser, type ProtocolError } from '../../src/resp/index.js';
import { latin1 } from '../../src/resp/parser.js';

function parser(maxBulkLen = 512 * 1024 * 1024, authRequired = false): RequestParser {
  return new RequestParser({ maxBulkLen: () => maxBulkLen, authRequired: () => authRequired });
}

function drain(p: RequestParser): (string[] | ProtocolError)[] {
  const out: (string[] | ProtocolError)[] = [];
  for (let i = 0; i < 10000; i++) {
    const next = p.next();
    if (next === undefined) break;
    out.push(next);
  }
  return out;
}

test('parses pipelined multibulk commands from one chunk', () => {
  const p = parser();
  p.feed(Buffer.from('*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$3\r\nb\r\n\r\n', 'latin1'));
  assert.deepEqual(drain(p), [['PING'], ['SET', 'a', 'b\r\n']]);
  assert.equal(p.buffered, 0);
});

test('reassembles a command split at every byte boundary', () => {
  const wire = '*3\r\n$3\r\nSET\r\n$4\r\nk\x00\xffy\r\n$0\r\n\r\nPING\r\n';
  for (let cut = 1; cut < wire.length; cut++) {
    const p = parser();
    const got: (string[] | ProtocolError)[] = [];
    p.feed(Buffer.from(wire.slice(0, cut), 'latin1'));
    got.push(...drain(p));
    p.feed(Buffer.from(wire.slice(cut), 'latin1'));
    got.push(...drain(p));
    assert.deepEqual(got, [['SET', 'k\x00\xffy', ''], ['PING']], `cut at ${cut}`);
  }
});

test('a large bulk arriving in small chunks is returned intact', () => {
  const value = 'x'.repeat(1_000_000);
  const wire = Buffer.from(`*2\r\n$4\r\nECHO\r\n$${value.length}\r\n${value}\r\n`, 'latin1');
  const p = parser();
  const got: (string[] | ProtocolError)[] = [];
  for (let i = 0; i < wire.length; i += 4096) {
    p.feed(wire.subarray(i, i + 4096));
    got.push(...drain(p));
  }
  assert.equal(got.length, 1);
  assert.deepEqual(got[0], ['ECHO', value]);
});

test('inline commands: quotes, escapes, blank lines, LF-only lines', () => {
  const p = parser();
  p.feed(Buffer.from('SET "a b" \'c\\\'d\'\r\n\r\nECHO "\\x41\\n"\nPING\n', 'latin1'));
  assert.deepEqual(drain(p), [['SET', 'a b', "c'd"], [], ['ECHO', 'A\n'], ['PING']]);
});

test('a NUL before the newline leaves an inline request incomplete until 64 KB pend (strchr in Redis)', () => {
  const p = parser();
  p.feed(Buffer.from('PING\r\nECHO a\0b\r\nPING\r\n', 'latin1'));
  assert.deepEqual(drain(p), [['PING']]);
  p.feed(Buffer.from('x'.repeat(65536 - 'ECHO a\0b\r\nPING\r\n'.length), 'latin1'));
  assert.deepEqual(drain(p), [], 'exactly 64 KB pending: still waiting');
  p.feed(Buffer.from('*1\r\n$4\r\nPING\r\n', 'latin1'));
  assert.deepEqual(drain(p), [{ kind: 'protocolError', message: 'Protocol error: too big inline request' }]);
  const bulk = parser();
  bulk.feed(Buffer.from('*2\r\n$4\r\nECHO\r\n$3\r\na\0b\r\n', 'latin1'));
  assert.deepEqual(drain(bulk), [['ECHO', 'a\0b']], 'a NUL in a bulk string is data');
});

test('*0 and *-1 are empty commands that are skipped', () => {
  const p = parser();
  p.feed(Buffer.from('*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n', 'latin1'));
  assert.deepEqual(drain(p), [[], [], ['PING']]);
});

const errors: readonly (readonly [string, string, Buffer | string])[] = [
  ['invalid multibulk length', 'Protocol error: invalid multibulk length', '*x\r\n'],
  ['multibulk count over INT_MAX', 'Protocol error: invalid multibulk length', '*2147483648\r\n'],
  ['expected $', "Protocol error: expected '$', got 'x'", '*1\r\nx\r\n'],
  ['invalid bulk length', 'Protocol error: invalid bulk length', '*1\r\n$-2\r\n'],
  ['bulk length with +', 'Protocol error: invalid bulk length', '*1\r\n$+3\r\n'],
  ['unbalanced quotes', 'Protocol error: unbalanced quotes in request', 'SET "a\r\n'],
  ['closing quote followed by text', 'Protocol error: unbalanced quotes in request', 'SET "a"b\r\n'],
  ['too big inline request', 'Protocol error: too big inline request', Buffer.alloc(70 * 1024, 0x61)],
  ['too big mbulk count string', 'Protocol error: too big mbulk count string', '*' + '1'.repeat(70 * 1024)],
  [
    'too big bulk count string',
    'Protocol error: too big bulk count string',
    '*1\r\n$' + '1'.repeat(70 * 1024),
  ],
];

for (const [name, message, wire] of errors) {
  test(`protocol error: ${name}`, () => {
    const p = parser();
    p.feed(typeof wire === 'string' ? Buffer.from(wire, 'latin1') : wire);
    assert.deepEqual(drain(p), [{ kind: 'protocolError', message }]);
    p.feed(Buffer.from('*1\r\n$4\r\nPING\r\n'));
    assert.equal(p.next(), undefined, 'a failed parser accepts nothing more');
  });
}

test('bulk length above proto-max-bulk-len is refused', () => {
  const p = parser(100);
  p.feed(Buffer.from('*1\r\n$101\r\n'));
  assert.deepEqual(drain(p), [{ kind: 'protocolError', message: 'Protocol error: invalid bulk length' }]);
});

test('before AUTH only 10 arguments and 16 KB bulks are accepted', () => {
  const many = parser(512 * 1024 * 1024, true);
  many.feed(Buffer.from('*11\r\n'));
  assert.deepEqual(drain(many), [
    { kind: 'protocolError', message: 'Protocol error: unauthenticated multibulk length' },
  ]);
  const big = parser(512 * 1024 * 1024, true);
  big.feed(Buffer.from('*1\r\n$16385\r\n'));
  assert.deepEqual(drain(big), [
    { kind: 'protocolError', message: 'Protocol error: unauthenticated bulk length' },
  ]);
});

test('latin1 decodes every length and byte value exactly like Buffer#toString', () => {
  const bytes = Buffer.alloc(300);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 97 + 13) & 0xff;
  for (let start = 0; start < 40; start += 3) {
    for (let end = start; end <= start + 40; end++) {
      assert.equal(latin1(bytes, start, end), bytes.toString('latin1', start, end), `${start}..${end}`);
    }
  }
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  for (let start = 0; start < 256; start += 24) {
    assert.equal(latin1(all, start, Math.min(256, start + 24)), all.toString('latin1', start, start + 24));
  }
});

test('ownBytes copies out only the unconsumed part of a borrowed read buffer', () => {
  // One read buffer reused for every read, as the server's connections do (server/connection.ts).
  const shared = Buffer.alloc(64);
  const read = (text: string): Buffer => shared.subarray(0, shared.write(text, 'latin1'));
  const scribble = (): void => {
    shared.fill('Z');
  };
  const p = parser();
  const got: (string[] | ProtocolError)[] = [];
  // A complete command, then the start of a second one that stays buffered.
  let chunk = read('*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$5\r\nhe');
  p.feed(chunk);
  got.push(...drain(p));
  p.ownBytes(chunk);
  scribble();
  // Its continuation arrives in two more reads; the middle one is kept in pending until the bulk ends.
  chunk = read('ll');
  p.feed(chunk);
  got.push(...drain(p));
  p.ownBytes(chunk);
  scribble();
  chunk = read('o\r\n*1\r\n$4\r\nPING\r\n');
  p.feed(chunk);
  got.push(...drain(p));
  p.ownBytes(chunk);
  scribble();
  assert.deepEqual(got, [['PING'], ['ECHO', 'hello'], ['PING']]);
  assert.equal(p.buffered, 0);
});
