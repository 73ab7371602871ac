/**
 * The sorted-set container, Redis's `zset`: a skiplist ordered by (score, member bytes) with spans for
 * O(log n) rank, plus a member → node map for O(1) score lookup (t_zset.c's zskiplist + dict).
 *
 * Members are latin1 byte strings; JavaScript's `<` on them compares UTF-16 code units, which for
 * latin1 strings is exactly memcmp order on the bytes, as Redis orders equal scores.
 *
 * Ranks here are 0-based. Scores are never NaN (commands refuse NaN before calling in).
 *
 * `encoding` mirrors what OBJECT ENCODING shows on Redis 7.0: a set starts as `listpack` and becomes
 * `skiplist` for good once it holds more than zset-max-listpack-entries members or a member longer
 * than zset-max-listpack-value bytes. The memory layout is the same skiplist either way; only the
 * visible facts that follow from the encoding are reproduced (the name, and that a listpack stores a
 * score as text, so -0 reads back as 0).
 */
import { BigMap } from './big-map.js';
import { allocSize, zsetMemberBytes, zsetMemberPackedBytes } from './alloc-model.js';
import { SAMPLER_MIN_SIZE, noteKeyAdded, noteKeyRemoved, randomKeyOf, type Sampled } from './key-sampler.js';

/** Redis ZSKIPLIST_MAXLEVEL and ZSKIPLIST_P. */
const MAX_LEVEL = 32;
const LEVEL_P = 0.25;

export type ZSetEncoding = 'listpack' | 'skiplist';

/** zset-max-listpack-entries / zset-max-listpack-value (Redis defaults 128 / 64). */
export interface ZSetLimits {
  readonly maxListpackEntries: number;
  readonly maxListpackValue: number;
}
export const DEFAULT_ZSET_LIMITS: ZSetLimits = { maxListpackEntries: 128, maxListpackValue: 64 };

/** A score interval: `(` makes a bound exclusive (ZRANGEBYSCORE min max). */
export interface ScoreRange {
  readonly min: number;
  readonly max: number;
  readonly minExclusive: boolean;
  readonly maxExclusive: boolean;
}

/**
 * A member interval (ZRANGEBYLEX): a bound is a byte string, or -∞ / +∞ for `-` / `+`.
 * Only meaningful when all members have the same score, like in Redis.
 */
export type LexBound =
  | { readonly kind: 'minusInf' }
  | { readonly kind: 'plusInf' }
  | { readonly kind: 'value'; readonly value: string; readonly exclusive: boolean };
export interface LexRange {
  readonly min: LexBound;
  readonly max: LexBound;
}

export interface ZEntry {
  readonly member: string;
  readonly score: number;
}

/**
 * A skiplist node. Three quarters of the nodes have one level and 15 in 16 at most two, so the links
 * and spans of levels 0 and 1 are fields and only the levels above live in an array (`upper`: next,
 * span, next, span, …): most nodes are one object, and a walk's low levels, where it visits nodes that
 * are not in cache, touch one object per node (Redis's zskiplistNode keeps its levels inline the same
 * way). On a sorted set of 1M members that halved the time of an insert.
 */
class Node {
  backward: Node | null = null;
  next0: Node | null = null;
  /** How many rank steps next0 jumps over (1, or 0 on the last node). */
  span0 = 0;
  next1: Node | null = null;
  span1 = 0;
  /** Levels 2..level-1: [next2, span2, next3, span3, …]; null for a node of one or two levels. */
  upper: (Node | null | number)[] | null;
  constructor(
    readonly member: string,
    public score: number,
    public level: number,
  ) {
    this.upper = level > 2 ? new Array<Node | null | number>(2 * (level - 2)).fill(null) : null;
    if (this.upper !== null) for (let i = 1; i < this.upper.length; i += 2) this.upper[i] = 0;
  }
}

