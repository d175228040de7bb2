import { and, count, desc, eq, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import { executeNamed, type Database } from '../../platform/db/index.ts';
import { alerts } from './fulfillment.schema.ts';

export type AlertRow = typeof alerts.$inferSelect;
export type NewAlertRow = typeof alerts.$inferInsert & { since?: Date | null };

/**
 * Raises alerts in one statement, each unless one of its kind about its subject is still open, or
 * was raised at or after its `since` (acknowledged or not): a person hears of a thing once.
 */
export async function insertAlerts(db: Database, rows: NewAlertRow[]): Promise<void> {
  if (rows.length === 0) return;
  const payload = JSON.stringify(rows.map((r) => ({
    tenant_id: r.tenantId, id: r.id, kind: r.kind, subject: r.subject, message: r.message, warehouse_code: r.warehouseCode ?? null,
    order_id: r.orderId ?? null, raised_at: r.raisedAt.toISOString(), since: r.since?.toISOString() ?? null,
  })));
  await executeNamed(db, sql`
    insert into alerts (tenant_id, id, kind, subject, message, warehouse_code, order_id, raised_at)
    select distinct on (r.kind, r.subject) r.tenant_id, r.id, r.kind, r.subject, r.message, r.warehouse_code, r.order_id, r.raised_at
    from json_to_recordset(${payload}::json) as r(tenant_id text, id text, kind text, subject text, message text, warehouse_code text, order_id text, raised_at timestamptz, since timestamptz)
    where not exists (
      select 1 from alerts x
      where x.tenant_id = r.tenant_id and x.subject = r.subject and x.kind = r.kind and (x.acknowledged_at is null or x.raised_at >= r.since)
    )
    order by r.kind, r.subject, r.id`);
}

export interface AlertFilter {
  kind?: string;
  status?: 'open' | 'acknowledged';
  warehouseCode?: string;
  orderId?: string;
  /** Keyset position: rows strictly after this (raised_at, id) in newest-first order. */
  after?: { raisedAt: Date; id: string };
  limit: number;
}

function conditions(tenantId: string, filter: Omit<AlertFilter, 'limit' | 'after'>): SQL[] {
  const where = [eq(alerts.tenantId, tenantId)];
  if (filter.kind) where.push(eq(alerts.kind, filter.kind));
  where.push(filter.status === 'acknowledged' ? isNotNull(alerts.acknowledgedAt) : isNull(alerts.acknowledgedAt));
  if (filter.warehouseCode) where.push(eq(alerts.warehouseCode, filter.warehouseCode));
  if (filter.orderId) where.push(eq(alerts.orderId, filter.orderId));
  return where;
}

/** Newest first, a page at a time. */
export async function list(db: Database, tenantId: string, filter: AlertFilter): Promise<AlertRow[]> {
  const where = conditions(tenantId, filter);
  if (filter.after) where.push(sql`(${alerts.raisedAt}, ${alerts.id}) < (${filter.after.raisedAt.toISOString()}::timestamptz, ${filter.after.id})`);
  return db.select().from(alerts).where(and(...where)).orderBy(desc(alerts.raisedAt), desc(alerts.id)).limit(filter.limit);
}

/** How many alerts of each kind the filter finds. */
export async function countByKind(db: Database, tenantId: string, filter: Omit<AlertFilter, 'limit' | 'after' | 'kind'>): Promise<{ kind: string; count: number }[]> {
  const rows = await db.select({ kind: alerts.kind, count: count() }).from(alerts).where(and(...conditions(tenantId, filter))).groupBy(alerts.kind).orderBy(alerts.kind);
  return rows.map((r) => ({ kind: r.kind, count: Number(r.count) }));
}

export async function acknowledge(db: Database, tenantId: string, id: string, by: string, at: Date): Promise<AlertRow | null> {
  const rows = await db.update(alerts).set({ acknowledgedAt: at, acknowledgedBy: by })
    .where(and(eq(alerts.tenantId, tenantId), eq(alerts.id, id))).returning();
  return rows[0] ?? null;
}

export async function acknowledgeSubject(db: Database, tenantId: string, subject: string, by: string, at: Date): Promise<void> {
  await db.update(alerts).set({ acknowledgedAt: at, acknowledgedBy: by })
    .where(and(eq(alerts.tenantId, tenantId), eq(alerts.subject, subject), isNull(alerts.acknowledgedAt)));
}

/** Alerts raised after this id (ids are time-ordered), oldest first: what the live feed sends. */
export async function alertsAfter(db: Database, tenantId: string, afterId: string, limit: number): Promise<AlertRow[]> {
  return db.select().from(alerts).where(and(eq(alerts.tenantId, tenantId), sql`${alerts.id} > ${afterId}`)).orderBy(alerts.id).limit(limit);
}

/** The newest alert's id, '' when there is none. */
export async function lastAlertId(db: Database, tenantId: string): Promise<string> {
  const rows = await db.select({ id: sql<string | null>`max(${alerts.id})` }).from(alerts).where(eq(alerts.tenantId, tenantId));
  return rows[0]?.id ?? '';
}
