import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Database } from '../../platform/db/index.ts';
import { instantFromDb } from '../../platform/time/instants.ts';
import { waitingForWarehouse, type OrderStatus } from '../orders/orders.lifecycle.ts';
import type { Priority } from '../orders/orders.priority.ts';

/**
 * The order board's reads: orders waiting for a warehouse (or whatever statuses are asked for),
 * most urgent deadline first, and their counts by status and tier. A read model over orders and
 * their delivery orders; the waiting orders have an index of their own (orders_board_idx).
 */
export interface BoardFilter {
  /** Exactly the statuses of the board's index unless the caller asked for others. */
  statuses: readonly OrderStatus[];
  /** True when `statuses` is the waiting set itself, so the board's partial index applies. */
  waitingSet: boolean;
  channel?: string;
  shopId?: string;
  priorities?: Priority[];
  group?: string;
  warehouse?: string;
  /** Past the deadline at `now`. */
  overdue?: boolean;
  /** An order id or a channel order id. */
  search?: string;
  now: Date;
  /** Pending since before this is amber. */
  amberBefore: Date;
}

export interface BoardRow {
  id: string;
  channel: string;
  shopId: string;
  channelOrderId: string;
  status: OrderStatus;
  statusReason: string | null;
  /** Where a stopped order was when it stopped: releasing it goes back there. */
  heldFrom: OrderStatus | null;
  priority: Priority;
  handlingGroup: string | null;
  currency: string;
  totalFen: number;
  receiverProvince: string;
  receiverCity: string;
  tags: string[];
  paidAt: Date | null;
  createdAt: Date;
  processBy: Date;
  warehouses: string[];
}

const waitingList = sql.raw(`(${waitingForWarehouse.map((s) => `'${s}'`).join(', ')})`);
/** Paid and still waiting for a warehouse: the only orders a deadline or a wait can warn about. */
const warnable = sql`o.status in ${waitingList} and o.paid_at is not null`;

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function statusClause(filter: BoardFilter): SQL {
  // The partial index's predicate is written out literally, so the planner can match it.
  if (filter.waitingSet) return sql`o.status in ${waitingList}`;
  return sql`o.status = any(${`{${filter.statuses.join(',')}}`}::text[])`;
}

function conditions(tenantId: string, filter: BoardFilter): SQL {
  const where: SQL[] = [sql`o.tenant_id = ${tenantId}`, statusClause(filter)];
  if (filter.channel) where.push(sql`o.channel = ${filter.channel}`);
  if (filter.shopId) where.push(sql`o.shop_id = ${filter.shopId}`);
  if (filter.priorities?.length) where.push(sql`o.priority = any(${`{${filter.priorities.join(',')}}`}::text[])`);
  if (filter.group) where.push(sql`o.handling_group = ${filter.group}`);
  if (filter.overdue) where.push(sql`${warnable} and o.process_by < ${filter.now.toISOString()}::timestamptz`);
  if (filter.warehouse) {
    where.push(sql`exists (select 1 from delivery_orders d where d.tenant_id = o.tenant_id and d.order_id = o.id and d.warehouse_code = ${filter.warehouse})`);
  }
  if (filter.search) {
    where.push(uuidShape.test(filter.search) ? sql`(o.id = ${filter.search} or o.channel_order_id = ${filter.search})` : sql`o.channel_order_id = ${filter.search}`);
  }
  return sql.join(where, sql` and `);
}

const rowColumns = sql`
  o.id, o.channel, o.shop_id as "shopId", o.channel_order_id as "channelOrderId", o.status, o.status_reason as "statusReason", o.held_from as "heldFrom",
  o.priority, o.handling_group as "handlingGroup", o.currency, o.total_fen::float8 as "totalFen",
  o.receiver_province as "receiverProvince", o.receiver_city as "receiverCity", o.tags,
  o.paid_at as "paidAt", o.created_at as "createdAt", o.process_by as "processBy",
  coalesce((select array_agg(distinct d.warehouse_code order by d.warehouse_code) from delivery_orders d
            where d.tenant_id = o.tenant_id and d.order_id = o.id), '{}') as warehouses`;

type Raw = Omit<BoardRow, 'paidAt' | 'createdAt' | 'processBy'> & { paidAt: string | Date | null; createdAt: string | Date; processBy: string | Date };

const toRow = (r: Raw): BoardRow => ({ ...r, totalFen: Number(r.totalFen), paidAt: r.paidAt === null ? null : instantFromDb(r.paidAt), createdAt: instantFromDb(r.createdAt), processBy: instantFromDb(r.processBy) });

/** A page of the board: deadline first, then id, after the given position. */
export async function boardPage(db: Database, tenantId: string, filter: BoardFilter, after: { processBy: Date; id: string } | null, limit: number): Promise<BoardRow[]> {
  const position = after ? sql` and (o.process_by, o.id) > (${after.processBy.toISOString()}::timestamptz, ${after.id})` : sql``;
  const rows = (rowsOf(await db.execute(sql`
    select ${rowColumns}
    from orders o
    where ${conditions(tenantId, filter)}${position}
    order by o.process_by, o.id
    limit ${limit}`)) as unknown as Raw[]);
  return rows.map(toRow);
}

export interface BoardCount {
  status: OrderStatus;
  priority: Priority;
  count: number;
  overdue: number;
  amber: number;
}

/** Counts by status and tier, with how many of each are past their deadline and how many have waited long (amber). */
export async function boardCounts(db: Database, tenantId: string, filter: BoardFilter): Promise<BoardCount[]> {
  const now = filter.now.toISOString();
  const amberBefore = filter.amberBefore.toISOString();
  const rows = (rowsOf(await db.execute(sql`
    select o.status, o.priority, count(*)::int as count,
           count(*) filter (where ${warnable} and o.process_by < ${now}::timestamptz)::int as overdue,
           count(*) filter (where ${warnable} and o.process_by >= ${now}::timestamptz and o.paid_at < ${amberBefore}::timestamptz)::int as amber
    from orders o
    where ${conditions(tenantId, filter)}
    group by o.status, o.priority`)) as unknown as BoardCount[]);
  return rows.map((r) => ({ ...r, count: Number(r.count), overdue: Number(r.overdue), amber: Number(r.amber) }));
}

/** Orders received per hour and channel since `from` (by when the platform received them). */
export async function ordersPerHour(db: Database, tenantId: string, from: Date): Promise<{ hour: Date; channel: string; count: number }[]> {
  const rows = rowsOf(await db.execute(sql`
    select date_trunc('hour', o.created_at) as hour, o.channel, count(*)::int as count
    from orders o
    where o.tenant_id = ${tenantId} and o.created_at >= ${from.toISOString()}::timestamptz
    group by 1, 2
    order by 1, 2`)) as { hour: string | Date; channel: string; count: number }[];
  return rows.map((r) => ({ hour: instantFromDb(r.hour), channel: r.channel, count: Number(r.count) }));
}
