/**
 * The pub/sub family (Redis pubsub.c): SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SSUBSCRIBE,
 * SUNSUBSCRIBE, PUBLISH, SPUBLISH, PUBSUB CHANNELS|NUMSUB|NUMPAT|SHARDCHANNELS|SHARDNUMSUB|HELP.
 */
import {
  unknownSubcommand,
  array,
  bulk,
  bulkArray,
  error,
  integer,
  simple,
  type Reply,
} from '../../resp/index.js';
import { NO_SESSION, sessionOf } from '../session.js';
import type { CommandContext, CommandFlag, CommandSpec, SubscriptionKind } from '../types.js';

const SUB_FLAGS: readonly CommandFlag[] = ['pubsub', 'noscript', 'loading', 'stale'];
// Redis 7.0.15's PUBLISH has no may_replicate (so CLIENT PAUSE WRITE does not hold it) and is @fast.
const PUB_FLAGS: readonly CommandFlag[] = ['pubsub', 'loading', 'stale', 'fast'];

function spec(
  name: string,
  arity: number,
  flags: readonly CommandFlag[],
  run: (ctx: CommandContext, argv: readonly string[]) => Reply,
  keys: readonly [number, number, number] = [0, 0, 0],
  categories: readonly string[] = ['pubsub', 'slow'],
): CommandSpec {
  return {
    name,
    arity,
    flags,
    firstKey: keys[0],
    lastKey: keys[1],
    step: keys[2],
    categories,
    run,
  };
}

function subscriber(kind: SubscriptionKind, leave: boolean) {
  return (ctx: CommandContext, argv: readonly string[]): Reply => {
    const session = sessionOf(ctx);
    if (session === undefined) return NO_SESSION;
    const names = argv.slice(1);
    return leave ? session.unsubscribe(kind, names) : session.subscribe(kind, names);
  };
}

/** SUBSCRIBE channel [channel ...] */
const subscribe = spec('subscribe', -2, SUB_FLAGS, subscriber('channel', false));
/** UNSUBSCRIBE [channel ...] — all channels when none is named. */
const unsubscribe = spec('unsubscribe', -1, SUB_FLAGS, subscriber('channel', true));
/** PSUBSCRIBE pattern [pattern ...] — glob patterns. */
const psubscribe = spec('psubscribe', -2, SUB_FLAGS, subscriber('pattern', false));
/** PUNSUBSCRIBE [pattern ...] */
const punsubscribe = spec('punsubscribe', -1, SUB_FLAGS, subscriber('pattern', true));
/** SSUBSCRIBE shardchannel [shardchannel ...] */
const ssubscribe = spec('ssubscribe', -2, SUB_FLAGS, subscriber('shard', false), [1, -1, 1]);
/** SUNSUBSCRIBE [shardchannel ...] */
const sunsubscribe = spec('sunsubscribe', -1, SUB_FLAGS, subscriber('shard', true), [1, -1, 1]);

/** PUBLISH channel message — the number of clients that received it. */
const publish = spec(
  'publish',
  3,
  PUB_FLAGS,
  (ctx, argv) => integer(ctx.server.pubsub.publish('channel', argv[1] as string, argv[2] as string)),
  [0, 0, 0],
  ['pubsub', 'fast'],
);
/** SPUBLISH shardchannel message */
const spublish = spec(
  'spublish',
  3,
  PUB_FLAGS,
  (ctx, argv) => integer(ctx.server.pubsub.publish('shard', argv[1] as string, argv[2] as string)),
  [1, 1, 1],
  ['pubsub', 'fast'],
);

function pubsubSub(
  name: string,
  arity: number,
  run: (ctx: CommandContext, argv: readonly string[]) => Reply,
): CommandSpec {
  return spec(`pubsub|${name}`, arity, ['pubsub', 'loading', 'stale'], run);
}

function numsub(kind: 'channel' | 'shard') {
  return (ctx: CommandContext, argv: readonly string[]): Reply => {
    const items: Reply[] = [];
    for (const ch of argv.slice(2)) items.push(bulk(ch), integer(ctx.server.pubsub.numsub(kind, ch)));
    return array(items);
  };
}

const HELP = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Print this help.',
];

/** PUBSUB CHANNELS [pattern] | NUMSUB [channel ...] | NUMPAT | SHARDCHANNELS [pattern] | SHARDNUMSUB [channel ...] */
const pubsub: CommandSpec = {
  ...spec(
    'pubsub',
    -2,
    [],
    (_ctx, argv) => error(unknownSubcommand(argv[1] ?? '', 'pubsub')),
    [0, 0, 0],
    ['slow'],
  ),
  subcommands: [
    pubsubSub('channels', -2, (ctx, argv) => bulkArray(ctx.server.pubsub.activeChannels('channel', argv[2]))),
    pubsubSub('numsub', -2, numsub('channel')),
    pubsubSub('numpat', 2, (ctx) => integer(ctx.server.pubsub.patternCount())),
    pubsubSub('shardchannels', -2, (ctx, argv) =>
      bulkArray(ctx.server.pubsub.activeChannels('shard', argv[2])),
    ),
    pubsubSub('shardnumsub', -2, numsub('shard')),
    spec(
      'pubsub|help',
      2,
      ['loading', 'stale'],
      () => array(HELP.map((l) => simple(l))),
      [0, 0, 0],
      ['slow'],
    ),
  ],
};

export const pubsubCommands: readonly CommandSpec[] = [
  subscribe,
  unsubscribe,
  psubscribe,
  punsubscribe,
  ssubscribe,
  sunsubscribe,
  publish,
  spublish,
  pubsub,
];
