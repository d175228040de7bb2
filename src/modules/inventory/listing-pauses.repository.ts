import { and, eq, isNull, sql } from 'drizzle-orm';
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

/**
 * Pauses unless the row changed since it was read: still not paused, and paused last at
 * `lastPausedAt` (null: never). Two processes applying the pause rule at once, or one racing an
 * admin's clear, cannot pause twice for the same weeks. Null when the row had moved on.
 */
export async function pauseIfUnchanged(db: Database, row: typeof listingPauses.$inferInsert, lastPausedAt: Date | null): Promise<ListingPauseRow | null> {
  const { tenantId: _t, channel: _c, ...set } = row;
  const t = listingPauses;
  const rows = await db
    .insert(t)
    .values(row)
    .onConflictDoUpdate({
      target: [t.tenantId, t.channel],
      set,
      setWhere: and(eq(t.paused, false), lastPausedAt ? eq(t.pausedAt, sql`${lastPausedAt.toISOString()}::timestamptz`) : isNull(t.pausedAt)),
    })
    .returning();
  return rows[0] ?? null;
}
