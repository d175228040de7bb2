import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../../platform/db/index.ts';
import { shops } from './channels.schema.ts';

export type ShopRow = typeof shops.$inferSelect;
export type NewShopRow = typeof shops.$inferInsert;

/** Inserts unless the id or the (channel, channel shop id) pair is taken; returns the row if inserted. */
export async function insertIfAbsent(db: Database, row: NewShopRow): Promise<ShopRow | null> {
  const rows = await db.insert(shops).values(row).onConflictDoNothing().returning();
  return rows[0] ?? null;
}

export async function findById(db: Database, tenantId: string, id: string): Promise<ShopRow | null> {
  const rows = await db.select().from(shops).where(and(eq(shops.tenantId, tenantId), eq(shops.id, id)));
  return rows[0] ?? null;
}

export async function findByChannelShopId(db: Database, tenantId: string, channel: string, channelShopId: string): Promise<ShopRow | null> {
  const rows = await db
    .select()
    .from(shops)
    .where(and(eq(shops.tenantId, tenantId), eq(shops.channel, channel), eq(shops.channelShopId, channelShopId)));
  return rows[0] ?? null;
}

export async function list(db: Database, tenantId: string): Promise<ShopRow[]> {
  return db.select().from(shops).where(eq(shops.tenantId, tenantId)).orderBy(asc(shops.channel), asc(shops.id));
}

export async function update(db: Database, tenantId: string, id: string, patch: Partial<NewShopRow>): Promise<ShopRow | null> {
  const rows = await db
    .update(shops)
    .set(patch)
    .where(and(eq(shops.tenantId, tenantId), eq(shops.id, id)))
    .returning();
  return rows[0] ?? null;
}

/** The tenant's active shop ids. */
export async function allActiveIds(db: Database, tenantId: string): Promise<Set<string>> {
  const rows = await db.select({ id: shops.id }).from(shops).where(and(eq(shops.tenantId, tenantId), eq(shops.active, true)));
  return new Set(rows.map((r) => r.id));
}
