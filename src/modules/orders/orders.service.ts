import type { RequestContext } from '../../platform/context.ts';
import type { Database } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { decodeInstantCursor, encodeInstantCursor, pageOf, pageProbe } from '../../platform/paging.ts';
import { parseIsoInstant } from '../../platform/time/instants.ts';
import { planMoves, transition as lifecycleTransition, transitionMany as lifecycleTransitionMany, type Lifecycle, type LifecycleStore } from '../../platform/lifecycle.ts';
import type { TransitionInput } from './orders.input.ts';
import { isStopped, orderLifecycle, waitingForWarehouse, type OrderStatus, type StoppedStatus, type StopReason } from './orders.lifecycle.ts';
import * as repo from './orders.repository.ts';
import type { OrderRow } from './orders.repository.ts';
import type { Priority } from './orders.priority.ts';

export type { OrderRow };
import { eventView, lineView, orderView } from './orders.view.ts';

/** Notes something that happened to an order (no status change: those are the lifecycle's events). */
export async function event(
  tx: Database,
  ctx: RequestContext,
  orderId: string,
  e: { type: string; reason?: string; data?: Record<string, unknown> },
): Promise<void> {
  await repo.appendEvent(tx, {
    tenantId: ctx.tenantId,
    orderId,
    at: ctx.clock.now(),
    actorKind: ctx.actor.kind,
    actorId: ctx.actor.id,
    type: e.type,
    fromStatus: null,
    toStatus: null,
    reason: e.reason ?? null,
    data: e.data ?? null,
  });
}

/** What stopping writes: why, and the step it stopped at (kept when it stops again); going on clears both. */
function statusPatch(order: OrderRow, to: OrderStatus, reason: string): repo.OrderStatusPatch {
  if (!isStopped(to)) return { statusReason: null, heldFrom: null };
  return { statusReason: reason, heldFrom: isStopped(order.status) ? order.heldFrom : order.status };
}

/** The order lifecycle (orders.lifecycle) over the orders table. */
const lifecycle: Lifecycle<OrderStatus, OrderRow> = orderLifecycle;
const store: LifecycleStore<OrderStatus, OrderRow, repo.OrderStatusPatch> = {
  idOf: (order) => order.id,
  lock: (db, tenantId, id) => repo.findById(db, tenantId, id, true),
  notFound: (id) => new AppError('ORDER_NOT_FOUND', `order ${id} not found`),
  save: repo.saveMoves,
};

/**
 * The one way a person changes an order's status: validated against the transition table, its
 * guards and the actor's role, saved with an event. Runs in the caller's transaction when
 * `ctx.db` is one.
 */
export async function transition(
  ctx: RequestContext,
  orderId: string,
  request: TransitionInput & { data?: Record<string, unknown> },
): Promise<OrderRow> {
  return lifecycleTransition(ctx, lifecycle, store, orderId, {
    to: request.to, reason: request.reason, data: request.data, effect: async (_tx, order) => statusPatch(order, request.to, request.reason),
  });
}

/** A move the platform plans for an order: a stop always says why, as a StopReason. */
export type PlannedTransition = { order: OrderRow; data?: Record<string, unknown> } & (
  | { to: StoppedStatus; reason: StopReason }
  | { to: Exclude<OrderStatus, StoppedStatus>; reason: string }
);

/** A planned move without its order: a step an order is to take, or the status a new one is admitted to. */
export type PlannedStep = DistributiveOmit<PlannedTransition, 'order'>;
type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

const plannedMove = (p: PlannedTransition) => ({ row: p.order, to: p.to, reason: p.reason, data: p.data, patch: statusPatch(p.order, p.to, p.reason) });

/** The platform's moves checked against the lifecycle, for a caller that writes them in a statement of its own (new orders admitted at insert). */
export function checkedMoves(ctx: RequestContext, planned: PlannedTransition[]): repo.OrderMove[] {
  return planMoves(ctx, lifecycle, store, planned.map(plannedMove), { platform: true });
}

