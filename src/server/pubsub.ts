/**
 * Pub/sub registry (Redis pubsub.c): who listens on which channel, pattern and shard channel, and
 * message delivery. Messages are encoded once per protocol version and queued on each receiver.
 */
import type { PubSubPort, SubscriptionKind } from '../commands/index.js';
import { bulk, encodeReply, push, type Protocol, type Reply } from '../resp/index.js';
import { globMatch } from '../store/index.js';

/** A client as the registry sees it. */
export interface Subscriber {
  readonly protocol: 2 | 3;
  /** Queues already-encoded bytes to the client (and checks its output buffer limit). */
  deliver(bytes: string): void;
}

export class PubSubRegistry implements PubSubPort {
  readonly channels = new Map<string, Set<Subscriber>>();
  readonly patterns = new Map<string, Set<Subscriber>>();
  readonly shardChannels = new Map<string, Set<Subscriber>>();

  private table(kind: SubscriptionKind): Map<string, Set<Subscriber>> {
    if (kind === 'channel') return this.channels;
    if (kind === 'pattern') return this.patterns;
    return this.shardChannels;
  }

  add(kind: SubscriptionKind, name: string, who: Subscriber): void {
    const table = this.table(kind);
    let set = table.get(name);
    if (set === undefined) {
      set = new Set();
      table.set(name, set);
    }
    set.add(who);
  }

  remove(kind: SubscriptionKind, name: string, who: Subscriber): void {
    const table = this.table(kind);
    const set = table.get(name);
    if (set === undefined) return;
    set.delete(who);
    if (set.size === 0) table.delete(name);
  }

  /** PUBLISH / SPUBLISH: returns how many clients received the message. */
  publish(kind: 'channel' | 'shard', channel: string, message: string): number {
    const type = kind === 'channel' ? 'message' : 'smessage';
    let receivers = 0;
    const direct = (kind === 'channel' ? this.channels : this.shardChannels).get(channel);
    if (direct !== undefined) {
      deliverToAll(direct, push([bulk(type), bulk(channel), bulk(message)]));
      receivers += direct.size;
    }
    if (kind === 'shard') return receivers;
    for (const [pattern, set] of this.patterns) {
      if (!globMatch(pattern, channel)) continue;
      deliverToAll(set, push([bulk('pmessage'), bulk(pattern), bulk(channel), bulk(message)]));
      receivers += set.size;
    }
    return receivers;
  }

  activeChannels(kind: 'channel' | 'shard', pattern: string | undefined): string[] {
    const table = kind === 'channel' ? this.channels : this.shardChannels;
    const out: string[] = [];
    for (const name of table.keys()) if (pattern === undefined || globMatch(pattern, name)) out.push(name);
    return out;
  }

  numsub(kind: 'channel' | 'shard', channel: string): number {
    return (kind === 'channel' ? this.channels : this.shardChannels).get(channel)?.size ?? 0;
  }

  channelCount(): number {
    return this.channels.size;
  }

  patternCount(): number {
    return this.patterns.size;
  }
}

/** Delivers one message to every subscriber, encoded at most once per protocol version. */
function deliverToAll(subscribers: ReadonlySet<Subscriber>, message: Reply): void {
  const encoded: Partial<Record<Protocol, string>> = {};
  for (const who of subscribers) {
    const bytes = (encoded[who.protocol] ??= encodeReply(message, who.protocol));
    who.deliver(bytes);
  }
}
