/**
 * Loading an RDB image into the keyspace (rdbLoad): every key becomes a store value in the encoding
 * Redis 7.0 would hold it in after loading (encodings follow content and the limits in force, as
 * Redis converts on load). Modules and unknown types are refused, naming the key and type.
 */
import {
  INVALID_ENTRIES_READ,
  Quicklist,
  SortedMap,
  STREAM_ITEM_FLAG_DELETED,
  STREAM_ITEM_FLAG_SAMEFIELDS,
  Stream,
  StreamNode,
  StreamConsumer,
  StreamGroup,
  ZERO_ID,
  idKey,
  type StreamID,
  type StreamNack,
  SortedSet,
  newHashValue,
  newSetValue,
  setField,
  type Keyspace,
  type Value,
} from '../store/index.js';
import { relaxHeapGrowth } from '../platform/index.js';
import { RdbError } from './rdb/constants.js';
import { RdbReader, type RdbKey, type RdbSummary } from './rdb/reader.js';
import type { RdbStream, RdbValue } from './rdb/values.js';
import type { EncodingLimits } from './rdb/write-values.js';

export interface LoadOptions {
  readonly limits: EncodingLimits;
  /** Unix ms of the load: keys whose TTL passed before it are dropped when dropExpired. */
  readonly nowMs: number;
  /** A master drops keys already expired; a replica keeps them (its master will send DEL). */
  readonly dropExpired: boolean;
  /** DEBUG RELOAD MERGE (RDBFLAGS_ALLOW_DUP): a key already present is replaced instead of refused. */
  readonly replaceExisting?: boolean;
  /** Told a loaded key's IDLE / FREQ record (the LRU idle seconds / LFU counter saved with it). */
  readonly onAccessRecord?: (
    db: number,
    key: string,
    idleSeconds: number | undefined,
    freq: number | undefined,
  ) => void;
}

export interface LoadResult {
  readonly summary: RdbSummary;
  /** AUX fields (redis-ver, ctime, repl-id, repl-offset, aof-base, …) for the caller to use. */
  readonly aux: ReadonlyMap<string, string>;
  readonly keysLoaded: number;
  readonly keysExpired: number;
  /** The FUNCTION libraries' codes, in file order. */
  readonly functions: readonly string[];
}

/** A store value for a decoded RDB value, or undefined for an empty collection (Redis skips those). */
export function storeValueOf(v: RdbValue, limits: EncodingLimits): Value | undefined {
  switch (v.kind) {
    case 'string':
      return v.value;
    case 'list':
      return v.items.length === 0 ? undefined : { type: 'list', items: Quicklist.from(v.items) };
    case 'set':
      return v.members.length === 0 ? undefined : newSetValue(v.members);
    case 'hash': {
      if (v.fields.length === 0) return undefined;
      const hash = newHashValue();
      for (const [f, val] of v.fields) setField(hash, f, val);
      return hash;
    }
    case 'zset': {
      if (v.entries.length === 0) return undefined;
      const small =
        v.entries.length <= limits.zsetMaxListpackEntries &&
        v.entries.every(([m]) => m.length <= limits.zsetMaxListpackValue);
      const zset = new SortedSet(
        { maxListpackEntries: limits.zsetMaxListpackEntries, maxListpackValue: limits.zsetMaxListpackValue },
        small ? 'listpack' : 'skiplist',
      );
      for (const [m, s] of v.entries) zset.set(m, s);
      return { type: 'zset', zset };
    }
    case 'stream':
      return { type: 'stream', stream: streamOf(v.stream) };
  }
}

function parseId(text: string): StreamID {
  const [ms, seq] = text.split('-') as [string, string];
  return { ms: BigInt(ms), seq: BigInt(seq) };
}

/**
 * A loaded stream, its listpack nodes kept as saved (rdbLoadObject inserts each listpack into the
 * rax as it is): the same node boundaries and deleted entries as the Redis that wrote it.
 */
