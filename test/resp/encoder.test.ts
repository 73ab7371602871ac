import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  NULL,
  NULL_ARRAY,
  array,
  bool,
  bulk,
  double,
  encodeReply,
  error,
  formatDouble,
  integer,
  map,
  push,
  set,
  simple,
  verbatim,
  type Reply,
} from '../../src/resp/index.js';
import { exchange, withRealRedis } from '../server/real-redis.js';
import { command } from '../server/wire.js';

const cases: readonly (readonly [string, Reply, string, string])[] = [
  ['simple', simple('OK'), '+OK\r\n', '+OK\r\n'],
  ['error with newline is kept on one line', error('ERR a\r\nb'), '-ERR a  b\r\n', '-ERR a  b\r\n'],
  ['int', integer(-5), ':-5\r\n', ':-5\r\n'],
  ['bigint', integer(2n ** 63n - 1n), ':9223372036854775807\r\n', ':9223372036854775807\r\n'],
  ['binary bulk', bulk('a\x00\xff'), '$3\r\na\x00\xff\r\n', '$3\r\na\x00\xff\r\n'],
  ['null', NULL, '$-1\r\n', '_\r\n'],
  ['null array', NULL_ARRAY, '*-1\r\n', '_\r\n'],
  [
    'nested array',
    array([integer(1), array([bulk('x')])]),
    '*2\r\n:1\r\n*1\r\n$1\r\nx\r\n',
    '*2\r\n:1\r\n*1\r\n$1\r\nx\r\n',
  ],
  ['map', map([[bulk('k'), integer(1)]]), '*2\r\n$1\r\nk\r\n:1\r\n', '%1\r\n$1\r\nk\r\n:1\r\n'],
  ['set', set([bulk('a')]), '*1\r\n$1\r\na\r\n', '~1\r\n$1\r\na\r\n'],
  ['double', double(1.5), '$3\r\n1.5\r\n', ',1.5\r\n'],
  ['double inf', double(-Infinity), '$4\r\n-inf\r\n', ',-inf\r\n'],
  ['bool', bool(true), ':1\r\n', '#t\r\n'],
  ['verbatim', verbatim('hi'), '$2\r\nhi\r\n', '=6\r\ntxt:hi\r\n'],
  ['push', push([bulk('m')]), '*1\r\n$1\r\nm\r\n', '>1\r\n$1\r\nm\r\n'],
];

for (const [name, reply, resp2, resp3] of cases) {
  test(`encodes ${name} in RESP2 and RESP3`, () => {
    assert.equal(encodeReply(reply, 2), resp2);
    assert.equal(encodeReply(reply, 3), resp3);
  });
}

test('doubles print like C %.17g', () => {
  assert.equal(formatDouble(1.1), '1.1000000000000001');
  assert.equal(formatDouble(3), '3');
  assert.equal(formatDouble(1e20), '1e+20');
  assert.equal(formatDouble(1e-5), '1.0000000000000001e-05');
  assert.equal(formatDouble(-0.0001), '-0.0001');
  assert.equal(formatDouble(1e16), '10000000000000000');
  assert.equal(formatDouble(1e17), '1e+17');
  assert.equal(formatDouble(5e-324), '4.9406564584124654e-324');
  assert.equal(formatDouble(Infinity), 'inf');
});

/** Random doubles over many magnitudes, as strings real Redis accepts as ZADD scores. */
function sampleDoubles(n: number): number[] {
  const out = [0.1, 0.5, 2.5, 100, 1e15, 123456.789, -7.25e-8];
  let seed = 12345;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  while (out.length < n) {
    const mantissa = rnd() * 10 - 5;
    const exp = Math.floor(rnd() * 80) - 40;
    out.push(Number((mantissa * 10 ** exp).toPrecision(1 + Math.floor(rnd() * 17))));
  }
  return out;
}

test('formatDouble matches real Redis ZSCORE replies (RESP2 and RESP3)', async () => {
  const values = sampleDoubles(300);
  await withRealRedis(0, [], async (port) => {
    let req = command('HELLO', '3');
    for (let i = 0; i < values.length; i++) {
      req += command('ZADD', 'z', String(values[i]), `m${i}`) + command('ZSCORE', 'z', `m${i}`);
    }
    const { reply } = await exchange(port, req, 300);
    const body = reply.slice(reply.indexOf('*0\r\n') + 4);
    const expected = values.map((v) => ':1\r\n' + encodeReply(double(v), 3)).join('');
    assert.equal(body, expected);
  });
});
