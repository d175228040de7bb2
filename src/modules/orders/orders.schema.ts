import { sql } from 'drizzle-orm';
import {
  bigint,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { waitingForWarehouse, type OrderStatus } from './orders.lifecycle.ts';
import type { Priority } from './orders.priority.ts';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const fen = (name: string) => bigint(name, { mode: 'number' });

export const orders = pgTable(
  'orders',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    channel: text('channel').notNull(),
    shopId: text('shop_id').notNull(),
    /** The channel's own order id, always a string: several platforms exceed 2^53. */
    channelOrderId: text('channel_order_id').notNull(),
    /** The channel's status word as last received, before mapping. */
    channelStatus: text('channel_status').notNull(),
    buyerRef: text('buyer_ref'),
    /** See orders.lifecycle. */
    status: text('status').$type<OrderStatus>().notNull(),
    /** Why the order is on hold or in exception: a StopReason (orders.lifecycle) when the platform stopped it, a person's words when they did. */
    statusReason: text('status_reason'),
    /** The status an order had when it was put on hold or into exception. */
    heldFrom: text('held_from').$type<OrderStatus>(),
    /** Why the channel does not let this paid order ship yet, as its last message said (ChannelHold); null when it may. */
    channelHold: text('channel_hold'),
    priority: text('priority').$type<Priority>().notNull(),
    /** Who set the tier by hand; from then on rules and channel news leave it as it is. Null when rules or the channel set it. */
    prioritySetBy: text('priority_set_by'),
    /** The handling group (处理组) the order goes to, as a rule or a person decided. */
    handlingGroup: text('handling_group'),
    /** Warehouses rules asked routing to prefer or avoid for this order, whenever it is routed; null when none did. */
    routingSteer: jsonb('routing_steer').$type<{ prefer: string[]; avoid: string[] }>(),
    currency: text('currency').notNull(),
    goodsFen: fen('goods_fen').notNull(),
    shippingFen: fen('shipping_fen').notNull(),
    discountFen: fen('discount_fen').notNull(),
    totalFen: fen('total_fen').notNull(),
    receiverName: text('receiver_name').notNull(),
    receiverPhone: text('receiver_phone').notNull(),
    receiverCountry: text('receiver_country').notNull(),
    receiverProvince: text('receiver_province').notNull(),
    receiverCity: text('receiver_city').notNull(),
    receiverDistrict: text('receiver_district'),
    receiverAddress: text('receiver_address').notNull(),
    receiverPostcode: text('receiver_postcode'),
    /** The receiver's IANA zone: as given, else the region pack's for their country and province; null where no pack knows it. */
    receiverTimeZone: text('receiver_time_zone'),
    /** National division codes (GB/T 2260), as given by the channel or integrator. */
    provinceCode: text('province_code'),
    cityCode: text('city_code'),
    districtCode: text('district_code'),
    receiverNameMasked: text('receiver_name_masked').notNull(),
    receiverPhoneMasked: text('receiver_phone_masked').notNull(),
    receiverAddressMasked: text('receiver_address_masked').notNull(),
    /** When a person last corrected the receiver; from then on the channel's receiver no longer replaces it. */
    receiverCorrectedAt: instant('receiver_corrected_at'),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    buyerMessage: text('buyer_message'),
    sellerMemo: text('seller_memo'),
    orderedAt: instant('ordered_at').notNull(),
    paidAt: instant('paid_at'),
    channelModifiedAt: instant('channel_modified_at').notNull(),
    /** Must enter processing by this instant (the priority tier's promise). */
    processBy: instant('process_by').notNull(),
    /** Must leave the warehouse by this instant, when the channel promises a ship time. */
    shipBy: instant('ship_by'),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('orders_channel_key').on(t.tenantId, t.channel, t.shopId, t.channelOrderId),
    index('orders_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
    index('orders_tenant_status_idx').on(t.tenantId, t.status, t.processBy),
    // Finding an order by the id a buyer or marketplace quotes, without knowing its shop.
    index('orders_channel_order_idx').on(t.tenantId, t.channelOrderId),
    // The order board: orders waiting for a warehouse, deadline first (board.repository writes the same list).
    index('orders_board_idx')
      .on(t.tenantId, t.processBy, t.id)
      .where(sql.raw(`status in (${waitingForWarehouse.map((s) => `'${s}'`).join(', ')})`)),
  ],
);

export const orderLines = pgTable(
  'order_lines',
  {
    tenantId: text('tenant_id').notNull(),
    orderId: text('order_id').notNull(),
    lineNo: integer('line_no').notNull(),
    channelLineId: text('channel_line_id'),
    sku: text('sku').notNull(),
    title: text('title'),
    quantity: integer('quantity').notNull(),
    unitPriceFen: fen('unit_price_fen').notNull(),
    amountFen: fen('amount_fen').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.orderId, t.lineNo] })],
);

/** The audit trail of every order: one row per change, never updated. */
export const orderEvents = pgTable(
  'order_events',
  {
    tenantId: text('tenant_id').notNull(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    orderId: text('order_id').notNull(),
    at: instant('at').notNull(),
    actorKind: text('actor_kind').notNull(),
    actorId: text('actor_id').notNull(),
    type: text('type').notNull(),
    fromStatus: text('from_status').$type<OrderStatus>(),
    toStatus: text('to_status').$type<OrderStatus>(),
    reason: text('reason'),
    data: jsonb('data').$type<Record<string, unknown>>(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('order_events_order_idx').on(t.tenantId, t.orderId, t.id)],
);

/** A tenant's priority tiers (优先级): how long an order of each tier may wait before processing starts, and its colour on the board. */
export const priorityTiers = pgTable(
  'priority_tiers',
  {
    tenantId: text('tenant_id').notNull(),
    tier: text('tier').$type<Priority>().notNull(),
    windowMinutes: integer('window_minutes').notNull(),
    colour: text('colour').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.tier] })],
);