function streamOf(v: RdbStream): Stream {
  const s = new Stream();
  let live = 0;
  for (const saved of v.nodes) {
    const node = new StreamNode(parseId(saved.master), saved.masterFields);
    for (const [id, flags, pairs] of saved.entries) {
      node.append(parseId(id), pairs, (flags & STREAM_ITEM_FLAG_SAMEFIELDS) !== 0);
      if ((flags & STREAM_ITEM_FLAG_DELETED) !== 0) node.markDeleted(node.ids.length - 1);
    }
    if (node.live === 0) throw new RdbError('stream node with no live entry');
    live += node.live;
    s.adoptNode(node);
  }
  if (live !== v.length) throw new RdbError(`stream length ${v.length} but ${live} entries`);
  s.length = live;
  s.lastId = parseId(v.lastId);
  s.firstId = v.firstId === undefined ? (s.edgeId(true) ?? ZERO_ID) : parseId(v.firstId);
  s.maxDeletedId = v.maxDeletedId === undefined ? ZERO_ID : parseId(v.maxDeletedId);
  s.entriesAdded = v.entriesAdded ?? BigInt(v.length);
  if (v.groups.length > 0) s.groups = new SortedMap();
  for (const g of v.groups) {
    const entriesRead =
      g.entriesRead === undefined || g.entriesRead === 18446744073709551615n
        ? INVALID_ENTRIES_READ
        : g.entriesRead;
    const group = new StreamGroup(g.name, parseId(g.lastId), entriesRead);
    const nacks = new Map<string, { deliveryTime: number; deliveryCount: number }>();
    for (const [id, time, count] of g.pel)
      nacks.set(idKey(parseId(id)), { deliveryTime: time, deliveryCount: count });
    for (const c of g.consumers) {
      const consumer = new StreamConsumer(c.name, c.seenTime);
      group.consumers.set(c.name, consumer);
      for (const id of c.pel) {
        const k = idKey(parseId(id));
        const n = nacks.get(k);
        if (n === undefined)
          throw new RdbError(`consumer PEL entry ${id} missing from group ${g.name}'s PEL`);
        const nack: StreamNack = { ...n, consumer };
        consumer.pel.set(k, nack);
        group.pel.set(k, nack);
      }
    }
    if (group.pel.size !== nacks.size)
      throw new RdbError(`group ${g.name} has PEL entries without a consumer`);
    s.groups?.set(g.name, group);
  }
  return s;
}

/** Reads `file` into `keyspace` (which the caller has emptied). Throws RdbError naming what is wrong. */
export function loadRdb(file: Buffer, keyspace: Keyspace, options: LoadOptions): LoadResult {
  const load = new RdbLoad(file, keyspace, options);
  const restoreHeapGrowth = relaxHeapGrowth();
  try {
    for (;;) {
      const result = load.step(Infinity);
      if (result !== undefined) return result;
    }
  } finally {
    restoreHeapGrowth();
  }
}

/** A dataset load in progress, as INFO shows it (loading_* fields). */
export interface LoadingState {
  /** Unix seconds the load started. */
  readonly startTimeSec: number;
  /** Bytes to load (the RDB file, or every AOF file). */
  readonly totalBytes: number;
  /** Bytes consumed so far. */
  loadedBytes: number;
  /** The used-mem AUX field of the RDB being loaded, once read (loading_rdb_used_mem). */
  rdbUsedMem: number;
  /**
   * Redis 7.0 async loading (a replica's swapdb load in the history it has): the old data keeps
   * being served; only commands flagged no-async-loading get -LOADING (INFO async_loading:1).
   */
  readonly async: boolean;
}

/** Redis's loading-process-events-interval-bytes default: the loop is served every 2 MB loaded. */
export const LOADING_SLICE_BYTES = 2 * 1024 * 1024;

/** One turn of the event loop: clients are served (LOADING) between slices of a load. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * loadRdb in slices of about LOADING_SLICE_BYTES of the file, handing the event loop back between
 * them so clients are served (with LOADING errors) meanwhile. `loading.loadedBytes` becomes
 * `offset` + the bytes consumed after every slice.
 */
export async function loadRdbInSlices(
  file: Buffer,
  keyspace: Keyspace,
  options: LoadOptions,
  loading: LoadingState,
  offset = 0,
): Promise<LoadResult> {
  const load = new RdbLoad(file, keyspace, options);
  const restoreHeapGrowth = relaxHeapGrowth();
  try {
    for (;;) {
      const result = load.step(LOADING_SLICE_BYTES);
      loading.loadedBytes = offset + load.position;
      const usedMem = Number(load.aux.get('used-mem'));
      if (Number.isSafeInteger(usedMem)) loading.rdbUsedMem = usedMem;
      if (result !== undefined) return result;
      await yieldToEventLoop();
    }
  } finally {
    restoreHeapGrowth();
  }
}

/** RdbStreamLoad hands the bytes fed to its reader when the reader has fewer than this left. */
const STREAM_HANDOVER_BYTES = 256 * 1024;

/**
 * A load fed as its bytes arrive (a replica's full-sync payload, never whole in memory): `feed`
 * hands over bytes, `step` decodes whole records of what was fed (a record cut by the end of what
 * arrived waits for the rest), `end` says nothing more comes. Throws RdbError as loadRdb does.
 */
export class RdbStreamLoad {
  private load: RdbLoad | undefined;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private ended = false;
  private endHandedOver = false;
  private result: LoadResult | undefined;

  constructor(
    private readonly keyspace: Keyspace,
    private readonly options: LoadOptions,
  ) {}

  feed(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
  }

  /** No more bytes: what was fed must be the whole payload. */
  end(): void {
    this.ended = true;
  }

  /** Payload bytes decoded so far. */
  get position(): number {
    return this.load?.position ?? 0;
  }

  /** AUX fields read so far (used-mem for loading_rdb_used_mem). */
  get aux(): ReadonlyMap<string, string> {
    return this.load?.aux ?? new Map();
  }

