import { and, asc, desc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { executeNamed, insertRows, insertStatement, rowsOf, type Database, composeCtes, cteParts, type CteParts } from '../../platform/db/index.ts';
import type { Move } from '../../platform/lifecycle.ts';
import type { OrderStatus } from './orders.lifecycle.ts';
import { orderEvents, orderLines, orders, priorityTiers } from './orders.schema.ts';
import type { Priority } from './orders.priority.ts';

export type OrderRow = typeof orders.$inferSelect;
export type NewOrderRow = typeof orders.$inferInsert;
export type OrderLineRow = typeof orderLines.$inferSelect;
export type OrderEventRow = typeof orderEvents.$inferSelect;
export type NewOrderEvent = typeof orderEvents.$inferInsert;
export type NewOrderLine = typeof orderLines.$inferInsert;

/** What an order's status change writes besides the status: why it stopped and where from (null when it goes on). */
export interface OrderStatusPatch {
  statusReason: string | null;
  heldFrom: OrderStatus | null;
}

/** A status change checked against the order lifecycle (see orders.service), ready to be saved. */
export type OrderMove = Move<OrderStatus, OrderRow, OrderStatusPatch>;

/** What a change that is not a status change may write: the status is the lifecycle's to save. */
export type OrderPatch = Omit<Partial<NewOrderRow>, 'status' | 'statusReason'>;

export interface ChannelKey {
  channel: string;
  shopId: string;
  channelOrderId: string;
}

export interface OrderFilter {
  statuses?: OrderStatus[];
  channel?: string;
  shopId?: string;
  /** The channel's own order id, exactly; across shops and channels (orders_channel_order_idx). */
  channelOrderId?: string;
  priority?: Priority;
  /** Orders past their processing deadline while still waiting in one of these statuses. */
  overdue?: { now: Date; waitingStatuses: readonly OrderStatus[] };
  createdFrom?: Date;
  createdTo?: Date;
  /** Keyset position: rows strictly after this (created_at, id) in newest-first order. */
  after?: { createdAt: Date; id: string };
  limit: number;
}

/** New orders with their lines and first events, ready to be written together. */
export interface NewOrderRecords {
  orders: NewOrderRow[];
  lines: NewOrderLine[];
  events: NewOrderEvent[];
}

/** The row an order gets when inserted: what the database would fill in left to itself. */
export function insertedRow(row: NewOrderRow): OrderRow {
  return { statusReason: null, heldFrom: null, receiverCorrectedAt: null, prioritySetBy: null, handlingGroup: null, routingSteer: null, version: 1, ...row } as OrderRow;
}

/**
 * The CTEs `new_orders`, `new_lines` and `new_events`, each returning the order id of every row
 * it wrote. With `skipExisting`, an order whose channel key is taken is left out with its lines
 * and events; without, it fails the whole statement (unique violation on `orders_channel_key`).
 */
export function newOrdersCtes(records: NewOrderRecords, skipExisting: boolean): CteParts {
  const ofNew = skipExisting ? sql`r.order_id in (select id from new_orders)` : undefined;
  return cteParts(['new_orders', 'new_lines', 'new_events'], sql`new_orders as (${insertStatement(orders, records.orders.map(insertedRow), {
      skipConflictsOn: skipExisting ? ['tenantId', 'channel', 'shopId', 'channelOrderId'] : undefined,
      orderBy: ['channel', 'shopId', 'channelOrderId'],
      returning: 'id',
    })}),
    new_lines as (${insertStatement(orderLines, records.lines, { where: ofNew, returning: 'orderId' })}),
    new_events as (${insertStatement(orderEvents, records.events, { where: ofNew, returning: 'orderId', inGivenOrder: true })})`);
}

/**
 * Inserts every order whose channel key is free, with its lines and first events, in one
 * statement; lines and events of orders that already existed are dropped. Returns the rows inserted.
 */
export async function insertNewOrders(db: Database, records: NewOrderRecords): Promise<OrderRow[]> {
  if (records.orders.length === 0) return [];
  const result = await executeNamed(db, sql`${composeCtes([newOrdersCtes(records, true)])} select id from new_orders`);
  const ids = new Set(rowsOf(result).map((r) => String(r.id)));
  return records.orders.filter((row) => ids.has(row.id!)).map(insertedRow);
}

/** The events that record these moves. */
export function moveEvents(tenantId: string, moves: OrderMove[]): NewOrderEvent[] {
  return moves.map((m) => ({
    tenantId, orderId: m.id, at: m.at, actorKind: m.actor.kind, actorId: m.actor.id,
    type: 'transition', fromStatus: m.from, toStatus: m.to, reason: m.reason, data: m.data,
  }));
}

/**
 * Saves checked moves: each order still in its expected status takes its new status, and the
 * events of the orders moved are appended, in one statement. Returns the orders moved as they are
 * now. (`id = any(array(…))` keeps the orders side an index lookup whatever the planner believes
 * about the table's size.)
 */
export async function saveMoves(db: Database, tenantId: string, moves: OrderMove[]): Promise<Map<string, OrderRow>> {
  if (moves.length === 0) return new Map();
  const at = moves[0]!.at;
  const planned = JSON.stringify(moves.map((m) => ({ id: m.id, from_status: m.from, status: m.to, status_reason: m.patch.statusReason, held_from: m.patch.heldFrom })));
  const result = await executeNamed(db, sql`
    with planned as (
      select * from json_to_recordset(${planned}::json) as p(id text, from_status text, status text, status_reason text, held_from text)
    ), moved as (
      update orders o
        set status = p.status, status_reason = p.status_reason, held_from = p.held_from,
            updated_at = ${at.toISOString()}::timestamptz, version = o.version + 1
      from planned p
      where o.tenant_id = ${tenantId} and o.id = any(array(select id from planned)) and o.id = p.id and o.status = p.from_status
      returning o.id
    ), moved_events as (${insertStatement(orderEvents, moveEvents(tenantId, moves), { where: sql`r.order_id in (select id from moved)` })})
    select id from moved`);
  const ids = new Set(rowsOf(result).map((r) => String(r.id)));
  return new Map(moves.filter((m) => ids.has(m.id)).map((m) => [m.id, { ...m.row, status: m.to, ...m.patch, updatedAt: at, version: m.row.version + 1 }]));
}

export async function findByIds(db: Database, tenantId: string, ids: string[]): Promise<OrderRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(orders).where(and(eq(orders.tenantId, tenantId), inArray(orders.id, ids)));
}