/**
 * The platform's own transitions for many orders at once, in the caller's transaction: checked
 * against the table like any other, saved with their events in one statement. An order that left
 * its expected status meanwhile is not moved. Returns the updated orders by id.
 */
export async function transitionMany(ctx: RequestContext, planned: PlannedTransition[]): Promise<Map<string, OrderRow>> {
  return lifecycleTransitionMany(ctx, lifecycle, store, planned.map(plannedMove), { platform: true });
}

/** The platform moves one order it holds locked, in the caller's transaction; returns it as it is now (as it was, if it had moved on meanwhile). */
export async function moveOrder(ctx: RequestContext, planned: PlannedTransition): Promise<OrderRow> {
  return (await transitionMany(ctx, [planned])).get(planned.order.id) ?? planned.order;
}

/**
 * Moves orders through several steps each (see orderProgress in delivery-orders.lifecycle), in
 * the caller's transaction: every order's first step in one statement, then every second step,
 * and so on. Returns the orders as they end up.
 */
export async function transitionPaths(ctx: RequestContext, paths: { order: OrderRow; steps: PlannedStep[] }[]): Promise<Map<string, OrderRow>> {
  const current = new Map(paths.map((p) => [p.order.id, p.order]));
  const longest = Math.max(0, ...paths.map((p) => p.steps.length));
  for (let i = 0; i < longest; i++) {
    const planned = paths.flatMap((p) => {
      const step = p.steps[i];
      const order = current.get(p.order.id)!;
      // An order that did not take the step before stops there.
      return step && (i === 0 || order.status === p.steps[i - 1]!.to) ? [{ ...step, order }] : [];
    });
    for (const [id, order] of await transitionMany(ctx, planned)) current.set(id, order);
  }
  return current;
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

/** The order, or 404 ORDER_NOT_FOUND. */
export async function requireOrder(ctx: RequestContext, orderId: string): Promise<OrderRow> {
  const order = await repo.findById(ctx.db, ctx.tenantId, orderId);
  if (!order) throw new AppError('ORDER_NOT_FOUND', `order ${orderId} not found`);
  return order;
}

export async function getOrder(ctx: RequestContext, orderId: string) {
  const order = await requireOrder(ctx, orderId);
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
  channelOrderId?: string;
  priority?: Priority;
  overdue?: boolean;
  createdFrom?: string;
  createdTo?: string;
  cursor?: string;
  limit: number;
}

/** Orders come newest first: a page starts after the last order of the one before. */
const afterOrder = ({ at, id }: { at: Date; id: string }) => ({ createdAt: at, id });

export async function listOrders(ctx: RequestContext, query: ListQuery) {
  const rows = await repo.list(ctx.db, ctx.tenantId, {
    statuses: query.status,
    channel: query.channel,
    shopId: query.shopId,
    channelOrderId: query.channelOrderId,
    priority: query.priority,
    overdue: query.overdue ? { now: ctx.clock.now(), waitingStatuses: waitingForWarehouse } : undefined,
    createdFrom: query.createdFrom ? parseIsoInstant(query.createdFrom) : undefined,
    createdTo: query.createdTo ? parseIsoInstant(query.createdTo) : undefined,
    after: query.cursor ? afterOrder(decodeInstantCursor(query.cursor)) : undefined,
    limit: pageProbe(query.limit),
  });
  const page = pageOf(rows, query.limit, (last) => encodeInstantCursor(last.createdAt, last.id));
  return { items: page.rows.map((row) => orderView(row, ctx.actor.role)), nextCursor: page.next };
}

/** The tenant's order events after this id, oldest first (the live feed). */
export async function eventsAfter(ctx: RequestContext, afterId: number, limit: number) {
  return (await repo.eventsAfter(ctx.db, ctx.tenantId, afterId, limit)).map((e) => ({ orderId: e.orderId, ...eventView(e) }));
}

export async function lastEventId(ctx: RequestContext): Promise<number> {
  return repo.lastEventId(ctx.db, ctx.tenantId);
}
