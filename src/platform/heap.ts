/**
 * The V8 heap limit of a process that holds a dataset. Node's default limit (about 4 GB here, whatever
 * the machine has) would kill the server with "JavaScript heap out of memory" long before the machine
 * runs out, losing every key. The server instead sizes its heap to the memory it may really use — the
 * cgroup's memory.max when one is set, else the machine's RAM — and re-executes itself (execv: same
 * pid, same stdio, same environment) with `--max-old-space-size` before it loads anything else.
 *
 * A limit the operator chose wins: `--max-old-space-size` in Node's own arguments or in NODE_OPTIONS is
 * left alone, and REDMESH_HEAP=node keeps Node's default.
 */
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { libcError } from './errno.js';
import { libc } from './libc.js';

const HEAP_FLAG = '--max-old-space-size';
/**
 * V8's young generation, sized once at start (V8 reads it only when the heap is made). Every
 * young-generation collection (scavenge) walks the header of every old-generation page, so its fixed
 * cost grows with the dataset: 0.19 ms at 20 MB of old generation, 1.8 ms at 500 MB, 7-10 ms at 2 GB.
 * With V8's default 1 MB semi-spaces growing to at most 4 MB, a 10M-key server ran ~23 scavenges a
 * second and its GET/SET p99 was 4-6x that of a small dataset; with 16 MB semi-spaces from the start
 * (min = max: V8 grows them only when objects survive, and GETs make garbage that dies) the p99 on
 * 10M keys is that of 10k keys (measured, quiet machine: GET 0.96 against 1.26 ms, SET 1.13 against
 * 0.82 ms; 4 MB gave 5.9 and 8.1 ms). Both semi-spaces are resident once used, so a server with a
 * small maxmemory keeps small ones: maxmemory / 32, between 4 and 16 MB (maxmemory 50mb: 4 MB, as
 * before; RSS under churn is in bench/memory-churn.ts).
 */
const SEMI_SPACE_FLAGS = ['--max-semi-space-size', '--min-semi-space-size'];
const SEMI_SPACE_MIN_MB = 4;
const SEMI_SPACE_MAX_MB = 16;

/**
 * V8 starts the old generation with a limit of its own (a large share of the heap limit), and makes
 * its first full collection only there; the growth tuned below applies from then on. Under maxmemory
 * that first fill was the RSS peak of the whole churn: 3.46x used_memory with maxmemory 50mb against
 * 3.07x after, 1.61-1.69x with 500mb against 1.46x. A server with maxmemory starts with a small old
 * generation instead (maxmemory / 8, between 32 and 64 MB): 50mb peaked at 2.92x, 500mb at 1.38x.
 */
const INITIAL_OLD_SPACE_FLAG = '--initial-old-space-size';

/** The old generation's starting size (MB) for a server with `maxmemory` bytes; 0: V8's own. */
export function initialOldSpaceMb(maxmemory: number): number {
  if (!(maxmemory > 0)) return 0;
  return Math.min(64, Math.max(32, Math.floor(maxmemory / 8 / 2 ** 20)));
}

/** Each semi-space's size (MB) for a server with `maxmemory` bytes (0: none). */
export function semiSpaceMb(maxmemory: number): number {
  if (!(maxmemory > 0)) return SEMI_SPACE_MAX_MB;
  const share = Math.floor(maxmemory / 32 / 2 ** 20);
  return Math.min(SEMI_SPACE_MAX_MB, Math.max(SEMI_SPACE_MIN_MB, share));
}

/**
 * How far the old generation may grow past what survived the last full collection before the next
 * one: V8 chooses 1.1x to 4x by itself (measured: RSS 8x the data under churn with maxmemory 50mb);
 * a fixed 1.2x keeps garbage from outgrowing the data. Applied at run time (V8 reads it per GC).
 */
const HEAP_GROWING_PERCENT = 20;
/**
 * The growth while maxmemory is set. The data then stays near maxmemory and churns (every eviction and
 * overwrite leaves its value as old-generation garbage), and what the operator sized is the process:
 * with 20%, RSS peaked at 1.50x used_memory under churn with maxmemory 500mb; with 10%, 1.43x. Throughput
 * did not move measurably (pipelined SETs under eviction, 2 runs each: 353k/328k vs 301k/348k per second).
 */
