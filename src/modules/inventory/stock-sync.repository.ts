import { sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/index.ts';

/**
 * Marks every shop listing these SKUs as due for a stock push. A row already due stays due at its
 * first time, so a burst of changes becomes one push carrying the latest figure.
 */
export async function markDue(db: Database, tenantId: string, skus: string[], at: Date): Promise<void> {
  if (skus.length === 0) return;
  const sorted = [...new Set(skus)].sort();
  await db.execute(sql`
    insert into stock_pushes (tenant_id, shop_id, sku, channel, due_at, updated_at)
    select l.tenant_id, l.shop_id, l.sku, l.channel, ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz
    from channel_listings l
    where l.tenant_id = ${tenantId} and l.active and l.sku in (select jsonb_array_elements_text(${JSON.stringify(sorted)}::jsonb))
    order by l.shop_id collate "C", l.sku collate "C"
    on conflict (tenant_id, shop_id, sku) do update
      set due_at = excluded.due_at, change_seq = stock_pushes.change_seq + 1, updated_at = excluded.updated_at
      where stock_pushes.due_at is null`);
}
