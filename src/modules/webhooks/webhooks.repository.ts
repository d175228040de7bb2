import { and, desc, eq, sql } from 'drizzle-orm';
import { cteParts, insertIntoMany, insertStatement, rowsOf, type CteParts, type Database } from '../../platform/db/index.ts';
import { instantFromDb } from '../../platform/time/instants.ts';
import { outboundCalls, webhookSecrets } from './webhooks.schema.ts';

export type OutboundCallRow = typeof outboundCalls.$inferSelect;
export type NewOutboundCallRow = typeof outboundCalls.$inferInsert;

export async function insertCalls(db: Database, rows: NewOutboundCallRow[]): Promise<void> {
  if (rows.length) await insertIntoMany(db, [[outboundCalls, rows]]);
}

/** The CTE `outbound`, writing these calls inside a larger statement. */
export function callsCte(rows: NewOutboundCallRow[]): CteParts {
  return cteParts(['outbound'], sql`outbound as (${insertStatement(outboundCalls, rows, { returning: 'id' })})`);
}

/**
 * Claims due calls of any tenant under a lease: each is due again at `leaseUntil`, so a process
 * that dies mid-call leaves it to be sent again later. SKIP LOCKED lets processes share the work.
 */
export async function claimDue(db: Database, now: Date, leaseUntil: Date, limit: number): Promise<OutboundCallRow[]> {
  const result = await db.execute(sql`
    with due as (
      select tenant_id, id from outbound_calls
      where status = 'pending' and due_at <= ${now.toISOString()}::timestamptz
      order by due_at
      limit ${limit}
      for update skip locked
    )
    update outbound_calls c set due_at = ${leaseUntil.toISOString()}::timestamptz
    from due where c.tenant_id = due.tenant_id and c.id = due.id
    returning c.tenant_id, c.id, c.url, c.event, c.body, c.attempts, c.created_at`);
  return rowsOf(result).map((r) => ({
    tenantId: String(r.tenant_id), id: String(r.id), url: String(r.url), event: String(r.event), body: r.body as Record<string, unknown>,
    status: 'pending', attempts: Number(r.attempts), dueAt: leaseUntil, lastError: null, lastStatus: null, createdAt: instantFromDb(r.created_at as string | Date), sentAt: null,
  }));
}

export async function recordAttempt(db: Database, tenantId: string, id: string, patch: Partial<NewOutboundCallRow>): Promise<void> {
  await db.update(outboundCalls).set(patch).where(and(eq(outboundCalls.tenantId, tenantId), eq(outboundCalls.id, id)));
}

export async function listCalls(db: Database, tenantId: string, limit: number, before?: { createdAt: Date; id: string }): Promise<OutboundCallRow[]> {
  const where = [eq(outboundCalls.tenantId, tenantId)];
  if (before) where.push(sql`(${outboundCalls.createdAt}, ${outboundCalls.id}) < (${before.createdAt.toISOString()}::timestamptz, ${before.id})`);
  return db.select().from(outboundCalls).where(and(...where)).orderBy(desc(outboundCalls.createdAt), desc(outboundCalls.id)).limit(limit);
}

export async function findSecret(db: Database, tenantId: string): Promise<string | null> {
  const rows = await db.select().from(webhookSecrets).where(eq(webhookSecrets.tenantId, tenantId));
  return rows[0]?.sealed ?? null;
}

/** Keeps the first secret written: two processes making one at once end up with the same. */
export async function insertSecretIfAbsent(db: Database, tenantId: string, sealed: string, at: Date): Promise<void> {
  await db.insert(webhookSecrets).values({ tenantId, sealed, createdAt: at }).onConflictDoNothing();
}

export async function replaceSecret(db: Database, tenantId: string, sealed: string, at: Date): Promise<void> {
  await db.insert(webhookSecrets).values({ tenantId, sealed, createdAt: at })
    .onConflictDoUpdate({ target: webhookSecrets.tenantId, set: { sealed, createdAt: at } });
}

