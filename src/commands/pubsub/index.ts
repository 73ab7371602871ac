/**
 * The pub/sub family (Redis pubsub.c): SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SSUBSCRIBE,
 * SUNSUBSCRIBE, PUBLISH, SPUBLISH, PUBSUB CHANNELS|NUMSUB|NUMPAT|SHARDCHANNELS|SHARDNUMSUB|HELP.
 */
import {
  ERR_SUBCOMMAND_SYNTAX,
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
import { defineCommand, tableCommand } from '../define.js';
import { fail } from '../typed.js';
import type { CommandSpec, SubscriptionKind } from '../types.js';

function subscriber(name: string, kind: SubscriptionKind, leave: boolean): CommandSpec {
  return defineCommand({
    name,
    parse: (args) => args.rest(),
    apply(ctx, names) {
      const session = sessionOf(ctx);
      if (session === undefined) return NO_SESSION;
      return leave ? session.unsubscribe(kind, names) : session.subscribe(kind, names);
    },
  });
}

/** SUBSCRIBE channel [channel ...] */
const subscribe = subscriber('subscribe', 'channel', false);
/** UNSUBSCRIBE [channel ...] — all channels when none is named. */
const unsubscribe = subscriber('unsubscribe', 'channel', true);
/** PSUBSCRIBE pattern [pattern ...] — glob patterns. */
const psubscribe = subscriber('psubscribe', 'pattern', false);
/** PUNSUBSCRIBE [pattern ...] */
const punsubscribe = subscriber('punsubscribe', 'pattern', true);
/** SSUBSCRIBE shardchannel [shardchannel ...] */
const ssubscribe = subscriber('ssubscribe', 'shard', false);
/** SUNSUBSCRIBE [shardchannel ...] */
const sunsubscribe = subscriber('sunsubscribe', 'shard', true);

function publisher(name: string, kind: 'channel' | 'shard'): CommandSpec {
  return defineCommand({
    name,
    parse: (args) => ({ channel: args.string(), message: args.string() }),
    apply: (ctx, { channel, message }) => integer(ctx.server.pubsub.publish(kind, channel, message)),
  });
}

/** PUBLISH channel message — the number of clients that received it. */
const publish = publisher('publish', 'channel');
/** SPUBLISH shardchannel message */
const spublish = publisher('spublish', 'shard');

/** PUBSUB CHANNELS / SHARDCHANNELS [pattern] — active channels, matching the pattern if one is given. */
function channels(name: string, kind: 'channel' | 'shard'): CommandSpec {
  return defineCommand({
    name,
    parse(args) {
      if (args.remaining > 1) return fail(ERR_SUBCOMMAND_SYNTAX(args.argv[1] ?? '', args.argv[0] ?? ''));
      return args.done ? undefined : args.string();
    },
    apply: (ctx, pattern) => bulkArray(ctx.server.pubsub.activeChannels(kind, pattern)),
  });
}

/** PUBSUB NUMSUB / SHARDNUMSUB [channel ...] — each channel with its number of subscribers. */
function numsub(name: string, kind: 'channel' | 'shard'): CommandSpec {
  return defineCommand({
    name,
    parse: (args) => args.rest(),
    apply(ctx, names) {
      const items: Reply[] = [];
      for (const ch of names) items.push(bulk(ch), integer(ctx.server.pubsub.numsub(kind, ch)));
      return array(items);
    },
  });
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
    channels('pubsub|channels', 'channel'),
    numsub('pubsub|numsub', 'channel'),
    defineCommand({
      name: 'pubsub|numpat',
      parse: () => undefined,
      apply: (ctx) => integer(ctx.server.pubsub.patternCount()),
    }),
    channels('pubsub|shardchannels', 'shard'),
    numsub('pubsub|shardnumsub', 'shard'),
    defineCommand({
      name: 'pubsub|help',
      parse: () => undefined,
      apply: () => array(HELP.map((l) => simple(l))),
    }),
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