const BOUNDED_GROWING_PERCENT = 10;
/**
 * The least room the old generation gets past what survived the last full collection, whatever 20%
 * of it is: on a heap of a few tens of MB, 20% meant a full collection (marking every object, pauses
 * of several ms) every few MB of promoted values — a replica applying a write stream ran one every
 * ~5 MB. Below maxmemory it is at most 10% of maxmemory, so a server under maxmemory churn keeps
 * its garbage within 10% of the data (bench/memory-churn.ts).
 */
const MIN_HEADROOM_BYTES = 64 * 2 ** 20;

/** Set in the environment of the re-executed process, so it never re-executes again. */
const SIZED_MARK = 'REDMESH_HEAP_SIZED';
/**
 * Share of the usable memory given to the V8 heap: the rest is for what lives outside it (Buffers,
 * sockets' kernel memory, code), so the process meets its heap limit before the kernel's OOM killer.
 */
const HEAP_SHARE = 0.9;

/** Bytes this process may use: the cgroup v2 limit when there is one, else the machine's RAM. */
export function usableMemoryBytes(): number {
  const ram = totalmem();
  try {
    const limit = readFileSync('/sys/fs/cgroup/memory.max', 'latin1').trim();
    if (/^\d+$/.test(limit)) return Math.min(ram, Number(limit));
  } catch {
    // no cgroup v2 file: the machine's RAM is the limit
  }
  return ram;
}

/** The heap limit (MB) the server runs with, from the usable memory. */
export function serverHeapLimitMb(usableBytes: number = usableMemoryBytes()): number {
  return Math.floor((usableBytes * HEAP_SHARE) / 2 ** 20);
}

/** SIZED_MARK's value when the re-execution was for the young generation only (the heap limit kept). */
const YOUNG_ONLY = 'young';

/**
 * Why the heap limit is left as it is, or undefined when the process should re-execute with a bigger
 * one. After a re-execution (SIZED_MARK set) it also names the semi-spaces it was given.
 */
export function heapDecision(
  execArgv: readonly string[],
  env: NodeJS.ProcessEnv,
  currentLimitMb: number,
  wantedMb: number,
): string | undefined {
  const mark = env[SIZED_MARK];
  const semi = execArgv.find((a) => a.startsWith(`${SEMI_SPACE_FLAGS[0]}=`))?.split('=')[1];
  const initialOld = execArgv.find((a) => a.startsWith(`${INITIAL_OLD_SPACE_FLAG}=`))?.split('=')[1];
  const young =
    (mark === undefined || semi === undefined ? '' : `, semi-spaces ${semi} MB`) +
    (mark === undefined || initialOld === undefined ? '' : `, old space from ${initialOld} MB`);
  if (mark !== undefined && mark !== YOUNG_ONLY)
    return `heap limit ${currentLimitMb} MB (sized at start)${young}`;
  if (execArgv.some((a) => a.startsWith(HEAP_FLAG)) || (env.NODE_OPTIONS ?? '').includes(HEAP_FLAG)) {
    return `heap limit ${currentLimitMb} MB (${HEAP_FLAG} given to node)${young}`;
  }
  if (env.REDMESH_HEAP === 'node')
    return `heap limit ${currentLimitMb} MB (REDMESH_HEAP=node: Node's default)`;
  if (currentLimitMb >= wantedMb || mark === YOUNG_ONLY) return `heap limit ${currentLimitMb} MB${young}`;
  return undefined;
}

/**
 * Re-executes this process (same pid, same stdio) with a heap limit sized to the usable memory and
 * semi-spaces sized for `maxmemory` (semiSpaceMb), and with maxmemory a small starting old generation
 * (initialOldSpaceMb): the limit unless `heapDecision` keeps it, the others unless node was given its
 * own or REDMESH_HEAP=node asks for Node's defaults. Returns the
 * sentence to log when there is nothing to do (or the re-execution failed). Call it first thing,
 * before any state exists: when it re-executes, it does not return.
 */