/** The node after x at level i. */
function nextOf(x: Node, i: number): Node | null {
  if (i === 0) return x.next0;
  if (i === 1) return x.next1;
  return (x.upper as (Node | null | number)[])[2 * i - 4] as Node | null;
}
/** The rank steps x's level-i link jumps over. */
function spanOf(x: Node, i: number): number {
  if (i === 0) return x.span0;
  if (i === 1) return x.span1;
  return (x.upper as (Node | null | number)[])[2 * i - 3] as number;
}
function setNext(x: Node, i: number, n: Node | null): void {
  if (i === 0) x.next0 = n;
  else if (i === 1) x.next1 = n;
  else (x.upper as (Node | null | number)[])[2 * i - 4] = n;
}
function setSpan(x: Node, i: number, span: number): void {
  if (i === 0) x.span0 = span;
  else if (i === 1) x.span1 = span;
  else (x.upper as (Node | null | number)[])[2 * i - 3] = span;
}

/**
 * Scratch for a walk's path (the last node before the target at each level, and its rank): one pair
 * for the whole process, as walks never nest, so an insert or delete allocates no arrays.
 */
const PATH: Node[] = [];
const PATH_RANK: number[] = new Array<number>(MAX_LEVEL).fill(0);

function randomLevel(): number {
  let level = 1;
  while (level < MAX_LEVEL && Math.random() < LEVEL_P) level++;
  return level;
}

/** (score, member) strictly before (otherScore, otherMember)? */
function before(score: number, member: string, otherScore: number, otherMember: string): boolean {
  return score < otherScore || (score === otherScore && member < otherMember);
}

export function scoreAboveMin(score: number, range: ScoreRange): boolean {
  return range.minExclusive ? score > range.min : score >= range.min;
}
export function scoreBelowMax(score: number, range: ScoreRange): boolean {
  return range.maxExclusive ? score < range.max : score <= range.max;
}
export function lexAboveMin(member: string, bound: LexBound): boolean {
  if (bound.kind === 'minusInf') return true;
  if (bound.kind === 'plusInf') return false;
  return bound.exclusive ? member > bound.value : member >= bound.value;
}
export function lexBelowMax(member: string, bound: LexBound): boolean {
  if (bound.kind === 'plusInf') return true;
  if (bound.kind === 'minusInf') return false;
  return bound.exclusive ? member < bound.value : member <= bound.value;
}

/** True when no score can fall in the range (Redis zslIsInRange's emptiness test). */
export function scoreRangeIsEmpty(range: ScoreRange): boolean {
  return range.min > range.max || (range.min === range.max && (range.minExclusive || range.maxExclusive));
}

/** True when no member can fall in the range (Redis zslLexValueGteMin/LteMax on the bounds). */
export function lexRangeIsEmpty(range: LexRange): boolean {
  const { min, max } = range;
  if (min.kind === 'plusInf' || max.kind === 'minusInf') return true;
  if (min.kind === 'minusInf' || max.kind === 'plusInf') return false;
  if (min.value > max.value) return true;
  return min.value === max.value && (min.exclusive || max.exclusive);
}

export class SortedSet {
  private readonly nodes = new BigMap<string, Node>();
  /** ZRANDMEMBER's O(1) picker over the members, once built (randomMember); copies start without one. */
  private readonly sampled: Sampled = {};
  /** Header node: its next/span arrays grow with the highest level in use. */
  private readonly head = new Node('', -Infinity, 0);
  private tail: Node | null = null;
  private encodingName: ZSetEncoding;
  /** The members' bytes in the keyspace's count, as a skiplist and as a listpack (memory.ts). */
  private tableBytes = 0;
  private packedBytes = 0;

  /**
   * `encoding` 'skiplist' starts the set as Redis's createZsetObject does (results of ZUNION & co.);
   * by default it starts as a listpack like a key created by ZADD.
   */
  constructor(
    private readonly limits: ZSetLimits = DEFAULT_ZSET_LIMITS,
    encoding: ZSetEncoding = 'listpack',
  ) {
    if (limits.maxListpackEntries === 0) this.encodingName = 'skiplist';
    else this.encodingName = encoding;
  }

