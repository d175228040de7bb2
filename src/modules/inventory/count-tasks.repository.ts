import { and, desc, eq, gt, lt, type SQL } from 'drizzle-orm';
import type { Database } from '../../platform/db/index.ts';
import type { Move } from '../../platform/lifecycle.ts';
import type { CountTaskStatus } from './count-tasks.lifecycle.ts';
import { stockCountTasks } from './reconciliation.schema.ts';

export type CountTaskRow = typeof stockCountTasks.$inferSelect;
export type NewCountTaskRow = typeof stockCountTasks.$inferInsert;

/**
 * Opens tasks, skipping any warehouse × SKU that already has one open (the partial unique index
 * decides, so two runs at once cannot open the same task twice). Returns the tasks opened.
 */
export async function insertOpenTasks(db: Database, rows: NewCountTaskRow[]): Promise<CountTaskRow[]> {
  if (rows.length === 0) return [];
  const opened: CountTaskRow[] = [];
  for (let i = 0; i < rows.length; i += 1000) {
    opened.push(...(await db.insert(stockCountTasks).values(rows.slice(i, i + 1000)).onConflictDoNothing().returning()));
  }
  return opened;
}

export async function findOpenTask(db: Database, tenantId: string, warehouseCode: string, sku: string): Promise<CountTaskRow | null> {
  const rows = await db
    .select()
    .from(stockCountTasks)
    .where(and(
      eq(stockCountTasks.tenantId, tenantId),
      eq(stockCountTasks.warehouseCode, warehouseCode),
      eq(stockCountTasks.sku, sku),
      eq(stockCountTasks.status, 'open'),
    ));
  return rows[0] ?? null;
}

/** SKUs of a warehouse whose task was closed (counted or dismissed) after `at`. */
export async function skusClosedSince(db: Database, tenantId: string, warehouseCode: string, at: Date): Promise<Set<string>> {
  const rows = await db
    .selectDistinct({ sku: stockCountTasks.sku })
    .from(stockCountTasks)
    .where(and(eq(stockCountTasks.tenantId, tenantId), eq(stockCountTasks.warehouseCode, warehouseCode), gt(stockCountTasks.closedAt, at)));
  return new Set(rows.map((r) => r.sku));
}

export async function findTask(db: Database, tenantId: string, id: string, lock = false): Promise<CountTaskRow | null> {
  const query = db.select().from(stockCountTasks).where(and(eq(stockCountTasks.tenantId, tenantId), eq(stockCountTasks.id, id)));
  const rows = lock ? await query.for('update') : await query;
  return rows[0] ?? null;
}

/** What closing a task writes besides its status. */
export type CountTaskPatch = Pick<Partial<NewCountTaskRow>, 'countedQty' | 'correctionMovementId' | 'note' | 'closedAt' | 'closedBy'>;
export type CountTaskMove = Move<CountTaskStatus, CountTaskRow, CountTaskPatch>;

/** Saves checked moves, each only while its task is still in the status it was checked from; returns the tasks moved, by id. */
export async function saveMoves(db: Database, tenantId: string, moves: CountTaskMove[]): Promise<Map<string, CountTaskRow>> {
  const saved = new Map<string, CountTaskRow>();
  for (const m of moves) {
    const rows = await db
      .update(stockCountTasks)
      .set({ ...m.patch, status: m.to })
      .where(and(eq(stockCountTasks.tenantId, tenantId), eq(stockCountTasks.id, m.id), eq(stockCountTasks.status, m.from)))
      .returning();
    if (rows[0]) saved.set(m.id, rows[0]);
  }
  return saved;
}

export interface TaskFilter {
  status?: CountTaskStatus;
  warehouseCode?: string;
  sku?: string;
  runId?: number;
  beforeId?: string;
  limit: number;
}

/** Newest first; ids are time-ordered, so `beforeId` pages back in time. */
export async function listTasks(db: Database, tenantId: string, f: TaskFilter): Promise<CountTaskRow[]> {
  const where: SQL[] = [eq(stockCountTasks.tenantId, tenantId)];
  if (f.status) where.push(eq(stockCountTasks.status, f.status));
  if (f.warehouseCode) where.push(eq(stockCountTasks.warehouseCode, f.warehouseCode));
  if (f.sku) where.push(eq(stockCountTasks.sku, f.sku));
  if (f.runId !== undefined) where.push(eq(stockCountTasks.runId, f.runId));
  if (f.beforeId) where.push(lt(stockCountTasks.id, f.beforeId));
  return db.select().from(stockCountTasks).where(and(...where)).orderBy(desc(stockCountTasks.id)).limit(f.limit);
}
