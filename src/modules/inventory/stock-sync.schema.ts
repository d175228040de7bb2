import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** A SKU sold in a shop (商品上架): its stock is pushed to that shop. */
export const channelListings = pgTable(
  'channel_listings',
  {
    tenantId: text('tenant_id').notNull(),
    shopId: text('shop_id').notNull(),
    sku: text('sku').notNull(),
    channel: text('channel').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.shopId, t.sku] }), index('channel_listings_sku_idx').on(t.tenantId, t.sku)],
);

/**
 * How much of the stock a shop may sell (库存同步规则). `sku = '*'` is the shop's rule; a row for a
 * SKU overrides it. Quantity = floor(available × percent / 100 + plus) clamped to [min, max], over
 * the listed warehouses (all when null), or `fixedQuota` when set.
 */
export const stockSyncRules = pgTable(
  'stock_sync_rules',
  {
    tenantId: text('tenant_id').notNull(),
    shopId: text('shop_id').notNull(),
    sku: text('sku').notNull().default('*'),
    percent: integer('percent').notNull().default(100),
    plus: integer('plus').notNull().default(0),
    minQty: integer('min_qty'),
    maxQty: integer('max_qty'),
    warehouseCodes: text('warehouse_codes').array(),
    fixedQuota: integer('fixed_quota'),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.shopId, t.sku] })],
);

/**
 * One row per shop × SKU: the coalesced stock push. A change marks it due; a sender leases it,
 * computes the latest quantity at send time and pushes it, so at most one push per shop × SKU is
 * in flight and the latest value wins.
 */
export const stockPushes = pgTable(
  'stock_pushes',
  {
    tenantId: text('tenant_id').notNull(),
    shopId: text('shop_id').notNull(),
    sku: text('sku').notNull(),
    channel: text('channel').notNull(),
    /** When the next push should go; null when the channel has the latest figure. */
    dueAt: instant('due_at'),
    /** Bumped by every change, so a push that raced a newer change leaves the row due. */
    changeSeq: integer('change_seq').notNull().default(0),
    leaseUntil: instant('lease_until'),
    attempts: integer('attempts').notNull().default(0),
    lastPushedQty: integer('last_pushed_qty'),
    lastPushedAt: instant('last_pushed_at'),
    lastError: text('last_error'),
    /** Set at the first failed attempt, cleared by a success: how long the channel has been stale. */
    failingSince: instant('failing_since'),
    /** What the channel last said it shows, when it says (drift check). */
    channelQty: integer('channel_qty'),
    channelQtyAt: instant('channel_qty_at'),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.shopId, t.sku] }),
    index('stock_pushes_due_idx').on(t.dueAt).where(sql`${t.dueAt} is not null`),
  ],
);
