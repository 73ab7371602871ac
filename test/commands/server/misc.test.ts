import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Wire, command } from '../../server/wire.js';
import { replyOf, withRedmesh } from './peers.js';

test('TIME, LASTSAVE, MEMORY USAGE and SLOWLOG answer like Redis', async () => {
  await withRedmesh('slowlog-log-slower-than 0\nslowlog-max-len 3\n', async ({ client }) => {
    const [sec, usec] = (await client.call('TIME')) as [string, string];
    assert.ok(Math.abs(Number(sec) - Date.now() / 1000) < 5);
    assert.ok(Number(usec) >= 0 && Number(usec) < 1_000_000);
    assert.ok(Math.abs(Number(await client.call('LASTSAVE')) - Date.now() / 1000) < 30);
    await client.call('SET', 'a', 'b');
    // Real Redis 7.0 answers 64 for this key too.
    assert.equal(await client.call('MEMORY', 'USAGE', 'a'), 64);
    assert.equal(await client.call('MEMORY', 'USAGE', 'nokey'), null);
    assert.equal(await replyOf(client, 'MEMORY', 'USAGE', 'a', 'foo'), 'error: ERR syntax error');
    await client.call('SLOWLOG', 'RESET');
    await client.call('ECHO', 'x'.repeat(200));
    const log = (await client.call('SLOWLOG', 'GET')) as unknown[][];
    assert.equal(log.length, 2);
    assert.deepEqual(log[0]?.[3], ['ECHO', `${'x'.repeat(128)}... (72 more bytes)`]);
    for (let i = 0; i < 5; i++) await client.call('PING');
    assert.equal(await client.call('SLOWLOG', 'LEN'), 3);
    assert.equal(
      await replyOf(client, 'SLOWLOG', 'GET', '-2'),
      'error: ERR count should be greater than or equal to -1',
    );
  });
});

test('DEBUG is refused by default and, when enabled, DEBUG SLEEP blocks the server', async () => {
  await withRedmesh('', async ({ client }) => {
    assert.match(
      String(await replyOf(client, 'DEBUG', 'SLEEP', '0')),
      /^error: ERR DEBUG command not allowed/,
    );
  });
  await withRedmesh('enable-debug-command yes\n', async ({ client }) => {
    const started = Date.now();
    assert.equal(await client.call('DEBUG', 'SLEEP', '0.2'), 'OK');
    assert.ok(Date.now() - started >= 190);
    await client.call('SET', 'k', 'hello');
    assert.match(String(await client.call('DEBUG', 'OBJECT', 'k')), /encoding:embstr/);
    assert.equal(await replyOf(client, 'DEBUG', 'OBJECT', 'nokey'), 'error: ERR no such key');
    assert.equal(await client.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0'), 'OK');
  });
});

test('SHUTDOWN NOSAVE closes the connection and stops the server', async () => {
  await withRedmesh('', async ({ port, launched }) => {
    const w = await Wire.open(port);
    w.send(command('SHUTDOWN', 'NOSAVE'));
    assert.ok(await w.waitClosed(3000), 'connection closed');
    await Promise.race([
      launched.stopped,
      new Promise((_, reject) => setTimeout(() => reject(new Error('not stopped')), 3000)),
    ]);
    assert.equal(await w.read(1, 10), '', 'no reply before the close');
    w.close();
  });
});