  get size(): number {
    return this.nodes.size;
  }

  /** This set's part of the keyspace's byte count (memory.ts), O(1). */
  get memoryBytes(): number {
    return this.encodingName === 'listpack' ? allocSize(7 + this.packedBytes) : 64 + this.tableBytes;
  }

  /** What OBJECT ENCODING reports on Redis 7.0 for this set's history. */
  get encoding(): ZSetEncoding {
    return this.encodingName;
  }

  /**
   * Redis zsetConvertToListpackIfNeeded, run on a computed result before it is stored: a small one
   * becomes a listpack, whose text scores turn -0 into 0.
   */
  convertToListpackIfSmall(): void {
    if (this.encodingName === 'listpack' || this.size > this.limits.maxListpackEntries) return;
    for (const member of this.nodes.keys()) if (member.length > this.limits.maxListpackValue) return;
    this.encodingName = 'listpack';
    for (const node of this.nodes.values()) if (Object.is(node.score, -0)) node.score = 0;
  }

  /** Redis zsetConvert(zobj, OBJ_ENCODING_SKIPLIST): SORT does it to any sorted set it reads. */
  convertToSkiplist(): void {
    this.encodingName = 'skiplist';
  }

  score(member: string): number | undefined {
    return this.nodes.get(member)?.score;
  }

  has(member: string): boolean {
    return this.nodes.has(member);
  }

  /**
   * Sets member's score, inserting it when absent. Returns true when the member was added.
   * Like Redis, the encoding check happens before the insert and is one-way.
   */
  set(member: string, score: number): boolean {
    const node = this.nodes.get(member);
    if (node !== undefined) {
      this.updateScore(node, this.storedScore(score));
      return false;
    }
    if (
      this.encodingName === 'listpack' &&
      (this.nodes.size + 1 > this.limits.maxListpackEntries || member.length > this.limits.maxListpackValue)
    ) {
      this.encodingName = 'skiplist';
    }
    this.nodes.set(member, this.insert(member, this.storedScore(score)));
    noteKeyAdded(this.sampled, member);
    return true;
  }

  /** Removes member; returns whether it was there. */
  delete(member: string): boolean {
    const node = this.nodes.get(member);
    if (node === undefined) return false;
    this.unlinkNode(node);
    return true;
  }

  /** 0-based rank counted from the lowest score (or from the highest when reverse). */
  rank(member: string, reverse = false): number | undefined {
    const node = this.nodes.get(member);
    if (node === undefined) return undefined;
    let rank = 0;
    let x = this.head;
    for (let i = this.head.level - 1; i >= 0; i--) {
      for (let n = nextOf(x, i); n && !before(node.score, node.member, n.score, n.member); n = nextOf(x, i)) {
        rank += spanOf(x, i);
        x = n;
        if (x === node) break;
      }
      if (x === node) break;
    }
    return reverse ? this.nodes.size - rank : rank - 1;
  }

  /** The entry at a 0-based rank from the lowest score, or undefined out of range. */
  at(rank: number): ZEntry | undefined {
    const node = this.nodeAt(rank);
    return node === null ? undefined : { member: node.member, score: node.score };
  }

  /** Entries from rank `start` to `end` inclusive (0-based, already clamped by the caller). */
  rangeByRank(start: number, end: number, reverse = false): ZEntry[] {
    const out: ZEntry[] = [];
    if (start > end || start >= this.size) return out;
    if (reverse) {
      for (let n = this.nodeAt(this.size - 1 - start); n && out.length <= end - start; n = n.backward) {
        out.push({ member: n.member, score: n.score });
      }
      return out;
    }
    for (let n = this.nodeAt(start); n && out.length <= end - start; n = n.next0) {
      out.push({ member: n.member, score: n.score });
    }
    return out;
  }

