/**
 * Every connection reads into one shared buffer (server/connection.ts). Bytes a client sent that the
 * server has not run yet (a pipeline behind a blocked command, half a command) must survive other
 * clients' reads into that buffer.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Client } from '../../src/server/client.js';
import type { RunningServer } from '../../src/server/index.js';
import { Wire, command, eventually, withServer } from './wire.js';

/** True once some client has bytes the server read but has not run (its query buffer). */
function someQueryBufferHolds(srv: RunningServer): boolean {
  return [...srv.state.registry.values()].some((c) => (c as Client).parser.buffered > 0);
}

const BIG = 'y'.repeat(60_000);

test("a pipeline held behind BLPOP survives other clients' reads", async () => {
  await withServer({}, async (srv) => {
    const a = await Wire.open(srv.port);
    const b = await Wire.open(srv.port);
    try {
      // A's BLPOP blocks; the SET and GET behind it stay unparsed in A's query buffer.
      a.send(command('BLPOP', 'q', '0') + command('SET', 'k', 'value-from-a') + command('GET', 'k'));
      assert.ok(await eventually(() => someQueryBufferHolds(srv)), 'SET and GET wait behind BLPOP');
      // B's big writes go through the same read buffer, many times over.
      for (let i = 0; i < 5; i++) {
        assert.equal(await b.roundTrip(command('SET', `big${i}`, BIG), '+OK\r\n'), '+OK\r\n');
      }
      assert.equal(await b.roundTrip(command('RPUSH', 'q', 'go'), ':1\r\n'), ':1\r\n');
      const expected = '*2\r\n$1\r\nq\r\n$2\r\ngo\r\n+OK\r\n$12\r\nvalue-from-a\r\n';
      assert.equal(await a.read(expected.length), expected);
    } finally {
      a.close();
      b.close();
    }
  });
});

test("half a command waits intact while other clients' reads reuse the buffer", async () => {
  await withServer({}, async (srv) => {
    const a = await Wire.open(srv.port);
    const b = await Wire.open(srv.port);
    try {
      const whole = command('SET', 'half', 'abcdefghij');
      a.send(whole.slice(0, whole.length - 6));
      assert.ok(await eventually(() => someQueryBufferHolds(srv)), 'the first half was read');
      for (let i = 0; i < 5; i++) {
        assert.equal(await b.roundTrip(command('SET', `big${i}`, BIG), '+OK\r\n'), '+OK\r\n');
      }
      assert.equal(await a.roundTrip(whole.slice(whole.length - 6), '+OK\r\n'), '+OK\r\n');
      assert.equal(
        await a.roundTrip(command('GET', 'half'), '$10\r\nabcdefghij\r\n'),
        '$10\r\nabcdefghij\r\n',
      );
    } finally {
      a.close();
      b.close();
    }
  });
});
