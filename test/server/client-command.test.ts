import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exchange, withRealRedis } from './real-redis.js';
import { commandsForTests } from './test-commands.js';
import { Wire, command, withServer } from './wire.js';

function fieldNames(line: string): string[] {
  return line
    .trim()
    .split(' ')
    .map((f) => f.slice(0, f.indexOf('=')));
}

test('CLIENT LIST / INFO have Redis 7.0 fields in its order; errors match real Redis', async () => {
  const probes = [
    command('CLIENT', 'SETNAME', 'has space'),
    command('CLIENT', 'SETNAME'),
    command('CLIENT', 'LIST', 'TYPE', 'bogus'),
    command('CLIENT', 'LIST', 'ID', 'x'),
    command('CLIENT', 'KILL', '1.2.3.4:5'),
    command('CLIENT', 'KILL', 'ID', '0'),
    command('CLIENT', 'KILL', 'ID', '99999'),
    command('CLIENT', 'PAUSE', 'x'),
    command('CLIENT', 'PAUSE', '-1'),
    command('CLIENT', 'REPLY', 'MAYBE'),
    command('CLIENT', 'NO-EVICT', 'maybe'),
    command('CLIENT', 'UNBLOCK', 'x'),
    command('CLIENT', 'UNBLOCK', '5', 'NOW'),
    command('CLIENT', 'UNBLOCK', '99999'),
    command('CLIENT', 'GETNAME'),
    command('CLIENT', 'SETNAME', 'ok-name'),
    command('CLIENT', 'GETNAME'),
    command('CLIENT', 'NO-EVICT', 'on'),
    command('CLIENT', 'UNPAUSE'),
    command('CLIENT', 'GETREDIR'),
  ].join('');
  await withRealRedis(0, [], async (realPort) => {
    await withServer({}, async (srv) => {
      const real = await exchange(realPort, probes);
      const ours = await exchange(srv.port, probes);
      assert.equal(ours.reply, real.reply);
      const realList = (await exchange(realPort, command('CLIENT', 'INFO'))).reply;
      const ourList = (await exchange(srv.port, command('CLIENT', 'INFO'))).reply;
      const body = (r: string): string => r.slice(r.indexOf('\r\n') + 2);
      assert.deepEqual(fieldNames(body(ourList)), fieldNames(body(realList)));
    });
  });
});

test('CLIENT ID, SETNAME/GETNAME, LIST shows every client with name, db and cmd', async () => {
  await withServer({}, async (srv) => {
    const a = await Wire.open(srv.port);
    const b = await Wire.open(srv.port);
    try {
      assert.equal(await a.roundTrip(command('CLIENT', 'ID'), ':1\r\n'), ':1\r\n');
      assert.equal(
        await b.roundTrip(command('CLIENT', 'SETNAME', 'bee') + command('SELECT', '4'), '+OK\r\n+OK\r\n'),
        '+OK\r\n+OK\r\n',
      );
      a.send(command('CLIENT', 'LIST'));
      await a.until(() => false, 200);
      const list = a.take();
      const lines = list
        .slice(list.indexOf('\r\n') + 2, -2)
        .trimEnd()
        .split('\n');
      assert.equal(lines.length, 2);
      assert.match(
        lines[0] as string,
        /^id=1 addr=127\.0\.0\.1:\d+ laddr=127\.0\.0\.1:\d+ fd=\d+ name= .* db=0 .* cmd=client\|list /,
      );
      assert.match(lines[1] as string, /^id=2 .* name=bee .* db=4 .* cmd=select /);
      a.send(command('CLIENT', 'LIST', 'ID', '2'));
      await a.until(() => false, 200);
      assert.match(a.take(), /^\$\d+\r\nid=2 [^\n]*\n\r\n$/);
    } finally {
      a.close();
      b.close();
    }
  });
});

test('CLIENT KILL by address, by ID and TYPE filters, with SKIPME', async () => {
  await withServer({}, async (srv) => {
    const admin = await Wire.open(srv.port);
    const victim = await Wire.open(srv.port);
    const sub = await Wire.open(srv.port);
    try {
      await sub.roundTrip(command('SUBSCRIBE', 'x'), '*3\r\n$9\r\nsubscribe\r\n$1\r\nx\r\n:1\r\n');
      const addr = `127.0.0.1:${victim.socket.localPort ?? 0}`;
      assert.equal(await admin.roundTrip(command('CLIENT', 'KILL', addr), '+OK\r\n'), '+OK\r\n');
      assert.equal(await victim.waitClosed(), true);
      assert.equal(await admin.roundTrip(command('CLIENT', 'KILL', 'TYPE', 'pubsub'), ':1\r\n'), ':1\r\n');
      assert.equal(await sub.waitClosed(), true);
      assert.equal(
        await admin.roundTrip(command('CLIENT', 'KILL', 'ID', '1'), ':0\r\n'),
        ':0\r\n',
        'SKIPME yes by default',
      );
      assert.equal(
        await admin.roundTrip(command('CLIENT', 'KILL', 'ID', '1', 'SKIPME', 'no'), ':1\r\n'),
        ':1\r\n',
      );
      assert.equal(await admin.waitClosed(), true);
    } finally {
      admin.close();
      victim.close();
      sub.close();
    }
  });
});

test('CLIENT PAUSE WRITE holds writes until the pause ends; reads go on', async () => {
  await withServer(
    {},
    async (srv) => {
      const admin = await Wire.open(srv.port);
      const writer = await Wire.open(srv.port);
      try {
        // Taken before the pause is asked for, so the server's pause surely ends 300 ms after it
        // (a slow reply to PAUSE on a loaded machine cannot make the wait look shorter).
        const started = Date.now();
        assert.equal(await admin.roundTrip(command('CLIENT', 'PAUSE', '300', 'WRITE'), '+OK\r\n'), '+OK\r\n');
        writer.send(command('TSET', 'k', 'v') + command('TGET', 'k'));
        assert.equal(
          await admin.roundTrip(command('TGET', 'k'), '$-1\r\n'),
          '$-1\r\n',
          'reads are not paused',
        );
        assert.equal(await writer.read(12, 3000), '+OK\r\n$1\r\nv\r\n');
        assert.ok(Date.now() - started >= 295, 'the write waited for the pause');
        // ALL holds every command, even CLIENT UNPAUSE (as in Redis): only the timer or the server ends it.
        assert.equal(await admin.roundTrip(command('CLIENT', 'PAUSE', '10000'), '+OK\r\n'), '+OK\r\n');
        writer.send(command('PING'));
        assert.equal(await writer.read(7, 200), '');
        srv.state.unpauseClients();
        assert.equal(await writer.read(7), '+PONG\r\n');
        assert.equal(await writer.roundTrip(command('TSET', 'k', 'w'), '+OK\r\n'), '+OK\r\n');
      } finally {
        admin.close();
        writer.close();
      }
    },
    commandsForTests,
  );
});

test('CLIENT REPLY OFF silences replies, SKIP skips the next one, ON resumes', async () => {
  await withServer({}, async (srv) => {
    const w = await Wire.open(srv.port);
    try {
      w.send(
        command('CLIENT', 'REPLY', 'OFF') +
          command('PING', 'a') +
          command('CLIENT', 'REPLY', 'ON') +
          command('CLIENT', 'REPLY', 'SKIP') +
          command('PING', 'b') +
          command('PING', 'c'),
      );
      assert.equal(await w.read('+OK\r\n$1\r\nc\r\n'.length), '+OK\r\n$1\r\nc\r\n');
    } finally {
      w.close();
    }
  });
});