  /**
   * Entries whose score is in range, in score order (descending when reverse), skipping `offset`
   * matches and returning at most `count` (negative count: all), like ZRANGEBYSCORE LIMIT.
   */
  rangeByScore(range: ScoreRange, reverse = false, offset = 0, count = -1): ZEntry[] {
    return this.collect(
      reverse ? this.lastInScoreRange(range) : this.firstInScoreRange(range),
      (n) => (reverse ? scoreAboveMin(n.score, range) : scoreBelowMax(n.score, range)),
      reverse,
      offset,
      count,
    );
  }

  /** Like rangeByScore for a member interval. */
  rangeByLex(range: LexRange, reverse = false, offset = 0, count = -1): ZEntry[] {
    return this.collect(
      reverse ? this.lastInLexRange(range) : this.firstInLexRange(range),
      (n) => (reverse ? lexAboveMin(n.member, range.min) : lexBelowMax(n.member, range.max)),
      reverse,
      offset,
      count,
    );
  }

  /** How many members have a score in range: two O(log n) rank lookups. */
  countInScoreRange(range: ScoreRange): number {
    const first = this.firstInScoreRange(range);
    if (first === null) return 0;
    const last = this.lastInScoreRange(range);
    if (last === null) return 0;
    return this.rankOfNode(last) - this.rankOfNode(first) + 1;
  }

  /**
   * ZLEXCOUNT as Redis computes it: a listpack counts from the first match while members stay ≤ max;
   * a skiplist subtracts the ranks of the first and last matches (the same when scores are equal).
   */
  countInLexRange(range: LexRange): number {
    const first = this.firstInLexRange(range);
    if (first === null) return 0;
    if (this.encodingName === 'listpack') {
      let count = 0;
      for (let n: Node | null = first; n !== null && lexBelowMax(n.member, range.max); n = n.next0) count++;
      return count;
    }
    const last = this.lastInLexRange(range);
    const fromFirst = this.size - this.rankOfNode(first);
    return last === null ? fromFirst : fromFirst - (this.size - 1 - this.rankOfNode(last));
  }

  /** Removes ranks start..end inclusive (0-based, clamped by the caller); returns the removed entries. */
  deleteRangeByRank(start: number, end: number): ZEntry[] {
    return this.deleteRun(this.nodeAt(start), () => true, end - start + 1);
  }

  deleteRangeByScore(range: ScoreRange): ZEntry[] {
    return this.deleteRun(this.firstInScoreRange(range), (n) => scoreBelowMax(n.score, range), Infinity);
  }

  /**
   * ZREMRANGEBYLEX. Redis's skiplist version (zslDeleteRangeByLex) skips the first/last sanity check
   * that its listpack version and the range queries make, which shows when scores are mixed.
   */
  deleteRangeByLex(range: LexRange): ZEntry[] {
    const first =
      this.encodingName === 'skiplist' ? this.descendToLexMin(range) : this.firstInLexRange(range);
    return this.deleteRun(first, (n) => lexBelowMax(n.member, range.max), Infinity);
  }

  /** Removes and returns up to `count` entries from the low end (or the high end when fromMax). */
  pop(count: number, fromMax = false): ZEntry[] {
    const out: ZEntry[] = [];
    while (out.length < count) {
      const node = fromMax ? this.tail : this.head.next0;
      if (node === null) break;
      out.push({ member: node.member, score: node.score });
      this.unlinkNode(node);
    }
    return out;
  }

  /** Entries in order (lowest score first). */
  *entries(): IterableIterator<ZEntry> {
    for (let n = this.head.next0; n !== null; n = n.next0) {
      yield { member: n.member, score: n.score };
    }
  }

