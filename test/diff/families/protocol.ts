/**
 * The wire and the connection: inline commands, pipelining, protocol errors (which close the
 * connection), arity and unknown-command errors, PING/ECHO/SELECT/CLIENT/HELLO/RESET/QUIT/AUTH.
 */
import { binary, value } from '../gen.js';
import type { Family, Gen } from '../gen.js';
import type { Argv, Step, Unit } from '../sequence.js';

/** Raw byte inputs and how many replies each produces before anything else happens. */
const RAW: readonly (readonly [string, number])[] = [
  ['PING\r\n', 1],
  ['PING hello\r\n', 1],
  ['SET inl "a b\\r\\n" \r\nGET inl\r\n', 2],
  ["SET inl 'x y'\r\nGET inl\r\n", 2],
  ['ECHO "\\x41\\x00z"\r\n', 1],
  ['\r\n\r\nPING\r\n', 1],
  ['PING\n', 1],
  ['*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$0\r\n\r\n', 2],
  ['*3\r\n$3\r\nSET\r\n$2\r\nk\r\n\r\n$0\r\n\r\nGET k\r\n', 1],
  ['*0\r\nPING\r\n', 1],
  ['*-1\r\nPING\r\n', 1],
  ['SET "unbalanced\r\n', 1],
  ['*1\r\n$abc\r\n', 1],
  ['*abc\r\n', 1],
  ['*2\r\n$3\r\nGET\r\n:1\r\n', 1],
  ['*1\r\n$-1\r\n', 1],
  ['*1\r\n$4\r\nPINGxx\r\n', 1],
  ['*4294967296\r\n', 1],
  ['*1\r\n$536870913\r\n', 1],
  ['GET\r\n', 1],
  ['get a b c\r\n', 1],
  ['NOSUCH a "b c"\r\n', 1],
];

function raw(g: Gen): Unit {
  const [bytes, replies] = g.r.pick(RAW);
  // Connection 3 is used for raw input because protocol errors close it.
  return [{ op: 'raw', conn: 3, bytes, replies }];
}

function command(g: Gen): Argv {
  const r = g.r;
  return r.pick<Argv>([
    ['PING'],
    ['PING', value(r)],
    ['PING', 'a', 'b'],
    ['ECHO', binary(r, 30)],
    ['ECHO'],
    ['SELECT', r.pick(['0', '1', '15', '16', '-1', 'abc', '1.5'])],
    ['DBSIZE'],
    ['SET', 'p', value(r)],
    ['GET', 'p'],
    ['NOSUCHCOMMAND', value(r), 'b'],
    [value(r)],
    ['get'],
    ['GeT', 'p', 'extra'],
    ['CLIENT', 'SETNAME', r.pick(['conn-a', 'has space', '', 'x\ny'])],
    ['CLIENT', 'GETNAME'],
    ['CLIENT', 'BOGUS'],
    ['AUTH', 'pw'],
    ['AUTH', 'user', 'pw'],
    ['HELLO', r.pick(['4', 'x', '1'])],
    ['HELLO', '2', 'AUTH', 'default', 'pw'],
    ['COMMAND', 'COUNT', 'extra'],
    ['FLUSHDB', r.pick(['ASYNC', 'SYNC', 'BAD'])],
    ['TIME', 'x'],
    ['ECHO', 'a\r\nb', 'c'],
  ]);
}

function build(g: Gen, n: number): Unit[] {
  const r = g.r;
  const units: Unit[] = [...g.prelude()];
  for (let i = 0; i < n; i++) {
    const pick = r.int(10);
    if (pick < 3) units.push(raw(g));
    else if (pick < 9) {
      const argv = command(g);
      // HELLO's reply carries the connection id, which differs between servers by design.
      units.push([g.call(argv, argv[0]?.toUpperCase() === 'HELLO' ? 'hello' : 'exact')]);
    } else {
      const step: Step = r.pick<Step>([
        { op: 'call', conn: 1, argv: ['RESET'], check: 'exact' },
        { op: 'call', conn: 1, argv: ['QUIT'], check: 'exact' },
        { op: 'call', conn: 1, argv: ['HELLO', '2'], check: 'hello' },
        { op: 'call', conn: 1, argv: ['CLIENT', 'ID'], check: 'shape' },
      ]);
      units.push([step]);
    }
  }
  return units;
}

export const protocol: Family = { name: 'protocol', owner: 'srvcore', keys: ['p'], build };
