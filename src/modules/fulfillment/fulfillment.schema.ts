import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { RoutingDecision } from '../routing/routing.service.ts';
import type { DeliveryStatus, StoredNoticeStatus } from './delivery-orders.lifecycle.ts';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export interface DeliveryLine {
  lineNo: number;
  sku: string;
  quantity: number;
}

/**
 * 发货单: what one warehouse ships of one order, with the routing decision that sent it there.
 * It is also the outbox: a pending delivery order is a message the dispatcher owes the
 * warehouse's WMS, written in the transaction that reserves the order's stock.
 */
export const deliveryOrders = pgTable(
  'delivery_orders',
  {
    tenantId: text('tenant_id').notNull(),
    /** Our code, also the WMS's idempotency key (deliveryOrderCode). */
    code: text('code').notNull(),
    orderId: text('order_id').notNull(),
    warehouseCode: text('warehouse_code').notNull(),
    /** See delivery-orders.lifecycle. */
    status: text('status').$type<DeliveryStatus>().notNull(),
    lines: jsonb('lines').$type<DeliveryLine[]>().notNull(),
    decision: jsonb('decision').$type<RoutingDecision>().notNull(),
    /** The warehouse's work day it counts toward (its capacity). */
    workDay: text('work_day').notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** When the dispatcher sends it next (pending only). */
    nextAttemptAt: instant('next_attempt_at'),
    /** A dispatcher is sending it until then; after, another may. */
    leaseUntil: instant('lease_until'),
    lastError: text('last_error'),
    wmsId: text('wms_id'),
    carrier: text('carrier'),
    trackingNo: text('tracking_no'),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
    acceptedAt: instant('accepted_at'),
    shippedAt: instant('shipped_at'),
    /** Telling the channel it shipped (carrier, tracking): see noticeLifecycle in delivery-orders.lifecycle; null until it ships. */
    noticeStatus: text('notice_status').$type<StoredNoticeStatus>(),
    noticeAttempts: integer('notice_attempts').notNull().default(0),
    noticeNextAt: instant('notice_next_at'),
    noticeLeaseUntil: instant('notice_lease_until'),
    noticeError: text('notice_error'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.code] }),
    index('delivery_orders_order').on(t.tenantId, t.orderId),
    index('delivery_orders_due').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('delivery_orders_status').on(t.tenantId, t.status, t.updatedAt),
    index('delivery_orders_notice_due').on(t.noticeNextAt).where(sql`${t.noticeStatus} = 'due'`),
  ],
);

/** Delivery orders per warehouse and work day, against its daily capacity. */
export const warehouseLoads = pgTable(
  'warehouse_loads',
  {
    tenantId: text('tenant_id').notNull(),
    warehouseCode: text('warehouse_code').notNull(),
    workDay: text('work_day').notNull(),
    deliveryOrders: integer('delivery_orders').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.warehouseCode, t.workDay] })],
);

/** Messages a WMS sent us, kept by their business code so that one sent again is taken once. */
export const wmsInbound = pgTable(
  'wms_inbound',
  {
    tenantId: text('tenant_id').notNull(),
    warehouseCode: text('warehouse_code').notNull(),
    /** outBizCode (Qimen) or the JSON message's own code. */
    outBizCode: text('out_biz_code').notNull(),
    method: text('method').notNull(),
    receivedAt: instant('received_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.warehouseCode, t.outBizCode] })],
);

/** Something a person must look at (a delivery order that could not be pushed). */
export const alerts = pgTable(
  'alerts',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    kind: text('kind').notNull(),
    /** What it is about, e.g. a delivery order code. */
    subject: text('subject').notNull(),
    message: text('message').notNull(),
    raisedAt: instant('raised_at').notNull(),
    acknowledgedAt: instant('acknowledged_at'),
    acknowledgedBy: text('acknowledged_by'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('alerts_open').on(t.tenantId, t.raisedAt).where(sql`${t.acknowledgedAt} is null`)],
);
