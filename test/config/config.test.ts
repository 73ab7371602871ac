import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfigText, RedisConfig } from '../../src/config/index.js';

test('getMatching answers exact names as written, globs over names and aliases, once each', () => {
  const c = new RedisConfig();
  assert.deepEqual(c.getMatching(['PORT']), [['PORT', '6379']]);
  assert.deepEqual(c.getMatching(['slaveof', 'port', 'port']), [
    ['slaveof', ''],
    ['port', '6379'],
  ]);
  const names = c.getMatching(['*max*']).map(([n]) => n);
  assert.ok(
    names.includes('maxmemory') &&
      names.includes('maxmemory-policy') &&
      names.includes('hash-max-ziplist-value'),
  );
  assert.equal(c.getMatching(['*']).length, 192);
  assert.deepEqual(c.getMatching(['nosuch']), []);
});

test('CONFIG SET semantics: atomic, duplicate, immutable, protected, parse errors', () => {
  const c = new RedisConfig();
  assert.equal(
    c.configSet([
      ['maxmemory', '10mb'],
      ['maxmemory-policy', 'allkeys-lfu'],
    ]),
    undefined,
  );
  assert.equal(c.getNumber('maxmemory'), 10485760);
  assert.deepEqual(
    c.configSet([
      ['maxmemory', '20mb'],
      ['port', 'abc'],
    ]),
    {
      kind: 'failed',
      argument: 'port',
      message: "argument couldn't be parsed into an integer",
    },
  );
  assert.equal(c.getNumber('maxmemory'), 10485760, 'nothing changed');
  assert.deepEqual(
    c.configSet([
      ['port', '1'],
      ['PORT', '2'],
    ]),
    { kind: 'failed', argument: 'PORT', message: 'duplicate parameter' },
  );
  assert.deepEqual(c.configSet([['daemonize', 'no']]), {
    kind: 'failed',
    argument: 'daemonize',
    message: "can't set immutable config",
  });
  assert.deepEqual(c.configSet([['dir', '/tmp']]), {
    kind: 'failed',
    argument: 'dir',
    message: "can't set protected config",
  });
  assert.deepEqual(c.configSet([['foo', 'bar']]), { kind: 'unknown', argument: 'foo', message: '' });
  assert.equal(c.configSet([['save', '100 5 60 1000']]), undefined);
  assert.equal(c.format('save'), '100 5 60 1000');
  assert.equal(c.configSet([['save', '']]), undefined);
  assert.equal(c.format('save'), '');
  assert.equal(c.configSet([['notify-keyspace-events', 'KEA']]), undefined);
  assert.equal(c.format('notify-keyspace-events'), 'AKE');
  assert.equal(c.configSet([['hz', '1000']]), undefined);
  assert.equal(c.format('hz'), '500');
  assert.equal(c.configSet([['shutdown-on-sigint', 'now nosave']]), undefined);
  assert.equal(c.format('shutdown-on-sigint'), 'nosave now');
});

test('a failing apply hook rolls every pair back and re-applies the old values', () => {
  const c = new RedisConfig();
  const applied: number[] = [];
  c.onApply('port', (cfg) => {
    applied.push(cfg.getNumber('port'));
    return cfg.getNumber('port') === 1 ? 'Unable to listen on this port' : undefined;
  });
  assert.deepEqual(
    c.configSet([
      ['timeout', '5'],
      ['port', '1'],
    ]),
    {
      kind: 'failed',
      argument: 'port',
      message: 'Unable to listen on this port',
    },
  );
  assert.equal(c.getNumber('timeout'), 0);
  assert.equal(c.getNumber('port'), 6379);
  assert.deepEqual(applied, [1, 6379]);
});

test('defaults match Redis 7.0.15 CONFIG GET for the main directives', () => {
  const { config } = loadConfigText('');
  const expected: Record<string, string> = {
    bind: '* -::*',
    'protected-mode': 'yes',
    'tcp-keepalive': '300',
    save: '3600 1 300 100 60 10000',
    'client-output-buffer-limit': 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60',
    'proto-max-bulk-len': '536870912',
    'maxmemory-policy': 'noeviction',
    'maxmemory-samples': '5',
    'oom-score-adj-values': '0 200 800',
    'latency-tracking-info-percentiles': '50 99 99.9',
    unixsocketperm: '0',
    'list-max-ziplist-size': '-2',
    'shutdown-on-sigterm': 'default',
  };
  for (const [k, v] of Object.entries(expected)) assert.equal(config.format(k), v, k);
});