export async function lockByIds(db: Database, tenantId: string, ids: string[]): Promise<OrderRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(orders)
    .where(and(eq(orders.tenantId, tenantId), inArray(orders.id, ids)))
    .orderBy(asc(orders.id))
    .for('update');
}

export async function listByStatusOldestPaid(db: Database, tenantId: string, status: OrderStatus, limit: number): Promise<OrderRow[]> {
  return db
    .select()
    .from(orders)
    .where(and(eq(orders.tenantId, tenantId), eq(orders.status, status)))
    .orderBy(asc(orders.paidAt), asc(orders.id))
    .limit(limit);
}

/** Whether any of these channel keys is recorded already. */
export async function anyRecorded(db: Database, tenantId: string, keys: ChannelKey[]): Promise<boolean> {
  if (keys.length === 0) return false;
  const result = await executeNamed(db, sql`
    with k as (select * from json_to_recordset(${JSON.stringify(keys.map((k) => ({ channel: k.channel, shop_id: k.shopId, channel_order_id: k.channelOrderId })))}::json)
      as k(channel text, shop_id text, channel_order_id text))
    select count(*) > 0 as found
    from k cross join lateral (
      -- a lateral lookup with a limit stays one probe of the channel-key index per key
      select 1 from orders o
      where o.tenant_id = ${tenantId} and o.channel = k.channel and o.shop_id = k.shop_id and o.channel_order_id = k.channel_order_id
      limit 1
    ) hit`);
  return rowsOf(result)[0]?.found === true;
}

export async function findByChannelKey(db: Database, tenantId: string, key: ChannelKey, lock = false): Promise<OrderRow | null> {
  const query = db
    .select()
    .from(orders)
    .where(
      and(
        eq(orders.tenantId, tenantId),
        eq(orders.channel, key.channel),
        eq(orders.shopId, key.shopId),
        eq(orders.channelOrderId, key.channelOrderId),
      ),
    );
  const rows = lock ? await query.for('update') : await query;
  return rows[0] ?? null;
}

export async function findById(db: Database, tenantId: string, id: string, lock = false): Promise<OrderRow | null> {
  const query = db.select().from(orders).where(and(eq(orders.tenantId, tenantId), eq(orders.id, id)));
  const rows = lock ? await query.for('update') : await query;
  return rows[0] ?? null;
}

export async function update(db: Database, tenantId: string, id: string, patch: OrderPatch): Promise<OrderRow> {
  const rows = await db
    .update(orders)
    .set({ ...patch, version: sql`${orders.version} + 1` })
    .where(and(eq(orders.tenantId, tenantId), eq(orders.id, id)))
    .returning();
  const row = rows[0];
  if (!row) throw new Error(`order ${id} vanished while locked`);
  return row;
}

