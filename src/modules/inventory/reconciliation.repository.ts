import { and, desc, eq, gt, lte, sql } from 'drizzle-orm';
import { rowsOf, type Database } from '../../platform/db/index.ts';
import { reconciliationRuns, stockSnapshotLines, stockSnapshots } from './reconciliation.schema.ts';

export type SnapshotRow = typeof stockSnapshots.$inferSelect;
export type RunRow = typeof reconciliationRuns.$inferSelect;

/** Rows per INSERT: far below PostgreSQL's 65,535 bind parameters at four per line. */
const CHUNK = 2000;

export async function insertSnapshot(
  db: Database,
  row: typeof stockSnapshots.$inferInsert,
  lines: { sku: string; quantity: number }[],
): Promise<SnapshotRow> {
  const [snapshot] = await db.insert(stockSnapshots).values(row).returning();
  for (let i = 0; i < lines.length; i += CHUNK) {
    await db.insert(stockSnapshotLines).values(
      lines.slice(i, i + CHUNK).map((l) => ({ tenantId: row.tenantId, snapshotId: snapshot!.id, sku: l.sku, quantity: l.quantity })),
    );
  }
  return snapshot!;
}

/** The newest snapshot of a warehouse taken in (from, to]. */
export async function latestSnapshot(db: Database, tenantId: string, warehouseCode: string, from: Date, to: Date): Promise<SnapshotRow | null> {
  const rows = await db
    .select()
    .from(stockSnapshots)
    .where(and(
      eq(stockSnapshots.tenantId, tenantId),
      eq(stockSnapshots.warehouseCode, warehouseCode),
      gt(stockSnapshots.takenAt, from),
      lte(stockSnapshots.takenAt, to),
    ))
    .orderBy(desc(stockSnapshots.takenAt), desc(stockSnapshots.id))
    .limit(1);
  return rows[0] ?? null;
}

export async function snapshotLines(db: Database, tenantId: string, snapshotId: number): Promise<Map<string, number>> {
  const rows = await db
    .select({ sku: stockSnapshotLines.sku, quantity: stockSnapshotLines.quantity })
    .from(stockSnapshotLines)
    .where(and(eq(stockSnapshotLines.tenantId, tenantId), eq(stockSnapshotLines.snapshotId, snapshotId)));
  return new Map(rows.map((r) => [r.sku, r.quantity]));
}

export async function countSnapshotLines(db: Database, tenantId: string, snapshotId: number): Promise<number> {
  const rows = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(stockSnapshotLines)
    .where(and(eq(stockSnapshotLines.tenantId, tenantId), eq(stockSnapshotLines.snapshotId, snapshotId)));
  return Number(rows[0]?.n ?? 0);
}

/**
 * On hand per SKU of one warehouse as it stood at `at`: today's figure minus what the ledger moved
 * since. One statement, so the levels and the movements are read from the same moment.
 */
export async function bookAsOf(db: Database, tenantId: string, warehouseCode: string, at: Date): Promise<Map<string, number>> {
  const result = await db.execute(sql`
    with book as (
      select sku, on_hand from stock_levels where tenant_id = ${tenantId} and warehouse_code = ${warehouseCode}
    ), since as (
      select sku, sum(on_hand_delta)::bigint as moved from stock_movements
      where tenant_id = ${tenantId} and warehouse_code = ${warehouseCode} and at > ${at.toISOString()}::timestamptz
      group by sku
    )
    select coalesce(b.sku, s.sku) as sku, coalesce(b.on_hand, 0) - coalesce(s.moved, 0) as on_hand
    from book b full join since s on s.sku = b.sku`);
  return new Map(rowsOf(result).map((r) => [String(r.sku), Number(r.on_hand)]));
}

/**
 * Claims a warehouse's business day for the daily run. A second process inserting the same day
 * waits for the first to commit and then gets null, so a day is reconciled once.
 */
export async function claimRun(db: Database, row: typeof reconciliationRuns.$inferInsert): Promise<RunRow | null> {
  const rows = await db
    .insert(reconciliationRuns)
    .values(row)
    .onConflictDoNothing({ target: [reconciliationRuns.tenantId, reconciliationRuns.warehouseCode, reconciliationRuns.businessDate] })
    .returning();
  return rows[0] ?? null;
}

/** The day's run row, created if absent, locked either way (a run started by hand). */
export async function claimOrLockRun(db: Database, row: typeof reconciliationRuns.$inferInsert): Promise<RunRow> {
  const rows = await db
    .insert(reconciliationRuns)
    .values(row)
    .onConflictDoUpdate({
      target: [reconciliationRuns.tenantId, reconciliationRuns.warehouseCode, reconciliationRuns.businessDate],
      set: { ranAt: row.ranAt },
    })
    .returning();
  return rows[0]!;
}

export async function finishRun(
  db: Database,
  tenantId: string,
  id: number,
  result: Pick<RunRow, 'snapshotId' | 'outcome' | 'skusCompared' | 'countTasksOpened'>,
): Promise<RunRow> {
  const rows = await db
    .update(reconciliationRuns)
    .set(result)
    .where(and(eq(reconciliationRuns.tenantId, tenantId), eq(reconciliationRuns.id, id)))
    .returning();
  return rows[0]!;
}

export async function findRun(db: Database, tenantId: string, warehouseCode: string, businessDate: string): Promise<RunRow | null> {
  const rows = await db
    .select()
    .from(reconciliationRuns)
    .where(and(
      eq(reconciliationRuns.tenantId, tenantId),
      eq(reconciliationRuns.warehouseCode, warehouseCode),
      eq(reconciliationRuns.businessDate, businessDate),
    ));
  return rows[0] ?? null;
}

export async function listRuns(db: Database, tenantId: string, warehouseCode: string, limit: number): Promise<RunRow[]> {
  return db
    .select()
    .from(reconciliationRuns)
    .where(and(eq(reconciliationRuns.tenantId, tenantId), eq(reconciliationRuns.warehouseCode, warehouseCode)))
    .orderBy(desc(reconciliationRuns.businessDate))
    .limit(limit);
}
