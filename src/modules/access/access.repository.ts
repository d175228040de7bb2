import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/index.ts';
import { apiKeys, tenants } from './access.schema.ts';

export type TenantRow = typeof tenants.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;

export async function findTenant(db: Database, id: string): Promise<TenantRow | null> {
  const rows = await db.select().from(tenants).where(eq(tenants.id, id));
  return rows[0] ?? null;
}

/** Creates the tenant unless it exists; returns whether it was created. */
export async function insertTenant(db: Database, row: typeof tenants.$inferInsert): Promise<boolean> {
  const inserted = await db.insert(tenants).values(row).onConflictDoNothing().returning({ id: tenants.id });
  return inserted.length > 0;
}

export async function insertKey(db: Database, row: typeof apiKeys.$inferInsert): Promise<ApiKeyRow> {
  const rows = await db.insert(apiKeys).values(row).returning();
  return rows[0]!;
}

export async function findKey(db: Database, tenantId: string, id: string): Promise<ApiKeyRow | null> {
  const rows = await db.select().from(apiKeys).where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id)));
  return rows[0] ?? null;
}

export async function findKeyByHash(db: Database, tenantId: string, keyHash: string): Promise<ApiKeyRow | null> {
  const rows = await db.select().from(apiKeys).where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.keyHash, keyHash)));
  return rows[0] ?? null;
}

export async function listKeys(db: Database, tenantId: string): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).where(eq(apiKeys.tenantId, tenantId)).orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
}

export async function countKeys(db: Database, tenantId: string): Promise<number> {
  const rows = await db.select({ n: sql<number>`count(*)::int` }).from(apiKeys).where(eq(apiKeys.tenantId, tenantId));
  return rows[0]?.n ?? 0;
}

/** Active admin keys of a tenant, locked so two revocations cannot both pass the last-admin check. */
export async function lockActiveAdminKeys(db: Database, tenantId: string): Promise<ApiKeyRow[]> {
  return db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.role, 'admin'), isNull(apiKeys.revokedAt)))
    .for('update');
}

export async function revokeKey(db: Database, tenantId: string, id: string, at: Date): Promise<ApiKeyRow | null> {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: at })
    .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning();
  return rows[0] ?? null;
}

/** Revokes every active key of a tenant whose name starts with the prefix; returns how many. */
export async function revokeKeysNamed(db: Database, tenantId: string, namePrefix: string, at: Date): Promise<number> {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: at })
    .where(and(eq(apiKeys.tenantId, tenantId), isNull(apiKeys.revokedAt), sql`${apiKeys.name} like ${namePrefix + '%'}`))
    .returning({ id: apiKeys.id });
  return rows.length;
}
