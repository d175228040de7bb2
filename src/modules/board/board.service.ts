import type { RequestContext } from '../../platform/context.ts';
import { decodeCursor, encodeCursor, pageOf, pageProbe } from '../../platform/paging.ts';
import { AppError } from '../../platform/errors.ts';
import { InstantFormatError, parseIsoInstant } from '../../platform/time/instants.ts';
import { waitingForWarehouse, type OrderStatus } from '../orders/orders.lifecycle.ts';
import { priorities, type Priority } from '../orders/orders.priority.ts';
import * as repo from './board.repository.ts';
import type { BoardRow } from './board.repository.ts';

/**
 * The live order board (订单看板): orders waiting for a warehouse, most urgent deadline first. An
 * order turns amber once it has waited more than two hours since payment (the brief's rule), and
 * red once its tier's deadline has passed; an order a warehouse has taken, or one not yet paid
 * (held before payment, say), has no warning, is not overdue and is not counted as either.
 */
export const AMBER_AFTER_MINUTES = 120;

export type Warning = 'none' | 'amber' | 'red';

export interface BoardQuery {
  status?: OrderStatus[];
  channel?: string;
  shopId?: string;
  priority?: Priority[];
  group?: string;
  warehouse?: string;
  overdue?: boolean;
  q?: string;
  cursor?: string;
  limit: number;
}

const waiting = new Set<OrderStatus>(waitingForWarehouse);

export function warningOf(row: Pick<BoardRow, 'status' | 'paidAt' | 'createdAt' | 'processBy'>, now: Date): Warning {
  if (!waiting.has(row.status) || !row.paidAt) return 'none';
  if (row.processBy.getTime() < now.getTime()) return 'red';
  return now.getTime() - row.paidAt.getTime() > AMBER_AFTER_MINUTES * 60_000 ? 'amber' : 'none';
}

function filterOf(ctx: RequestContext, query: BoardQuery): repo.BoardFilter {
  const now = ctx.clock.now();
  const statuses = query.status?.length ? [...new Set(query.status)] : waitingForWarehouse;
  return {
    statuses,
    waitingSet: statuses === waitingForWarehouse,
    channel: query.channel,
    shopId: query.shopId,
    priorities: query.priority,
    group: query.group,
    warehouse: query.warehouse,
    overdue: query.overdue,
    search: query.q?.trim() || undefined,
    now,
    amberBefore: new Date(now.getTime() - AMBER_AFTER_MINUTES * 60_000),
  };
}

export function boardRowView(row: BoardRow, now: Date) {
  return {
    id: row.id,
    channel: row.channel,
    shopId: row.shopId,
    channelOrderId: row.channelOrderId,
    status: row.status,
    statusReason: row.statusReason,
    heldFrom: row.heldFrom,
    priority: row.priority,
    handlingGroup: row.handlingGroup,
    currency: row.currency,
    totalFen: row.totalFen,
    receiverProvince: row.receiverProvince,
    receiverCity: row.receiverCity,
    tags: row.tags,
    warehouses: row.warehouses,
    paidAt: row.paidAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    processBy: row.processBy.toISOString(),
    warning: warningOf(row, now),
  };
}
export type BoardRowView = ReturnType<typeof boardRowView>;

function decodePosition(cursor: string): { processBy: Date; id: string } {
  const [iso, id] = decodeCursor(cursor, 2);
  try {
    return { processBy: parseIsoInstant(iso!), id: id! };
  } catch (err) {
    if (err instanceof InstantFormatError) throw new AppError('VALIDATION_FAILED', 'cursor is not one this API returned', [{ path: 'cursor', message: 'invalid cursor' }]);
    throw err;
  }
}

export async function boardPage(ctx: RequestContext, query: BoardQuery) {
  const filter = filterOf(ctx, query);
  const after = query.cursor ? decodePosition(query.cursor) : null;
  const rows = await repo.boardPage(ctx.db, ctx.tenantId, filter, after, pageProbe(query.limit));
  const page = pageOf(rows, query.limit, (last) => encodeCursor([last.processBy.toISOString(), last.id]));
  return { now: filter.now.toISOString(), items: page.rows.map((r) => boardRowView(r, filter.now)), nextCursor: page.next };
}

/** Every order the filter finds, in board order, a page at a time (for the CSV export). */
export async function* boardRows(ctx: RequestContext, query: Omit<BoardQuery, 'cursor' | 'limit'>, max: number): AsyncGenerator<BoardRowView> {
  const filter = filterOf(ctx, { ...query, limit: 1 });
  let after: { processBy: Date; id: string } | null = null;
  let sent = 0;
  while (sent < max) {
    const want = Math.min(1_000, max - sent);
    const rows = await repo.boardPage(ctx.db, ctx.tenantId, filter, after, want);
    for (const row of rows) yield boardRowView(row, filter.now);
    sent += rows.length;
    if (rows.length < want) return;
    const last = rows[rows.length - 1]!;
    after = { processBy: last.processBy, id: last.id };
  }
}

/** Counts by status and tier, overdue and amber included, for the board's header and the overview. */
export async function boardSummary(ctx: RequestContext, query: Omit<BoardQuery, 'cursor' | 'limit' | 'q'>) {
  const filter = filterOf(ctx, { ...query, limit: 1 });
  const counts = await repo.boardCounts(ctx.db, ctx.tenantId, filter);
  const byStatus: Record<string, Record<Priority, number>> = {};
  const byTier = Object.fromEntries(priorities.map((p) => [p, 0])) as Record<Priority, number>;
  let total = 0, overdue = 0, amber = 0;
  for (const c of counts) {
    byStatus[c.status] ??= Object.fromEntries(priorities.map((p) => [p, 0])) as Record<Priority, number>;
    byStatus[c.status]![c.priority] += c.count;
    byTier[c.priority] += c.count;
    total += c.count;
    overdue += c.overdue;
    amber += c.amber;
  }
  return { now: filter.now.toISOString(), statuses: filter.statuses, byStatus, byTier, total, overdue, amber };
}

/** Orders received per hour and channel over the last `hours` hours, oldest hour first, empty hours as 0. */
export async function ordersPerHour(ctx: RequestContext, hours: number) {
  const now = ctx.clock.now();
  const first = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 - (hours - 1) * 3_600_000);
  const rows = await repo.ordersPerHour(ctx.db, ctx.tenantId, first);
  const slots = Array.from({ length: hours }, (_, i) => new Date(first.getTime() + i * 3_600_000).toISOString());
  const series: Record<string, number[]> = {};
  for (const r of rows) {
    const slot = Math.round((r.hour.getTime() - first.getTime()) / 3_600_000);
    if (slot < 0 || slot >= hours) continue;
    (series[r.channel] ??= new Array<number>(hours).fill(0))[slot] = r.count;
  }
  return { hours: slots, series };
}
