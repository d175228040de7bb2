import { and, desc, eq, gte, sql } from 'drizzle-orm';
import { instantFromDb, instantFromDbOrNull } from '../../platform/time/instants.ts';
import { rowsOf, type Database } from '../../platform/db/index.ts';
import { deadLetters, pullCursors, receivedMessages, shops, webhookRefusals } from './channels.schema.ts';

export type PullCursorRow = typeof pullCursors.$inferSelect;
export type NewDeadLetter = typeof deadLetters.$inferInsert;
export type DeadLetterRow = typeof deadLetters.$inferSelect;

/** Gives every active shop without a cursor one that starts at `startAt`. */
export async function ensureCursors(db: Database, startAt: Date, now: Date): Promise<void> {
  await db.execute(sql`
    INSERT INTO ${pullCursors} (tenant_id, shop_id, pulled_to, updated_at)
    SELECT ${shops.tenantId}, ${shops.id}, ${startAt.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
    FROM ${shops}
    WHERE ${shops.active}
    ON CONFLICT DO NOTHING`);
}

/**
 * Leases up to `limit` cursors of active shops whose last run is older than `dueBefore`, skipping
 * any another worker holds. The lease is written and committed at once: the pull itself happens
 * outside any transaction.
 */
export async function leaseDueCursors(db: Database, now: Date, dueBefore: Date, leaseMs: number, limit: number): Promise<PullCursorRow[]> {
  const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
  const result = await db.execute(sql`
    UPDATE ${pullCursors} AS c SET lease_until = ${leaseUntil}::timestamptz
    WHERE (c.tenant_id, c.shop_id) IN (
      SELECT p.tenant_id, p.shop_id FROM ${pullCursors} AS p
      JOIN ${shops} AS s ON s.tenant_id = p.tenant_id AND s.id = p.shop_id AND s.active
      WHERE (p.lease_until IS NULL OR p.lease_until < ${now.toISOString()}::timestamptz)
        AND (p.last_run_at IS NULL OR p.last_run_at < ${dueBefore.toISOString()}::timestamptz)
      ORDER BY p.last_run_at NULLS FIRST
      LIMIT ${limit}
      FOR UPDATE OF p SKIP LOCKED)
    RETURNING c.tenant_id AS "tenantId", c.shop_id AS "shopId", c.pulled_to AS "pulledTo", c.lease_until AS "leaseUntil",
      c.last_run_at AS "lastRunAt", c.last_error AS "lastError", c.updated_at AS "updatedAt"`);
  return rowsOf(result).map((r) => ({
    tenantId: String(r.tenantId),
    shopId: String(r.shopId),
    pulledTo: instantFromDb(r.pulledTo as string | Date),
    leaseUntil: instantFromDbOrNull(r.leaseUntil),
    lastRunAt: instantFromDbOrNull(r.lastRunAt),
    lastError: (r.lastError as string | null) ?? null,
    updatedAt: instantFromDb(r.updatedAt as string | Date),
  }));
}

/** Records a finished run and releases the lease; `pulledTo` only ever moves forward. */
export async function finishRun(db: Database, tenantId: string, shopId: string, result: { pulledTo: Date | null; error: string | null; at: Date }): Promise<void> {
  await db
    .update(pullCursors)
    .set({
      pulledTo: result.pulledTo ? sql`greatest(${pullCursors.pulledTo}, ${result.pulledTo.toISOString()}::timestamptz)` : undefined,
      leaseUntil: null,
      lastRunAt: result.at,
      lastError: result.error,
      updatedAt: result.at,
    })
    .where(and(eq(pullCursors.tenantId, tenantId), eq(pullCursors.shopId, shopId)));
}

export async function findCursor(db: Database, tenantId: string, shopId: string): Promise<PullCursorRow | null> {
  const rows = await db.select().from(pullCursors).where(and(eq(pullCursors.tenantId, tenantId), eq(pullCursors.shopId, shopId)));
  return rows[0] ?? null;
}

/** Remembers a push message id; false when it was seen before. */
export async function rememberMessage(db: Database, tenantId: string, shopId: string, messageId: string, at: Date): Promise<boolean> {
  const rows = await db
    .insert(receivedMessages)
    .values({ tenantId, shopId, messageId, receivedAt: at })
    .onConflictDoNothing()
    .returning({ messageId: receivedMessages.messageId });
  return rows.length > 0;
}

export async function forgetMessage(db: Database, tenantId: string, shopId: string, messageId: string): Promise<void> {
  await db
    .delete(receivedMessages)
    .where(and(eq(receivedMessages.tenantId, tenantId), eq(receivedMessages.shopId, shopId), eq(receivedMessages.messageId, messageId)));
}

export async function insertDeadLetter(db: Database, row: NewDeadLetter): Promise<void> {
  await db.insert(deadLetters).values(row);
}

export async function listDeadLetters(db: Database, tenantId: string, limit: number): Promise<DeadLetterRow[]> {
  return db
    .select()
    .from(deadLetters)
    .where(eq(deadLetters.tenantId, tenantId))
    .orderBy(sql`${deadLetters.receivedAt} desc`)
    .limit(limit);
}

export type WebhookRefusalRow = typeof webhookRefusals.$inferSelect;

/** Counts one refused post in its window; returns the window's count so far, this one included. */
export async function countWebhookRefusal(db: Database, key: { tenantId: string; windowStart: Date; channel: string; reason: string }): Promise<number> {
  const rows = await db
    .insert(webhookRefusals)
    .values({ ...key, count: 1 })
    .onConflictDoUpdate({
      target: [webhookRefusals.tenantId, webhookRefusals.windowStart, webhookRefusals.channel, webhookRefusals.reason],
      set: { count: sql`${webhookRefusals.count} + 1` },
    })
    .returning({ count: webhookRefusals.count });
  return rows[0]?.count ?? 1;
}

export async function listWebhookRefusals(db: Database, tenantId: string, since: Date): Promise<WebhookRefusalRow[]> {
  return db
    .select()
    .from(webhookRefusals)
    .where(and(eq(webhookRefusals.tenantId, tenantId), gte(webhookRefusals.windowStart, since)))
    .orderBy(desc(webhookRefusals.windowStart), webhookRefusals.channel, webhookRefusals.reason);
}

export async function tenantHasShops(db: Database, tenantId: string): Promise<boolean> {
  const rows = await db.select({ id: shops.id }).from(shops).where(eq(shops.tenantId, tenantId)).limit(1);
  return rows.length > 0;
}
