/**
 * redis-cli against redmesh: each invocation is run against redmesh and against a real Redis 7.0
 * with the same password and data, and redis-cli's output must be the same (sorted where Redis
 * leaves order open). Covers -a / --no-auth-warning, --pipe mass insertion, INFO, -n, --scan, -3, -x.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runProcess } from '../helpers/process.js';
import type { ProcessResult } from '../helpers/process.js';
import { startRedis, startUnderTest, stopAll } from '../helpers/servers.js';
import type { RunningServer } from '../helpers/servers.js';

const PASSWORD = 'interop-secret';
let redmesh: RunningServer | undefined;
let redis: RunningServer | undefined;
/** Free ports, known once `before` started the servers. */
let redmeshPort = 0;
let redisPort = 0;

before(async () => {
  redmesh = await startUnderTest(0, ['--requirepass', PASSWORD]);
  redis = await startRedis(0, ['--requirepass', PASSWORD]);
  redmeshPort = redmesh.port;
  redisPort = redis.port;
});

after(async () => {
  await stopAll(redmesh, redis);
});

function cli(port: number, args: readonly string[], stdin?: Buffer | string): Promise<ProcessResult> {
  return runProcess('redis-cli', ['-p', String(port), ...args], stdin, 60_000);
}

const authed = (args: readonly string[]): string[] => ['-a', PASSWORD, '--no-auth-warning', ...args];

/** Runs the same redis-cli invocation on both servers; returns [redmesh, redis]. */
async function both(
  args: readonly string[],
  stdin?: Buffer | string,
): Promise<[ProcessResult, ProcessResult]> {
  return Promise.all([cli(redmeshPort, args, stdin), cli(redisPort, args, stdin)]);
}

