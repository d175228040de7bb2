/**
 * Gathers work submitted concurrently into batches: whatever has queued while the previous
 * batches ran goes out together, up to `maxBatch`, with at most `maxInFlight` batches running.
 * Under light load a batch holds one item and waits for nothing; under heavy load batches grow.
 * What is waiting is shared out over the free slots, so that when callers come back all at once
 * (each waiting for its answer before sending more) the slots still overlap instead of one batch
 * taking everything while the others idle.
 *
 * Items of one group (a tenant) share a batch; two items with the same conflict key never do,
 * the later waiting for the next batch, so a batch can treat its items as independent. When a
 * batch fails, its items are run again one by one, so one bad item fails alone.
 */
export interface BatcherOptions<T> {
  maxBatch: number;
  maxInFlight: number;
  conflictKey?: (item: T) => string;
}

interface Pending<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export class MicroBatcher<T, R> {
  private readonly queues = new Map<string, Pending<T, R>[]>();
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly run: (group: string, items: T[]) => Promise<R[]>,
    private readonly options: BatcherOptions<T>,
  ) {}

  submit(group: string, item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let queue = this.queues.get(group);
      if (!queue) this.queues.set(group, (queue = []));
      queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting, for metrics and tests. */
  get waiting(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight) return;
    this.scheduled = true;
    // Lets every submit of the current turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.options.maxInFlight && this.startNext());
    });
  }

  private startNext(): boolean {
    for (const [group, queue] of this.queues) {
      const batch = this.take(queue);
      if (queue.length === 0) this.queues.delete(group);
      else {
        // Round-robin: this group goes to the back of the line.
        this.queues.delete(group);
        this.queues.set(group, queue);
      }
      if (batch.length === 0) continue;
      this.inFlight++;
      void this.execute(group, batch).finally(() => {
        this.inFlight--;
        if (this.queues.size > 0) this.schedule();
      });
      return true;
    }
    return false;
  }

  private take(queue: Pending<T, R>[]): Pending<T, R>[] {
    const { conflictKey } = this.options;
    const free = Math.max(1, this.options.maxInFlight - this.inFlight);
    const maxBatch = Math.min(this.options.maxBatch, Math.ceil(queue.length / free));
    if (!conflictKey) return queue.splice(0, maxBatch);
    const batch: Pending<T, R>[] = [];
    const keys = new Set<string>();
    let i = 0;
    while (i < queue.length && batch.length < maxBatch) {
      const key = conflictKey(queue[i]!.item);
      if (keys.has(key)) {
        i++;
        continue;
      }
      keys.add(key);
      batch.push(queue.splice(i, 1)[0]!);
    }
    return batch;
  }

  private async execute(group: string, batch: Pending<T, R>[]): Promise<void> {
    try {
      const results = await this.run(group, batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      for (const p of batch) {
        try {
          const [result] = await this.run(group, [p.item]);
          p.resolve(result!);
        } catch (single) {
          p.reject(single);
        }
      }
    }
  }
}
