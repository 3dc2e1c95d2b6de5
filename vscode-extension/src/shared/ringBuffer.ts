// A fixed-capacity FIFO of the newest items (the frames kept by the live view). Pushing into a full
// buffer evicts the oldest item; resizing keeps the newest ones.

export class RingBuffer<T> {
  private items: (T|undefined)[];
  private start = 0;  // index of the oldest item
  private count = 0;

  constructor(capacity: number) {
    RingBuffer.checkCapacity(capacity);
    this.items = new Array<T|undefined>(capacity);
  }

  get capacity(): number { return this.items.length; }
  get size(): number { return this.count; }

  /** Appends `item`; returns the evicted oldest item when the buffer was full. */
  push(item: T): T|undefined {
    const cap = this.items.length;
    if (this.count < cap) {
      this.items[(this.start + this.count) % cap] = item;
      ++this.count;
      return undefined;
    }
    const evicted = this.items[this.start];
    this.items[this.start] = item;
    this.start = (this.start + 1) % cap;
    return evicted;
  }

  /** The i-th item, oldest first (negative: from the newest, -1 is the newest). */
  at(i: number): T|undefined {
    const index = i < 0 ? this.count + i : i;
    if (!Number.isInteger(index) || index < 0 || index >= this.count) return undefined;
    return this.items[(this.start + index) % this.items.length];
  }

  newest(): T|undefined { return this.at(-1); }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; ++i) out.push(this.items[(this.start + i) % this.items.length] as T);
    return out;
  }

  find(predicate: (item: T) => boolean): T|undefined { return this.toArray().find(predicate); }

  /** Changes the capacity; when shrinking, the oldest items are dropped and returned. */
  resize(capacity: number): T[] {
    RingBuffer.checkCapacity(capacity);
    const all = this.toArray();
    const dropped = all.length > capacity ? all.slice(0, all.length - capacity) : [];
    const kept = all.slice(dropped.length);
    this.items = new Array<T|undefined>(capacity);
    this.start = 0;
    this.count = 0;
    for (const item of kept) this.push(item);
    return dropped;
  }

  clear(): void {
    this.items = new Array<T|undefined>(this.items.length);
    this.start = 0;
    this.count = 0;
  }

  private static checkCapacity(capacity: number): void {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`ring buffer capacity must be a positive integer, got ${String(capacity)}`);
    }
  }
}