  /** Members in insertion-independent map order, for SCAN-like and random access without ordering cost. */
  /**
   * A uniformly random member (undefined when empty) for ZRANDMEMBER: a random rank (O(log n)) while
   * the set is small, then O(1) from a KeySampler built on the first pick (the one of key-sampler.ts,
   * as for sets and hashes), which insertions and removals keep in step from then on.
   */
  randomMember(): string | undefined {
    if (this.sampled.sampler === undefined && this.nodes.size <= SAMPLER_MIN_SIZE) {
      return this.nodeAt(Math.floor(Math.random() * this.nodes.size))?.member;
    }
    return randomKeyOf(this.sampled, this.nodes);
  }

  members(): IterableIterator<string> {
    return this.nodes.keys();
  }

  /** A deep copy (snapshot copy-on-write, ZRANGESTORE-like copies); keeps the encoding. */
  clone(): SortedSet {
    const copy = new SortedSet(this.limits);
    for (const e of this.entries()) copy.nodes.set(e.member, copy.insertLast(e.member, e.score));
    copy.encodingName = this.encodingName;
    return copy;
  }

  // --- skiplist internals (t_zset.c's zsl* functions) ---------------------------------------------

  /** A listpack keeps scores as text, where "-0" reads back as 0 (observable with ZSCORE on Redis). */
  private storedScore(score: number): number {
    return this.encodingName === 'listpack' && Object.is(score, -0) ? 0 : score;
  }

  private growHead(level: number): void {
    const head = this.head;
    while (head.level < level) {
      // A new top level: the head's link at it jumps over every node.
      if (head.level === 0) {
        head.next0 = null;
        head.span0 = this.nodes.size;
      } else if (head.level === 1) {
        head.next1 = null;
        head.span1 = this.nodes.size;
      } else {
        head.upper ??= [];
        head.upper.push(null, this.nodes.size);
      }
      head.level++;
    }
  }

  /** zslInsert: the caller guarantees the member is absent. */
  private insert(member: string, score: number): Node {
    const levels = this.head.level;
    const update = PATH;
    const rank = PATH_RANK;
    let x = this.head;
    for (let i = levels - 1; i >= 0; i--) {
      rank[i] = i === levels - 1 ? 0 : (rank[i + 1] ?? 0);
      for (let n = nextOf(x, i); n && before(n.score, n.member, score, member); n = nextOf(x, i)) {
        rank[i] = (rank[i] ?? 0) + spanOf(x, i);
        x = n;
      }
      update[i] = x;
    }
    const level = randomLevel();
    if (level > levels) {
      // size here is still the count before this insert: the new head spans cover every node.
      this.growHead(level);
      for (let i = levels; i < level; i++) {
        rank[i] = 0;
        update[i] = this.head;
      }
    }
    const node = new Node(member, score, level);
    this.account(node, 1);
    const rank0 = rank[0] ?? 0;
    for (let i = 0; i < level; i++) {
      const prev = update[i] as Node;
      const ri = rank[i] ?? 0;
      setNext(node, i, nextOf(prev, i));
      setNext(prev, i, node);
      setSpan(node, i, spanOf(prev, i) - (rank0 - ri));
      setSpan(prev, i, rank0 - ri + 1);
    }
    for (let i = level; i < this.head.level; i++) {
      const prev = update[i] ?? this.head;
      setSpan(prev, i, spanOf(prev, i) + 1);
    }
    node.backward = update[0] === this.head || update[0] === undefined ? null : update[0];
    const after = node.next0;
    if (after !== null) after.backward = node;
    else this.tail = node;
    return node;
  }

  /** Appends a node known to sort after every existing one (clone): no search needed. */
  private insertLast(member: string, score: number): Node {
    const level = randomLevel();
    this.growHead(level);
    const node = new Node(member, score, level);
    this.account(node, 1);
    const size = this.nodes.size; // nodes before this one
    // Walk from the head along each level to its last node.
    let x = this.head;
    let rankOfX = 0;
    for (let i = this.head.level - 1; i >= 0; i--) {
      for (let n = nextOf(x, i); n; n = nextOf(x, i)) {
        rankOfX += spanOf(x, i);
        x = n;
      }
      if (i < level) {
        setNext(x, i, node);
        setSpan(x, i, size + 1 - rankOfX);
        setNext(node, i, null);
        setSpan(node, i, 0);
      } else {
        setSpan(x, i, spanOf(x, i) + 1);
      }
    }
    node.backward = this.tail;
    this.tail = node;
    return node;
  }