  /**
   * Decodes about `maxBytes` more: the result once the payload is loaded, 'more' when nothing can be
   * decoded before more bytes are fed, undefined after a slice (call again).
   */
  step(maxBytes: number): LoadResult | 'more' | undefined {
    if (this.result !== undefined) return this.result;
    if (!this.handOver(false)) return 'more';
    const load = this.load as RdbLoad;
    const before = load.position;
    this.result = load.step(maxBytes);
    if (this.result !== undefined) return this.result;
    if (load.position !== before) return undefined;
    // A record longer than what the reader holds: it needs the bytes fed since, whatever it holds.
    if (this.pendingBytes === 0 && !(this.ended && !this.endHandedOver)) return 'more';
    this.handOver(true);
    this.result = load.step(maxBytes);
    return this.result ?? (load.position === before ? 'more' : undefined);
  }

  /**
   * Gives the reader what was fed since, once it is about to run out of what it has (the bytes it has
   * not consumed are copied into its next window: kept small, they cost nothing); false while not
   * even the header is there.
   */
  private handOver(always: boolean): boolean {
    const last = this.ended && !this.endHandedOver;
    if (this.pendingBytes === 0 && !last) return this.load !== undefined;
    if (!always && this.load !== undefined && this.load.buffered >= STREAM_HANDOVER_BYTES) return true;
    const bytes = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
    if (this.load === undefined) {
      // The header (REDIS + version) is checked at once: wait for its 9 bytes.
      if (bytes.length < 9 && !this.ended) return false;
      this.load = new RdbLoad(bytes, this.keyspace, this.options);
      if (!this.ended) this.load.expectMore();
    } else {
      this.load.append(bytes, this.ended);
    }
    this.endHandedOver = this.ended;
    this.pending = [];
    this.pendingBytes = 0;
    return true;
  }
}

/** One load: the RDB walk with a visitor that adds each key to the keyspace. */
class RdbLoad {
  readonly aux = new Map<string, string>();
  readonly functions: string[] = [];
  private keysLoaded = 0;
  private keysExpired = 0;
  private readonly reader: RdbReader;

  constructor(
    file: Buffer,
    private readonly keyspace: Keyspace,
    private readonly options: LoadOptions,
  ) {
    this.reader = new RdbReader(file, {
      aux: (k, v) => this.aux.set(k, v),
      function: (code) => this.functions.push(code),
      selectDb: (db) => {
        if (db >= keyspace.databases.length) {
          throw new RdbError(
            `FATAL: Data file was created with a Redis server configured to handle more than ${keyspace.databases.length} databases (SELECTDB ${db}). Exiting`,
          );
        }
      },
      key: (e) => this.addKey(e),
      stringKey: (db, key, value, expireMs, idleSeconds, freq) =>
        this.addValue(db, key, value, expireMs, idleSeconds, freq),
    });
  }

  get position(): number {
    return this.reader.position;
  }

  /** Streaming (RdbStreamLoad): bytes may follow those the load was made with. */
  expectMore(): void {
    this.reader.expectMore();
  }

  append(bytes: Buffer, last: boolean): void {
    this.reader.append(bytes, last);
  }

  get buffered(): number {
    return this.reader.buffered;
  }

  /** Reads about `maxBytes` more; the result once the whole file is loaded. */
  step(maxBytes: number): LoadResult | undefined {
    const summary = this.reader.readSome(maxBytes);
    if (summary === undefined) return undefined;
    return {
      summary,
      aux: this.aux,
      keysLoaded: this.keysLoaded,
      keysExpired: this.keysExpired,
      functions: this.functions,
    };
  }

  private addKey(e: RdbKey): void {
    let value: Value | undefined;
    try {
      value = storeValueOf(e.value, this.options.limits);
    } catch (err) {
      throw new RdbError(
        `key ${JSON.stringify(e.key)} (db ${e.db}) is a ${e.value.kind}: ${(err as Error).message}`,
      );
    }
    if (value === undefined) return;
    this.addValue(e.db, e.key, value, e.expireMs, e.idleSeconds, e.freq);
  }

  private addValue(
    dbIndex: number,
    key: string,
    value: Value,
    expireMs: number | undefined,
    idleSeconds: number | undefined,
    freq: number | undefined,
  ): void {
    const options = this.options;
    const db = this.keyspace.db(dbIndex);
    if (options.dropExpired && expireMs !== undefined && expireMs < options.nowMs) {
      this.keysExpired++;
      return;
    }
    if (options.replaceExisting === true) {
      db.delete(key);
      db.add(key, value);
    } else {
      // One hash lookup per key: a duplicate shows as a size that did not grow (then the load fails).
      const before = db.size;
      db.add(key, value);
      if (db.size === before) throw new RdbError(`duplicate key ${JSON.stringify(key)} in db ${dbIndex}`);
    }
    if (expireMs !== undefined) db.setExpire(key, expireMs);
    if (idleSeconds !== undefined || freq !== undefined) {
      options.onAccessRecord?.(dbIndex, key, idleSeconds, freq);
    }
    this.keysLoaded++;
  }
}