export function ensureServerHeap(maxmemory = 0): string {
  const currentMb = Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20);
  const wantedMb = serverHeapLimitMb();
  const env = process.env;
  const kept = heapDecision(process.execArgv, env, currentMb, wantedMb);
  const given = [...process.execArgv, env.NODE_OPTIONS ?? ''];
  const youngGiven = SEMI_SPACE_FLAGS.some((f) => given.some((a) => a.includes(f)));
  const leaveAlone = env[SIZED_MARK] !== undefined || env.REDMESH_HEAP === 'node';
  const young = leaveAlone || youngGiven ? [] : SEMI_SPACE_FLAGS.map((f) => `${f}=${semiSpaceMb(maxmemory)}`);
  const oldGiven = given.some((a) => a.includes(INITIAL_OLD_SPACE_FLAG));
  const initialOld = initialOldSpaceMb(maxmemory);
  if (!leaveAlone && !oldGiven && initialOld > 0) young.push(`${INITIAL_OLD_SPACE_FLAG}=${initialOld}`);
  if (kept !== undefined && young.length === 0) return kept;
  const c = libc();
  // Node opens stdio close-on-exec here; the new image must keep the same stdout/stderr.
  for (const fd of [0, 1, 2]) c.clearCloexec(fd);
  env[SIZED_MARK] = kept === undefined ? String(wantedMb) : YOUNG_ONLY;
  const heap = kept === undefined ? [`${HEAP_FLAG}=${wantedMb}`] : [];
  c.execv(process.execPath, [
    process.execPath,
    ...process.execArgv,
    ...heap,
    ...young,
    ...process.argv.slice(1),
  ]);
  const failure = libcError('execv', c.errno());
  delete env[SIZED_MARK];
  const wanted = kept === undefined ? `${wantedMb} MB` : 'sized semi-spaces';
  return `heap limit ${currentMb} MB (could not re-execute with ${wanted}: ${failure.message})`;
}

/**
 * Whether the V8 heap is close enough to its limit that accepting more data could kill the process
 * ("JavaScript heap out of memory" is an abort: every key would be lost). The server asks before each
 * command that may grow memory and refuses it with Redis's OOM error while this says so (evicting
 * first when a policy allows), so a dataset that outgrows the machine stops growing instead of dying.
 *
 * V8's used size counts garbage too, so when it crosses the line a full collection is asked for
 * (at most once a second) and only what survives it counts. Reading the heap's statistics costs
 * about a microsecond, so it is read once every CHECK_EVERY asks.
 */
export class HeapPressure {
  /**
   * Bytes kept free below the heap limit: V8's young generation (counted in the limit, 48 MB with
   * 16 MB semi-spaces, but not usable by old objects), plus room for replies, client buffers and one
   * big value.
   */
  readonly reserve: number;
  readonly limit: number;
  private asks = 0;
  private pressed = false;
  private lastCollection = 0;
  private readonly collect: (() => void) | undefined;

  constructor(limit: number = getHeapStatistics().heap_size_limit) {
    this.limit = limit;
    this.reserve = Math.max(96 * 2 ** 20, Math.floor(limit * 0.1));
    this.collect = exposeGc();
  }

  /** True while the heap is within `reserve` of its limit after a collection. */
  underPressure(now?: number): boolean {
    if ((++this.asks & (CHECK_EVERY - 1)) !== 0 && !this.pressed) return false;
    let used = getHeapStatistics().used_heap_size;
    if (used < this.limit - this.reserve) {
      this.pressed = false;
      return false;
    }
    const at = now ?? Date.now();
    if (this.collect !== undefined && at - this.lastCollection >= 1000) {
      this.lastCollection = at;
      this.collect();
      used = getHeapStatistics().used_heap_size;
    }
    this.pressed = used >= this.limit - this.reserve;
    return this.pressed;
  }
}

/** Asks per heap reading while not under pressure (a power of two). */
const CHECK_EVERY = 256;

