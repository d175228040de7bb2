import { eq } from 'drizzle-orm';
import type { Database } from '../../platform/db/index.ts';
import { routingSettings } from './routing.schema.ts';

export type RoutingSettingsRow = typeof routingSettings.$inferSelect;

export async function findSettings(db: Database, tenantId: string): Promise<RoutingSettingsRow | null> {
  const rows = await db.select().from(routingSettings).where(eq(routingSettings.tenantId, tenantId));
  return rows[0] ?? null;
}

export async function upsertSettings(db: Database, row: typeof routingSettings.$inferInsert): Promise<RoutingSettingsRow> {
  const { tenantId: _tenant, ...set } = row;
  const rows = await db.insert(routingSettings).values(row).onConflictDoUpdate({ target: routingSettings.tenantId, set }).returning();
  return rows[0]!;
}
