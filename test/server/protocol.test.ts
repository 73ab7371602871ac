/**
 * Protocol errors and framing, compared byte for byte with a real redis-server 7.0 fed the same bytes.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { exchange, withRealRedis } from './real-redis.js';
import { Wire, command, eventually, withServer } from './wire.js';

const inputs: readonly (readonly [string, string | Buffer])[] = [
  ['invalid multibulk length', '*x\r\n'],
  ['multibulk count above 1M is accepted (7.0 limit is INT_MAX)', '*1048577\r\n'],
  ['multibulk count above INT_MAX', '*2147483648\r\n'],
  ['expected $', '*1\r\nx\r\n'],
  ['negative bulk length', '*1\r\n$-2\r\n'],
  ['bulk length over proto-max-bulk-len', '*1\r\n$536870913\r\n'],
  ['unbalanced quotes', 'ECHO "a\r\n'],
  ['closing quote glued to text', 'ECHO "a"b\r\n'],
  ['too big inline request', Buffer.alloc(70 * 1024, 0x61)],
  ['too big mbulk count string', '*' + '1'.repeat(70 * 1024)],
  ['too big bulk count string', '*1\r\n$' + '1'.repeat(70 * 1024)],
  [
    'pipelined replies before a protocol error',
    command('PING') + 'PING\r\n' + command('ECHO', 'x') + '*1\r\nx\r\n' + command('PING'),
  ],
  ['inline with escapes and empty lines', "ECHO \"\\x41\\tb\"\r\n\r\n\nPING\r\necho 'it\\'s'\n"],
  // sdssplitargs: \v and \f stay inside an unquoted word but separate after a closing quote.
  ['inline word with \\v and \\f', 'ECHO a\vb\fc\r\n\v\f ECHO x\r\nECHO "a"\vb\r\nECHO \'a\'\fb\r\n'],
  ['inline \\x escapes', 'ECHO "\\xfF\\x4\\xzz\\q"\r\nECHO "a\\\r\n'],
  // Redis looks for an inline request's end with strchr(), which stops at a NUL: no reply, the
  // connection stays open, and everything after is held until more than 64 KB are pending.
  ['NUL inside an inline request', 'ECHO a\0b\r\n'],
  ['NUL in an inline request after a complete one', 'PING\r\nECHO x\0z w\r\nPING\r\n'],
  ['NUL alone on an inline line', '\0\r\n'],
  ['NUL inside quotes of an inline request', 'ECHO "a\0b"\r\nPING\r\n'],
  ['NUL in an inline request, exactly 64 KB pending', 'ECHO a\0b\r\n' + 'x'.repeat(65536 - 10)],
  ['NUL in an inline request, then more than 64 KB', 'ECHO a\0b\r\n' + 'PING\r\n'.repeat(11000)],
  ['NUL in a multibulk argument is data', command('ECHO', 'a\0b') + command('STRLEN', 'a\0b')],
  ['*0 and *-1 are skipped', '*0\r\n*-1\r\n' + command('PING')],
  ['unknown command with many args', command('NOPE', ...Array.from({ length: 50 }, (_, i) => `arg${i}`))],
  ['wrong arity', command('ECHO') + command('PING', 'a', 'b') + command('SELECT')],
  ['unknown subcommand', command('CLIENT', 'NOPE') + command('CLIENT')],
];

test('protocol errors and framing match real Redis byte for byte', async () => {
  await withRealRedis(0, [], async (realPort) => {
    await withServer({}, async (srv) => {
      for (const [name, bytes] of inputs) {
        const real = await exchange(realPort, bytes);
        const ours = await exchange(srv.port, bytes);
        assert.deepEqual(ours, real, name);
      }
    });
  });
});

test('100 MB of random garbage gets a protocol error and the connection is closed', async () => {
  await withServer({}, async (srv) => {
    const w = await Wire.open(srv.port);
    try {
      const chunk = randomBytes(1024 * 1024);
      chunk[0] = 0x2a; // '*' : garbage that starts like a multibulk
      let sent = 0;
      while (sent < 100 * 1024 * 1024 && !w.closed) {
        const ok = w.socket.write(chunk);
        sent += chunk.length;
        if (!ok) await new Promise<void>((resolve) => w.socket.once('drain', resolve).once('close', resolve));
      }
      assert.equal(await w.waitClosed(5000), true, 'server closed the connection');
      assert.match(w.take(), /^-ERR Protocol error: /);
      assert.ok(sent < 100 * 1024 * 1024 || w.closed);
    } finally {
      w.close();
    }
    assert.equal(await eventually(() => srv.state.registry.size === 0), true, 'client forgotten');
  });
});
