/**
 * The pub/sub family (Redis pubsub.c): SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SSUBSCRIBE,
 * SUNSUBSCRIBE, PUBLISH, SPUBLISH, PUBSUB CHANNELS|NUMSUB|NUMPAT|SHARDCHANNELS|SHARDNUMSUB|HELP.
 */
import { unknownSubcommand } from '../../resp/errors.js';
import { array, bulk, bulkArray, error, integer, simple, type Reply } from '../../resp/reply.js';
import { NO_SESSION, sessionOf } from '../session.js';
import { tableCommand } from '../define.js';
import type { CommandContext, CommandSpec, SubscriptionKind } from '../types.js';

function subscriber(kind: SubscriptionKind, leave: boolean) {
  return (ctx: CommandContext, argv: readonly string[]): Reply => {
    const session = sessionOf(ctx);
    if (session === undefined) return NO_SESSION;
    const names = argv.slice(1);
    return leave ? session.unsubscribe(kind, names) : session.subscribe(kind, names);
  };
}

/** SUBSCRIBE channel [channel ...] */
const subscribe = tableCommand('subscribe', subscriber('channel', false));
/** UNSUBSCRIBE [channel ...] — all channels when none is named. */
const unsubscribe = tableCommand('unsubscribe', subscriber('channel', true));
/** PSUBSCRIBE pattern [pattern ...] — glob patterns. */
const psubscribe = tableCommand('psubscribe', subscriber('pattern', false));
/** PUNSUBSCRIBE [pattern ...] */
const punsubscribe = tableCommand('punsubscribe', subscriber('pattern', true));
/** SSUBSCRIBE shardchannel [shardchannel ...] */
const ssubscribe = tableCommand('ssubscribe', subscriber('shard', false));
/** SUNSUBSCRIBE [shardchannel ...] */
const sunsubscribe = tableCommand('sunsubscribe', subscriber('shard', true));

/** PUBLISH channel message — the number of clients that received it. */
const publish = tableCommand('publish', (ctx, argv) =>
  integer(ctx.server.publish('channel', argv[1] as string, argv[2] as string)),
);
/** SPUBLISH shardchannel message */
const spublish = tableCommand('spublish', (ctx, argv) =>
  integer(ctx.server.publish('shard', argv[1] as string, argv[2] as string)),
);

function pubsubSub(name: string, run: (ctx: CommandContext, argv: readonly string[]) => Reply): CommandSpec {
  return tableCommand(`pubsub|${name}`, run);
}

function numsub(kind: 'channel' | 'shard') {
  return (ctx: CommandContext, argv: readonly string[]): Reply => {
    const items: Reply[] = [];
    for (const ch of argv.slice(2)) items.push(bulk(ch), integer(ctx.server.pubsubNumsub(kind, ch)));
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
const pubsub = tableCommand('pubsub', (_ctx, argv) => error(unknownSubcommand(argv[1] ?? '', 'pubsub')), {
  subcommands: [
    pubsubSub('channels', (ctx, argv) => bulkArray(ctx.server.pubsubChannels('channel', argv[2]))),
    pubsubSub('numsub', numsub('channel')),
    pubsubSub('numpat', (ctx) => integer(ctx.server.pubsubPatternCount())),
    pubsubSub('shardchannels', (ctx, argv) => bulkArray(ctx.server.pubsubChannels('shard', argv[2]))),
    pubsubSub('shardnumsub', numsub('shard')),
    tableCommand('pubsub|help', () => array(HELP.map((l) => simple(l)))),
  ],
});

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
