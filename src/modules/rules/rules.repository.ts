import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/index.ts';
import { rules, ruleSets, ruleVersions } from './rules.schema.ts';

export type RuleRow = typeof rules.$inferSelect;
export type NewRuleRow = typeof rules.$inferInsert;
export type RuleVersionRow = typeof ruleVersions.$inferSelect;

/** The set's version, or null for a tenant whose rule set was never made. */
export async function setVersion(db: Database, tenantId: string): Promise<number | null> {
  const rows = await db.select({ version: ruleSets.version }).from(ruleSets).where(eq(ruleSets.tenantId, tenantId));
  return rows[0]?.version ?? null;
}

/** Makes the tenant's rule set at version 1; false when it exists already (another process made it). */
export async function createSet(db: Database, tenantId: string, at: Date, by: string): Promise<boolean> {
  const rows = await db.insert(ruleSets).values({ tenantId, version: 1, updatedAt: at, updatedBy: by }).onConflictDoNothing().returning();
  return rows.length === 1;
}

/** Locks the set and moves it to its next version: every change to a rule goes through here, one at a time per tenant. */
export async function bumpSet(db: Database, tenantId: string, at: Date, by: string): Promise<number> {
  const rows = await db
    .update(ruleSets)
    .set({ version: sql`${ruleSets.version} + 1`, updatedAt: at, updatedBy: by })
    .where(eq(ruleSets.tenantId, tenantId))
    .returning({ version: ruleSets.version });
  return rows[0]!.version;
}

export async function list(db: Database, tenantId: string): Promise<RuleRow[]> {
  return db.select().from(rules).where(eq(rules.tenantId, tenantId)).orderBy(asc(rules.position), asc(rules.id));
}

export async function find(db: Database, tenantId: string, id: string): Promise<RuleRow | null> {
  const rows = await db.select().from(rules).where(and(eq(rules.tenantId, tenantId), eq(rules.id, id)));
  return rows[0] ?? null;
}

export async function insert(db: Database, row: NewRuleRow): Promise<RuleRow> {
  const rows = await db.insert(rules).values(row).returning();
  return rows[0]!;
}

export async function update(db: Database, tenantId: string, id: string, patch: Partial<NewRuleRow>): Promise<RuleRow> {
  const rows = await db.update(rules).set(patch).where(and(eq(rules.tenantId, tenantId), eq(rules.id, id))).returning();
  return rows[0]!;
}

export async function remove(db: Database, tenantId: string, id: string): Promise<void> {
  await db.delete(rules).where(and(eq(rules.tenantId, tenantId), eq(rules.id, id)));
}

/** Moves the rules at or after `from` one place down, to make room. */
export async function shiftDown(db: Database, tenantId: string, from: number): Promise<void> {
  await db.update(rules).set({ position: sql`${rules.position} + 1` }).where(and(eq(rules.tenantId, tenantId), sql`${rules.position} >= ${from}`));
}

export async function recordVersion(db: Database, row: RuleVersionRow): Promise<void> {
  await db.insert(ruleVersions).values(row);
}

export async function versions(db: Database, tenantId: string, ruleId: string): Promise<RuleVersionRow[]> {
  return db
    .select()
    .from(ruleVersions)
    .where(and(eq(ruleVersions.tenantId, tenantId), eq(ruleVersions.ruleId, ruleId)))
    .orderBy(desc(ruleVersions.version));
}
