import { sql } from 'drizzle-orm';
import { boolean, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** A place stock is kept and shipped from (仓库). */
export const warehouses = pgTable(
  'warehouses',
  {
    tenantId: text('tenant_id').notNull(),
    /** The merchant's own code, also the WMS's warehouseCode. */
    code: text('code').notNull(),
    name: text('name').notNull(),
    /** IANA zone the warehouse works in: its daily jobs and cut-off run on this clock. */
    timeZone: text('time_zone').notNull(),
    /** Lower is preferred when nothing else decides. */
    priority: integer('priority').notNull().default(100),
    active: boolean('active').notNull().default(true),
    /** Stands in for routing: where orders are reserved when no strategy picks another. */
    isDefault: boolean('is_default').notNull().default(false),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.code] }),
    uniqueIndex('warehouses_one_default').on(t.tenantId).where(sql`${t.isDefault}`),
  ],
);
