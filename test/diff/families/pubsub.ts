/**
 * Pub/sub: subscribers on connections 1-3 (connection 2 may speak RESP3, where pushes are `>` frames and
 * ordinary commands are allowed while subscribed), publishes from connection 0, and after every publish
 * each subscriber is drained up to a PING so delivered messages are compared (sorted: patterns are
 * matched in unspecified order).
 */
import { binary } from '../gen.js';
import type { Family, Gen } from '../gen.js';
import type { Argv, Step, Unit } from '../sequence.js';

const CHANNELS = ['ch1', 'ch2', 'c1', '\x00ch\r\n', 'x*', ''] as const;
const PATTERNS = ['ch*', 'c?1', 'ch[12]', '*', 'x\\*', 'c*'] as const;

interface SubState {
  channels: Set<string>;
  patterns: Set<string>;
  shards: Set<string>;
}

function subscribed(s: SubState): boolean {
  return s.channels.size + s.patterns.size + s.shards.size > 0;
}

/** Builds a pub/sub sequence, tracking subscriptions so each step knows how many replies to read. */
function build(g: Gen, n: number): Unit[] {
  const r = g.r;
  const subs = new Map<number, SubState>(
    [1, 2, 3].map((c) => [c, { channels: new Set(), patterns: new Set(), shards: new Set() }]),
  );
  const units: Unit[] = [...g.prelude()];
  const state = (c: number): SubState => subs.get(c) as SubState;
  const drainAll = (): Step[] =>
    [1, 2, 3].filter((c) => subscribed(state(c))).map((c): Step => ({ op: 'drain', conn: c }));

  for (let i = 0; i < n; i++) {
    const c = r.range(1, 3);
    const s = state(c);
    const pick = r.int(14);
    if (pick <= 2) {
      const chans = r.some(CHANNELS, r.range(1, 3));
      chans.forEach((x) => s.channels.add(x));
      units.push([
        { op: 'call', conn: c, argv: ['SUBSCRIBE', ...chans], check: 'exact', replies: chans.length },
      ]);
    } else if (pick <= 4) {
      const pats = r.some(PATTERNS, r.range(1, 2));
      pats.forEach((x) => s.patterns.add(x));
      units.push([
        { op: 'call', conn: c, argv: ['PSUBSCRIBE', ...pats], check: 'exact', replies: pats.length },
      ]);
    } else if (pick <= 8) {
      const ch = r.pick(CHANNELS);
      const msg = r.chance(0.5) ? binary(r, 20) : r.pick(['hello', '', 'a\r\nb']);
      units.push([{ op: 'call', conn: 0, argv: ['PUBLISH', ch, msg], check: 'exact' }, ...drainAll()]);
    } else if (pick === 9) {
      const unit = unsubscribe(g, c, s);
      units.push(unit);
    } else if (pick === 10) {
      units.push([pubsubIntrospection(g)]);
    } else if (pick === 11) {
      // Ordinary commands on a subscribed connection: refused in RESP2, allowed in RESP3.
      const argv = r.pick<Argv>([
        ['GET', 'x'],
        ['PING'],
        ['PING', 'hi'],
        ['ECHO', 'e'],
        ['SET', 'x', '1'],
        ['QUIT', 'x'],
      ]);
      units.push([{ op: 'call', conn: c, argv, check: 'exact' }]);
    } else if (pick === 12) {
      const ch = r.pick(CHANNELS);
      if (r.chance(0.5)) {
        s.shards.add(ch);
        units.push([{ op: 'call', conn: c, argv: ['SSUBSCRIBE', ch], check: 'exact' }]);
      } else {
        units.push([
          { op: 'call', conn: 0, argv: ['SPUBLISH', ch, 'shard-msg'], check: 'exact' },
          ...drainAll(),
        ]);
      }
    } else if (c !== 2) {
      s.channels.clear();
      s.patterns.clear();
      s.shards.clear();
      units.push([{ op: 'call', conn: c, argv: ['RESET'], check: 'exact' }]);
    }
  }
  return units;
}

/** UNSUBSCRIBE/PUNSUBSCRIBE with arguments, or without when at most one is left (otherwise order is unspecified). */
function unsubscribe(g: Gen, c: number, s: SubState): Unit {
  const r = g.r;
  const pattern = r.chance(0.4);
  const set = pattern ? s.patterns : s.channels;
  const cmd = pattern ? 'PUNSUBSCRIBE' : 'UNSUBSCRIBE';
  if (set.size <= 1 && r.chance(0.5)) {
    set.clear();
    return [{ op: 'call', conn: c, argv: [cmd], check: 'exact' }];
  }
  const names = r.some(pattern ? PATTERNS : CHANNELS, r.range(1, 2));
  names.forEach((x) => set.delete(x));
  return [{ op: 'call', conn: c, argv: [cmd, ...names], check: 'exact', replies: names.length }];
}

function pubsubIntrospection(g: Gen): Step {
  const r = g.r;
  switch (r.int(4)) {
    case 0:
      return {
        op: 'call',
        conn: 0,
        argv: ['PUBSUB', 'CHANNELS', ...(r.chance(0.5) ? [r.pick(PATTERNS)] : [])],
        check: 'unordered',
      };
    case 1:
      return {
        op: 'call',
        conn: 0,
        argv: ['PUBSUB', 'NUMSUB', ...r.some(CHANNELS, r.range(0, 3))],
        check: 'exact',
      };
    case 2:
      return { op: 'call', conn: 0, argv: ['PUBSUB', 'NUMPAT'], check: 'exact' };
    default:
      return {
        op: 'call',
        conn: 0,
        argv: ['PUBSUB', r.pick(['SHARDCHANNELS', 'SHARDNUMSUB', 'BOGUS'])],
        check: 'unordered',
      };
  }
}

export const pubsub: Family = { name: 'pubsub', owner: 'srvcore', keys: ['x'], build };
