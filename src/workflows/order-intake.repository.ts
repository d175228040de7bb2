import { sql, type SQL } from 'drizzle-orm';
import { constraintOf, executeNamed, sqlStateOf, type Database } from '../platform/db/index.ts';

/** Raised by oms_abort: the statement undid itself (see the plan_guard migration). */
const ABORTED = 'OM409';
/** Deadlock victim or serialization failure: the locked way, which retries, takes the batch. */
const CONFLICTS = new Set(['40P01', '40001']);

/** The statement failed for a reason that means only "take the batch the locked way". */
function planFailed(err: unknown): boolean {
  const state = sqlStateOf(err);
  if (state === ABORTED || (state !== undefined && CONFLICTS.has(state))) return true;
  return state === '23505' && constraintOf(err) === 'orders_channel_key';
}

/** The parts of a planned batch's statement, each written by its own module. */
export interface PlannedBatchWrite {
  /** CTEs `new_orders`, `new_lines`, `new_events`, each returning a row per row written; a taken channel key fails the statement. */
  orders: SQL;
  /** CTEs `listed` and `listed_due` listing sold SKUs in their shops, each returning a row per row written; if any. */
  listings: SQL | null;
  /** CTEs that lock the levels once `after` holds and take the planned units, ending with `fits` (`ok`); null when nothing is taken. */
  take: ((after: SQL) => SQL) | null;
  /** CTEs `new_deliveries` and `loaded` writing the orders' delivery orders once `after` holds (the units are taken); if any. */
  deliveries?: ((after: SQL) => SQL) | null;
}

/**
 * Records new orders (admitted as allocated) with their lines, events and listings, and takes
 * their planned stock, in one statement run as its own transaction. The orders and listings are
 * written before the levels are locked (`locked` waits for `recorded`), as the locked way writes
 * them before it locks levels too, so the hot rows stay locked only while the units are taken,
 * the reservations and movements written and the statement commits.
 * Returns false, with nothing written, when the plan no longer holds: an order exists by now (its
 * channel key is taken), a level no longer has the units planned (the statement ends itself),
 * or the database picked the statement as a deadlock victim.
 */
export async function recordAllocated(db: Database, write: PlannedBatchWrite): Promise<boolean> {
  const listed = write.listings ? sql`, ${write.listings}` : sql``;
  const listedRows = write.listings ? sql` + (select count(*) from listed) + (select count(*) from listed_due)` : sql``;
  const statement = write.take
    ? sql`with ${write.orders}${listed}, recorded as (
          select (select count(*) from new_orders) + (select count(*) from new_lines) + (select count(*) from new_events)${listedRows} as n
        ), ${write.take(sql`(select n from recorded) > 0`)}${write.deliveries ? sql`, ${write.deliveries(sql`(select ok from fits)`)}` : sql``}
        select case when ok then true else oms_abort('planned stock was taken meanwhile') end as ok from fits`
    : sql`with ${write.orders}${listed} select true as ok`;
  try {
    await executeNamed(db, statement);
    return true;
  } catch (err) {
    if (planFailed(err)) return false;
    throw err;
  }
}
