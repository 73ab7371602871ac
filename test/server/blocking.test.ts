import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandsForTests } from './test-commands.js';
import { Wire, command, eventually, withServer } from './wire.js';

test('blocked clients are served first-come first-served when the key gets data', async () => {
  await withServer(
    {},
    async (srv) => {
      const first = await Wire.open(srv.port);
      const second = await Wire.open(srv.port);
      const pusher = await Wire.open(srv.port);
      try {
        first.send(command('TBLPOP', 'q', '0'));
        assert.equal(await eventually(() => srv.state.blockedClients() === 1), true);
        second.send(command('TBLPOP', 'q', '0'));
        assert.equal(await eventually(() => srv.state.blockedClients() === 2), true);
        assert.equal(await pusher.roundTrip(command('TRPUSH', 'q', 'a'), ':1\r\n'), ':1\r\n');
        const served = '*2\r\n$1\r\nq\r\n$1\r\na\r\n';
        assert.equal(await first.read(served.length), served);
        assert.equal(srv.state.blockedClients(), 1);
        assert.equal(await pusher.roundTrip(command('TRPUSH', 'q', 'b', 'c'), ':2\r\n'), ':2\r\n');
        assert.equal(await second.read(served.length), '*2\r\n$1\r\nq\r\n$1\r\nb\r\n');
        assert.equal(srv.state.blockedClients(), 0);
      } finally {
        first.close();
        second.close();
        pusher.close();
      }
    },
    commandsForTests,
  );
});

test('a blocking command times out with its timeout reply, and pipelined commands then run', async () => {
  await withServer(
    {},
    async (srv) => {
      const w = await Wire.open(srv.port);
      try {
        const started = Date.now();
        const expected = '*-1\r\n+PONG\r\n';
        assert.equal(
          await w.roundTrip(command('TBLPOP', 'none', '0.2') + command('PING'), expected, 3000),
          expected,
        );
        assert.ok(Date.now() - started >= 190, 'waited for the timeout');
      } finally {
        w.close();
      }
    },
    commandsForTests,
  );
});

test('inside MULTI a blocking command does not block', async () => {
  await withServer(
    {},
    async (srv) => {
      const w = await Wire.open(srv.port);
      try {
        const expected = '+OK\r\n+QUEUED\r\n*1\r\n*-1\r\n';
        assert.equal(
          await w.roundTrip(command('MULTI') + command('TBLPOP', 'none', '0') + command('EXEC'), expected),
          expected,
        );
      } finally {
        w.close();
      }
    },
    commandsForTests,
  );
});

test('CLIENT UNBLOCK ends a wait as a timeout or with UNBLOCKED; a closed blocked client is forgotten', async () => {
  await withServer(
    {},
    async (srv) => {
      const blocked = await Wire.open(srv.port);
      const admin = await Wire.open(srv.port);
      try {
        assert.equal(await blocked.roundTrip(command('CLIENT', 'ID'), ':1\r\n'), ':1\r\n');
        blocked.send(command('TBLPOP', 'q', '0'));
        assert.equal(await eventually(() => srv.state.blockedClients() === 1), true);
        assert.equal(await admin.roundTrip(command('CLIENT', 'UNBLOCK', '1'), ':1\r\n'), ':1\r\n');
        assert.equal(await blocked.read(5), '*-1\r\n');
        assert.equal(await admin.roundTrip(command('CLIENT', 'UNBLOCK', '1'), ':0\r\n'), ':0\r\n');
        blocked.send(command('TBLPOP', 'q', '0'));
        assert.equal(await eventually(() => srv.state.blockedClients() === 1), true);
        assert.equal(await admin.roundTrip(command('CLIENT', 'UNBLOCK', '1', 'ERROR'), ':1\r\n'), ':1\r\n');
        const unblocked = '-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n';
        assert.equal(await blocked.read(unblocked.length), unblocked);
        blocked.send(command('TBLPOP', 'q', '0'));
        assert.equal(await eventually(() => srv.state.blockedClients() === 1), true);
        blocked.close();
        assert.equal(await eventually(() => srv.state.blockedClients() === 0), true);
        // The list pushed now stays: nobody is waiting any more.
        assert.equal(await admin.roundTrip(command('TRPUSH', 'q', 'x'), ':1\r\n'), ':1\r\n');
      } finally {
        blocked.close();
        admin.close();
      }
    },
    commandsForTests,
  );
});

test('the served pop is propagated as the command the retry chose', async () => {
  await withServer(
    {},
    async (srv) => {
      const seen: string[][] = [];
      srv.state.addPropagator((_db, argv) => seen.push([...argv]));
      const w = await Wire.open(srv.port);
      const p = await Wire.open(srv.port);
      try {
        w.send(command('TBLPOP', 'q', '0'));
        assert.equal(await eventually(() => srv.state.blockedClients() === 1), true);
        await p.roundTrip(command('TRPUSH', 'q', 'v'), ':1\r\n');
        await w.read(20);
        assert.deepEqual(seen, [
          ['TRPUSH', 'q', 'v'],
          ['LPOP', 'q'],
        ]);
      } finally {
        w.close();
        p.close();
      }
    },
    commandsForTests,
  );
});
