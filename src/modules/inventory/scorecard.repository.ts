import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import { rowsOf, type Database } from '../../platform/db/index.ts';
import { inventoryHealthDays } from './scorecard.schema.ts';

export type HealthDayRow = typeof inventoryHealthDays.$inferSelect;
export type NewHealthDayRow = typeof inventoryHealthDays.$inferInsert;

const stamp = (at: Date) => sql`${at.toISOString()}::timestamptz`;

/** Tenants with anything to score: a listing, a stock push or an oversell. A union, never a join across tenants. */
export async function tenantsWithInventoryActivity(db: Database): Promise<string[]> {
  const result = await db.execute(sql`
    select tenant_id from channel_listings
    union select tenant_id from stock_pushes
    union select tenant_id from oversells
    order by 1`);
  return rowsOf(result).map((r) => String(r.tenant_id));
}

/** Channels with an active listing created before `before`. */
export async function listedChannels(db: Database, tenantId: string, before: Date): Promise<string[]> {
  const result = await db.execute(sql`
    select distinct channel from channel_listings
    where tenant_id = ${tenantId} and active and created_at < ${stamp(before)}`);
  return rowsOf(result).map((r) => String(r.channel));
}

export interface PushHealth {
  channel: string;
  pushRows: number;
  stalePushes: number;
  driftSkus: number;
  /** Up to 20 "shop/sku" keys of each kind, for the operator. */
  staleSample: string[];
  driftSample: string[];
}

/**
 * Per channel, as of `at`: pushes still failing since before `staleBefore` (failing longer than the
 * SLA), and SKUs whose channel figure differs from what was last pushed while no push is pending
 * (a pending push is expected to differ). A channel figure reported after `at` says nothing about
 * `at` and is left out.
 */
export async function pushHealth(db: Database, tenantId: string, at: Date, staleBefore: Date): Promise<PushHealth[]> {
  const stale = sql`failing_since is not null and failing_since < ${stamp(staleBefore)}`;
  const drift = sql`channel_qty is not null and channel_qty is distinct from last_pushed_qty and due_at is null
    and (channel_qty_at is null or channel_qty_at <= ${stamp(at)})`;
  const key = sql`shop_id || '/' || sku`;
  const result = await db.execute(sql`
    select channel,
      count(*)::int as push_rows,
      (count(*) filter (where ${stale}))::int as stale_pushes,
      (count(*) filter (where ${drift}))::int as drift_skus,
      coalesce((array_agg(${key} order by ${key}) filter (where ${stale}))[1:20], '{}') as stale_sample,
      coalesce((array_agg(${key} order by ${key}) filter (where ${drift}))[1:20], '{}') as drift_sample
    from stock_pushes
    where tenant_id = ${tenantId}
    group by channel`);
  return rowsOf(result).map((r) => ({
    channel: String(r.channel),
    pushRows: Number(r.push_rows),
    stalePushes: Number(r.stale_pushes),
    driftSkus: Number(r.drift_skus),
    staleSample: textArray(r.stale_sample),
    driftSample: textArray(r.drift_sample),
  }));
}

/** Drivers return text[] as an array, or as the literal '{a,b}' when the type is not known to them. */
function textArray(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string' && value.startsWith('{')) {
    const inner = value.slice(1, -1);
    return inner ? inner.split(',').map((s) => s.replace(/^"|"$/g, '')) : [];
  }
  return [];
}

/**
 * Upserts day records. A day is sampled many times while it runs and once more after it ends; it
 * stays inaccurate once any sample found a problem, keeping the worst counts and the detail of a
 * failing sample. Oversells are counted afresh each time, from their own table. Repeating a sample
 * changes nothing, so processes racing on the same day agree.
 */
export async function mergeDays(db: Database, rows: NewHealthDayRow[]): Promise<void> {
  if (rows.length === 0) return;
  const t = inventoryHealthDays;
  await db
    .insert(t)
    .values(rows)
    .onConflictDoUpdate({
      target: [t.tenantId, t.channel, t.day],
      set: {
        accurate: sql`${t.accurate} and excluded.accurate`,
        stalePushes: sql`greatest(${t.stalePushes}, excluded.stale_pushes)`,
        driftSkus: sql`greatest(${t.driftSkus}, excluded.drift_skus)`,
        oversellCount: sql`excluded.oversell_count`,
        detail: sql`case when ${t.accurate} or not excluded.accurate then excluded.detail else ${t.detail} end`,
        recordedAt: sql`greatest(${t.recordedAt}, excluded.recorded_at)`,
      },
    });
}

/** Day records between two days (inclusive), by channel then day. */
export async function daysBetween(db: Database, tenantId: string, from: string, to: string, channel?: string): Promise<HealthDayRow[]> {
  const t = inventoryHealthDays;
  return db
    .select()
    .from(t)
    .where(and(eq(t.tenantId, tenantId), gte(t.day, from), lte(t.day, to), channel ? eq(t.channel, channel) : undefined))
    .orderBy(asc(t.channel), asc(t.day));
}

/** Whether the day has been recorded after it ended (its final sample). */
export async function dayClosed(db: Database, tenantId: string, day: string, end: Date): Promise<boolean> {
  const t = inventoryHealthDays;
  const rows = await db
    .select({ day: t.day })
    .from(t)
    .where(and(eq(t.tenantId, tenantId), eq(t.day, day), gte(t.recordedAt, end)))
    .limit(1);
  return rows.length > 0;
}
