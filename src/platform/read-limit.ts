import { AppError } from './errors.ts';

export interface ReadLimits {
  /** Reads that may run at once. */
  concurrency: number;
  /** Reads that may wait for one of those places; beyond them a read is refused at once. */
  queue: number;
}

export const defaultReadLimits: ReadLimits = { concurrency: 8, queue: 64 };

/**
 * A cap on the heavy reads a process runs at once. Past the cap, reads wait in a queue of bounded
 * length; past the queue, they are refused with OVERLOADED (503 with Retry-After) rather than
 * piling up on the database pool, so that writes, ingestion and health checks keep being served.
 */
export class ReadLimiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limits: ReadLimits = defaultReadLimits) {}

  /** Reads running and reads waiting, for metrics and tests. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  async run<T>(read: () => Promise<T>): Promise<T> {
    if (this.running >= this.limits.concurrency) {
      if (this.waiting.length >= this.limits.queue) {
        throw new AppError('OVERLOADED', 'too many reads in progress; try again shortly', { retryAfterSeconds: 1 });
      }
      // The place is handed over by the read that finishes, so `running` never drops in between.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await read();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
