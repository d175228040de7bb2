import { sql } from 'drizzle-orm';
import { bigint, date, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { CountTaskStatus } from './count-tasks.lifecycle.ts';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Physical stock as a WMS reported it (inventory query, stock report) or as an uploaded CSV gave it. */
export const stockSnapshots = pgTable(
  'stock_snapshots',
  {
    tenantId: text('tenant_id').notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    warehouseCode: text('warehouse_code').notNull(),
    /** wms_query | stock_report | csv */
    source: text('source').notNull(),
    takenAt: instant('taken_at').notNull(),
    receivedAt: instant('received_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('stock_snapshots_wh_idx').on(t.tenantId, t.warehouseCode, t.takenAt)],
);

export const stockSnapshotLines = pgTable(
  'stock_snapshot_lines',
  {
    tenantId: text('tenant_id').notNull(),
    snapshotId: bigint('snapshot_id', { mode: 'number' }).notNull(),
    sku: text('sku').notNull(),
    quantity: integer('quantity').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.snapshotId, t.sku] })],
);

/** 对账: one comparison of a warehouse's snapshot with the book, at most one per business day. */
export const reconciliationRuns = pgTable(
  'reconciliation_runs',
  {
    tenantId: text('tenant_id').notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    warehouseCode: text('warehouse_code').notNull(),
    /** The warehouse's local date the run belongs to. */
    businessDate: date('business_date', { mode: 'string' }).notNull(),
    snapshotId: bigint('snapshot_id', { mode: 'number' }),
    /** done | no_snapshot */
    outcome: text('outcome').notNull(),
    skusCompared: integer('skus_compared').notNull().default(0),
    countTasksOpened: integer('count_tasks_opened').notNull().default(0),
    ranAt: instant('ran_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('reconciliation_runs_day_key').on(t.tenantId, t.warehouseCode, t.businessDate),
  ],
);

/** 盘点任务: opened when book and physical stock differ by more than the threshold. */
export const stockCountTasks = pgTable(
  'stock_count_tasks',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    warehouseCode: text('warehouse_code').notNull(),
    sku: text('sku').notNull(),
    /** open | completed | cancelled */
    status: text('status').$type<CountTaskStatus>().notNull(),
    runId: bigint('run_id', { mode: 'number' }),
    bookQty: integer('book_qty').notNull(),
    physicalQty: integer('physical_qty').notNull(),
    /** |physical − book| / book in basis points (book 0 with any stock: 10000). */
    differenceBp: integer('difference_bp').notNull(),
    countedQty: integer('counted_qty'),
    /** The ledger movement the completed count wrote. */
    correctionMovementId: bigint('correction_movement_id', { mode: 'number' }),
    openedAt: instant('opened_at').notNull(),
    closedAt: instant('closed_at'),
    closedBy: text('closed_by'),
    note: text('note'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('stock_count_tasks_status_idx').on(t.tenantId, t.status, t.openedAt),
    uniqueIndex('stock_count_tasks_one_open').on(t.tenantId, t.warehouseCode, t.sku).where(sql`${t.status} = 'open'`),
  ],
);
