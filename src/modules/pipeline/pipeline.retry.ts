import { sqlStateOf } from '../../platform/db/index.ts';

/** SQLSTATEs that mean "run the transaction again": deadlock detected, serialization failure. */
const retryable = new Set(['40P01', '40001']);


/** Runs a transaction again when the database chose it as a deadlock victim. */
export async function withRetryOnConflict<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      const state = sqlStateOf(err);
      if (attempt >= attempts || state === undefined || !retryable.has(state)) throw err;
      await new Promise((resolve) => setTimeout(resolve, attempt * 5 + Math.random() * 10));
    }
  }
}
