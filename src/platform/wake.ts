/**
 * A wake-up call within one process: a loop that sleeps between polls of the database can be woken
 * as soon as this process itself has made work for it, rather than at its next poll. Work made by
 * other processes is still found by polling.
 */
export class Wake {
  private readonly sleepers = new Set<() => void>();

  notify(): void {
    for (const wake of this.sleepers) wake();
    this.sleepers.clear();
  }

  /** Resolves on the next notify, or after `ms` at the latest. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.sleepers.add(done);
    });
  }
}

