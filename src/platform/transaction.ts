import { withDb, type RequestContext } from './context.ts';
import { sqlStateOf } from './db/errors.ts';

/** SQLSTATEs that mean "run the transaction again": deadlock detected, serialization failure. */
const CONFLICTS = new Set(['40P01', '40001']);

/** Whether the database gave up on this transaction for another one's sake, so running it again may succeed. */
export function isConflict(err: unknown): boolean {
  const state = sqlStateOf(err);
  return state !== undefined && CONFLICTS.has(state);
}

/** Runs a transaction again when the database chose it as a deadlock victim. */
export async function withRetryOnConflict<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= attempts || !isConflict(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, attempt * 5 + Math.random() * 10));
    }
  }
}

/**
 * Runs `work` in one transaction of its own, with a context on that transaction, and runs it all
 * again when the database picks it as a deadlock victim: the way a change that spans modules is made.
 */
export function inTransaction<T>(ctx: RequestContext, work: (tx: RequestContext) => Promise<T>): Promise<T> {
  return withRetryOnConflict(() => ctx.db.transaction((tx) => work(withDb(ctx, tx))));
}
