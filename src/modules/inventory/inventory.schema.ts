import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * One row per SKU × warehouse: the book. `available = on_hand − reserved`. Every change to these
 * two figures is a row in `stock_movements` written in the same transaction, so the levels always
 * equal the ledger's sums (`oms inventory verify`).
 */
export const stockLevels = pgTable(
  'stock_levels',
  {
    tenantId: text('tenant_id').notNull(),
    sku: text('sku').notNull(),
    warehouseCode: text('warehouse_code').notNull(),
    /** 实物库存: units physically in the warehouse. */
    onHand: integer('on_hand').notNull().default(0),
    /** 占用库存: units promised to orders not yet shipped. */
    reserved: integer('reserved').notNull().default(0),
    /** 安全库存 for this warehouse; null takes the SKU's figure. */
    safetyStock: integer('safety_stock'),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.sku, t.warehouseCode] }),
    check('stock_levels_on_hand_nonnegative', sql`${t.onHand} >= 0`),
    check('stock_levels_reserved_nonnegative', sql`${t.reserved} >= 0`),
  ],
);

/** Per-SKU settings that hold across warehouses. */
export const skuStockSettings = pgTable(
  'sku_stock_settings',
  {
    tenantId: text('tenant_id').notNull(),
    sku: text('sku').notNull(),
    /** 安全库存: when available falls to this, every channel's sellable quantity is cut to zero. */
    safetyStock: integer('safety_stock').notNull().default(0),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.sku] }), check('sku_stock_settings_safety_nonnegative', sql`${t.safetyStock} >= 0`)],
);

/** 库存流水: the ledger. Never updated or deleted. */
export const stockMovements = pgTable(
  'stock_movements',
  {
    tenantId: text('tenant_id').notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    sku: text('sku').notNull(),
    warehouseCode: text('warehouse_code').notNull(),
    /** receipt | adjustment | reservation | release | shipment | count_correction | wms_report */
    kind: text('kind').notNull(),
    onHandDelta: integer('on_hand_delta').notNull(),
    reservedDelta: integer('reserved_delta').notNull(),
    reason: text('reason').notNull(),
    /** What caused it: an order id, a count task, a receipt number, a WMS report. */
    reference: text('reference'),
    actorKind: text('actor_kind').notNull(),
    actorId: text('actor_id').notNull(),
    at: instant('at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('stock_movements_level_idx').on(t.tenantId, t.sku, t.warehouseCode, t.id),
    index('stock_movements_reference_idx').on(t.tenantId, t.reference),
  ],
);

/** Units held for one order line at one warehouse until shipped, released or expired. */
export const reservations = pgTable(
  'reservations',
  {
    tenantId: text('tenant_id').notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    orderId: text('order_id').notNull(),
    lineNo: integer('line_no').notNull(),
    sku: text('sku').notNull(),
    warehouseCode: text('warehouse_code').notNull(),
    quantity: integer('quantity').notNull(),
    /** active | released | expired | shipped */
    status: text('status').notNull(),
    /** The channel the order came from, for per-channel expiry and the health scorecard. */
    channel: text('channel').notNull(),
    /** null: held until shipped or released. */
    expiresAt: instant('expires_at'),
    createdAt: instant('created_at').notNull(),
    endedAt: instant('ended_at'),
    endReason: text('end_reason'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('reservations_order_idx').on(t.tenantId, t.orderId),
    index('reservations_due_idx').on(t.expiresAt).where(sql`${t.status} = 'active' and ${t.expiresAt} is not null`),
    check('reservations_quantity_positive', sql`${t.quantity} > 0`),
  ],
);

/**
 * 超卖: an order the channel accepted that could not be filled. Counted per channel per day by the
 * health scorecard.
 */
export const oversells = pgTable(
  'oversells',
  {
    tenantId: text('tenant_id').notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    channel: text('channel').notNull(),
    shopId: text('shop_id').notNull(),
    orderId: text('order_id').notNull(),
    /** SKU → units that could not be reserved. */
    shortUnits: jsonb('short_units').$type<Record<string, number>>().notNull(),
    at: instant('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('oversells_channel_at_idx').on(t.tenantId, t.channel, t.at)],
);

/** Reservation lifetimes: per channel (or `*`), per order state, in seconds; null holds until shipped. */
export type ReservationTtl = Record<string, { unpaid?: number | null; paid?: number | null }>;

/** A tenant's inventory settings, edited through the API. */
export const inventorySettings = pgTable('inventory_settings', {
  tenantId: text('tenant_id').primaryKey(),
  /** exception: an unfillable order stops as out_of_stock; backorder: it waits for stock. */
  shortagePolicy: text('shortage_policy').notNull().default('exception'),
  reservationTtl: jsonb('reservation_ttl').$type<ReservationTtl>().notNull().default({ '*': { unpaid: 1800, paid: null } }),
  /** A stock push still failing after this long makes the day inaccurate on the scorecard. */
  pushSlaSeconds: integer('push_sla_seconds').notNull().default(300),
  /** Local time (HH:MM, in each warehouse's zone) the daily reconciliation runs. */
  reconcileAt: text('reconcile_at').notNull().default('02:00'),
  /** Difference, in basis points of the book figure, above which a count task opens (300 = 3%). */
  reconcileThresholdBp: integer('reconcile_threshold_bp').notNull().default(300),
  scoreWeightAccuracy: integer('score_weight_accuracy').notNull().default(70),
  scoreWeightOversell: integer('score_weight_oversell').notNull().default(30),
  /** Below this score for two consecutive weeks, a platform's new listings are paused. */
  pauseBelowScore: integer('pause_below_score').notNull().default(70),
  updatedAt: instant('updated_at').notNull(),
});
