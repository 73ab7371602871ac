/**
 * The one SCAN-family cursor parser (src/commands/scan-cursor.ts) against Redis 7.0's
 * parseScanCursorOrReply, both as values and on the wire next to a real redis-server.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseScanCursor } from '../../src/commands/scan-cursor.js';
import { RawConnection, showBytes } from '../helpers/raw-resp.js';
import { startRedis, startRedmesh, stopAll, type RunningServer } from '../helpers/servers.js';

/** The cursors of the issue and their neighbours: NUL bytes, signs, spaces, range edges, hex. */
const CURSORS = [
  '0',
  '5',
  '5\0x',
  '5\0',
  '\0',
  '\x005',
  '',
  '-1',
  '-0',
  '-',
  '+',
  '+5',
  '+-5',
  '00005',
  '18446744073709551615',
  '18446744073709551616',
  '-18446744073709551615',
  '-18446744073709551616',
  '99999999999999999999999',
  ' 5',
  '5 ',
  '\t5',
  '5\t',
  '\x0b5',
  '0x5',
  '1e3',
  '5.0',
  'abc',
];

test('scan cursors read as C strtoul reads them, stopping at the first NUL', () => {
  const cases: [string, bigint | undefined][] = [
    ['0', 0n],
    ['5', 5n],
    ['5\0x', 5n],
    ['\0', 0n],
    ['\x005', 0n],
    ['', 0n],
    ['-1', 2n ** 64n - 1n],
    ['-0', 0n],
    ['+5', 5n],
    ['00005', 5n],
    ['18446744073709551615', 2n ** 64n - 1n],
    ['-18446744073709551615', 1n],
    ['18446744073709551616', undefined],
    ['-18446744073709551616', undefined],
    ['-', undefined],
    ['+', undefined],
    ['+-5', undefined],
    [' 5', undefined],
    ['5 ', undefined],
    ['\t5', undefined],
    ['0x5', undefined],
    ['1e3', undefined],
  ];
  for (const [arg, expected] of cases) assert.equal(parseScanCursor(arg), expected, JSON.stringify(arg));
});

async function replies(server: RunningServer, commands: readonly (readonly string[])[]): Promise<Buffer[]> {
  const c = await RawConnection.open(server.port, 2000);
  try {
    const out: Buffer[] = [];
    for (const argv of commands) out.push(await c.call(argv));
    return out;
  } finally {
    c.close();
  }
}

test('SCAN, HSCAN, SSCAN and ZSCAN accept and refuse the same cursors as redis-server 7.0', async () => {
  // Small collections: Redis (listpack, intset) and redmesh both return them whole with cursor 0
  // whatever the cursor, so HSCAN/SSCAN/ZSCAN replies must match byte for byte.
  const setup = [
    ['SET', 'k', 'v'],
    ['HSET', 'h', 'f', 'v'],
    ['SADD', 's', '1', '2', '3'],
    ['ZADD', 'z', '1', 'a'],
  ];
  const scans: string[][] = [];
  for (const cursor of CURSORS) {
    scans.push(['SCAN', cursor, 'COUNT', '100']);
    for (const [cmd, key] of [
      ['HSCAN', 'h'],
      ['SSCAN', 's'],
      ['ZSCAN', 'z'],
    ] as const)
      scans.push([cmd, key, cursor]);
  }
  let redis: RunningServer | undefined;
  let redmesh: RunningServer | undefined;
  try {
    [redis, redmesh] = await Promise.all([startRedis(0), startRedmesh(0)]);
    const real = await replies(redis, [...setup, ...scans]);
    const ours = await replies(redmesh, [...setup, ...scans]);
    for (const [i, argv] of scans.entries()) {
      const j = setup.length + i;
      const label = JSON.stringify(argv);
      const r = real[j] as Buffer;
      const o = ours[j] as Buffer;
      if (argv[0] === 'SCAN') {
        // Keyspace cursors are implementation-specific; acceptance and the error text are not.
        const refused = (b: Buffer): string | false => (b[0] === 0x2d ? b.toString('latin1') : false);
        assert.equal(refused(o), refused(r), `${label}: ${showBytes(o)} vs ${showBytes(r)}`);
      } else {
        assert.equal(showBytes(o), showBytes(r), label);
      }
    }
    // The run must have seen both outcomes, so a parser that accepts or refuses everything fails.
    const errors = real.slice(setup.length).filter((b) => b[0] === 0x2d).length;
    assert.ok(errors > 10 && errors < scans.length - 10, `${errors} refusals`);
  } finally {
    await stopAll(redis, redmesh);
  }
});
