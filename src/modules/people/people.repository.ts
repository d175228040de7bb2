import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../../platform/db/index.ts';
import { handlingGroups } from './people.schema.ts';

export type GroupRow = typeof handlingGroups.$inferSelect;

export async function insertGroupIfAbsent(db: Database, row: GroupRow): Promise<GroupRow | null> {
  const rows = await db.insert(handlingGroups).values(row).onConflictDoNothing().returning();
  return rows[0] ?? null;
}

export async function listGroups(db: Database, tenantId: string): Promise<GroupRow[]> {
  return db.select().from(handlingGroups).where(eq(handlingGroups.tenantId, tenantId)).orderBy(asc(handlingGroups.code));
}

export async function groupCodesIn(db: Database, tenantId: string, codes: string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await db
    .select({ code: handlingGroups.code })
    .from(handlingGroups)
    .where(and(eq(handlingGroups.tenantId, tenantId), inArray(handlingGroups.code, codes)));
  return new Set(rows.map((r) => r.code));
}
