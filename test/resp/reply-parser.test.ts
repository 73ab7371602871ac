import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ReplyProtocolError,
  ReplyReader,
  encodeReplyNode,
  encodeReply,
  parseReply,
  replyNodeText,
  array,
  bulk,
  double,
  error,
  integer,
  map,
  simple,
  NULL,
  type ReplyNode,
} from '../../src/resp/index.js';

const b = (text: string): Buffer => Buffer.from(text, 'latin1');

/** A compact, readable form of a node for assertions. */
function show(node: ReplyNode): unknown {
  if ('line' in node) return `${node.type}${node.line.toString('latin1')}`;
  if ('bulk' in node)
    return node.bulk === null ? `${node.type}nil` : `${node.type}${node.bulk.toString('latin1')}`;
  return node.items === null ? `${node.type}nil` : { [node.type]: node.items.map(show) };
}

function parsed(text: string): unknown {
  const r = parseReply(b(text));
  assert.ok(r !== undefined, `incomplete: ${JSON.stringify(text)}`);
  assert.equal(r.end, b(text).length, 'consumed exactly the reply');
  return show(r.node);
}

test('RESP2 types: simple, error, integer, bulk, null bulk, array, null array, nested', () => {
  assert.equal(parsed('+OK\r\n'), '+OK');
  assert.equal(parsed('-ERR no such key\r\n'), '-ERR no such key');
  assert.equal(parsed(':-42\r\n'), ':-42');
  assert.equal(parsed('$5\r\nhe\r\no\r\n'), '$he\r\no'); // binary-safe payload with CRLF inside
  assert.equal(parsed('$0\r\n\r\n'), '$');
  assert.equal(parsed('$-1\r\n'), '$nil');
  assert.equal(parsed('*-1\r\n'), '*nil');
  assert.deepEqual(parsed('*3\r\n:1\r\n*1\r\n+x\r\n$1\r\ny\r\n'), { '*': [':1', { '*': ['+x'] }, '$y'] });
});

test('RESP3 types: null, double, boolean, big number, bulk error, verbatim, map, set, push, attribute', () => {
  assert.equal(parsed('_\r\n'), '_');
  assert.equal(parsed(',3.14\r\n'), ',3.14');
  assert.equal(parsed(',-inf\r\n'), ',-inf');
  assert.equal(parsed(',1e+20\r\n'), ',1e+20');
  assert.equal(parsed('#t\r\n'), '#t');
  assert.equal(
    parsed('(3492890328409238509324850943850943825024385\r\n'),
    '(3492890328409238509324850943850943825024385',
  );
  assert.equal(parsed('!21\r\nSYNTAX invalid syntax\r\n'), '!SYNTAX invalid syntax');
  assert.equal(parsed('=15\r\ntxt:Some string\r\n'), '=txt:Some string');
  assert.deepEqual(parsed('%2\r\n+a\r\n:1\r\n+b\r\n:2\r\n'), { '%': ['+a', ':1', '+b', ':2'] });
  assert.deepEqual(parsed('~2\r\n+a\r\n+b\r\n'), { '~': ['+a', '+b'] });
  assert.deepEqual(parsed('>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n'), {
    '>': ['$message', '$ch', '$hi'],
  });
  assert.deepEqual(parsed('|1\r\n+ttl\r\n:3\r\n'), { '|': ['+ttl', ':3'] });
});

test('what the server encoder writes parses back and re-encodes to the same bytes (RESP2 and RESP3)', () => {
  const replies = [
    simple('OK'),
    error('ERR x'),
    integer(7),
    bulk('v\x00\xff'),
    NULL,
    double(1.5),
    array([bulk('a'), integer(1), array([])]),
    map([[bulk('k'), bulk('v')]]),
  ];
  for (const protocol of [2, 3] as const) {
    for (const reply of replies) {
      const bytes = b(encodeReply(reply, protocol));
      const r = parseReply(bytes);
      assert.ok(r !== undefined);
      assert.equal(r.end, bytes.length);
      assert.deepEqual(encodeReplyNode(r.node), bytes, `RESP${protocol} ${JSON.stringify(reply)}`);
    }
  }
});

test('partial input is "need more" at every cut, never an error', () => {
  const whole = b('*3\r\n$3\r\nfoo\r\n%1\r\n+k\r\n,2.5\r\n:12\r\n');
  for (let cut = 0; cut < whole.length; cut++) {
    assert.equal(parseReply(whole.subarray(0, cut)), undefined, `cut at ${cut}`);
  }
  assert.equal(parseReply(whole)?.end, whole.length);
});

