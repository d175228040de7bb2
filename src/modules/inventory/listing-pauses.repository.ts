import { and, eq } from 'drizzle-orm';
import type { Database } from '../../platform/db/index.ts';
import { listingPauses } from './scorecard.schema.ts';

export type ListingPauseRow = typeof listingPauses.$inferSelect;

export async function find(db: Database, tenantId: string, channel: string): Promise<ListingPauseRow | null> {
  const rows = await db.select().from(listingPauses).where(and(eq(listingPauses.tenantId, tenantId), eq(listingPauses.channel, channel)));
  return rows[0] ?? null;
}

export async function list(db: Database, tenantId: string): Promise<ListingPauseRow[]> {
  return db.select().from(listingPauses).where(eq(listingPauses.tenantId, tenantId));
}

export async function upsert(db: Database, row: typeof listingPauses.$inferInsert): Promise<ListingPauseRow> {
  const { tenantId: _t, channel: _c, ...set } = row;
  const rows = await db.insert(listingPauses).values(row).onConflictDoUpdate({ target: [listingPauses.tenantId, listingPauses.channel], set }).returning();
  return rows[0]!;
}
