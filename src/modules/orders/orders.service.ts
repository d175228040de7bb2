import type { RequestContext } from '../../platform/context.ts';
import type { Database } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { ADDRESS_HOLD, placeReceiver } from './orders.address.ts';
import type { ReceiverInput, TransitionInput } from './orders.input.ts';
import { awaitingProcessing, CHANNEL_HOLD, checkTransition, isStopped, type OrderStatus } from './orders.lifecycle.ts';
import * as repo from './orders.repository.ts';
import type { OrderRow } from './orders.repository.ts';

export type { OrderRow };
import { eventView, lineView, orderView } from './orders.view.ts';

export async function event(
  tx: Database,
  ctx: RequestContext,
  orderId: string,
  e: { type: string; fromStatus?: string; toStatus?: string; reason?: string; data?: Record<string, unknown> },
): Promise<void> {
  await repo.appendEvent(tx, {
    tenantId: ctx.tenantId,
    orderId,
    at: ctx.clock.now(),
    actorKind: ctx.actor.kind,
    actorId: ctx.actor.id,
    type: e.type,
    fromStatus: e.fromStatus ?? null,
    toStatus: e.toStatus ?? null,
    reason: e.reason ?? null,
    data: e.data ?? null,
  });
}

export async function saveTransition(
  tx: Database,
  ctx: RequestContext,
  order: OrderRow,
  to: OrderStatus,
  reason: string,
  data?: Record<string, unknown>,
): Promise<OrderRow> {
  const from = order.status as OrderStatus;
  const stopping = isStopped(to);
  const heldFrom = stopping ? (isStopped(from) ? order.heldFrom : from) : null;
  const updated = await repo.update(tx, ctx.tenantId, order.id, {
    status: to,
    statusReason: stopping ? reason : null,
    heldFrom,
    updatedAt: ctx.clock.now(),
  });
  await event(tx, ctx, order.id, { type: 'transition', fromStatus: from, toStatus: to, reason, data });
  return updated;
}

/** An order held for its address goes on only once its receiver can be placed (or is cancelled). */
function assertAddressPlaced(order: OrderRow, to: OrderStatus): void {
  if (order.status !== 'on_hold' || order.statusReason !== ADDRESS_HOLD || to === 'cancelled') return;
  const { unplaced } = placeReceiver({
    country: order.receiverCountry, province: order.receiverProvince, city: order.receiverCity, district: order.receiverDistrict ?? undefined,
  } as ReceiverInput);
  if (unplaced) {
    throw new AppError('ADDRESS_HOLD', `the order is held because its address cannot be placed (${unplaced.reason}); correct it with PUT /api/v1/orders/${order.id}/receiver`, { code: unplaced.code });
  }
}

/** An order its channel holds goes on when the channel releases it; people may only cancel it meanwhile. */
function assertChannelReleased(order: OrderRow, to: OrderStatus): void {
  if (order.status !== 'on_hold' || order.statusReason !== CHANNEL_HOLD || to === 'cancelled') return;
  throw new AppError('CHANNEL_HOLD', `the channel does not let this order ship yet (${order.channelHold ?? 'held'}); it goes on by itself when the channel releases it`, {
    channelHold: order.channelHold,
  });
}

/**
 * The one way an order changes status. Validates against the transition table and the actor's
 * role, saves, and appends an event. Runs in the caller's transaction when `ctx.db` is one.
 */
export async function transition(
  ctx: RequestContext,
  orderId: string,
  request: TransitionInput & { data?: Record<string, unknown> },
): Promise<OrderRow> {
  return ctx.db.transaction(async (tx) => {
    const order = await repo.findById(tx, ctx.tenantId, orderId, true);
    if (!order) throw new AppError('ORDER_NOT_FOUND', `order ${orderId} not found`);
    const check = checkTransition(order.status as OrderStatus, request.to, ctx.actor.role, order.heldFrom as OrderStatus | null);
    if (!check.ok) throw new AppError(check.code, check.message, { from: order.status, to: request.to });
    assertAddressPlaced(order, request.to);
    assertChannelReleased(order, request.to);
    return saveTransition(tx, ctx, order, request.to, request.reason, request.data);
  });
}

export interface PlannedTransition {
  order: OrderRow;
  to: OrderStatus;
  reason: string;
  data?: Record<string, unknown>;
}

/**
 * The platform's own transitions for many orders at once, in the caller's transaction: checked
 * against the table like any other, saved with their events in one statement. An order that left
 * its expected status meanwhile is not moved. Returns the updated orders by id.
 */
