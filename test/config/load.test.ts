import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  ConfigError,
  loadConfig,
  loadConfigText,
  optionsToConfigText,
  unsupportedSettings,
} from '../../src/config/index.js';

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'redmesh-conf-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function loadError(text: string): ConfigError {
  try {
    loadConfigText(text, 'x.conf');
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  assert.fail(`expected a config error for ${JSON.stringify(text)}`);
}

test('the tutorial directives load with comments, blanks, case-insensitive names and aliases', () => {
  const { config } = loadConfigText(
    [
      '# Redis on the VPN',
      '',
      '   BIND 127.0.0.1 10.8.0.1   ',
      'requirepass "s3cret pass"',
      'TCP-Keepalive 300',
      'slaveof 10.8.0.1 6379',
      'masterauth s3cret',
      'slave-read-only no',
      'maxmemory 100mb',
      'maxmemory-policy ALLKEYS-LRU',
      'save 900 1',
      'save 300 10',
      'client-output-buffer-limit replica 512mb 128mb 120',
    ].join('\n'),
  );
  assert.deepEqual(config.bindAddresses(), ['127.0.0.1', '10.8.0.1']);
  assert.equal(config.getString('requirepass'), 's3cret pass');
  assert.equal(config.getNumber('tcp-keepalive'), 300);
  assert.deepEqual(config.replicaOf(), { host: '10.8.0.1', port: 6379 });
  assert.equal(config.getString('masterauth'), 's3cret');
  assert.equal(config.getBool('replica-read-only'), false);
  assert.equal(config.getNumber('maxmemory'), 100 * 1024 * 1024);
  assert.equal(config.getString('maxmemory-policy'), 'allkeys-lru');
  assert.equal(config.format('save'), '900 1 300 10');
  assert.equal(
    config.format('client-output-buffer-limit'),
    'normal 0 0 0 slave 536870912 134217728 120 pubsub 33554432 8388608 60',
  );
});

test('bad lines fail with Redis texts, line number and the offending line', () => {
  const cases: [string, string][] = [
    ['port abc', "argument couldn't be parsed into an integer"],
    ['port 70000', 'argument must be between 0 and 65535 inclusive'],
    ['protected-mode maybe', "argument must be 'yes' or 'no'"],
    [
      'maxmemory-policy foo',
      'argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction',
    ],
    ['maxmemory 1.5gb', 'argument must be a memory value'],
    ['foo bar', 'Bad directive or wrong number of arguments'],
    ['port 1 2', 'wrong number of arguments'],
    ['save 10', 'Invalid save parameters'],
    ['client-output-buffer-limit normal 0 0', 'Wrong number of arguments in buffer limit configuration.'],
    ['requirepass "abc', 'Unbalanced quotes in configuration line'],
    ['replicaof 1.2.3.4', 'wrong number of arguments'],
    ['slaveof a b', 'Invalid master port'],
    ['databases 0', 'argument must be between 1 and 2147483647 inclusive'],
    ['loglevel loud', 'argument(s) must be one of the following: debug, verbose, notice, warning'],
    ['appendfsync bad', 'argument(s) must be one of the following: everysec, always, no'],
  ];
  for (const [line, reason] of cases) {
    const e = loadError(`port 6379\n${line}\n`);
    assert.equal(e.reason, reason, line);
    assert.deepEqual(e.where, { file: 'x.conf', line: 2, text: line });
    assert.equal(
      e.format(),
      `\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> '${line}'\n${reason}\nin x.conf:2\n`,
    );
  }
});

