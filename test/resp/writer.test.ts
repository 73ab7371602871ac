import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReplyWriter, array, bulk, integer, map, simple, type Reply } from '../../src/resp/index.js';

const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('latin1');

test('ReplyWriter keeps every byte of short, long and binary values and grows past its first buffer', () => {
  const w = new ReplyWriter(16);
  const values = ['', 'a', 'x'.repeat(47), 'y'.repeat(48), 'z'.repeat(49), binary, 'q'.repeat(100_000)];
  let expected = '';
  for (const v of values) {
    w.bulk(v);
    expected += `$${v.length}\r\n${v}\r\n`;
  }
  w.reply(integer(-12), 2);
  w.reply(integer(123456789), 2);
  w.header(0x2a, 10);
  expected += ':-12\r\n:123456789\r\n*10\r\n';
  assert.equal(w.length, expected.length);
  assert.equal(w.takeView().toString('latin1'), expected);
  assert.equal(w.length, 0);
});

test('ReplyWriter: a released view keeps its bytes while later replies are written', () => {
  const w = new ReplyWriter(64);
  w.reply(simple('OK'), 2);
  const first = w.takeView();
  w.release();
  w.reply(bulk('overwrites the old buffer if it were reused'), 2);
  assert.equal(first.toString('latin1'), '+OK\r\n');
  const nested: Reply = array([bulk('a'), map([[bulk('k'), integer(1)]])]);
  w.takeView();
  w.reply(nested, 3);
  assert.equal(w.takeString(), '*2\r\n$1\r\na\r\n%1\r\n$1\r\nk\r\n:1\r\n');
});
