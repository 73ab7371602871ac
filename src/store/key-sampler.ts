/**
 * Uniform random picks from a changing set of keys in O(1) (RANDOMKEY). Redis picks a random bucket
 * of its hash table; a JS Map has no random access, so this keeps the keys in an array plus each
 * key's slot: add appends, remove moves the last key into the freed slot, pick reads a random slot.
 *
 * It costs an array slot and a Map entry per key, so a Database builds one only when RANDOMKEY is
 * first used there, and keeps it up to date from then on.
 */
export class KeySampler {
  private readonly keys: string[] = [];
  private readonly slots = new Map<string, number>();

  constructor(initial: Iterable<string>) {
    for (const key of initial) this.add(key);
  }

  get size(): number {
    return this.keys.length;
  }

  add(key: string): void {
    if (this.slots.has(key)) return;
    this.slots.set(key, this.keys.length);
    this.keys.push(key);
  }

  remove(key: string): void {
    const slot = this.slots.get(key);
    if (slot === undefined) return;
    this.slots.delete(key);
    const last = this.keys.pop() as string;
    if (last === key) return;
    this.keys[slot] = last;
    this.slots.set(last, slot);
  }

  /** A key chosen uniformly at random, or undefined when there are none. */
  pick(): string | undefined {
    return this.keys[Math.floor(Math.random() * this.keys.length)];
  }
}
