/**
 * The list container: a deque of latin1 byte strings.
 * Owned by the lists family; this placeholder is replaced by the real structure.
 */
export class Quicklist {
  private readonly items: string[] = [];
  get length(): number {
    return this.items.length;
  }
  pushTail(v: string): void {
    this.items.push(v);
  }
  pushHead(v: string): void {
    this.items.unshift(v);
  }
  popHead(): string | undefined {
    return this.items.shift();
  }
  popTail(): string | undefined {
    return this.items.pop();
  }
  at(index: number): string | undefined {
    return this.items[index];
  }
  toArray(): string[] {
    return this.items.slice();
  }
  clone(): Quicklist {
    const q = new Quicklist();
    for (const v of this.items) q.pushTail(v);
    return q;
  }
}
