/**
 * Things due at a moment of sandbox time, taken out in time order (ties in the order they were
 * scheduled). A binary heap, because a benchmark run schedules a few steps for each of hundreds of
 * thousands of orders and must not re-sort on every clock tick.
 */
export class Timeline<T> {
  private readonly heap: { at: number; seq: number; item: T }[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  schedule(at: number, item: T): void {
    this.heap.push({ at, seq: this.seq++, item });
    this.up(this.heap.length - 1);
  }

  /**
   * Removes and returns the earliest item due at or before `now`, or undefined. One at a time, so
   * an item applied now may schedule another that is also already due and still come out in order.
   */
  takeNext(now: number): { at: number; item: T } | undefined {
    const top = this.heap[0];
    if (!top || top.at > now) return undefined;
    const last = this.heap.pop() as { at: number; seq: number; item: T };
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    return { at: top.at, item: top.item };
  }

  private less(i: number, j: number): boolean {
    const a = this.heap[i] as { at: number; seq: number };
    const b = this.heap[j] as { at: number; seq: number };
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private swap(i: number, j: number): void {
    const a = this.heap[i] as { at: number; seq: number; item: T };
    this.heap[i] = this.heap[j] as { at: number; seq: number; item: T };
    this.heap[j] = a;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < this.heap.length && this.less(l, best)) best = l;
      if (r < this.heap.length && this.less(r, best)) best = r;
      if (best === i) return;
      this.swap(i, best);
      i = best;
    }
  }
}
