import type { Logger } from './logger.ts';
import { loggableError } from './logger.ts';

export interface Job {
  stop(): Promise<void>;
}

/**
 * Runs `work` every `intervalMs`, never two rounds at once; a failed round is logged and the next
 * one runs as usual. `stop()` waits for a round in progress.
 */
export function every(intervalMs: number, name: string, logger: Logger, work: () => Promise<unknown>): Job {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = work()
      .catch((err: unknown) => logger.error({ job: name, error: loggableError(err) }, `${name} round failed`))
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/** Several jobs stopped as one. */
export function allJobs(jobs: Job[]): Job {
  return { stop: async () => void (await Promise.all(jobs.map((j) => j.stop()))) };
}
