/**
 * Client-side caching (Redis tracking.c): which clients may hold which keys in a local cache, and the
 * invalidation messages that tell them a key changed.
 *
 * - Default mode: every key a tracking client reads (a `readonly` command's keys) is remembered in the
 *   tracking table, key name → client ids (one table for every database, as in Redis). When the key
 *   changes, each client in its entry gets one `invalidate` message and the entry is dropped: the
 *   client must read the key again to hear about its next change.
 * - BCAST mode: nothing is remembered per read. A change to a key under one of the client's prefixes
 *   ("" = every key) is collected, and once per event-loop turn every such client gets the keys of each
 *   of its prefixes in one message (Redis beforeSleep's trackingBroadcastInvalidationMessages).
 * - OPTIN / OPTOUT: only reads after CLIENT CACHING yes are remembered, or all but those after
 *   CLIENT CACHING no. NOLOOP: no message about a change the client made itself.
 * - Messages are RESP3 pushes `>2 invalidate [keys]` on the client's own connection, or go to the
 *   REDIRECT client: a RESP3 push, or a RESP2 pub/sub `message` on `__redis__:invalidate` when that
 *   client is subscribed. A flush invalidates everything at once with a null instead of the key array.
 *   When the redirect client is gone, a RESP3 client gets `tracking-redir-broken` instead.
 * - A message for the client whose command caused it waits until that command's reply is queued (and
 *   a transaction's until EXEC's), so it never lands inside the reply (tracking_pending_keys).
 *
 * Like Redis, a client that turns tracking off (or disconnects) is removed from the table lazily: its
 * id stays in the entries of the keys it read until they change or are evicted.
 */
import type { TrackingOptions, TrackingPort, TrackingView } from '../commands/index.js';

/** A connection as client-side caching sees it (implemented by Client). */
export interface TrackedClient {
  readonly id: number;
  readonly protocol: 2 | 3;
  /** Subscribed to a channel or pattern (Redis CLIENT_PUBSUB): may receive RESP2 invalidations. */
  readonly inPubsubMode: boolean;
  /** This client's tracking state; undefined while tracking is off. */
  tracking: TrackingState | undefined;
  /** Queues bytes produced outside the client's own reply (a push), whatever CLIENT REPLY says. */
  deliver(bytes: string): void;
}

/** One client's tracking flags (Redis CLIENT_TRACKING_* and client_tracking_prefixes). */
export interface TrackingState extends TrackingView {
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  caching: boolean;
  brokenRedirect: boolean;
  readonly prefixes: Set<string>;
}

/** The BCAST state of one prefix: keys changed this turn (→ the client that changed each last) and its clients. */
interface PrefixState {
  readonly keys: Map<string, TrackedClient | undefined>;
  readonly clients: Set<TrackedClient>;
}

/** What a pending message for the running client invalidates: one key, or (null) everything. */
type PendingKey = string | null;

/** The channel RESP2 clients subscribe to for redirected invalidations. */
export const TRACKING_CHANNEL = '__redis__:invalidate';

const INVALIDATE_PUSH = '>2\r\n$10\r\ninvalidate\r\n';
const REDIRECT_MESSAGE = `*3\r\n$7\r\nmessage\r\n$${TRACKING_CHANNEL.length}\r\n${TRACKING_CHANNEL}\r\n`;

function bulkBytes(s: string): string {
  return `$${s.length}\r\n${s}\r\n`;
}

/** The RESP2 array of keys a message carries (both protocols use this form, as Redis does). */
function keysArray(keys: readonly string[]): string {
  let out = `*${keys.length}\r\n`;
  for (const k of keys) out += bulkBytes(k);
  return out;
}

