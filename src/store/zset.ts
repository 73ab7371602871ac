/**
 * The sorted-set container, Redis's `zset`: the members in (score, member bytes) order with O(log n)
 * insert, delete, rank and rank lookup, plus a member → score map for O(1) ZSCORE (t_zset.c keeps a
 * zskiplist + dict for the same jobs).
 *
 * The order is kept in a counted B+tree rather than a skiplist: leaves hold up to LEAF_MAX members in
 * two parallel arrays (scores, a packed array of doubles, and members), inner nodes hold their
 * children's lower bounds and member counts. A skiplist node per member is an object, a boxed score
 * and a level array; here a member costs two array slots, and a search reads a few contiguous arrays
 * instead of hopping through ~2·log4(n) nodes that are not in cache. On a set of 1M members that made
 * a random ZADD about 3× cheaper (measured with redis-benchmark, server CPU per command).
 *
 * Members are latin1 byte strings; JavaScript's `<` on them compares UTF-16 code units, which for
 * latin1 strings is exactly memcmp order on the bytes, as Redis orders equal scores.
 *
 * Ranks here are 0-based. Scores are never NaN (commands refuse NaN before calling in). -0 and 0 are
 * equal scores (ordered by member), as for Redis's double comparisons.
 *
 * `encoding` mirrors what OBJECT ENCODING shows on Redis 7.0: a set starts as `listpack` and becomes
 * `skiplist` for good once it holds more than zset-max-listpack-entries members or a member longer
 * than zset-max-listpack-value bytes. The memory layout is the same either way; only the visible facts
 * that follow from the encoding are reproduced (the name, that a listpack stores a score as text, so
 * -0 reads back as 0, and how lex ranges are searched on mixed scores).
 */
import { BigMap } from './big-map.js';
import { allocSize, zsetMemberBytes, zsetMemberPackedBytes } from './alloc-model.js';
import { SAMPLER_MIN_SIZE, noteKeyAdded, noteKeyRemoved, randomKeyOf, type Sampled } from './key-sampler.js';

/**
 * Members per leaf at most (a full leaf splits in two halves) and children per inner node. A leaf
 * that falls under a quarter full is merged into a sibling when the two fit in three quarters.
 */
const LEAF_MAX = 128;
const INNER_MAX = 64;

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

/** A leaf: members in order, scores[i] belonging to members[i]; linked to its neighbours in order. */
class Leaf {
  scores: number[] = [];
  members: string[] = [];
  prev: Leaf | null = null;
  next: Leaf | null = null;
}

/**
 * An inner node. Child i holds counts[i] members, all ≥ (sepScores[i], sepMembers[i]) and all below
 * child i+1's bound. Bounds are set when a child is split off and never tightened: a delete leaves
 * them valid lower bounds, an insert lands in the child whose bound interval holds the new key.
 * Bound 0 is not used to search (anything below bound 1 goes to child 0); it is carried so that a
 * node split off from the right of this one knows its own lower bound.
 */
class Inner {
  constructor(
    public children: (Inner | Leaf)[],
    public counts: number[],
    public sepScores: number[],
    public sepMembers: string[],
  ) {}
}

/**
 * The path of the last descent: PATH_NODE[h] is the inner node at height h (1 = just above the
 * leaves) and PATH_INDEX[h] the child taken. One pair for the whole process, as descents never nest.
 */
const PATH_NODE: Inner[] = [];
const PATH_INDEX: number[] = [];

