import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { cteParts, insertRows, insertStatement, type CteParts, type Database } from '../../platform/db/index.ts';
import { businessCalendars, calendarDays, timeConversions } from './time.schema.ts';

export type CalendarRow = typeof businessCalendars.$inferSelect;
export type NewCalendarRow = typeof businessCalendars.$inferInsert;
export type CalendarDayRow = typeof calendarDays.$inferSelect;
export type TimeConversionRow = typeof timeConversions.$inferSelect;
export type NewTimeConversionRow = typeof timeConversions.$inferInsert;

export async function listCalendars(db: Database, tenantId: string): Promise<CalendarRow[]> {
  return db.select().from(businessCalendars).where(eq(businessCalendars.tenantId, tenantId)).orderBy(asc(businessCalendars.code));
}

export async function findCalendars(db: Database, tenantId: string, codes: string[]): Promise<CalendarRow[]> {
  if (codes.length === 0) return [];
  return db.select().from(businessCalendars).where(and(eq(businessCalendars.tenantId, tenantId), inArray(businessCalendars.code, codes)));
}

export async function daysOf(db: Database, tenantId: string, codes: string[]): Promise<CalendarDayRow[]> {
  if (codes.length === 0) return [];
  return db.select().from(calendarDays).where(and(eq(calendarDays.tenantId, tenantId), inArray(calendarDays.calendarCode, codes))).orderBy(asc(calendarDays.date));
}

/** Adds a calendar; false when its code is taken. */
export async function insertCalendar(db: Database, row: NewCalendarRow): Promise<boolean> {
  const rows = await db.insert(businessCalendars).values(row).onConflictDoNothing().returning({ code: businessCalendars.code });
  return rows.length === 1;
}

/** Changes a calendar, locked; null when there is none of that code. */
export async function updateCalendar(db: Database, tenantId: string, code: string, patch: Partial<NewCalendarRow>): Promise<CalendarRow | null> {
  const rows = await db.update(businessCalendars).set(patch).where(and(eq(businessCalendars.tenantId, tenantId), eq(businessCalendars.code, code))).returning();
  return rows[0] ?? null;
}

/** Sets days (a later write of a date replaces the earlier one). */
export async function upsertDays(db: Database, rows: (typeof calendarDays.$inferInsert)[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(calendarDays).values(rows).onConflictDoUpdate({
    target: [calendarDays.tenantId, calendarDays.calendarCode, calendarDays.date],
    set: { kind: sql`excluded.kind`, name: sql`excluded.name`, hours: sql`excluded.hours`, source: sql`excluded.source`, updatedAt: sql`excluded.updated_at` },
  });
}

export async function deleteDays(db: Database, tenantId: string, code: string, dates: string[]): Promise<void> {
  if (dates.length === 0) return;
  await db.delete(calendarDays).where(and(eq(calendarDays.tenantId, tenantId), eq(calendarDays.calendarCode, code), inArray(calendarDays.date, dates)));
}

const once = ['tenantId', 'orderId', 'boundary', 'fingerprint'];

/** The CTE `conversions`, recording these inside a larger statement (a planned intake batch). */
export function conversionsCte(rows: NewTimeConversionRow[]): CteParts {
  return cteParts(['conversions'], sql`conversions as (${insertStatement(timeConversions, rows, { skipConflictsOn: once, returning: 'orderId' })})`);
}

/** Records conversions; one recorded before (the same message read again, the same delivery order sent again) is skipped. */
export async function insertConversions(db: Database, rows: NewTimeConversionRow[]): Promise<void> {
  if (rows.length === 0) return;
  await insertRows(db, timeConversions, rows, { skipConflictsOn: once });
}

export async function conversionsOf(db: Database, tenantId: string, orderId: string): Promise<TimeConversionRow[]> {
  return db.select().from(timeConversions).where(and(eq(timeConversions.tenantId, tenantId), eq(timeConversions.orderId, orderId))).orderBy(asc(timeConversions.recordedAt));
}

/** Tenants that keep at least one calendar. */
export async function tenantsWithCalendars(db: Database): Promise<string[]> {
  const rows = await db.selectDistinct({ tenantId: businessCalendars.tenantId }).from(businessCalendars);
  return rows.map((r) => r.tenantId);
}
