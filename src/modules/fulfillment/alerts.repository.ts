import { and, desc, eq, isNull } from 'drizzle-orm';
import { insertRows, type Database } from '../../platform/db/index.ts';
import { alerts } from './fulfillment.schema.ts';

export type AlertRow = typeof alerts.$inferSelect;
export type NewAlertRow = typeof alerts.$inferInsert;

export async function insertAlerts(db: Database, rows: NewAlertRow[]): Promise<void> {
  await insertRows(db, alerts, rows);
}

export async function listOpen(db: Database, tenantId: string, limit: number): Promise<AlertRow[]> {
  return db.select().from(alerts).where(and(eq(alerts.tenantId, tenantId), isNull(alerts.acknowledgedAt))).orderBy(desc(alerts.raisedAt)).limit(limit);
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