test('include reads files recursively and by wildcard; a missing plain include is an error', () => {
  withDir((dir) => {
    writeFileSync(join(dir, 'main.conf'), `port 7000\ninclude ${join(dir, 'a.conf')}\nhz 30\n`);
    writeFileSync(join(dir, 'a.conf'), `maxclients 50\ninclude ${join(dir, 'conf.d', '*.conf')}\n`);
    const { config, extras } = loadConfig(join(dir, 'main.conf'));
    assert.equal(config.getNumber('port'), 7000);
    assert.equal(config.getNumber('maxclients'), 50);
    assert.equal(config.getNumber('hz'), 30);
    assert.equal(extras.includes.length, 2);

    writeFileSync(join(dir, 'bad.conf'), 'port 7000\n\ninclude /nonexistent/x.conf\n');
    assert.throws(() => loadConfig(join(dir, 'bad.conf')), {
      message: "Fatal error, can't open config file '/nonexistent/x.conf': No such file or directory",
    });

    writeFileSync(join(dir, 'inner.conf'), 'hz 7\n\nbogus yes\n');
    writeFileSync(join(dir, 'outer.conf'), `include ${join(dir, 'inner.conf')}\n`);
    assert.throws(
      () => loadConfig(join(dir, 'outer.conf')),
      (e: unknown) =>
        e instanceof ConfigError && e.where?.file === join(dir, 'inner.conf') && e.where.line === 3,
    );
  });
});

test('command-line options are appended after the file, as redis-server does', () => {
  assert.equal(
    optionsToConfigText(['--port', '7000', '--bind', '127.0.0.1 ::1']),
    'port "7000" \nbind "127.0.0.1 ::1" ',
  );
  assert.equal(optionsToConfigText(['--save', '--port', '1']), 'save ""\nport "1" ');
  assert.equal(optionsToConfigText(['--save']), 'save ""');
  assert.equal(optionsToConfigText(['--maxmemory 10mb']), 'maxmemory 10mb ');
  withDir((dir) => {
    writeFileSync(join(dir, 'r.conf'), 'port 6379\nbind 0.0.0.0\nsave 900 1\n');
    const { config } = loadConfig(join(dir, 'r.conf'), [
      '--port',
      '7000',
      '--bind',
      '127.0.0.1 10.8.0.1',
      '--save',
      '--requirepass',
      'p w"d',
    ]);
    assert.equal(config.getNumber('port'), 7000);
    assert.deepEqual(config.bindAddresses(), ['127.0.0.1', '10.8.0.1']);
    assert.deepEqual(config.saveParams(), []);
    assert.equal(config.getString('requirepass'), 'p w"d');
  });
  assert.throws(
    () => loadConfig(undefined, ['--nosuch', '1']),
    (e: unknown) => e instanceof ConfigError && e.where?.file === '(command line)',
  );
});

test('the stock Debian redis.conf loads with nothing refused (daemonize yes runs the server in the background)', () => {
  const { config } = loadConfig('/etc/redis/redis.conf');
  assert.equal(config.getString('logfile'), '/var/log/redis/redis-server.log');
  assert.deepEqual(config.bindAddresses(), ['127.0.0.1', '-::1']);
  assert.equal(config.getBool('daemonize'), true);
  assert.deepEqual(unsupportedSettings(config), []);
});

test('deprecated directives are accepted and ignored; modules are refused clearly; user lines are kept for the ACL', () => {
  loadConfigText('list-max-ziplist-entries 512\nlua-replicate-commands yes\n');
  assert.match(loadError('loadmodule /x.so').reason, /not supported by redmesh/);
  const { extras } = loadConfigText('port 7000\nuser alice on >pw ~cache:* +get\n');
  assert.deepEqual(
    extras.users.map((u) => [u.args, u.where.line]),
    [[['alice', 'on', '>pw', '~cache:*', '+get'], 2]],
  );
  assert.equal(loadError('user').reason, 'Bad directive or wrong number of arguments');
});

test('a save line with no value means no save points, as redis-server 7.0 reads it', () => {
  // Checked by hand on redis-server 7.0.15: CONFIG GET save answers "" for a file holding a bare
  // `save`, and "100 1" for `save 100 1` followed by a bare `save`.
  assert.equal(loadConfigText('save\n').config.format('save'), '');
  assert.equal(loadConfigText('save 100 1\nsave\n').config.format('save'), '100 1');
});
