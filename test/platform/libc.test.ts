import assert from 'node:assert/strict';
import { createServer, connect } from 'node:net';
import { constants } from 'node:os';
import { once } from 'node:events';
import { test } from 'node:test';
import {
  AF_INET,
  AF_INET6,
  AI_NUMERICSERV,
  AI_PASSIVE,
  SOCK_CLOEXEC,
  SOCK_NONBLOCK,
  SOCK_STREAM,
  SOL_SOCKET,
  SO_RCVBUF,
  SO_REUSEADDR,
  errnoName,
  libc,
  libcError,
  setIntOption,
} from '../../src/platform/index.js';

/** <netdb.h> AI_NUMERICHOST: never ask a resolver. */
const AI_NUMERICHOST = 0x4;
const passive = {
  flags: AI_PASSIVE | AI_NUMERICSERV | AI_NUMERICHOST,
  family: AF_INET,
  socktype: SOCK_STREAM,
};

/** A TCP socket listening on 127.0.0.1:`port` (0: the kernel picks), or the failed call's errno. */
function tcpListener(port: number): { fd: number; port: number } | { failed: string; errno: number } {
  const c = libc();
  const addresses = c.getaddrinfo('127.0.0.1', String(port), passive);
  assert.ok(Array.isArray(addresses), String(addresses));
  const address = addresses[0] as Buffer;
  const fd = c.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  assert.ok(fd >= 0, `socket: ${errnoName(c.errno())}`);
  if (c.bind(fd, address, address.length) !== 0 || c.listen(fd, 16) !== 0) {
    const errno = c.errno();
    c.close(fd);
    return { failed: 'bind', errno };
  }
  const name = Buffer.alloc(32);
  const length = Buffer.from([32, 0, 0, 0]);
  assert.equal(c.getsockname(fd, name, length), 0);
  return { fd, port: name.readUInt16BE(2) };
}

test('getaddrinfo gives the sockaddr of a numeric address, and gai_strerror text for a wrong family', () => {
  const c = libc();
  const found = c.getaddrinfo('127.0.0.1', '26001', passive);
  assert.ok(Array.isArray(found));
  assert.equal(found.length, 1);
  const sa = found[0] as Buffer;
  assert.equal(sa.readUInt16LE(0), AF_INET);
  assert.equal(sa.readUInt16BE(2), 26001);
  assert.deepEqual([...sa.subarray(4, 8)], [127, 0, 0, 1]);
  const wildcard = c.getaddrinfo(null, '26001', { ...passive, family: AF_INET6 });
  assert.ok(Array.isArray(wildcard));
  assert.equal((wildcard[0] as Buffer).readUInt16LE(0), AF_INET6);
  const refused = c.getaddrinfo('::1', '26001', passive);
  assert.equal(typeof refused, 'string');
  assert.ok((refused as string).length > 0);
});

test('a listener made with the shared socket/setsockopt/bind/listen bindings accepts a Node client', async () => {
  const made = tcpListener(0);
  assert.ok('fd' in made);
  assert.equal(libc().setsockoptInt(made.fd, SOL_SOCKET, SO_REUSEADDR, 1), 0);
  const server = createServer((socket) => socket.end('hello'));
  try {
    server.listen({ fd: made.fd });
    const client = connect(made.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    client.on('data', (d: Buffer) => chunks.push(d));
    await Promise.race([
      once(client, 'end'),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no reply in 2 s')), 2000).unref()),
    ]);
    client.destroy();
    assert.equal(Buffer.concat(chunks).toString(), 'hello');
  } finally {
    server.close();
  }
});

test('a failed call is reported by errno: its name (libcError) and its strerror text', () => {
  const first = tcpListener(0);
  assert.ok('fd' in first);
  try {
    const second = tcpListener(first.port);
    assert.deepEqual(second, { failed: 'bind', errno: constants.errno.EADDRINUSE });
    const err = libcError('bind', constants.errno.EADDRINUSE);
    assert.equal(err.message, 'bind failed: EADDRINUSE');
    assert.equal(err.errno, constants.errno.EADDRINUSE);
    assert.equal(libc().strerror(constants.errno.EADDRINUSE), 'Address already in use');
    assert.equal(errnoName(4095), 'errno 4095');
  } finally {
    libc().close(first.fd);
  }
});

test('setIntOption throws with the option, the value and the errno name', () => {
  const c = libc();
  const fd = c.socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  assert.ok(fd >= 0);
  try {
    setIntOption(fd, SOL_SOCKET, SO_RCVBUF, 65536, 'SO_RCVBUF');
  } finally {
    assert.equal(c.close(fd), 0);
  }
  assert.throws(
    () => setIntOption(-1, SOL_SOCKET, SO_RCVBUF, 1, 'SO_RCVBUF'),
    (err: Error & { errno?: number }) =>
      err.message === 'setsockopt(SO_RCVBUF, 1) failed: EBADF' && err.errno === constants.errno.EBADF,
  );
});
