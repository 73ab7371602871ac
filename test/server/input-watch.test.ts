/**
 * InputWatch (server/input-watch.ts): a sliced save asks it whether a client has sent bytes the loop
 * has not read yet. Checked on a real TCP connection: nothing pending before bytes arrive, pending
 * once they have (without the loop reading them), reported once per arrival (edge-triggered, so a
 * paused client with unread bytes does not end every slice), and again for new bytes.
 */
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { socketFd } from '../../src/server/connection.js';
import { InputWatch } from '../../src/server/input-watch.js';

/** Polls `pending()` (the kernel may take a moment to deliver loopback bytes) up to 2 s. */
function pendingWithin(watch: InputWatch, ms = 2000): boolean {
  const end = Date.now() + ms;
  while (Date.now() < end) if (watch.pending()) return true;
  return false;
}

test('InputWatch reports bytes waiting on a client connection once per arrival', async () => {
  let serverSide: Socket | undefined;
  const server = createServer({ pauseOnConnect: true }, (s) => {
    serverSide = s;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const client = connect(port, '127.0.0.1');
  const watch = new InputWatch();
  try {
    await new Promise<void>((resolve) => client.once('connect', resolve));
    const deadline = Date.now() + 5000;
    while (serverSide === undefined) {
      assert.ok(Date.now() < deadline, 'no connection accepted');
      await new Promise((r) => setTimeout(r, 5));
    }
    const fd = socketFd(serverSide);
    assert.ok(fd >= 0, 'the accepted socket has an fd');
    watch.add(fd);
    assert.equal(watch.pending(), false, 'nothing sent yet');

    client.write('*1\r\n$4\r\nPING\r\n');
    await new Promise((r) => setImmediate(r));
    // The server side is paused: the loop never reads these bytes, the watch still sees them.
    assert.equal(pendingWithin(watch), true, 'bytes sent but not reported');
    assert.equal(watch.pending(), false, 'one arrival is reported once');

    client.write('*1\r\n$4\r\nPING\r\n');
    assert.equal(pendingWithin(watch), true, 'a second arrival is reported again');
  } finally {
    watch.close();
    client.destroy();
    serverSide?.destroy();
    await new Promise((r) => server.close(r));
  }
});

test('InputWatch without any connection never reports input', () => {
  const watch = new InputWatch();
  assert.equal(watch.pending(), false);
  watch.add(-1);
  assert.equal(watch.pending(), false);
  watch.close();
});
