/**
 * Redis formats command names and arguments into "unknown command" / "unknown subcommand" errors with
 * `%.128s` / `'%.*s'`, i.e. as C strings: everything from the first NUL byte on is dropped. Found by
 * the differential harness (protocol family); compared here byte for byte with a real Redis.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exchange, withRealRedis } from './real-redis.js';
import { command, withServer } from './wire.js';

const requests: readonly string[] = [
  command('\x00'),
  command('NO\x00PE', 'x\x00y', 'z'),
  command('NOSUCHCOMMAND', '\x00', 'b'),
  command('NOSUCH', 'a'.repeat(120), 'b\x00c', 'd'),
  command('CLIENT', 'a\x00b'),
  command('CONFIG', '\x00q'),
  command('OBJECT', 'a\x00b'),
  command('PUBSUB', 'a\x00b'),
  command('MULTI'),
  command('nosuch\x00', '\x00'),
  command('EXEC'),
];

test('unknown command/subcommand errors cut names and arguments at NUL like Redis', async () => {
  await withRealRedis(0, [], async (realPort) => {
    await withServer({}, async (srv) => {
      const bytes = requests.join('');
      const real = await exchange(realPort, bytes);
      const ours = await exchange(srv.port, bytes);
      assert.match(real.reply, /^-ERR unknown command '', with args beginning with: \r\n/);
      assert.equal(ours.reply, real.reply);
    });
  });
});