/** Byte order of latin1 strings (Redis's radix trees iterate keys and prefixes this way). */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class ClientTracking implements TrackingPort {
  /** Key → ids of clients that may cache it; undefined until a client first enables tracking. */
  private table: Map<string, Set<number>> | undefined;
  /** Sum of the entries' sizes (tracking_total_items). */
  private items = 0;
  /** BCAST prefixes in use. */
  private readonly prefixTable = new Map<string, PrefixState>();
  private trackingClients = 0;
  private readonly pending: PendingKey[] = [];
  private broadcastScheduled = false;
  /** Effort multiplier of the table-size limit (Redis's static timeout_counter). */
  private limitEffortRounds = 0;
  /**
   * The client whose input is being processed (Redis server.current_client), and whether its command
   * is running (CLIENT_EXECUTING_COMMAND): set by the dispatcher.
   */
  current: TrackedClient | undefined;
  executing = false;

  constructor(
    private readonly lookupClient: (id: number) => TrackedClient | undefined,
    /** Every connected client, in connection order. */
    private readonly allClients: () => Iterable<TrackedClient>,
  ) {}

  clientCount(): number {
    return this.trackingClients;
  }

  totalKeys(): number {
    return this.table?.size ?? 0;
  }

  totalItems(): number {
    return this.items;
  }

  totalPrefixes(): number {
    return this.prefixTable.size;
  }

  /** Redis enableTracking: options already checked against the client's state. */
  enable(c: TrackedClient, options: TrackingOptions): void {
    const previous = c.tracking;
    if (previous === undefined) this.trackingClients++;
    const state: TrackingState = previous ?? {
      redirect: 0,
      bcast: false,
      optin: false,
      optout: false,
      noloop: false,
      caching: false,
      brokenRedirect: false,
      prefixes: new Set(),
    };
    state.redirect = options.redirect;
    state.brokenRedirect = false;
    state.optin = options.optin;
    state.optout = options.optout;
    state.noloop = options.noloop;
    state.bcast = options.bcast;
    c.tracking = state;
    this.table ??= new Map();
    if (!options.bcast) return;
    const prefixes = options.prefixes.length === 0 ? [''] : options.prefixes;
    for (const prefix of prefixes) {
      let ps = this.prefixTable.get(prefix);
      if (ps === undefined) {
        ps = { keys: new Map(), clients: new Set() };
        this.prefixTable.set(prefix, ps);
      }
      if (!ps.clients.has(c)) {
        ps.clients.add(c);
        state.prefixes.add(prefix);
      }
    }
  }

  /** Redis disableTracking: leaves its prefixes; its ids in the table go lazily. */
  disable(c: TrackedClient): void {
    const state = c.tracking;
    if (state === undefined) return;
    for (const prefix of state.prefixes) {
      const ps = this.prefixTable.get(prefix);
      if (ps === undefined) continue;
      ps.clients.delete(c);
      if (ps.clients.size === 0) this.prefixTable.delete(prefix);
    }
    c.tracking = undefined;
    this.trackingClients--;
  }

  /**
   * Redis trackingRememberKeys: should be called after a `readonly` command of a tracking client in
   * default (not BCAST) mode ran, with the command's keys.
   */
  rememberKeys(c: TrackedClient, keys: readonly string[]): void {
    const state = c.tracking;
    const table = this.table;
    if (state === undefined || state.bcast || table === undefined) return;
    if ((state.optin && !state.caching) || (state.optout && state.caching)) return;
    for (const key of keys) {
      let ids = table.get(key);
      if (ids === undefined) {
        ids = new Set();
        table.set(key, ids);
      }
      if (!ids.has(c.id)) {
        ids.add(c.id);
        this.items++;
      }
    }
  }

  /**
   * Redis trackingInvalidateKey: `key` changed (by `modifier`'s command, or by expiry/eviction when
   * undefined). Clients that read it are told now, or after the running command's reply when they
   * are the client running it; BCAST clients of a matching prefix are told at the end of the turn.
   */
  invalidateKey(key: string, modifier: TrackedClient | undefined, bcast = true): void {
    const table = this.table;
    if (table === undefined) return;
    if (bcast && this.prefixTable.size > 0) this.rememberForBroadcast(key, modifier);
    const ids = table.get(key);
    if (ids === undefined) return;
    for (const id of [...ids].sort((a, b) => a - b)) {
      const target = this.lookupClient(id);
      const state = target?.tracking;
      if (target === undefined || state === undefined || state.bcast) continue;
      if (state.noloop && target === this.current) continue;
      if (target === this.current && this.executing) this.pending.push(key);
      else this.send(target, keysArray([key]));
    }
    this.items -= ids.size;
    table.delete(key);
  }

  /**
   * Redis trackingInvalidateKeysOnFlush: every tracking client (BCAST ones too) is told that every
   * key is invalid (a null instead of the key array), and the table starts empty.
   */
  invalidateAll(): void {
    if (this.trackingClients > 0) {
      for (const c of this.allClients()) {
        if (c.tracking === undefined) continue;
        if (c === this.current) this.pending.push(null);
        else this.send(c, nullOf(c));
      }
    }
    if (this.table !== undefined) {
      this.table = new Map();
      this.items = 0;
    }
  }

  /**
   * Redis trackingHandlePendingKeyInvalidations: should be called once the running client's
   * outermost command (EXEC, not the commands inside it) has queued its reply.
   */
  flushPending(c: TrackedClient | undefined): void {
    if (this.pending.length === 0) return;
    const keys = this.pending.splice(0);
    if (c === undefined) return;
    for (const key of keys) this.send(c, key === null ? nullOf(c) : keysArray([key]));
  }

  /**
   * Redis trackingLimitUsedSlots: should be called before each command while clients track keys.
   * Above `maxKeys` entries, random keys are invalidated (as if changed) until the table fits, with
   * an effort that grows each time one call was not enough.
   */
  limitUsedSlots(maxKeys: number): void {
    const table = this.table;
    if (table === undefined || maxKeys === 0) return;
    if (table.size <= maxKeys) {
      this.limitEffortRounds = 0;
      return;
    }
    const effort = 100 * (this.limitEffortRounds + 1);
    for (const key of randomRun(table, Math.min(effort, table.size - maxKeys))) {
      this.invalidateKey(key, undefined, false);
    }
    if (table.size <= maxKeys) {
      this.limitEffortRounds = 0;
      return;
    }
    this.limitEffortRounds++;
  }

  private rememberForBroadcast(key: string, modifier: TrackedClient | undefined): void {
    for (const [prefix, ps] of this.prefixTable) {
      if (!key.startsWith(prefix)) continue;
      // Re-inserted so the last client to change the key is the one NOLOOP compares with.
      ps.keys.set(key, modifier);
    }
    if (!this.broadcastScheduled) {
      this.broadcastScheduled = true;
      setImmediate(() => this.broadcast());
    }
  }

  /** Redis trackingBroadcastInvalidationMessages: once per turn, each prefix's changed keys to its clients. */
  broadcast(): void {
    this.broadcastScheduled = false;
    if (this.trackingClients === 0) return;
    for (const prefix of [...this.prefixTable.keys()].sort(byteOrder)) {
      const ps = this.prefixTable.get(prefix) as PrefixState;
      if (ps.keys.size === 0) continue;
      const keys = [...ps.keys.keys()].sort(byteOrder);
      const all = keysArray(keys);
      for (const c of ps.clients) {
        if (c.tracking?.noloop !== true) {
          this.send(c, all);
          continue;
        }
        const own = keys.filter((k) => ps.keys.get(k) !== c);
        if (own.length > 0) this.send(c, keysArray(own));
      }
      ps.keys.clear();
    }
  }

  /** Redis sendTrackingMessage: `payload` is the RESP of the key array (or the null of a flush). */
  private send(c: TrackedClient, payload: string): void {
    const state = c.tracking;
    let target = c;
    let redirected = false;
    if (state !== undefined && state.redirect !== 0) {
      const redir = this.lookupClient(state.redirect);
      if (redir === undefined) {
        state.brokenRedirect = true;
        if (c.protocol === 3) {
          c.deliver(`>2\r\n$21\r\ntracking-redir-broken\r\n:${state.redirect}\r\n`);
        }
        return;
      }
      target = redir;
      redirected = true;
    }
    if (target.protocol === 3) target.deliver(INVALIDATE_PUSH + payload);
    else if (redirected && target.inPubsubMode) target.deliver(REDIRECT_MESSAGE + payload);
  }
}

/** The null a flush sends, in the tracking client's protocol (Redis shared.null[c->resp]). */
function nullOf(c: TrackedClient): string {
  return c.protocol === 3 ? '_\r\n' : '$-1\r\n';
}

/**
 * `count` keys of the table from a random place (Redis walks its radix tree at random for each one;
 * a Map has no random access, so this takes a run of neighbours after a random skip of at most 1000).
 */
function randomRun(table: Map<string, Set<number>>, count: number): string[] {
  const out: string[] = [];
  let skip = Math.floor(Math.random() * Math.min(table.size, 1000));
  for (const key of table.keys()) {
    if (out.length >= count) break;
    if (skip > 0) skip--;
    else out.push(key);
  }
  for (const key of table.keys()) {
    if (out.length >= count) break;
    if (!out.includes(key)) out.push(key);
  }
  return out;
}
