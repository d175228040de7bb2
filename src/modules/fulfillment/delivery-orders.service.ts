import type { CteParts } from '../../platform/db/index.ts';
import type { SQL } from 'drizzle-orm';
import type { RequestContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { pageOf, pageProbe } from '../../platform/paging.ts';
import { planMoves, refuse, transitionMany, type Lifecycle, type LifecycleStore, type PlanOptions, type Planned } from '../../platform/lifecycle.ts';
import type { RoutingDecision } from '../routing/routing.service.ts';
import { beforeWarehouseTook, countsTowardCapacity, deliveryLifecycle, live, noticeLifecycle, retryable, type DeliveryStatus } from './delivery-orders.lifecycle.ts';
import * as repo from './delivery-orders.repository.ts';
import type { DeliveryOrderRow, NewDeliveryOrderRow } from './delivery-orders.repository.ts';
import type { DeliveryLine } from './fulfillment.schema.ts';

/** The delivery order lifecycle (delivery-orders.lifecycle) over the delivery_orders table. */
const lifecycle: Lifecycle<DeliveryStatus, DeliveryOrderRow> = deliveryLifecycle;
const store: LifecycleStore<DeliveryStatus, DeliveryOrderRow, repo.DeliveryPatch> = {
  idOf: (row) => row.code,
  lock: (db, tenantId, code) => repo.findByCode(db, tenantId, code, true),
  notFound: (code) => new AppError('DELIVERY_ORDER_NOT_FOUND', `delivery order ${code} not found`),
  save: repo.saveMoves,
};

/**
 * Moves delivery orders the caller holds locked, checked against the lifecycle (as the platform's
 * own moves unless `options` say otherwise); returns those moved, by code.
 */
function move(ctx: RequestContext, planned: Planned<DeliveryStatus, DeliveryOrderRow, repo.DeliveryPatch>[], options: PlanOptions = { platform: true }) {
  return transitionMany(ctx, lifecycle, store, planned, options);
}

/** An order whose stock was reserved, to be shipped from the warehouses it was routed to. */
export interface RoutedDelivery {
  orderId: string;
  paid: boolean;
  lines: (DeliveryLine & { warehouseCode: string })[];
  decision: RoutingDecision;
  /** Delivery orders the order had before (cancelled ones), so new codes do not repeat theirs. */
  earlier?: number;
}

export interface DeliveryContext {
  /** Warehouses with a WMS link: their delivery orders are sent; the others are handled by hand. */
  linked: ReadonlySet<string>;
  workDay(warehouseCode: string): string;
}

/** The status a delivery order starts in, or moves to when its order is paid. */
const openingStatus = (paid: boolean, linked: boolean): DeliveryStatus => (!paid ? 'awaiting_payment' : linked ? 'pending' : 'manual');

/** One delivery order per warehouse an order was routed to, coded `<order id>-<n>`. */
export function deliveryRows(ctx: RequestContext, deliveries: RoutedDelivery[], dc: DeliveryContext): NewDeliveryOrderRow[] {
  const now = ctx.clock.now();
  return deliveries.flatMap((d) => {
    const byWarehouse = new Map<string, DeliveryLine[]>();
    for (const { warehouseCode, ...line } of d.lines) byWarehouse.set(warehouseCode, [...(byWarehouse.get(warehouseCode) ?? []), line]);
    return [...byWarehouse].map(([warehouseCode, lines], i): NewDeliveryOrderRow => {
      const status = openingStatus(d.paid, dc.linked.has(warehouseCode));
      return {
        tenantId: ctx.tenantId, code: `${d.orderId}-${(d.earlier ?? 0) + i + 1}`, orderId: d.orderId, warehouseCode, status, lines, decision: d.decision,
        workDay: dc.workDay(warehouseCode), attempts: 0, noticeAttempts: 0, nextAttemptAt: status === 'pending' ? now : null, createdAt: now, updatedAt: now,
      };
    });
  });
}

/** Whether some delivery order of an order is owed to a WMS (the order is then routed; else people ship it from allocated). */
export const anySent = (rows: Pick<NewDeliveryOrderRow, 'status'>[]) => rows.some((r) => r.status === 'pending');

/** New delivery orders, each checked to start out in a status the lifecycle lets one be written in. */
function admitted(rows: NewDeliveryOrderRow[]): NewDeliveryOrderRow[] {
  for (const r of rows) refuse(lifecycle.checkEntry(r.status, null), { code: r.code });
  return rows;
}

/** The CTEs writing these delivery orders in a caller's statement (see repo.newDeliveryOrdersCtes). */
export function newDeliveriesCtes(ctx: RequestContext, rows: NewDeliveryOrderRow[], after?: SQL): CteParts {
  return repo.newDeliveryOrdersCtes(ctx.tenantId, admitted(rows), after);
}

/** Writes delivery orders for orders routed in the caller's transaction; an order routed again gets new codes. */
export async function writeDeliveries(ctx: RequestContext, deliveries: RoutedDelivery[], dc: DeliveryContext): Promise<NewDeliveryOrderRow[]> {
  const earlier = new Map<string, number>();
  for (const r of await repo.ofOrders(ctx.db, ctx.tenantId, deliveries.map((d) => d.orderId))) earlier.set(r.orderId, (earlier.get(r.orderId) ?? 0) + 1);
  const rows = deliveryRows(ctx, deliveries.map((d) => ({ ...d, earlier: earlier.get(d.orderId) ?? 0 })), dc);
  await repo.insertDeliveryOrders(ctx.db, ctx.tenantId, admitted(rows));
  return rows;
}

/**
 * These orders were paid: their delivery orders waiting for payment become owed to the WMS (or
 * manual), counting toward their warehouse's work day as of now. Returns each order's live
 * delivery orders.
 */
export async function deliveriesPaid(ctx: RequestContext, orderIds: string[], dc: DeliveryContext): Promise<Map<string, DeliveryOrderRow[]>> {
  const rows = await repo.ofOrders(ctx.db, ctx.tenantId, orderIds, true);
  const now = ctx.clock.now();
  const waiting = rows.filter((r) => r.status === 'awaiting_payment');
  // Its status and work day follow from its warehouse, so the save makes one update per warehouse, not one per order.
  const moved = await move(ctx, waiting.map((r) => {
    const to = openingStatus(true, dc.linked.has(r.warehouseCode));
    return { row: r, to, patch: { workDay: dc.workDay(r.warehouseCode), ...(to === 'pending' ? { nextAttemptAt: now } : {}) } };
  }));
  await repo.addLoads(ctx.db, ctx.tenantId, [...moved.values()], 1);
  const byOrder = new Map<string, DeliveryOrderRow[]>();
  for (const r of rows) {
    const row = moved.get(r.code) ?? r;
    if (live(row.status)) byOrder.set(r.orderId, [...(byOrder.get(r.orderId) ?? []), row]);
  }
  return byOrder;
}

/**
 * The orders' delivery orders not yet at a WMS stop (the order was cancelled, or gave its stock
 * back). One a WMS has accepted stays as it is: taking it back is the warehouse's to do.
 */
export async function cancelDeliveries(ctx: RequestContext, orderIds: string[], reason: string): Promise<DeliveryOrderRow[]> {
  const open = (await repo.ofOrders(ctx.db, ctx.tenantId, orderIds, true)).filter((r) => beforeWarehouseTook.includes(r.status));
  const cancelled = [...(await move(ctx, open.map((row) => ({ row, to: 'cancelled' as const, reason, patch: { lastError: reason, nextAttemptAt: null } })))).values()];
  const wasCounted = open.filter((r) => countsTowardCapacity(r.status) && cancelled.some((c) => c.code === r.code));
  await repo.addLoads(ctx.db, ctx.tenantId, wasCounted, -1);
  return cancelled;
}

/** Delivery orders per warehouse and work day so far. */
export function loadsOn(ctx: Pick<RequestContext, 'db' | 'tenantId'>, days: { warehouseCode: string; workDay: string }[]) {
  return repo.loadsOn(ctx.db, ctx.tenantId, days);
}

export type DeliveryView = ReturnType<typeof deliveryView>;

export function deliveryView(r: DeliveryOrderRow) {
  return {
    code: r.code,
    orderId: r.orderId,
    warehouseCode: r.warehouseCode,
    status: r.status,
    lines: r.lines,
    routing: r.decision,
    workDay: r.workDay,
    attempts: r.attempts,
    nextAttemptAt: r.nextAttemptAt?.toISOString() ?? null,
    lastError: r.lastError,
    wmsId: r.wmsId,
    carrier: r.carrier,
    trackingNo: r.trackingNo,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    acceptedAt: r.acceptedAt?.toISOString() ?? null,
    shippedAt: r.shippedAt?.toISOString() ?? null,
    /** Telling the channel it shipped: due, sent, skipped (no shop registered here, or no tracking number) or failed. */
    channelNotice: r.noticeStatus ? { status: r.noticeStatus, attempts: r.noticeAttempts, error: r.noticeError } : null,
  };
}

export async function listDeliveries(ctx: RequestContext, filter: repo.DeliveryFilter) {
  const rows = await repo.list(ctx.db, ctx.tenantId, { ...filter, limit: pageProbe(filter.limit) });
  const page = pageOf(rows, filter.limit, (last) => last.code);
  return { items: page.rows.map(deliveryView), nextBefore: page.next };
}

export async function getDelivery(ctx: RequestContext, code: string) {
  const row = await repo.findByCode(ctx.db, ctx.tenantId, code);
  if (!row) throw new AppError('DELIVERY_ORDER_NOT_FOUND', `delivery order ${code} not found`);
  return deliveryView(row);
}

/** Attempts shown with a delivery order: more than its WMS and its marketplace get on the default schedule together. */
const ATTEMPTS_SHOWN = 100;

/** One delivery order with its attempts (to its WMS and to its marketplace), newest first. */
export async function deliveryDetail(ctx: RequestContext, code: string) {
  const [view, attempts] = await Promise.all([getDelivery(ctx, code), repo.attemptsOf(ctx.db, ctx.tenantId, code, ATTEMPTS_SHOWN)]);
  return {
    ...view,
    attemptHistory: attempts.map((a) => ({ at: a.at.toISOString(), target: a.target, outcome: a.outcome, error: a.error, latencyMs: a.latencyMs })),
  };
}

/**
 * A failed, rejected or manual delivery order sent again now, by a person, in the caller's
 * transaction, with a fresh count of attempts (its attempt history stays). Returns it as it is now.
 */
export async function retryDelivery(ctx: RequestContext, code: string, linked: ReadonlySet<string>): Promise<DeliveryOrderRow> {
  const row = await repo.findByCode(ctx.db, ctx.tenantId, code, true);
  if (!row) throw new AppError('DELIVERY_ORDER_NOT_FOUND', `delivery order ${code} not found`);
  if (!retryable.includes(row.status)) {
    throw new AppError('DELIVERY_NOT_RETRYABLE', `delivery order ${code} is ${row.status}; only ${retryable.join(', ')} ones can be sent again (pending ones are made due now)`);
  }
  if (!linked.has(row.warehouseCode)) throw new AppError('WAREHOUSE_NOT_LINKED', `warehouse ${row.warehouseCode} has no WMS link to send ${code} to`);
  const now = ctx.clock.now();
  const moved = await move(ctx, [{ row, to: 'pending', reason: 'sent again by hand', patch: { attempts: 0, nextAttemptAt: now, leaseUntil: null, failingSince: null } }], {});
  return moved.get(code)!;
}

/**
 * A delivery order still in its retry schedule (pending) sent now, by a person, in the caller's
 * transaction: due at once, with a fresh count of attempts as any retry by hand (its attempt
 * history stays). 409 DELIVERY_BEING_SENT while a dispatcher is sending it.
 */
export async function sendPendingNow(ctx: RequestContext, code: string, linked: ReadonlySet<string>): Promise<DeliveryOrderRow> {
  const row = await repo.findByCode(ctx.db, ctx.tenantId, code, true);
  if (!row) throw new AppError('DELIVERY_ORDER_NOT_FOUND', `delivery order ${code} not found`);
  if (!linked.has(row.warehouseCode)) throw new AppError('WAREHOUSE_NOT_LINKED', `warehouse ${row.warehouseCode} has no WMS link to send ${code} to`);
  const updated = await repo.dueNowByHand(ctx.db, ctx.tenantId, code, ctx.clock.now());
  if (!updated) {
    if (row.status !== 'pending') throw new AppError('DELIVERY_NOT_RETRYABLE', `delivery order ${code} is ${row.status}, not pending`);
    throw new AppError('DELIVERY_BEING_SENT', `delivery order ${code} is being sent to its WMS right now; look again in a minute`);
  }
  return updated;
}

/** Delivery orders a dispatcher takes to send now (see repo.claimDue); every tenant's. */
export function claimDueDeliveries(ctx: Pick<RequestContext, 'db' | 'clock'>, leaseMs: number, limit: number) {
  const now = ctx.clock.now();
  return repo.claimDue(ctx.db, now, new Date(now.getTime() + leaseMs), limit);
}

/**
 * Writes what came of sending these orders' leased delivery orders, in the caller's transaction
 * (which holds the orders locked): each result checked against the lifecycle from the delivery
 * order as it is now (one cancelled while it was sent takes only an acceptance; the WMS has it
 * all the same), all written in one statement. Returns the rows changed, and every order's live
 * delivery orders as they are now.
 */
export async function recordDeliveryResults(ctx: RequestContext, orderIds: string[], results: repo.DeliveryResult[]) {
  const rows = await repo.ofOrders(ctx.db, ctx.tenantId, [...new Set(orderIds)], true);
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const planned = results.flatMap(({ code, status, ...patch }) => {
    const row = byCode.get(code);
    return row ? [{ row, to: status, patch }] : [];
  });
  const moves = planMoves(ctx, lifecycle, { idOf: (r) => r.code }, planned, { platform: true, skipRefused: true });
  const changed = await repo.recordResults(ctx.db, ctx.tenantId, moves, results);
  for (const row of changed) byCode.set(row.code, row);
  const liveByOrder = new Map<string, DeliveryOrderRow[]>();
  for (const r of byCode.values()) if (live(r.status)) liveByOrder.set(r.orderId, [...(liveByOrder.get(r.orderId) ?? []), r]);
  return { changed, live: liveByOrder };
}

/** The orders' delivery orders that still count (not cancelled), locked. */
export async function liveDeliveriesOf(ctx: RequestContext, orderIds: string[]): Promise<Map<string, DeliveryOrderRow[]>> {
  const byOrder = new Map<string, DeliveryOrderRow[]>();
  for (const r of await repo.ofOrders(ctx.db, ctx.tenantId, orderIds, true)) {
    if (live(r.status)) byOrder.set(r.orderId, [...(byOrder.get(r.orderId) ?? []), r]);
  }
  return byOrder;
}

export type { AttemptRecord, DeliveryOrderRow, DeliveryResult, NewDeliveryOrderRow } from './delivery-orders.repository.ts';

/** What a WMS said it shipped. */
export interface ShipmentReport {
  wmsId: string | null;
  carrier: string | null;
  trackingNo: string | null;
  shippedAt: Date;
}

/**
 * A delivery order left its warehouse (the WMS said so, or a person for a manual one), in the
 * caller's transaction: it is shipped (accepted first if its acceptance never reached us), with
 * carrier and tracking number, and the channel is owed a notice when `notify`. `again` when it
 * was shipped before. One cancelled meanwhile stays cancelled, the shipment written on it
 * (`cancelled`): a person must look. Throws for a code the warehouse does not have.
 */
export async function deliveryShipped(
  ctx: RequestContext, warehouseCode: string, code: string, report: ShipmentReport, notify: boolean,
): Promise<{ row: DeliveryOrderRow; effect: 'shipped' | 'again' | 'cancelled' }> {
  const row = await repo.findByCode(ctx.db, ctx.tenantId, code, true);
  if (!row || row.warehouseCode !== warehouseCode) throw new AppError('DELIVERY_ORDER_NOT_FOUND', `warehouse ${warehouseCode} has no delivery order ${code}`);
  if (row.status === 'shipped' || (row.status === 'cancelled' && row.shippedAt)) return { row, effect: 'again' };
  const now = ctx.clock.now();
  const shipment = { wmsId: report.wmsId ?? row.wmsId, carrier: report.carrier, trackingNo: report.trackingNo, shippedAt: report.shippedAt };
  if (row.status === 'cancelled') {
    const [notice] = planMoves(ctx, noticeLifecycle, { idOf: () => code }, [{ row, to: 'skipped' as const, patch: {} }], { platform: true });
    return { row: (await repo.annotate(ctx.db, ctx.tenantId, code, shipment, now, notice))!, effect: 'cancelled' };
  }
  // People ship a manual one by hand; its WMS reports the others (accepted first if its acceptance never reached us).
  let current = row;
  if (current.status !== 'accepted') {
    current = (await move(ctx, [{ row: current, to: 'accepted', patch: { wmsId: shipment.wmsId, acceptedAt: now, nextAttemptAt: null, leaseUntil: null, lastError: null } }], { skipRefused: true })).get(code) ?? current;
  }
  const due = notify && report.trackingNo;
  const notice = noticeLifecycle.check({ row: current, from: noticeLifecycle.statusOf(current), to: due ? 'due' : 'skipped', role: null });
  refuse(notice, { code });
  const shipped = (await move(ctx, [{ row: current, to: 'shipped', patch: { ...shipment, noticeStatus: due ? 'due' : 'skipped', noticeNextAt: due ? now : null } }], { skipRefused: true })).get(code);
  if (!shipped) throw new AppError('CONFLICT', `delivery order ${code} is ${row.status} and cannot be shipped`);
  return { row: shipped, effect: 'shipped' };
}

/** The orders' pending delivery orders are sent now rather than at their next try (their order was released). */
export function deliveriesDueNow(ctx: RequestContext, orderIds: string[]): Promise<number> {
  return repo.dueNow(ctx.db, ctx.tenantId, orderIds, ctx.clock.now());
}

/**
 * Remembers a WMS message by its business code and subject (the delivery order, or the SKU), with
 * a digest of its content, in the caller's transaction: `new` to take, `repeat` (taken before),
 * or `conflict` (the code and subject taken before with other content).
 */
export function rememberWmsMessage(
  ctx: RequestContext, message: { warehouseCode: string; outBizCode: string; subject: string; digest: string; method: string },
): Promise<'new' | 'repeat' | 'conflict'> {
  return repo.rememberInbound(ctx.db, { tenantId: ctx.tenantId, ...message, receivedAt: ctx.clock.now() });
}

/** Shipment notices due to channels, leased (see repo.claimNoticesDue); every tenant's. */
export function claimDueNotices(ctx: Pick<RequestContext, 'db' | 'clock'>, leaseMs: number, limit: number) {
  const now = ctx.clock.now();
  return repo.claimNoticesDue(ctx.db, now, new Date(now.getTime() + leaseMs), limit);
}

/**
 * Writes what came of a round of shipment notices, each checked against the notice lifecycle:
 * a leased notice is due (the queue leases only those), and is written only while it still is.
 */
export function recordNotices(ctx: RequestContext, results: repo.NoticeResult[]) {
  const planned = results.map(({ code, status, ...patch }) => ({ row: { code, noticeStatus: 'due' as const }, to: status, patch }));
  return repo.recordNotices(ctx.db, ctx.tenantId, planMoves(ctx, noticeLifecycle, { idOf: (r) => r.code }, planned, { platform: true }), results);
}

export type { NoticeResult } from './delivery-orders.repository.ts';