export async function insertLines(db: Database, lines: (typeof orderLines.$inferInsert)[]): Promise<void> {
  await insertRows(db, orderLines, lines);
}

export async function deleteLines(db: Database, tenantId: string, orderId: string): Promise<void> {
  await db.delete(orderLines).where(and(eq(orderLines.tenantId, tenantId), eq(orderLines.orderId, orderId)));
}

export async function linesOf(db: Database, tenantId: string, orderId: string): Promise<OrderLineRow[]> {
  return db
    .select()
    .from(orderLines)
    .where(and(eq(orderLines.tenantId, tenantId), eq(orderLines.orderId, orderId)))
    .orderBy(asc(orderLines.lineNo));
}

export async function appendEvent(db: Database, event: NewOrderEvent): Promise<void> {
  await db.insert(orderEvents).values(event);
}

export async function appendEvents(db: Database, events: NewOrderEvent[]): Promise<void> {
  await insertRows(db, orderEvents, events);
}

export async function linesOfMany(db: Database, tenantId: string, orderIds: string[]): Promise<OrderLineRow[]> {
  if (orderIds.length === 0) return [];
  return db
    .select()
    .from(orderLines)
    .where(and(eq(orderLines.tenantId, tenantId), inArray(orderLines.orderId, orderIds)))
    .orderBy(asc(orderLines.orderId), asc(orderLines.lineNo));
}

export async function eventsOf(db: Database, tenantId: string, orderId: string): Promise<OrderEventRow[]> {
  return db
    .select()
    .from(orderEvents)
    .where(and(eq(orderEvents.tenantId, tenantId), eq(orderEvents.orderId, orderId)))
    .orderBy(asc(orderEvents.id));
}

export async function list(db: Database, tenantId: string, filter: OrderFilter): Promise<OrderRow[]> {
  const where: (SQL | undefined)[] = [eq(orders.tenantId, tenantId)];
  if (filter.statuses?.length) where.push(inArray(orders.status, filter.statuses));
  if (filter.channel) where.push(eq(orders.channel, filter.channel));
  if (filter.shopId) where.push(eq(orders.shopId, filter.shopId));
  if (filter.channelOrderId !== undefined) where.push(eq(orders.channelOrderId, filter.channelOrderId));
  if (filter.priority) where.push(eq(orders.priority, filter.priority));
  if (filter.overdue) {
    where.push(lt(orders.processBy, filter.overdue.now), inArray(orders.status, [...filter.overdue.waitingStatuses]));
  }
  if (filter.createdFrom) where.push(gte(orders.createdAt, filter.createdFrom));
  if (filter.createdTo) where.push(lt(orders.createdAt, filter.createdTo));
  if (filter.after) {
    where.push(sql`(${orders.createdAt}, ${orders.id}) < (${filter.after.createdAt.toISOString()}::timestamptz, ${filter.after.id})`);
  }
  return db
    .select()
    .from(orders)
    .where(and(...where))
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(filter.limit);
}

export type TierRow = typeof priorityTiers.$inferSelect;

export async function tiersOf(db: Database, tenantId: string): Promise<TierRow[]> {
  return db.select().from(priorityTiers).where(eq(priorityTiers.tenantId, tenantId));
}

export async function upsertTiers(db: Database, rows: TierRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insert(priorityTiers)
    .values(rows)
    .onConflictDoUpdate({
      target: [priorityTiers.tenantId, priorityTiers.tier],
      set: { windowMinutes: sql`excluded.window_minutes`, colour: sql`excluded.colour`, updatedAt: sql`excluded.updated_at` },
    });
}

/** The tenant's order events after this id, oldest first: what the live feed sends. */
export async function eventsAfter(db: Database, tenantId: string, afterId: number, limit: number): Promise<OrderEventRow[]> {
  return db
    .select()
    .from(orderEvents)
    .where(and(eq(orderEvents.tenantId, tenantId), sql`${orderEvents.id} > ${afterId}`))
    .orderBy(asc(orderEvents.id))
    .limit(limit);
}

/** The newest order event's id, 0 when there is none. */
export async function lastEventId(db: Database, tenantId: string): Promise<number> {
  const rows = await db.select({ id: sql<string | null>`max(${orderEvents.id})` }).from(orderEvents).where(eq(orderEvents.tenantId, tenantId));
  return Number(rows[0]?.id ?? 0);
}