test('parseReply starts at an offset and reports where the reply ends', () => {
  const two = b('+first\r\n:2\r\n');
  const first = parseReply(two);
  assert.equal(first?.end, 8);
  const second = parseReply(two, first?.end);
  assert.ok(second !== undefined);
  assert.equal(show(second.node), ':2');
  assert.equal(second.end, two.length);
});

test('malformed input is a protocol error with the offset of the bad element', () => {
  const bad: [string, RegExp][] = [
    ['?x\r\n', /unknown reply type byte 0x3f at offset 0/],
    ['$abc\r\n', /invalid bulk length 'abc'/],
    ['$-2\r\n', /invalid bulk length '-2'/],
    ['*x\r\n', /invalid aggregate length/],
    ['$3\r\nabcXY', /bulk payload not followed by CRLF at offset 7/],
    [':12a\r\n', /invalid integer '12a'/],
    [',abc\r\n', /invalid double/],
    ['#x\r\n', /invalid boolean/],
    ['_x\r\n', /null with a payload/],
    ['+OK\rX', /CR not followed by LF/],
    ['*2\r\n:1\r\n!\r\n', /invalid bulk length '' at offset 8/],
  ];
  for (const [text, message] of bad) {
    assert.throws(
      () => parseReply(b(text)),
      (e: unknown) => e instanceof ReplyProtocolError && message.test(e.message),
      text,
    );
  }
});

test('limits: bulk length, aggregate length and nesting depth', () => {
  const limits = { maxBulkLength: 10, maxAggregateLength: 3, maxDepth: 2 };
  assert.throws(() => parseReply(b('$11\r\n'), 0, limits), /bulk length 11 above the limit 10/);
  assert.equal(parseReply(b('$10\r\n'), 0, limits), undefined);
  assert.throws(() => parseReply(b('*4\r\n'), 0, limits), /aggregate length 4 above the limit 3/);
  assert.equal(parseReply(b('*1\r\n*1\r\n:1\r\n'), 0, limits)?.end, 12);
  assert.throws(() => parseReply(b('*1\r\n*1\r\n*1\r\n:1\r\n'), 0, limits), /nesting deeper than 2/);
  // Without limits of its own, hostile nesting is refused instead of overflowing the stack.
  assert.throws(() => parseReply(b('*1\r\n'.repeat(5000))), /nesting deeper than 1000/);
});

test('ReplyReader takes replies in order from bytes fed in arbitrary pieces', () => {
  const stream = b('+OK\r\n$5\r\nhello\r\n*2\r\n:1\r\n_\r\n-ERR x\r\n');
  const reader = new ReplyReader();
  const got: unknown[] = [];
  for (let i = 0; i < stream.length; i += 3) {
    reader.feed(stream.subarray(i, i + 3));
    for (let r = reader.nextWithBytes(); r !== undefined; r = reader.nextWithBytes()) {
      got.push([show(r.node), r.bytes.toString('latin1')]);
    }
  }
  assert.deepEqual(got, [
    ['+OK', '+OK\r\n'],
    ['$hello', '$5\r\nhello\r\n'],
    [{ '*': [':1', '_'] }, '*2\r\n:1\r\n_\r\n'],
    ['-ERR x', '-ERR x\r\n'],
  ]);
  assert.equal(reader.buffered, 0);
});

test('a ReplyReader stays broken after a protocol error', () => {
  const reader = new ReplyReader();
  reader.feed(b('+OK\r\n@'));
  assert.equal(show(reader.next() as ReplyNode), '+OK');
  assert.throws(() => reader.next(), ReplyProtocolError);
  reader.feed(b('+fine\r\n'));
  assert.throws(() => reader.next(), ReplyProtocolError);
});

test('replyNodeText reads simple strings, errors and bulks, and nothing else', () => {
  const text = (s: string): string | undefined =>
    replyNodeText((parseReply(b(s)) as { node: ReplyNode }).node);
  assert.equal(text('+PONG\r\n'), 'PONG');
  assert.equal(text('-ERR x\r\n'), 'ERR x');
  assert.equal(text('$3\r\nabc\r\n'), 'abc');
  assert.equal(text('$-1\r\n'), undefined);
  assert.equal(text(':1\r\n'), undefined);
  assert.equal(text('*0\r\n'), undefined);
});
