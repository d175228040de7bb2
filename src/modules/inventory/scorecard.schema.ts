import { boolean, date, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** 库存健康: one row per platform per operating day. */
export const inventoryHealthDays = pgTable(
  'inventory_health_days',
  {
    tenantId: text('tenant_id').notNull(),
    channel: text('channel').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    /** No push failing longer than the SLA and no drift between what was pushed and what the channel shows. */
    accurate: boolean('accurate').notNull(),
    oversellCount: integer('oversell_count').notNull(),
    stalePushes: integer('stale_pushes').notNull().default(0),
    driftSkus: integer('drift_skus').notNull().default(0),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    recordedAt: instant('recorded_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.channel, t.day] })],
);

/** A platform whose new listings are paused (暂停上新) until an admin clears it. */
export const listingPauses = pgTable(
  'listing_pauses',
  {
    tenantId: text('tenant_id').notNull(),
    channel: text('channel').notNull(),
    paused: boolean('paused').notNull(),
    reason: text('reason'),
    pausedAt: instant('paused_at'),
    clearedAt: instant('cleared_at'),
    clearedBy: text('cleared_by'),
    /** Scores of the two weeks that caused the pause. */
    weeklyScores: jsonb('weekly_scores').$type<number[]>(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.channel] })],
);