/** V8's gc() made callable without --expose-gc on the command line; undefined if V8 refuses. */
function exposeGc(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes V8 collect the old generation before garbage outgrows the data (HEAP_GROWING_PERCENT, with
 * at least MIN_HEADROOM_BYTES of room), unless REDMESH_HEAP=node asks for Node's defaults. Call once
 * at server start.
 *
 * V8 reads its growing factor (--heap-growing-percent) when a full collection sets the next one's
 * limit, so after each full collection the factor is set again from the size that survived it: the
 * percentage that gives MIN_HEADROOM_BYTES on that size, or HEAP_GROWING_PERCENT if more.
 */
export function tuneGarbageCollector(env: NodeJS.ProcessEnv = process.env): void {
  if (env.REDMESH_HEAP === 'node' || growthTuned) return;
  growthTuned = true;
  applyGrowth();
  new PerformanceObserver((list) => {
    const entries = list.getEntries() as readonly { readonly detail?: unknown }[];
    if (entries.some((e) => (e.detail as { kind?: number } | undefined)?.kind === GC_MAJOR)) {
      applyGrowth();
    }
  }).observe({ entryTypes: ['gc'] });
}
let growthTuned = false;
let relaxedGrowth = 0;
let headroomFloor = MIN_HEADROOM_BYTES;
let growingPercent = HEAP_GROWING_PERCENT;
const GC_MAJOR = perfConstants.NODE_PERFORMANCE_GC_MAJOR;

/**
 * Should be called when maxmemory changes (0: none): while it is set, the old generation grows by
 * BOUNDED_GROWING_PERCENT, with a headroom floor of at most that share of maxmemory.
 */
export function boundHeapHeadroom(maxmemory: number): void {
  const percent = maxmemory > 0 ? BOUNDED_GROWING_PERCENT : HEAP_GROWING_PERCENT;
  const bound = Math.floor((maxmemory * percent) / 100);
  const floor = maxmemory > 0 ? Math.min(MIN_HEADROOM_BYTES, bound) : MIN_HEADROOM_BYTES;
  if (floor === headroomFloor && percent === growingPercent) return;
  headroomFloor = floor;
  growingPercent = percent;
  if (growthTuned) applyGrowth();
}

/** The old generation's growth for `oldBytes` surviving: `percent`, or the floor's share if more. */
export function heapGrowingPercent(
  oldBytes: number,
  floor: number = headroomFloor,
  percent: number = growingPercent,
): number {
  const forFloor = Math.ceil((floor * 100) / Math.max(oldBytes, 2 ** 20));
  return Math.max(percent, forFloor);
}

/** Sets V8's growing factor for the old generation's size now, unless a load relaxed it. */
function applyGrowth(): void {
  if (relaxedGrowth > 0) return;
  let old = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (!space.space_name.startsWith('new_')) old += space.space_used_size;
  }
  setFlagsFromString(`--heap-growing-percent=${heapGrowingPercent(old)}`);
}

/**
 * Lets V8 choose the old generation's growth again (its own 1.1x to 4x) until the returned function
 * is called: for a dataset load, where the heap only grows and everything allocated is kept, the fixed
 * 1.2x of tuneGarbageCollector means a full collection (marking the whole, growing dataset) at every
 * 20% of growth — about a third of the CPU of loading a million keys. Nested calls are counted; the
 * fixed growth is back once every one has ended. Does nothing unless tuneGarbageCollector applied it.
 */
export function relaxHeapGrowth(): () => void {
  if (!growthTuned) return () => undefined;
  // V8 reads the flag at each collection; 0 means no fixed factor.
  if (relaxedGrowth++ === 0) setFlagsFromString('--heap-growing-percent=0');
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    if (--relaxedGrowth === 0) applyGrowth();
  };
}

/**
 * A full garbage collection now (MEMORY PURGE: give back what the data no longer uses); false when
 * V8 would not expose its collector.
 */
export function collectGarbage(): boolean {
  const gc = (sharedGc ??= exposeGc() ?? null);
  if (gc === null) return false;
  gc();
  return true;
}
let sharedGc: (() => void) | null | undefined;

/**
 * A full garbage collection that also compacts the old generation (MEMORY PURGE): false when V8 would
 * not expose its collector. V8's own collections move objects only off pages that are nearly empty,
 * and at most a few MB per collection, so after deletes or evictions scattered over the keyspace its
 * pages stay partly empty and all of them resident (maxmemory 50mb after churn: 20 MB of 72 MB of old
 * space free in pages after a full collection). Here every fragmented page is evacuated and given
 * back to the system (maxmemory 500mb: RSS 814 -> 719 MB after a refill, 1300 -> 958 MB after steady
 * overwrites). Its costs are why it runs only when asked for, never by itself: a pause that grows with
 * the live heap (about 1 s of CPU at 500 MB of data), and for a second or two up to ~40% more RSS,
 * while the live objects are copied and before the old pages are unmapped.
 */
export function compactGarbage(): boolean {
  const gc = (sharedGc ??= exposeGc() ?? null);
  if (gc === null) return false;
  setFlagsFromString('--compact-on-every-full-gc');
  try {
    gc();
  } finally {
    setFlagsFromString('--no-compact-on-every-full-gc');
  }
  return true;
}