  /** zslUpdateScore: in place when the order does not change, else unlink and reinsert. */
  private updateScore(node: Node, score: number): void {
    const prev = node.backward;
    const after = node.next0;
    if (
      (prev === null || before(prev.score, prev.member, score, node.member)) &&
      (after === null || before(score, node.member, after.score, after.member))
    ) {
      node.score = score;
      return;
    }
    this.unlinkNode(node);
    this.nodes.set(node.member, this.insert(node.member, score));
    noteKeyAdded(this.sampled, node.member);
  }

  /** Finds the update[] path to node and removes it from the list and the map (zslDelete). */
  private unlinkNode(node: Node): void {
    const levels = this.head.level;
    const update = PATH;
    let x = this.head;
    for (let i = levels - 1; i >= 0; i--) {
      for (let n = nextOf(x, i); n && before(n.score, n.member, node.score, node.member); n = nextOf(x, i))
        x = n;
      update[i] = x;
    }
    this.unlinkWithPath(node, update);
  }

  private unlinkWithPath(node: Node, update: readonly Node[]): void {
    for (let i = 0; i < this.head.level; i++) {
      const prev = update[i] as Node;
      if (nextOf(prev, i) === node) {
        setSpan(prev, i, spanOf(prev, i) + spanOf(node, i) - 1);
        setNext(prev, i, nextOf(node, i));
      } else {
        setSpan(prev, i, spanOf(prev, i) - 1);
      }
    }
    const after = node.next0;
    if (after !== null) after.backward = node.backward;
    else this.tail = node.backward;
    const head = this.head;
    while (head.level > 0 && nextOf(head, head.level - 1) === null) {
      if (head.level > 2) head.upper?.splice(-2, 2);
      head.level--;
    }
    this.nodes.delete(node.member);
    this.account(node, -1);
    noteKeyRemoved(this.sampled, node.member);
  }

  private account(node: Node, sign: 1 | -1): void {
    this.tableBytes += sign * zsetMemberBytes(node.member, node.level);
    this.packedBytes += sign * zsetMemberPackedBytes(node.member);
  }

  /** Removes consecutive nodes from `first` while `keep` holds, at most `limit` of them. */
  private deleteRun(first: Node | null, keep: (n: Node) => boolean, limit: number): ZEntry[] {
    const out: ZEntry[] = [];
    if (first === null) return out;
    const levels = this.head.level;
    const update: Node[] = new Array<Node>(levels);
    let x = this.head;
    for (let i = levels - 1; i >= 0; i--) {
      for (let n = nextOf(x, i); n && before(n.score, n.member, first.score, first.member); n = nextOf(x, i))
        x = n;
      update[i] = x;
    }
    // The path to `first` is also the path to every node after it once its predecessors are gone.
    for (let n: Node | null = first; n !== null && out.length < limit && keep(n);) {
      const next: Node | null = n.next0;
      out.push({ member: n.member, score: n.score });
      this.unlinkWithPath(n, update);
      n = next;
    }
    return out;
  }

  private nodeAt(rank: number): Node | null {
    if (rank < 0 || rank >= this.nodes.size) return null;
    const target = rank + 1; // spans count 1-based ranks
    let traversed = 0;
    let x = this.head;
    for (let i = this.head.level - 1; i >= 0; i--) {
      for (let n = nextOf(x, i); n && traversed + spanOf(x, i) <= target; n = nextOf(x, i)) {
        traversed += spanOf(x, i);
        x = n;
      }
      if (traversed === target) return x;
    }
    return null;
  }

  private rankOfNode(node: Node): number {
    return this.rank(node.member) ?? 0;
  }