export async function transitionMany(ctx: RequestContext, planned: PlannedTransition[]): Promise<Map<string, OrderRow>> {
  const now = ctx.clock.now();
  const moves = planned.map((p): repo.StatusMove => {
    const from = p.order.status as OrderStatus;
    const check = checkTransition(from, p.to, null, p.order.heldFrom as OrderStatus | null);
    if (!check.ok) throw new AppError(check.code, `order ${p.order.id}: ${check.message}`, { from, to: p.to });
    const stopping = isStopped(p.to);
    return { id: p.order.id, from, to: p.to, statusReason: stopping ? p.reason : null, heldFrom: stopping ? from : null };
  });
  const moved = await repo.moveStatuses(ctx.db, ctx.tenantId, moves, now, planned.map((p) => ({
    tenantId: ctx.tenantId, orderId: p.order.id, at: now, actorKind: ctx.actor.kind, actorId: ctx.actor.id,
    type: 'transition', fromStatus: p.order.status, toStatus: p.to, reason: p.reason, data: p.data ?? null,
  })));
  const updated = new Map<string, OrderRow>();
  planned.forEach((p, i) => {
    const m = moves[i]!;
    if (moved.has(m.id)) updated.set(m.id, { ...p.order, status: m.to, statusReason: m.statusReason, heldFrom: m.heldFrom, updatedAt: now, version: p.order.version + 1 });
  });
  return updated;
}

/** Notes on many orders at once (no status change), in the caller's transaction. */
export async function noteMany(ctx: RequestContext, notes: { orderId: string; type: string; reason?: string; data?: Record<string, unknown> }[]): Promise<void> {
  const now = ctx.clock.now();
  await repo.appendEvents(ctx.db, notes.map((n) => ({
    tenantId: ctx.tenantId, orderId: n.orderId, at: now, actorKind: ctx.actor.kind, actorId: ctx.actor.id,
    type: n.type, fromStatus: null, toStatus: null, reason: n.reason ?? null, data: n.data ?? null,
  })));
}

/** Whether any of these orders (by channel key) is recorded already. */
export async function anyRecorded(ctx: RequestContext, keys: repo.ChannelKey[]): Promise<boolean> {
  return repo.anyRecorded(ctx.db, ctx.tenantId, keys);
}

/** Locks these orders (in id order) for a change made with other modules in the same transaction. */
export async function lockOrders(ctx: RequestContext, orderIds: string[]): Promise<OrderRow[]> {
  return repo.lockByIds(ctx.db, ctx.tenantId, [...new Set(orderIds)].sort());
}

/** Paid orders not yet holding stock, oldest payment first: backorders and orders released to paid. */
export async function ordersAwaitingStock(ctx: RequestContext, limit: number): Promise<OrderRow[]> {
  return repo.listByStatusOldestPaid(ctx.db, ctx.tenantId, 'paid', limit);
}

/** These orders as they are now, with their lines, unlocked: what a delivery order sent to a WMS is built from. */
export async function ordersWithLines(ctx: RequestContext, orderIds: string[]): Promise<Map<string, { order: OrderRow; lines: Awaited<ReturnType<typeof repo.linesOfMany>> }>> {
  const ids = [...new Set(orderIds)];
  const [rows, lines] = await Promise.all([repo.findByIds(ctx.db, ctx.tenantId, ids), repo.linesOfMany(ctx.db, ctx.tenantId, ids)]);
  return new Map(rows.map((order) => [order.id, { order, lines: lines.filter((l) => l.orderId === order.id) }]));
}

export async function linesOfOrders(ctx: RequestContext, orderIds: string[]) {
  return repo.linesOfMany(ctx.db, ctx.tenantId, orderIds);
}

export async function getOrder(ctx: RequestContext, orderId: string) {
  const order = await repo.findById(ctx.db, ctx.tenantId, orderId);
  if (!order) throw new AppError('ORDER_NOT_FOUND', `order ${orderId} not found`);
  const [lines, events] = await Promise.all([
    repo.linesOf(ctx.db, ctx.tenantId, orderId),
    repo.eventsOf(ctx.db, ctx.tenantId, orderId),
  ]);
  return { ...orderView(order, ctx.actor.role), lines: lines.map(lineView), events: events.map(eventView) };
}

export interface ListQuery {
  status?: OrderStatus[];
  channel?: string;
  shopId?: string;
  priority?: string;
  overdue?: boolean;
  createdFrom?: string;
  createdTo?: string;
  cursor?: string;
  limit: number;
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const createdAt = new Date(at);
    const year = createdAt.getUTCFullYear();
    if (typeof id !== 'string' || Number.isNaN(year) || year < 1970 || year > 9999) throw new Error('bad cursor');
    return { createdAt, id };
  } catch {
    throw new AppError('VALIDATION_FAILED', 'cursor is not one this API returned', [{ path: 'cursor', message: 'invalid cursor' }]);
  }
}

function encodeCursor(row: OrderRow): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url');
}

export async function listOrders(ctx: RequestContext, query: ListQuery) {
  const rows = await repo.list(ctx.db, ctx.tenantId, {
    statuses: query.status,
    channel: query.channel,
    shopId: query.shopId,
    priority: query.priority,
    overdue: query.overdue ? { now: ctx.clock.now(), waitingStatuses: awaitingProcessing } : undefined,
    createdFrom: query.createdFrom ? new Date(query.createdFrom) : undefined,
    createdTo: query.createdTo ? new Date(query.createdTo) : undefined,
    after: query.cursor ? decodeCursor(query.cursor) : undefined,
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => orderView(row, ctx.actor.role)),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null,
  };
}
