import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ActiveExpirer, Keyspace } from '../../src/store/index.js';
import { commandsForTests } from './test-commands.js';
import { Wire, command, eventually, withServer } from './wire.js';

test('active expiry removes keys nobody reads, counts them and propagates DEL', async () => {
  await withServer(
    { hz: 10 },
    async (srv) => {
      const deleted: string[] = [];
      srv.state.addPropagator((_db, argv) => {
        if (argv[0] === 'DEL') deleted.push(argv[1] as string);
      });
      const w = await Wire.open(srv.port);
      try {
        let req = '';
        let expected = '';
        for (let i = 0; i < 500; i++) {
          req += command('TSET', `k${i}`, 'v') + command('TEXPIRE', `k${i}`, '50');
          expected += '+OK\r\n+OK\r\n';
        }
        req += command('TSET', 'keep', 'v');
        expected += '+OK\r\n';
        assert.equal(await w.roundTrip(req, expected), expected);
        const db = srv.core.keyspace.db(0);
        assert.equal(await eventually(() => db.size === 1, 5000), true, `left ${db.size}`);
        assert.equal(srv.state.stats.expiredKeys, 500);
        assert.equal(deleted.length, 500);
        assert.equal(db.volatileCount, 0);
      } finally {
        w.close();
      }
    },
    commandsForTests,
  );
});

test('an expiry cycle stops at its time budget and resumes where it stopped', () => {
  const expired: string[] = [];
  const keyspace = new Keyspace(2, { keyExpired: (_db, key) => expired.push(key) });
  const db = keyspace.db(1);
  for (let i = 0; i < 10000; i++) {
    db.add(`k${i}`, 'v');
    db.setExpire(`k${i}`, i % 2 === 0 ? 1 : Number.MAX_SAFE_INTEGER);
  }
  const expirer = new ActiveExpirer(keyspace);
  const first = expirer.cycle(1000, 0); // a zero budget still does one round
  assert.ok(first > 0 && first < 5000, `first cycle expired ${first}`);
  let total = first;
  for (let i = 0; i < 1000 && db.volatileCount > 5000; i++) total += expirer.cycle(1000, 25);
  assert.equal(total, 5000);
  assert.equal(db.size, 5000);
  assert.equal(expired.length, 5000);
});

test('a disabled ActiveExpirer (DEBUG SET-ACTIVE-EXPIRE 0) removes nothing until enabled again', () => {
  const keyspace = new Keyspace(1, {});
  const db = keyspace.db(0);
  for (let i = 0; i < 100; i++) {
    db.add(`k${i}`, 'v');
    db.setExpire(`k${i}`, 1);
  }
  const expirer = new ActiveExpirer(keyspace);
  expirer.enabled = false;
  for (let i = 0; i < 10; i++) assert.equal(expirer.cycle(1000, 25), 0);
  assert.equal(db.size, 100);
  expirer.enabled = true;
  let total = 0;
  for (let i = 0; i < 100 && db.size > 0; i++) total += expirer.cycle(1000, 25);
  assert.equal(total, 100);
  assert.equal(db.size, 0);
});