async function sameOutput(
  args: readonly string[],
  stdin?: Buffer | string,
  sortLines = false,
): Promise<string> {
  const [mine, theirs] = await both(args, stdin);
  // Unordered replies: drop redis-cli's element numbering ("1) ", "2~ ", "1# ") and sort the lines.
  const unnumbered = (l: string): string => l.replace(/^\s*\d+[)~#] /, '');
  const norm = (s: string): string => (sortLines ? s.split('\n').map(unnumbered).sort().join('\n') : s);
  assert.equal(norm(mine.stdout), norm(theirs.stdout), `stdout of redis-cli ${args.join(' ')}`);
  assert.equal(mine.code, theirs.code, `exit code of redis-cli ${args.join(' ')}`);
  return mine.stdout;
}

/** RESP for one command, for --pipe input. */
function resp(...argv: string[]): string {
  return `*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('')}`;
}

test('-a with --no-auth-warning authenticates quietly; without it redis-cli warns', async () => {
  const quiet = await cli(redmeshPort, authed(['PING']));
  assert.equal(quiet.stdout, 'PONG\n');
  assert.equal(quiet.stderr, '');
  const loud = await cli(redmeshPort, ['-a', PASSWORD, 'PING']);
  assert.equal(loud.stdout, 'PONG\n');
  assert.match(loud.stderr, /Warning: Using a password/);
});

test('missing or wrong password is refused the way Redis refuses it', async () => {
  await sameOutput(['GET', 'k']);
  const [mine, theirs] = await both(['-a', 'wrong-password', '--no-auth-warning', 'PING']);
  assert.equal(mine.stdout, theirs.stdout);
  assert.equal(mine.stderr, theirs.stderr);
  assert.match(mine.stdout + mine.stderr, /WRONGPASS/);
});

test('--pipe mass insertion: 20000 commands, binary values, errors counted', async () => {
  let input = '';
  for (let i = 0; i < 20_000; i++) input += resp('SET', `mass:${i}`, `v\x00\r\n${i}\xff`);
  input += resp('INCR', 'mass:1'); // not an integer: one error
  input += resp('RPUSH', 'mass:list', 'a', 'b', 'c');
  const out = await sameOutput(authed(['--pipe']), Buffer.from(input, 'latin1'));
  assert.match(out, /errors: 1, replies: 20002/);
  assert.equal(await sameOutput(authed(['DBSIZE'])), '20001\n');
  assert.equal(await sameOutput(authed(['GET', 'mass:7'])), 'v\x00\r\n7\xff\n');
});

test('replies of every type print the same', async () => {
  const setup = [
    resp('DEL', 'l', 'h', 'z', 's', 'f', 'str'),
    resp('RPUSH', 'l', 'a', '', 'b c', '\x01\x02'),
    resp('HSET', 'h', 'f1', 'v1', 'f2', ''),
    resp('ZADD', 'z', '1.5', 'm1', '-inf', 'm2', '0.1', 'm3'),
    resp('SADD', 's', 'x', 'y', '1'),
    resp('SET', 'f', '10.5'),
    resp('SET', 'str', 'hello'),
  ].join('');
  await sameOutput(authed(['--pipe']), setup);
  await sameOutput(authed(['LRANGE', 'l', '0', '-1']));
  await sameOutput(authed(['HGETALL', 'h']), undefined, true);
  await sameOutput(authed(['ZRANGE', 'z', '0', '-1', 'WITHSCORES']));
  await sameOutput(authed(['ZSCORE', 'z', 'm3']));
  await sameOutput(authed(['SMEMBERS', 's']), undefined, true);
  await sameOutput(authed(['INCRBYFLOAT', 'f', '0.1']));
  await sameOutput(authed(['GET', 'nosuchkey']));
  await sameOutput(authed(['TYPE', 'z']));
  await sameOutput(authed(['TTL', 'str']));
  await sameOutput(authed(['INCR', 'str']));
  await sameOutput(authed(['NOSUCHCOMMAND', 'a']));
  await sameOutput(authed(['--no-raw', 'LRANGE', 'l', '0', '-1']));
  await sameOutput(authed(['--no-raw', 'ZRANGE', 'z', '0', '-1', 'WITHSCORES']));
  await sameOutput(authed(['--no-raw', 'GET', 'nosuchkey']));
  await sameOutput(authed(['-3', '--no-raw', 'ZSCORE', 'z', 'm1']));
  await sameOutput(authed(['-3', '--no-raw', 'HGETALL', 'h']), undefined, true);
  await sameOutput(authed(['-3', '--no-raw', 'SMEMBERS', 's']), undefined, true);
});

test('-n selects a database, -x reads the last argument from stdin', async () => {
  await sameOutput(authed(['-n', '3', 'SET', 'dbkey', 'in-3']));
  assert.equal(await sameOutput(authed(['-n', '3', 'GET', 'dbkey'])), 'in-3\n');
  assert.equal(await sameOutput(authed(['-n', '0', 'EXISTS', 'dbkey'])), '0\n');
  await sameOutput(authed(['-x', 'SET', 'fromstdin']), 'line1\nline2\n');
  assert.equal(await sameOutput(authed(['GET', 'fromstdin'])), 'line1\nline2\n\n');
});

test('--scan --pattern lists the same keys', async () => {
  const input = Array.from({ length: 300 }, (_, i) => resp('SET', `scan:${i}`, '1')).join('');
  await sameOutput(authed(['--pipe']), input);
  const out = await sameOutput(authed(['--scan', '--pattern', 'scan:1*']), undefined, true);
  assert.equal(out.trim().split('\n').length, 111);
});

test('INFO has the same sections and the fields clients read', async () => {
  const [mine, theirs] = await both(authed(['INFO']));
  const sections = (s: string): string[] => s.split('\r\n').filter((l) => l.startsWith('# '));
  assert.deepEqual(sections(mine.stdout), sections(theirs.stdout));
  for (const field of [
    'redis_version',
    'connected_clients',
    'used_memory',
    'role',
    'tcp_port',
    'uptime_in_seconds',
  ]) {
    assert.match(mine.stdout, new RegExp(`^${field}:`, 'm'), field);
  }
  assert.match(mine.stdout, new RegExp(`^tcp_port:${redmeshPort}\r?$`, 'm'));
  const keyspace = await cli(redmeshPort, authed(['INFO', 'keyspace']));
  assert.match(keyspace.stdout, /^db0:keys=\d+,expires=\d+,avg_ttl=\d+\r?$/m);
});
