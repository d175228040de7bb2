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
    /** When its current run of failed attempts began (null while none): an alert is raised once it has lasted long enough. */
    failingSince: instant('failing_since'),
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

/**
 * Messages a WMS sent us, kept by their business code and what they are about, with a digest of
 * their content, so that one sent again is taken once. The subject is in the key because a WMS
 * restarted or replaced numbers its messages from scratch: its code alone names another message then.
 */
export const wmsInbound = pgTable(
  'wms_inbound',
  {
    tenantId: text('tenant_id').notNull(),
    warehouseCode: text('warehouse_code').notNull(),
    /** outBizCode (Qimen) or the JSON message's own code. */
    outBizCode: text('out_biz_code').notNull(),
    /** The delivery order a shipment is about, or the SKU of a stock change; '' for messages kept before subjects were. */
    subject: text('subject').notNull().default(''),
    /** sha256 of the message as read (protocol aside); '' for messages kept before digests were. */
    digest: text('digest').notNull().default(''),
    method: text('method').notNull(),
    receivedAt: instant('received_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.warehouseCode, t.outBizCode, t.subject] })],
);

/**
 * Every attempt to send a delivery order to its WMS, or to tell a marketplace it shipped, as it
 * went: kept whatever comes after (a success, a retry by hand), newest first per delivery order.
 */
export const deliveryAttempts = pgTable(
  'delivery_attempts',
  {
    tenantId: text('tenant_id').notNull(),
    deliveryCode: text('delivery_code').notNull(),
    /** Time-ordered (uuid v7). */
    id: text('id').notNull(),
    /** wms (the delivery order sent) or notice (the marketplace told it shipped). */
    target: text('target').notNull(),
    /** wms: accepted, retry, rejected or failed; notice: sent, due or failed. */
    outcome: text('outcome').notNull(),
    error: text('error'),
    latencyMs: integer('latency_ms').notNull(),
    at: instant('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.deliveryCode, t.id] })],
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
    /** The warehouse and order it concerns, when it concerns one: people filter by them. */
    warehouseCode: text('warehouse_code'),
    orderId: text('order_id'),
    raisedAt: instant('raised_at').notNull(),
    acknowledgedAt: instant('acknowledged_at'),
    acknowledgedBy: text('acknowledged_by'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('alerts_open').on(t.tenantId, t.raisedAt).where(sql`${t.acknowledgedAt} is null`),
    index('alerts_subject').on(t.tenantId, t.subject, t.kind),
  ],
);