  /** First node whose score ≥ min (or > min), if it is also within max (zslNthInRange(…, 0)). */
  private firstInScoreRange(range: ScoreRange): Node | null {
    if (scoreRangeIsEmpty(range)) return null;
    let x = this.head;
    for (let i = this.head.level - 1; i >= 0; i--) {
      for (let n = nextOf(x, i); n && !scoreAboveMin(n.score, range); n = nextOf(x, i)) x = n;
    }
    const first = x.next0;
    return first !== null && scoreBelowMax(first.score, range) ? first : null;
  }

  private lastInScoreRange(range: ScoreRange): Node | null {
    if (scoreRangeIsEmpty(range)) return null;
    let x = this.head;
    for (let i = this.head.level - 1; i >= 0; i--) {
      for (let n = nextOf(x, i); n && scoreBelowMax(n.score, range); n = nextOf(x, i)) x = n;
    }
    return x !== this.head && scoreAboveMin(x.score, range) ? x : null;
  }

  /**
   * zslIsInLexRange / zzlIsInLexRange: the range can hold something, the last member is ≥ min and
   * the first is ≤ max. With mixed scores members are not in lex order, so these checks (like the
   * searches below) give Redis's exact, encoding-dependent answers rather than a "true" lex filter.
   */
  private lexRangeMayMatch(range: LexRange): boolean {
    if (lexRangeIsEmpty(range)) return false;
    const first = this.head.next0;
    if (this.tail === null || first === null) return false;
    return lexAboveMin(this.tail.member, range.min) && lexBelowMax(first.member, range.max);
  }

  /**
   * First node ≥ min that is also ≤ max. A listpack is scanned in order (zzlFirstInLexRange); a
   * skiplist is descended level by level (zslFirstInLexRange), which differs when scores are mixed.
   */
  private firstInLexRange(range: LexRange): Node | null {
    if (!this.lexRangeMayMatch(range)) return null;
    let first: Node | null;
    if (this.encodingName === 'listpack') {
      first = this.head.next0;
      while (first !== null && !lexAboveMin(first.member, range.min)) first = first.next0;
    } else {
      first = this.descendToLexMin(range);
    }
    return first !== null && lexBelowMax(first.member, range.max) ? first : null;
  }

  /** zslFirstInLexRange's descent: the node after the last one (per level) that is below min. */
  private descendToLexMin(range: LexRange): Node | null {
    let x = this.head;
    for (let i = this.head.level - 1; i >= 0; i--) {
      for (let n = nextOf(x, i); n && !lexAboveMin(n.member, range.min); n = nextOf(x, i)) x = n;
    }
    return x.next0;
  }

  private lastInLexRange(range: LexRange): Node | null {
    if (!this.lexRangeMayMatch(range)) return null;
    let last: Node | null;
    if (this.encodingName === 'listpack') {
      last = this.tail;
      while (last !== null && !lexBelowMax(last.member, range.max)) last = last.backward;
    } else {
      let x = this.head;
      for (let i = this.head.level - 1; i >= 0; i--) {
        for (let n = nextOf(x, i); n && lexBelowMax(n.member, range.max); n = nextOf(x, i)) x = n;
      }
      last = x === this.head ? null : x;
    }
    return last !== null && lexAboveMin(last.member, range.min) ? last : null;
  }

  private collect(
    start: Node | null,
    inRange: (n: Node) => boolean,
    reverse: boolean,
    offset: number,
    count: number,
  ): ZEntry[] {
    const out: ZEntry[] = [];
    let n = start;
    if (n !== null && offset > 0) {
      // Skip by rank rather than node by node: O(log n) for a large LIMIT offset.
      const r = this.rankOfNode(n);
      n = this.nodeAt(reverse ? r - offset : r + offset);
    }
    for (
      ;
      n !== null && inRange(n) && (count < 0 || out.length < count);
      n = reverse ? n.backward : n.next0
    ) {
      out.push({ member: n.member, score: n.score });
    }
    return out;
  }
}