/** A score or member predicate that is false then true along the order (the search boundary). */
type Boundary = (score: number, member: string) => boolean;

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
  /** member → score. */
  private readonly scores = new BigMap<string, number>();
  /** ZRANDMEMBER's O(1) picker over the members, once built (randomMember); copies start without one. */
  private readonly sampled: Sampled = {};
  private root: Inner | Leaf = new Leaf();
  /** Levels of inner nodes above the leaves (0: the root is a leaf). */
  private height = 0;
  private firstLeaf: Leaf;
  private lastLeaf: Leaf;
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
    this.firstLeaf = this.lastLeaf = this.root as Leaf;
  }

  get size(): number {
    return this.scores.size;
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
    for (const member of this.scores.keys()) if (member.length > this.limits.maxListpackValue) return;
    this.encodingName = 'listpack';
    // -0 and 0 are equal in the order: rewriting them in place keeps it.
    for (let leaf: Leaf | null = this.firstLeaf; leaf !== null; leaf = leaf.next) {
      for (let i = 0; i < leaf.scores.length; i++) {
        if (Object.is(leaf.scores[i], -0)) {
          leaf.scores[i] = 0;
          this.scores.set(leaf.members[i] as string, 0);
        }
      }
    }
  }

  /** Redis zsetConvert(zobj, OBJ_ENCODING_SKIPLIST): SORT does it to any sorted set it reads. */
  convertToSkiplist(): void {
    this.encodingName = 'skiplist';
  }

  score(member: string): number | undefined {
    return this.scores.get(member);
  }

  has(member: string): boolean {
    return this.scores.has(member);
  }

  /**
   * Sets member's score, inserting it when absent. Returns true when the member was added.
   * Like Redis, the encoding check happens before the insert and is one-way.
   */
  set(member: string, score: number): boolean {
    const old = this.scores.get(member);
    if (old !== undefined) {
      this.updateScore(member, old, this.storedScore(score));
      return false;
    }
    if (
      this.encodingName === 'listpack' &&
      (this.scores.size + 1 > this.limits.maxListpackEntries || member.length > this.limits.maxListpackValue)
    ) {
      this.encodingName = 'skiplist';
    }
    const stored = this.storedScore(score);
    this.scores.set(member, stored);
    this.insert(member, stored);
    this.account(member, 1);
    noteKeyAdded(this.sampled, member);
    return true;
  }

  /**
   * Changes the score of a present member whose current score the caller has just read with score():
   * set() without looking the member up again (ZADD reads the score first for its flags).
   */
  update(member: string, current: number, score: number): void {
    this.updateScore(member, current, this.storedScore(score));
  }

  /** Removes member; returns whether it was there. */
  delete(member: string): boolean {
    const score = this.scores.get(member);
    if (score === undefined) return false;
    this.remove(member, score);
    return true;
  }

  /** 0-based rank counted from the lowest score (or from the highest when reverse). */
  rank(member: string, reverse = false): number | undefined {
    const score = this.scores.get(member);
    if (score === undefined) return undefined;
    const leaf = this.descend(score, member);
    const rank = this.pathRank(lowerBound(leaf, score, member));
    return reverse ? this.size - 1 - rank : rank;
  }

  /** The entry at a 0-based rank from the lowest score, or undefined out of range. */
  at(rank: number): ZEntry | undefined {
    if (rank < 0 || rank >= this.size) return undefined;
    const leaf = this.descendToRank(rank);
    const i = this.cursorIndex;
    return { member: leaf.members[i] as string, score: leaf.scores[i] as number };
  }

  /** Entries from rank `start` to `end` inclusive (0-based, already clamped by the caller). */
  rangeByRank(start: number, end: number, reverse = false): ZEntry[] {
    if (start > end || start >= this.size) return [];
    const last = Math.min(end, this.size - 1);
    return this.walk(reverse ? this.size - 1 - start : start, last - start + 1, reverse, null);
  }

  /**
   * Entries whose score is in range, in score order (descending when reverse), skipping `offset`
   * matches and returning at most `count` (negative count: all), like ZRANGEBYSCORE LIMIT.
   */
  rangeByScore(range: ScoreRange, reverse = false, offset = 0, count = -1): ZEntry[] {
    const start = reverse ? this.lastInScoreRange(range) : this.firstInScoreRange(range);
    const inRange: Boundary = reverse
      ? (score) => scoreAboveMin(score, range)
      : (score) => scoreBelowMax(score, range);
    return this.collect(start, inRange, reverse, offset, count);
  }

  /** Like rangeByScore for a member interval. */
  rangeByLex(range: LexRange, reverse = false, offset = 0, count = -1): ZEntry[] {
    const start = reverse ? this.lastInLexRange(range) : this.firstInLexRange(range);
    const inRange: Boundary = reverse
      ? (_score, member) => lexAboveMin(member, range.min)
      : (_score, member) => lexBelowMax(member, range.max);
    return this.collect(start, inRange, reverse, offset, count);
  }

  /** How many members have a score in range: two O(log n) searches. */
  countInScoreRange(range: ScoreRange): number {
    const first = this.firstInScoreRange(range);
    if (first < 0) return 0;
    const last = this.lastInScoreRange(range);
    if (last < 0) return 0;
    return last - first + 1;
  }

  /**
   * ZLEXCOUNT as Redis computes it: a listpack counts from the first match while members stay ≤ max;
   * a skiplist subtracts the ranks of the first and last matches (the same when scores are equal).
   */
  countInLexRange(range: LexRange): number {
    const first = this.firstInLexRange(range);
    if (first < 0) return 0;
    if (this.encodingName === 'listpack') {
      return this.walk(first, this.size - first, false, (_s, member) => lexBelowMax(member, range.max))
        .length;
    }
    const last = this.lastInLexRange(range);
    const fromFirst = this.size - first;
    return last < 0 ? fromFirst : fromFirst - (this.size - 1 - last);
  }

  /** Removes ranks start..end inclusive (0-based, clamped by the caller); returns the removed entries. */
  deleteRangeByRank(start: number, end: number): ZEntry[] {
    return this.deleteRun(start, null, end - start + 1);
  }

  deleteRangeByScore(range: ScoreRange): ZEntry[] {
    return this.deleteRun(this.firstInScoreRange(range), (score) => scoreBelowMax(score, range), Infinity);
  }

  /**
   * ZREMRANGEBYLEX. Redis's skiplist version (zslDeleteRangeByLex) skips the first/last sanity check
   * that its listpack version and the range queries make, which shows when scores are mixed.
   */
  deleteRangeByLex(range: LexRange): ZEntry[] {
    const first =
      this.encodingName === 'skiplist'
        ? this.seek((_s, member) => lexAboveMin(member, range.min))
        : this.firstInLexRange(range);
    return this.deleteRun(first, (_s, member) => lexBelowMax(member, range.max), Infinity);
  }

  /** Removes and returns up to `count` entries from the low end (or the high end when fromMax). */
  pop(count: number, fromMax = false): ZEntry[] {
    const n = Math.min(count, this.size);
    if (n <= 0) return [];
    const out = this.walk(fromMax ? this.size - 1 : 0, n, fromMax, null);
    for (const e of out) this.remove(e.member, e.score);
    return out;
  }

  /** Entries in order (lowest score first). */
  *entries(): IterableIterator<ZEntry> {
    for (let leaf: Leaf | null = this.firstLeaf; leaf !== null; leaf = leaf.next) {
      for (let i = 0; i < leaf.members.length; i++) {
        yield { member: leaf.members[i] as string, score: leaf.scores[i] as number };
      }
    }
  }

  /**
   * A uniformly random member (undefined when empty) for ZRANDMEMBER: a random rank (O(log n)) while
   * the set is small, then O(1) from a KeySampler built on the first pick (the one of key-sampler.ts,
   * as for sets and hashes), which insertions and removals keep in step from then on.
   */
  randomMember(): string | undefined {
    if (this.sampled.sampler === undefined && this.scores.size <= SAMPLER_MIN_SIZE) {
      return this.at(Math.floor(Math.random() * this.scores.size))?.member;
    }
    return randomKeyOf(this.sampled, this.scores);
  }

  /** Members in map order, for SCAN-like and random access without ordering cost. */
  members(): IterableIterator<string> {
    return this.scores.keys();
  }

  /** A deep copy (snapshot copy-on-write, ZRANGESTORE-like copies); keeps the encoding. */
  clone(): SortedSet {
    const copy = new SortedSet(this.limits);
    for (const e of this.entries()) {
      copy.scores.set(e.member, e.score);
      copy.append(e.member, e.score);
      copy.account(e.member, 1);
    }
    copy.encodingName = this.encodingName;
    return copy;
  }

  // --- tree internals ------------------------------------------------------------------------------

  /** A listpack keeps scores as text, where "-0" reads back as 0 (observable with ZSCORE on Redis). */
  private storedScore(score: number): number {
    return this.encodingName === 'listpack' && Object.is(score, -0) ? 0 : score;
  }

  private account(member: string, sign: 1 | -1): void {
    this.tableBytes += sign * zsetMemberBytes(member);
    this.packedBytes += sign * zsetMemberPackedBytes(member);
  }

  /** The leaf where (score, member) is or belongs; PATH_* hold the way down. */
  private descend(score: number, member: string): Leaf {
    let node = this.root;
    for (let h = this.height; h > 0; h--) {
      const inner = node as Inner;
      const sepScores = inner.sepScores;
      const sepMembers = inner.sepMembers;
      // The last child whose lower bound is ≤ the key (child 0 when none is).
      let lo = 1;
      let hi = sepScores.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (before(score, member, sepScores[mid] as number, sepMembers[mid] as string)) hi = mid;
        else lo = mid + 1;
      }
      PATH_NODE[h] = inner;
      PATH_INDEX[h] = lo - 1;
      node = inner.children[lo - 1] as Inner | Leaf;
    }
    return node as Leaf;
  }

  /** Set by descendToRank and seek: the index in the returned leaf. */
  private cursorIndex = 0;

  /** The leaf holding the 0-based rank (< size), its index in cursorIndex; PATH_* hold the way down. */
  private descendToRank(rank: number): Leaf {
    let node = this.root;
    let rest = rank;
    for (let h = this.height; h > 0; h--) {
      const inner = node as Inner;
      const counts = inner.counts;
      let i = 0;
      while (i < counts.length - 1 && rest >= (counts[i] as number)) rest -= counts[i++] as number;
      PATH_NODE[h] = inner;
      PATH_INDEX[h] = i;
      node = inner.children[i] as Inner | Leaf;
    }
    this.cursorIndex = rest;
    return node as Leaf;
  }

  /** The rank of index i in the leaf the last descent reached. */
  private pathRank(i: number): number {
    let rank = i;
    for (let h = 1; h <= this.height; h++) {
      const counts = (PATH_NODE[h] as Inner).counts;
      const taken = PATH_INDEX[h] as number;
      for (let k = 0; k < taken; k++) rank += counts[k] as number;
    }
    return rank;
  }

  /**
   * The rank of the first entry for which `boundary` holds (size when none does), for a boundary that
   * is false then true along the order. On one that is not (lex bounds over mixed scores) it finds
   * some place where it turns true, as Redis's skiplist descent does.
   */
  private seek(boundary: Boundary): number {
    let node = this.root;
    for (let h = this.height; h > 0; h--) {
      const inner = node as Inner;
      let lo = 1;
      let hi = inner.sepScores.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (boundary(inner.sepScores[mid] as number, inner.sepMembers[mid] as string)) hi = mid;
        else lo = mid + 1;
      }
      PATH_NODE[h] = inner;
      PATH_INDEX[h] = lo - 1;
      node = inner.children[lo - 1] as Inner | Leaf;
    }
    const leaf = node as Leaf;
    let lo = 0;
    let hi = leaf.members.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (boundary(leaf.scores[mid] as number, leaf.members[mid] as string)) hi = mid;
      else lo = mid + 1;
    }
    return this.pathRank(lo);
  }

  /** zslInsert: the caller guarantees the member is absent. */
  private insert(member: string, score: number): void {
    const leaf = this.descend(score, member);
    insertAt(leaf, lowerBound(leaf, score, member), score, member);
    for (let h = 1; h <= this.height; h++) bump(PATH_NODE[h] as Inner, PATH_INDEX[h] as number, 1);
    if (leaf.members.length > LEAF_MAX) this.splitLeaf(leaf);
  }

  /** Adds an entry known to sort after every existing one (clone): the rightmost path, no comparisons. */
  private append(member: string, score: number): void {
    let node = this.root;
    for (let h = this.height; h > 0; h--) {
      const inner = node as Inner;
      const i = inner.children.length - 1;
      PATH_NODE[h] = inner;
      PATH_INDEX[h] = i;
      bump(inner, i, 1);
      node = inner.children[i] as Inner | Leaf;
    }
    const leaf = node as Leaf;
    leaf.scores.push(score);
    leaf.members.push(member);
    if (leaf.members.length > LEAF_MAX) this.splitLeaf(leaf);
  }

  /** Moves the upper half of an overfull leaf to a new leaf after it (PATH_* lead to the leaf). */
  private splitLeaf(leaf: Leaf): void {
    const half = leaf.members.length >>> 1;
    const right = new Leaf();
    right.scores = leaf.scores.slice(half);
    right.members = leaf.members.slice(half);
    leaf.scores.length = half;
    leaf.members.length = half;
    right.prev = leaf;
    right.next = leaf.next;
    if (leaf.next !== null) leaf.next.prev = right;
    else this.lastLeaf = right;
    leaf.next = right;
    this.addSibling(1, right, right.scores[0] as number, right.members[0] as string, right.members.length);
  }

  /**
   * Puts `node` (holding `count` members, all ≥ the bound) into the tree right after the node that
   * the path reaches at height h-1, whose count the caller has not yet reduced by `count`. Splits
   * full inner nodes on the way up and grows a new root when the old one splits.
   */
  private addSibling(
    h: number,
    node: Inner | Leaf,
    boundScore: number,
    boundMember: string,
    count: number,
  ): void {
    if (h > this.height) {
      const old = this.root;
      const oldCount = this.size - count;
      this.root = new Inner([old, node], [oldCount, count], [-Infinity, boundScore], ['', boundMember]);
      this.height++;
      return;
    }
    const parent = PATH_NODE[h] as Inner;
    const at = (PATH_INDEX[h] as number) + 1;
    parent.counts[at - 1] = (parent.counts[at - 1] as number) - count;
    parent.children.splice(at, 0, node);
    parent.counts.splice(at, 0, count);
    parent.sepScores.splice(at, 0, boundScore);
    parent.sepMembers.splice(at, 0, boundMember);
    if (parent.children.length <= INNER_MAX) return;
    const half = parent.children.length >>> 1;
    const right = new Inner(
      parent.children.splice(half),
      parent.counts.splice(half),
      parent.sepScores.splice(half),
      parent.sepMembers.splice(half),
    );
    let rightCount = 0;
    for (const c of right.counts) rightCount += c;
    this.addSibling(h + 1, right, right.sepScores[0] as number, right.sepMembers[0] as string, rightCount);
  }

  /** zslUpdateScore: in place when the entry keeps its place among its leaf neighbours, else moved. */
  private updateScore(member: string, old: number, score: number): void {
    const leaf = this.descend(old, member);
    const i = lowerBound(leaf, old, member);
    const last = leaf.members.length - 1;
    if (
      i > 0 &&
      i < last &&
      before(leaf.scores[i - 1] as number, leaf.members[i - 1] as string, score, member) &&
      before(score, member, leaf.scores[i + 1] as number, leaf.members[i + 1] as string)
    ) {
      leaf.scores[i] = score;
      this.scores.set(member, score);
      return;
    }
    this.unlinkAt(leaf, i);
    this.scores.set(member, score);
    this.insert(member, score);
  }

  /** zslDelete + the dict delete. */
  private remove(member: string, score: number): void {
    const leaf = this.descend(score, member);
    this.unlinkAt(leaf, lowerBound(leaf, score, member));
    this.scores.delete(member);
    this.account(member, -1);
    noteKeyRemoved(this.sampled, member);
  }

  /** Removes index i of the leaf the path leads to; merges or drops the leaf when it gets small. */
  private unlinkAt(leaf: Leaf, i: number): void {
    removeAt(leaf, i);
    for (let h = 1; h <= this.height; h++) bump(PATH_NODE[h] as Inner, PATH_INDEX[h] as number, -1);
    if (this.height === 0 || leaf.members.length >= LEAF_MAX / 4) return;
    const parent = PATH_NODE[1] as Inner;
    const at = PATH_INDEX[1] as number;
    if (leaf.members.length === 0) {
      this.dropLeaf(leaf);
      this.dropChild(1, at);
      return;
    }
    // Merge the right one of a pair of siblings into the left one when both fit in 3/4 of a leaf.
    const left = at > 0 ? at - 1 : at;
    if (left + 1 >= parent.children.length) return;
    const a = parent.children[left] as Leaf;
    const b = parent.children[left + 1] as Leaf;
    if (a.members.length + b.members.length > (LEAF_MAX * 3) / 4) return;
    for (let k = 0; k < b.members.length; k++) {
      a.scores.push(b.scores[k] as number);
      a.members.push(b.members[k] as string);
    }
    parent.counts[left] = (parent.counts[left] as number) + b.members.length;
    this.dropLeaf(b);
    this.dropChild(1, left + 1);
  }

  /** Takes a leaf out of the leaf chain. */
  private dropLeaf(leaf: Leaf): void {
    if (leaf.prev !== null) leaf.prev.next = leaf.next;
    else if (leaf.next !== null) this.firstLeaf = leaf.next;
    if (leaf.next !== null) leaf.next.prev = leaf.prev;
    else if (leaf.prev !== null) this.lastLeaf = leaf.prev;
  }

  /** Removes child `at` (now empty or merged away) of the inner node at height h on the path. */
  private dropChild(h: number, at: number): void {
    const inner = PATH_NODE[h] as Inner;
    inner.children.splice(at, 1);
    inner.counts.splice(at, 1);
    inner.sepScores.splice(at, 1);
    inner.sepMembers.splice(at, 1);
    if (inner.children.length === 0 && h < this.height) {
      this.dropChild(h + 1, PATH_INDEX[h + 1] as number);
      return;
    }
    // A root with one child hands over to that child.
    while (this.height > 0 && (this.root as Inner).children.length === 1) {
      this.root = (this.root as Inner).children[0] as Inner | Leaf;
      this.height--;
    }
  }

  /**
   * Removes `limit` consecutive entries from rank `first` on, stopping early at the first one for
   * which `keep` (when given) is false.
   */
  private deleteRun(first: number, keep: Boundary | null, limit: number): ZEntry[] {
    if (first < 0 || first >= this.size) return [];
    const out = this.walk(first, Math.min(limit, this.size - first), false, keep);
    for (const e of out) this.remove(e.member, e.score);
    return out;
  }

  /**
   * Up to `count` entries from rank `start` on (towards rank 0 when reverse), stopping before the
   * first one for which `inRange` (when given) is false.
   */
  private walk(start: number, count: number, reverse: boolean, inRange: Boundary | null): ZEntry[] {
    const out: ZEntry[] = [];
    if (start < 0 || start >= this.size || count <= 0) return out;
    let leaf: Leaf | null = this.descendToRank(start);
    let i = this.cursorIndex;
    while (leaf !== null && out.length < count) {
      const member = leaf.members[i] as string;
      const score = leaf.scores[i] as number;
      if (inRange !== null && !inRange(score, member)) break;
      out.push({ member, score });
      if (reverse) {
        if (--i < 0) {
          leaf = leaf.prev;
          i = leaf === null ? 0 : leaf.members.length - 1;
        }
      } else if (++i >= leaf.members.length) {
        leaf = leaf.next;
        i = 0;
      }
    }
    return out;
  }

  /** The rank of the first entry whose score is in range, or -1 (zslNthInRange(…, 0)). */
  private firstInScoreRange(range: ScoreRange): number {
    if (scoreRangeIsEmpty(range)) return -1;
    const first = this.seek((score) => scoreAboveMin(score, range));
    return first < this.size && scoreBelowMax(this.scoreAt(first), range) ? first : -1;
  }

  /** The rank of the last entry whose score is in range, or -1. */
  private lastInScoreRange(range: ScoreRange): number {
    if (scoreRangeIsEmpty(range)) return -1;
    const last = this.seek((score) => !scoreBelowMax(score, range)) - 1;
    return last >= 0 && scoreAboveMin(this.scoreAt(last), range) ? last : -1;
  }

  private scoreAt(rank: number): number {
    const leaf = this.descendToRank(rank);
    return leaf.scores[this.cursorIndex] as number;
  }

  private memberAt(rank: number): string {
    const leaf = this.descendToRank(rank);
    return leaf.members[this.cursorIndex] as string;
  }

  /**
   * zslIsInLexRange / zzlIsInLexRange: the range can hold something, the last member is ≥ min and
   * the first is ≤ max. With mixed scores members are not in lex order, so these checks (like the
   * searches below) give Redis's encoding-dependent answers rather than a "true" lex filter.
   */
  private lexRangeMayMatch(range: LexRange): boolean {
    if (lexRangeIsEmpty(range) || this.size === 0) return false;
    const first = this.firstLeaf.members[0] as string;
    const last = this.lastLeaf.members[this.lastLeaf.members.length - 1] as string;
    return lexAboveMin(last, range.min) && lexBelowMax(first, range.max);
  }

  /**
   * The rank of the first entry ≥ min that is also ≤ max, or -1. A listpack is scanned in order
   * (zzlFirstInLexRange); a skiplist is searched (zslFirstInLexRange), which differs when scores are
   * mixed.
   */
  private firstInLexRange(range: LexRange): number {
    if (!this.lexRangeMayMatch(range)) return -1;
    let first: number;
    if (this.encodingName === 'listpack') {
      first = 0;
      for (let leaf: Leaf | null = this.firstLeaf; leaf !== null; leaf = leaf.next) {
        let i = 0;
        while (i < leaf.members.length && !lexAboveMin(leaf.members[i] as string, range.min)) i++;
        first += i;
        if (i < leaf.members.length) break;
      }
    } else {
      first = this.seek((_s, member) => lexAboveMin(member, range.min));
    }
    return first < this.size && lexBelowMax(this.memberAt(first), range.max) ? first : -1;
  }

  private lastInLexRange(range: LexRange): number {
    if (!this.lexRangeMayMatch(range)) return -1;
    let last: number;
    if (this.encodingName === 'listpack') {
      last = this.size - 1;
      for (let leaf: Leaf | null = this.lastLeaf; leaf !== null; leaf = leaf.prev) {
        let i = leaf.members.length - 1;
        while (i >= 0 && !lexBelowMax(leaf.members[i] as string, range.max)) i--;
        last -= leaf.members.length - 1 - i;
        if (i >= 0) break;
      }
    } else {
      last = this.seek((_s, member) => !lexBelowMax(member, range.max)) - 1;
    }
    return last >= 0 && lexAboveMin(this.memberAt(last), range.min) ? last : -1;
  }

  private collect(
    start: number,
    inRange: Boundary,
    reverse: boolean,
    offset: number,
    count: number,
  ): ZEntry[] {
    if (start < 0) return [];
    // Skip by rank rather than entry by entry: O(log n) for a large LIMIT offset.
    const from = reverse ? start - offset : start + offset;
    return this.walk(from, count < 0 ? this.size : count, reverse, inRange);
  }
}

/** Adds delta to child i's count. */
function bump(inner: Inner, i: number, delta: number): void {
  inner.counts[i] = (inner.counts[i] as number) + delta;
}

/** The index of the first entry of the leaf that is not before (score, member). */
function lowerBound(leaf: Leaf, score: number, member: string): number {
  const scores = leaf.scores;
  const members = leaf.members;
  let lo = 0;
  let hi = members.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(scores[mid] as number, members[mid] as string, score, member)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts at index i by shifting the tail up one slot (arrays stay packed, no splice garbage). */
function insertAt(leaf: Leaf, i: number, score: number, member: string): void {
  const scores = leaf.scores;
  const members = leaf.members;
  for (let k = members.length; k > i; k--) {
    scores[k] = scores[k - 1] as number;
    members[k] = members[k - 1] as string;
  }
  scores[i] = score;
  members[i] = member;
}

function removeAt(leaf: Leaf, i: number): void {
  const scores = leaf.scores;
  const members = leaf.members;
  const last = members.length - 1;
  for (let k = i; k < last; k++) {
    scores[k] = scores[k + 1] as number;
    members[k] = members[k + 1] as string;
  }
  scores.length = last;
  members.length = last;
}
