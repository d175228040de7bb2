import { sql, type SQL } from 'drizzle-orm';
import { composeCtes, constraintOf, cteParts, executeNamed, sqlStateOf, type CteParts, type Database } from '../platform/db/index.ts';
import { isConflict } from '../platform/transaction.ts';

/** Raised by oms_abort: the statement undid itself (see the plan_guard migration). */
const ABORTED = 'OM409';
/**
 * The statement failed for a reason that means only "take the batch the locked way" (which
 * retries): it ended itself, was a deadlock victim or serialization failure, or met a taken channel key.
 */
function planFailed(err: unknown): boolean {
  const state = sqlStateOf(err);
  if (state === ABORTED || isConflict(err)) return true;
  return state === '23505' && constraintOf(err) === 'orders_channel_key';
}

/** The parts of a planned batch's statement, each written by its own module and named by the CTEs it defines. */
export interface PlannedBatchWrite {
  /** `new_orders`, `new_lines`, `new_events`, each returning a row per row written; a taken channel key fails the statement. */
  orders: CteParts;
  /** `listed` and `listed_due` listing sold SKUs in their shops, each returning a row per row written; if any. */
  listings: CteParts | null;
  /** Locks the levels once `after` holds and takes the planned units, ending with `fits` (`ok`); null when nothing is taken. */
  take: ((after: SQL) => CteParts) | null;
  /** `new_deliveries` and `loaded`, writing the orders' delivery orders once `after` holds (the units are taken); if any. */
  deliveries?: ((after: SQL) => CteParts) | null;
  /** `conversions`, recording the orders' time conversions; if any. */
  conversions?: CteParts | null;
}

/** The statement's own CTE: every row the orders and listings parts wrote, counted, so that the levels are locked only after them. */
function recordedCte(write: PlannedBatchWrite): CteParts {
  const counted = [...write.orders.names, ...(write.listings?.names ?? [])].map((name) => sql`(select count(*) from ${sql.identifier(name)})`);
  return cteParts(['recorded'], sql`recorded as (select ${sql.join(counted, sql` + `)} as n)`);
}

/**
 * The planned batch as one statement: the orders and listings are written before the levels are
 * locked (`locked` waits for `recorded`), as the locked way writes them before it locks levels
 * too, so the hot rows stay locked only while the units are taken, the reservations, movements
 * and delivery orders written, and the statement commits. Its parts are checked for colliding
 * names as they are put together (composeCtes).
 */
export function plannedBatchStatement(write: PlannedBatchWrite): SQL {
  const conversions = write.conversions ?? null;
  if (!write.take) return sql`${composeCtes([write.orders, conversions, write.listings])} select true as ok`;
  const take = write.take(sql`(select n from recorded) > 0`);
  const deliveries = write.deliveries ? write.deliveries(sql`(select ok from fits)`) : null;
  return sql`${composeCtes([write.orders, conversions, write.listings, recordedCte(write), take, deliveries])}
    select case when ok then true else oms_abort('planned stock was taken meanwhile') end as ok from fits`;
}

/**
 * Records new orders (admitted as allocated) with their lines, events and listings, and takes
 * their planned stock, in one statement run as its own transaction (plannedBatchStatement).
 * Returns false, with nothing written, when the plan no longer holds: an order exists by now (its
 * channel key is taken), a level no longer has the units planned (the statement ends itself),
 * or the database picked the statement as a deadlock victim.
 */
export async function recordAllocated(db: Database, write: PlannedBatchWrite): Promise<boolean> {
  try {
    await executeNamed(db, plannedBatchStatement(write));
    return true;
  } catch (err) {
    if (planFailed(err)) return false;
    throw err;
  }
}
