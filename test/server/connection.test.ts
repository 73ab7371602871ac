import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { Wire, command, redisCli, withServer } from './wire.js';

test('redis-cli talks to the server: PING, ECHO, SELECT, HELLO, unknown command', async () => {
  await withServer({}, async (srv) => {
    assert.equal(await redisCli(srv.port, ['PING']), 'PONG\n');
    assert.equal(await redisCli(srv.port, ['ECHO', 'hello world']), 'hello world\n');
    assert.equal(await redisCli(srv.port, ['SELECT', '15']), 'OK\n');
    assert.equal(await redisCli(srv.port, ['SELECT', '16']), 'ERR DB index is out of range\n\n');
    assert.equal(
      await redisCli(srv.port, ['SELECT', 'x']),
      'ERR value is not an integer or out of range\n\n',
    );
    assert.match(
      await redisCli(srv.port, ['-3', 'HELLO', '3']),
      /^server redis\nversion 7\.0\.15\nproto 3\n/,
    );
    assert.equal(
      await redisCli(srv.port, ['NOSUCH', 'a']),
      "ERR unknown command 'NOSUCH', with args beginning with: 'a' \n\n",
    );
  });
});

test('HELLO 3 answers a RESP3 map and switches the connection to RESP3', async () => {
  await withServer({}, async (srv) => {
    const w = await Wire.open(srv.port);
    try {
      const expected =
        '%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n' +
        '$2\r\nid\r\n:1\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n';
      assert.equal(await w.roundTrip(command('HELLO', '3'), expected), expected);
      assert.equal(await w.roundTrip(command('CLIENT', 'GETNAME'), '_\r\n'), '_\r\n');
      assert.equal(
        await w.roundTrip(command('HELLO', '4'), '-NOPROTO unsupported protocol version\r\n'),
        '-NOPROTO unsupported protocol version\r\n',
      );
      const syntax = "-ERR Syntax error in HELLO option 'x'\r\n";
      assert.equal(await w.roundTrip(command('HELLO', '2', 'x'), syntax), syntax);
    } finally {
      w.close();
    }
  });
});

test('requirepass: NOAUTH before AUTH, WRONGPASS, AUTH and HELLO AUTH succeed', async () => {
  await withServer({ requirepass: 's3cret' }, async (srv) => {
    const w = await Wire.open(srv.port);
    try {
      assert.equal(
        await w.roundTrip(command('PING'), '-NOAUTH Authentication required.\r\n'),
        '-NOAUTH Authentication required.\r\n',
      );
      const wrong = '-WRONGPASS invalid username-password pair or user is disabled.\r\n';
      assert.equal(await w.roundTrip(command('AUTH', 'nope'), wrong), wrong);
      assert.equal(await w.roundTrip(command('AUTH', 'default', 'nope'), wrong), wrong);
      assert.equal(await w.roundTrip(command('AUTH', 's3cret'), '+OK\r\n'), '+OK\r\n');
      assert.equal(await w.roundTrip(command('PING'), '+PONG\r\n'), '+PONG\r\n');
    } finally {
      w.close();
    }
    const r = new Redis({
      port: srv.port,
      host: '127.0.0.1',
      password: 's3cret',
      lazyConnect: true,
      enableReadyCheck: false,
    });
    try {
      await r.connect();
      assert.equal(await r.ping(), 'PONG');
      assert.equal(await r.echo('x'), 'x');
    } finally {
      r.disconnect();
    }
    const h = await Wire.open(srv.port);
    try {
      h.send(command('HELLO', '3', 'AUTH', 'default', 's3cret', 'SETNAME', 'me'));
      const reply = await h.read(10);
      assert.equal(reply, '%7\r\n$6\r\nse');
      h.take();
      assert.equal(await h.roundTrip(command('CLIENT', 'GETNAME'), '$2\r\nme\r\n'), '$2\r\nme\r\n');
    } finally {
      h.close();
    }
  });
});

test('QUIT replies OK and closes; RESET returns to a fresh state', async () => {
  await withServer({}, async (srv) => {
    const w = await Wire.open(srv.port);
    try {
      assert.equal(
        await w.roundTrip(
          command('SELECT', '3') + command('CLIENT', 'SETNAME', 'x') + command('RESET'),
          '+OK\r\n+OK\r\n+RESET\r\n',
        ),
        '+OK\r\n+OK\r\n+RESET\r\n',
      );
      assert.equal(await w.roundTrip(command('CLIENT', 'GETNAME'), '$-1\r\n'), '$-1\r\n');
      assert.equal(await w.roundTrip(command('QUIT'), '+OK\r\n'), '+OK\r\n');
      assert.equal(await w.waitClosed(), true);
    } finally {
      w.close();
    }
  });
});
