import { ERR_NO_SUCH_KEY, ERR_NOGROUP_FOR_KEY, ERR_NOT_INTEGER } from '../../resp/index.js';
/**
 * XINFO STREAM key [FULL [COUNT count]]  — the stream's counters, first/last entry, or everything.
 * XINFO GROUPS key                       — each group: consumers, pending, last ID, entries-read, lag.
 * XINFO CONSUMERS key group              — each consumer: pending count and idle ms.
 * XINFO HELP, XGROUP HELP.
 *
 * Maps are RESP3 maps (flat arrays in RESP2), in xinfoReplyWithStreamInfo's order.
 */
import {
  array,
  bulk,
  ERR_SUBCOMMAND_SYNTAX,
  integer,
  map,
  NULL,
  simple,
  type Reply,
} from '../../resp/index.js';
import {
  INVALID_ENTRIES_READ,
  MAX_ID,
  ZERO_ID,
  idFromKey,
  idText,
  type Stream,
  type StreamGroup,
} from '../../store/index.js';
import { parseLong } from '../args.js';
import { defineCommand } from '../define.js';
import { fail } from '../typed.js';
import type { CommandContext } from '../types.js';
import { groupLag, rangeItems, rangeReply, readStream } from './common.js';

function field(name: string, value: Reply): readonly [Reply, Reply] {
  return [bulk(name), value];
}

function streamOf(ctx: CommandContext, key: string): Stream {
  const value = readStream(ctx, key);
  return value === undefined ? fail(ERR_NO_SUCH_KEY) : value.stream;
}

function entriesRead(g: StreamGroup): Reply {
  return g.entriesRead === INVALID_ENTRIES_READ ? NULL : integer(g.entriesRead);
}

function lagReply(s: Stream, g: StreamGroup): Reply {
  const lag = groupLag(s, g);
  return lag === undefined ? NULL : integer(lag);
}

function firstOrLast(s: Stream, rev: boolean): Reply {
  return rangeItems(s, ZERO_ID, MAX_ID, 1, rev)[0] ?? NULL;
}

export const xinfoStream = defineCommand({
  name: 'xinfo|stream',
  parse(args) {
    const argv = args.argv;
    const key = argv[2] as string;
    const rest = argv.length - 2;
    let full = false;
    let count = 10;
    if (rest !== 1) {
      const syntax = (): never => fail(ERR_SUBCOMMAND_SYNTAX(argv[1] as string, argv[0] as string));
      if (rest !== 2 && rest !== 4) syntax();
      if ((argv[3] as string).toUpperCase() !== 'FULL') syntax();
      full = true;
      if (rest === 4) {
        if ((argv[4] as string).toUpperCase() !== 'COUNT') syntax();
        const n = parseLong(argv[5] as string);
        if (n === undefined) fail(ERR_NOT_INTEGER);
        count = n < 0 ? 10 : n;
      }
    }
    return { key, full, count };
  },
  apply(ctx, { key, full, count }) {
    const s = streamOf(ctx, key);
    const head = [
      field('length', integer(s.length)),
      field('radix-tree-keys', integer(s.nodes.length)),
      field('radix-tree-nodes', integer(s.raxNodeCount())),
      field('last-generated-id', bulk(idText(s.lastId))),
      field('max-deleted-entry-id', bulk(idText(s.maxDeletedId))),
      field('entries-added', integer(s.entriesAdded)),
      field('recorded-first-entry-id', bulk(idText(s.firstId))),
    ];
    if (!full) {
      return map([
        ...head,
        field('groups', integer(s.groups?.size ?? 0)),
        field('first-entry', firstOrLast(s, false)),
        field('last-entry', firstOrLast(s, true)),
      ]);
    }
    const groups: Reply[] = [];
    for (const [name, g] of s.groups?.entries() ?? []) {
      const pel: Reply[] = [];
      for (const [k, nack] of g.pel.entries()) {
        if (count !== 0 && pel.length >= count) break;
        pel.push(
          array([
            bulk(idText(idFromKey(k))),
            bulk(nack.consumer.name),
            integer(nack.deliveryTime),
            integer(nack.deliveryCount),
          ]),
        );
      }
      const consumers: Reply[] = [];
      for (const [cname, c] of g.consumers.entries()) {
        const cpel: Reply[] = [];
        for (const [k, nack] of c.pel.entries()) {
          if (count !== 0 && cpel.length >= count) break;
          cpel.push(
            array([bulk(idText(idFromKey(k))), integer(nack.deliveryTime), integer(nack.deliveryCount)]),
          );
        }
        consumers.push(
          map([
            field('name', bulk(cname)),
            field('seen-time', integer(c.seenTime)),
            field('pel-count', integer(c.pel.size)),
            field('pending', array(cpel)),
          ]),
        );
      }
      groups.push(
        map([
          field('name', bulk(name)),
          field('last-delivered-id', bulk(idText(g.lastId))),
          field('entries-read', entriesRead(g)),
          field('lag', lagReply(s, g)),
          field('pel-count', integer(g.pel.size)),
          field('pending', array(pel)),
          field('consumers', array(consumers)),
        ]),
      );
    }
    return map([
      ...head,
      field('entries', rangeReply(s, ZERO_ID, MAX_ID, count, false)),
      field('groups', array(groups)),
    ]);
  },
});

export const xinfoGroups = defineCommand({
  name: 'xinfo|groups',
  parse: (args) => args.argv[2] as string,
  apply(ctx, key) {
    const s = streamOf(ctx, key);
    const out: Reply[] = [];
    for (const [name, g] of s.groups?.entries() ?? []) {
      out.push(
        map([
          field('name', bulk(name)),
          field('consumers', integer(g.consumers.size)),
          field('pending', integer(g.pel.size)),
          field('last-delivered-id', bulk(idText(g.lastId))),
          field('entries-read', entriesRead(g)),
          field('lag', lagReply(s, g)),
        ]),
      );
    }
    return array(out);
  },
});

export const xinfoConsumers = defineCommand({
  name: 'xinfo|consumers',
  parse: (args) => ({ key: args.argv[2] as string, group: args.argv[3] as string }),
  apply(ctx, { key, group }) {
    const s = streamOf(ctx, key);
    const g = s.group(group);
    if (g === undefined) return fail(ERR_NOGROUP_FOR_KEY(group, key));
    const now = Date.now();
    const out: Reply[] = [];
    for (const [name, c] of g.consumers.entries()) {
      out.push(
        map([
          field('name', bulk(name)),
          field('pending', integer(c.pel.size)),
          field('idle', integer(Math.max(0, now - c.seenTime))),
        ]),
      );
    }
    return array(out);
  },
});

const XINFO_HELP = [
  'XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
  'HELP',
  '    Prints this help.',
];

const XGROUP_HELP = [
  'XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  "      Set the group's entries_read counter (internal use).",
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
  'HELP',
  '    Prints this help.',
];

export const xinfoHelp = defineCommand({
  name: 'xinfo|help',
  parse: () => undefined,
  apply: () => array(XINFO_HELP.map((l) => simple(l))),
});

export const xgroupHelp = defineCommand({
  name: 'xgroup|help',
  parse: () => undefined,
  apply: () => array(XGROUP_HELP.map((l) => simple(l))),
});
