import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandsForTests } from './test-commands.js';
import { Wire, command, withServer } from './wire.js';

async function withClients(n: number, body: (clients: Wire[]) => Promise<void>): Promise<void> {
  await withServer(
    {},
    async (srv) => {
      const clients: Wire[] = [];
      try {
        for (let i = 0; i < n; i++) clients.push(await Wire.open(srv.port));
        await body(clients);
      } finally {
        for (const c of clients) c.close();
      }
    },
    commandsForTests,
  );
}

test('MULTI queues, EXEC runs in order and returns every reply', async () => {
  await withClients(1, async ([a]) => {
    const w = a as Wire;
    const expected = '+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n$1\r\n1\r\n';
    const got = await w.roundTrip(
      command('MULTI') + command('TSET', 'k', '1') + command('TGET', 'k') + command('EXEC'),
      expected,
    );
    assert.equal(got, expected);
  });
});

test('an error while queueing aborts EXEC with EXECABORT; runtime errors do not', async () => {
  await withClients(1, async ([a]) => {
    const w = a as Wire;
    const expected =
      '+OK\r\n+QUEUED\r\n' +
      "-ERR wrong number of arguments for 'tget' command\r\n" +
      '-EXECABORT Transaction discarded because of previous errors.\r\n$-1\r\n';
    const got = await w.roundTrip(
      command('MULTI') + command('TSET', 'k', '1') + command('TGET') + command('EXEC') + command('TGET', 'k'),
      expected,
    );
    assert.equal(got, expected);
    const nested =
      '+OK\r\n-ERR MULTI calls can not be nested\r\n-ERR WATCH inside MULTI is not allowed\r\n+OK\r\n';
    assert.equal(
      await w.roundTrip(
        command('MULTI') + command('MULTI') + command('WATCH', 'x') + command('DISCARD'),
        nested,
      ),
      nested,
    );
    const without = '-ERR EXEC without MULTI\r\n-ERR DISCARD without MULTI\r\n';
    assert.equal(await w.roundTrip(command('EXEC') + command('DISCARD'), without), without);
  });
});

test('WATCH: a change by another client makes EXEC return nil; UNWATCH and untouched keys succeed', async () => {
  await withClients(2, async ([a, b]) => {
    const w = a as Wire;
    const other = b as Wire;
    assert.equal(await w.roundTrip(command('WATCH', 'k'), '+OK\r\n'), '+OK\r\n');
    assert.equal(await other.roundTrip(command('TSET', 'k', 'changed'), '+OK\r\n'), '+OK\r\n');
    const aborted = '+OK\r\n+QUEUED\r\n*-1\r\n';
    assert.equal(
      await w.roundTrip(command('MULTI') + command('TSET', 'k', 'mine') + command('EXEC'), aborted),
      aborted,
    );
    assert.equal(await w.roundTrip(command('TGET', 'k'), '$7\r\nchanged\r\n'), '$7\r\nchanged\r\n');

    const ok = '+OK\r\n+OK\r\n+QUEUED\r\n*1\r\n+OK\r\n';
    assert.equal(await w.roundTrip(command('WATCH', 'k'), '+OK\r\n'), '+OK\r\n');
    assert.equal(await other.roundTrip(command('TSET', 'unrelated', 'x'), '+OK\r\n'), '+OK\r\n');
    assert.equal(
      await w.roundTrip(
        command('UNWATCH') + command('MULTI') + command('TSET', 'k', 'mine') + command('EXEC'),
        ok,
      ),
      ok,
    );

    // A change inside the watcher's own session before MULTI also aborts (Redis semantics).
    const self = '+OK\r\n+OK\r\n+OK\r\n+QUEUED\r\n*-1\r\n';
    assert.equal(
      await w.roundTrip(
        command('WATCH', 'k') +
          command('TSET', 'k', 'x') +
          command('MULTI') +
          command('TGET', 'k') +
          command('EXEC'),
        self,
      ),
      self,
    );
  });
});

test('WATCH on a key whose TTL passes before EXEC aborts the transaction', async () => {
  await withClients(1, async ([a]) => {
    const w = a as Wire;
    const setup = '+OK\r\n+OK\r\n+OK\r\n';
    assert.equal(
      await w.roundTrip(
        command('TSET', 'e', 'v') + command('TEXPIRE', 'e', '30') + command('WATCH', 'e'),
        setup,
      ),
      setup,
    );
    await new Promise((r) => setTimeout(r, 60));
    const aborted = '+OK\r\n+QUEUED\r\n*-1\r\n';
    assert.equal(
      await w.roundTrip(command('MULTI') + command('TGET', 'e') + command('EXEC'), aborted),
      aborted,
    );
  });
});

test('QUIT inside MULTI closes the connection; RESET leaves MULTI', async () => {
  await withClients(2, async ([a, b]) => {
    const w = a as Wire;
    const expected = '+OK\r\n+QUEUED\r\n+RESET\r\n-ERR EXEC without MULTI\r\n';
    assert.equal(
      await w.roundTrip(command('MULTI') + command('PING') + command('RESET') + command('EXEC'), expected),
      expected,
    );
    const q = b as Wire;
    assert.equal(await q.roundTrip(command('MULTI') + command('QUIT'), '+OK\r\n+OK\r\n'), '+OK\r\n+OK\r\n');
    assert.equal(await q.waitClosed(), true);
  });
});
