import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../../platform/db/index.ts';
import { warehouses } from './warehouses.schema.ts';

export type WarehouseRow = typeof warehouses.$inferSelect;
export type NewWarehouseRow = typeof warehouses.$inferInsert;

export async function insertIfAbsent(db: Database, row: NewWarehouseRow): Promise<WarehouseRow | null> {
  const rows = await db.insert(warehouses).values(row).onConflictDoNothing().returning();
  return rows[0] ?? null;
}

export async function findByCode(db: Database, tenantId: string, code: string): Promise<WarehouseRow | null> {
  const rows = await db.select().from(warehouses).where(and(eq(warehouses.tenantId, tenantId), eq(warehouses.code, code)));
  return rows[0] ?? null;
}

export async function findDefault(db: Database, tenantId: string): Promise<WarehouseRow | null> {
  const rows = await db
    .select()
    .from(warehouses)
    .where(and(eq(warehouses.tenantId, tenantId), eq(warehouses.isDefault, true), eq(warehouses.active, true)));
  return rows[0] ?? null;
}

export async function list(db: Database, tenantId: string): Promise<WarehouseRow[]> {
  return db.select().from(warehouses).where(eq(warehouses.tenantId, tenantId)).orderBy(asc(warehouses.priority), asc(warehouses.code));
}

/** Every tenant's active warehouses, for jobs that run on each warehouse's clock. */
export async function listActiveAllTenants(db: Database): Promise<WarehouseRow[]> {
  return db.select().from(warehouses).where(eq(warehouses.active, true)).orderBy(asc(warehouses.tenantId), asc(warehouses.code));
}

export async function clearDefault(db: Database, tenantId: string): Promise<void> {
  await db.update(warehouses).set({ isDefault: false }).where(and(eq(warehouses.tenantId, tenantId), eq(warehouses.isDefault, true)));
}

export async function update(db: Database, tenantId: string, code: string, patch: Partial<NewWarehouseRow>): Promise<WarehouseRow | null> {
  const rows = await db
    .update(warehouses)
    .set(patch)
    .where(and(eq(warehouses.tenantId, tenantId), eq(warehouses.code, code)))
    .returning();
  return rows[0] ?? null;
}
