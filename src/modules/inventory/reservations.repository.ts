import { and, asc, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { executeNamed, insertIntoMany, insertStatement, rowsOf, type Database, cteParts, type CteParts } from '../../platform/db/index.ts';
import type { LevelKey, NewMovementRow } from './inventory.repository.ts';
import { reservations, stockMovements } from './inventory.schema.ts';
import { markDueStatement } from './stock-sync.repository.ts';

export type ReservationRow = typeof reservations.$inferSelect;
export type NewReservationRow = typeof reservations.$inferInsert;

/**
 * The CTEs `want` (the wanted units per level) and `locked` (those levels with what they hold,
 * locked in key order), which start every statement that takes units. A statement that writes
 * other rows first makes `locked` wait for them with `after`, a condition over its earlier CTEs.
 */
function lockedWants(tenantId: string, wants: (LevelKey & { quantity: number })[], after: SQL = sql`true`): SQL {
  return sql`want as (
      select * from json_to_recordset(${JSON.stringify(wants.map((w) => ({ sku: w.sku, warehouse_code: w.warehouseCode, qty: w.quantity })))}::json)
        as w(sku text, warehouse_code text, qty int)
    ), locked as (
      select s.sku, s.warehouse_code, s.on_hand, s.reserved, w.qty
      from stock_levels s join want w on s.sku = w.sku and s.warehouse_code = w.warehouse_code
      where ${after} and s.tenant_id = ${tenantId} and s.sku = any(array(select sku from want))
      order by s.sku collate "C", s.warehouse_code collate "C"
      for update of s
    )`;
}

export interface Grant extends LevelKey {
  granted: number;
}

export interface Grants {
  grants: Grant[];
  /** Of the SKUs asked about: those some warehouse keeps a level of, and those with a safety stock at a level or for the SKU. */
  known: Set<string>;
  guarded: Set<string>;
}

/**
 * The hot path: one conditional UPDATE over every wanted row, locked in key order, each granting
 * as many of the wanted units as are available. Rows that do not exist or have nothing available
 * grant nothing. The shops listing a SKU that granted units are marked due for a stock push in
 * the same statement, so the rows stay locked for as few round trips as possible. The same
 * statement says which of `skus` are kept anywhere and which have a safety stock (as the
 * statement's snapshot has them), which explains a shortage without another round trip.
 */
export async function grant(db: Database, tenantId: string, wants: (LevelKey & { quantity: number })[], skus: string[], at: Date): Promise<Grants> {
  if (wants.length === 0 && skus.length === 0) return { grants: [], known: new Set(), guarded: new Set() };
  const result = await executeNamed(db, sql`
    with ${lockedWants(tenantId, wants)}, granted as (
      update stock_levels s
        set reserved = s.reserved + least(l.qty, l.on_hand - l.reserved), updated_at = ${at.toISOString()}::timestamptz
      from locked l
      where s.tenant_id = ${tenantId} and s.sku = l.sku and s.warehouse_code = l.warehouse_code and l.on_hand > l.reserved
      returning s.sku, s.warehouse_code, least(l.qty, l.on_hand - l.reserved) as granted
    ), due as (${markDueStatement(tenantId, sql`(select sku from granted)`, at)}), book as (
      select s.sku, bool_or(coalesce(s.safety_stock, 0) > 0 or coalesce(g.safety_stock, 0) > 0) as guarded
      from stock_levels s left join sku_stock_settings g on g.tenant_id = s.tenant_id and g.sku = s.sku
      where s.tenant_id = ${tenantId} and s.sku = any(array(select json_array_elements_text(${JSON.stringify(skus)}::json)))
      group by s.sku
    )
    select sku, warehouse_code, granted, null::boolean as guarded from granted
    union all
    select sku, null, null, guarded from book`);
  const out: Grants = { grants: [], known: new Set(), guarded: new Set() };
  for (const r of rowsOf(result)) {
    if (r.warehouse_code !== null) out.grants.push({ sku: String(r.sku), warehouseCode: String(r.warehouse_code), granted: Number(r.granted) });
    else {
      out.known.add(String(r.sku));
      if (r.guarded === true) out.guarded.add(String(r.sku));
    }
  }
  return out;
}

/** Reservations and their ledger movements, in one statement. */
export async function insertReservationsWithMovements(db: Database, held: NewReservationRow[], movements: NewMovementRow[]): Promise<void> {
  await insertIntoMany(db, [[reservations, held], [stockMovements, movements]]);
}

/** Active reservations of these orders, locked, in key order. */
export async function lockActiveReservations(db: Database, tenantId: string, orderIds: string[]): Promise<ReservationRow[]> {
  if (orderIds.length === 0) return [];
  return db
    .select()
    .from(reservations)
    .where(and(eq(reservations.tenantId, tenantId), inArray(reservations.orderId, orderIds), eq(reservations.status, 'active')))
    .orderBy(asc(reservations.id))
    .for('update');
}

export async function endReservations(db: Database, tenantId: string, ids: number[], status: string, reason: string, at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(reservations)
    .set({ status, endReason: reason, endedAt: at })
    .where(and(eq(reservations.tenantId, tenantId), inArray(reservations.id, ids), eq(reservations.status, 'active')));
}

export async function setExpiry(db: Database, tenantId: string, ids: number[], expiresAt: Date | null): Promise<void> {
  if (ids.length === 0) return;
  await db.update(reservations).set({ expiresAt }).where(and(eq(reservations.tenantId, tenantId), inArray(reservations.id, ids)));
}

/**
 * Orders holding a reservation past its expiry, any tenant, oldest first. Nothing is locked here:
 * the caller locks each order before its reservations, the order every writer follows.
 */
export async function dueReservationOrders(db: Database, now: Date, limit: number): Promise<{ tenantId: string; orderId: string }[]> {
  const result = await db.execute(sql`
    select distinct tenant_id, order_id from (
      select tenant_id, order_id from reservations
      where status = 'active' and expires_at is not null and expires_at <= ${now.toISOString()}::timestamptz
      order by expires_at
      limit ${limit}
    ) due`);
  return rowsOf(result).map((r) => ({ tenantId: String(r.tenant_id), orderId: String(r.order_id) }));
}

export async function reservationsOf(db: Database, tenantId: string, orderId: string): Promise<ReservationRow[]> {
  return db
    .select()
    .from(reservations)
    .where(and(eq(reservations.tenantId, tenantId), eq(reservations.orderId, orderId)))
    .orderBy(asc(reservations.id));
}

export interface ReservationFilter {
  sku?: string;
  warehouseCode?: string;
  status?: string;
  orderId?: string;
  beforeId?: number;
  limit: number;
}

export async function listReservations(db: Database, tenantId: string, f: ReservationFilter): Promise<ReservationRow[]> {
  const where: SQL[] = [eq(reservations.tenantId, tenantId)];
  if (f.sku) where.push(eq(reservations.sku, f.sku));
  if (f.warehouseCode) where.push(eq(reservations.warehouseCode, f.warehouseCode));
  if (f.status) where.push(eq(reservations.status, f.status));
  if (f.orderId) where.push(eq(reservations.orderId, f.orderId));
  if (f.beforeId !== undefined) where.push(lt(reservations.id, f.beforeId));
  return db.select().from(reservations).where(and(...where)).orderBy(desc(reservations.id)).limit(f.limit);
}

/** What a plan takes: the units per level, and the reservations and movements that record them. */
export interface PlannedTake {
  wants: (LevelKey & { quantity: number })[];
  held: NewReservationRow[];
  movements: NewMovementRow[];
  /** Per SKU, the units its wanted levels must still have between them once the take is done. */
  floors: { sku: string; units: number }[];
  at: Date;
}

/**
 * The CTEs that take exactly the planned units and record the reservations and their movements,
 * or change nothing at all when any level no longer has its units (another transaction took them
 * since they were counted) or a SKU's levels would be left below its floor; `fits` holds one row
 * whose `ok` tells which. The levels are locked in
 * key order (once `after` holds, see lockedWants), then the shops listing their SKUs are marked
 * due for a stock push.
 */
export function reserveExactlyCtes(tenantId: string, take: PlannedTake, after?: SQL): CteParts {
  const taken = sql`(select ok from fits)`;
  const floors = take.floors.length === 0 ? sql`` : sql` and not exists (
        select 1 from locked l
        join json_to_recordset(${JSON.stringify(take.floors)}::json) as f(sku text, units int) on f.sku = l.sku
        group by f.sku, f.units having sum(l.on_hand - l.reserved - l.qty) < f.units
      )`;
  return cteParts(['want', 'locked', 'fits', 'taken', 'held', 'moved', 'due'], sql`${lockedWants(tenantId, take.wants, after)}, fits as (
      select count(*) = (select count(*) from want) and coalesce(bool_and(on_hand - reserved >= qty), false)${floors} as ok from locked
    ), taken as (
      update stock_levels s set reserved = s.reserved + l.qty, updated_at = ${take.at.toISOString()}::timestamptz
      from locked l
      where ${taken} and s.tenant_id = ${tenantId} and s.sku = l.sku and s.warehouse_code = l.warehouse_code
      returning s.sku
    ), held as (${insertStatement(reservations, take.held, { where: taken })}
    ), moved as (${insertStatement(stockMovements, take.movements, { where: taken })}
    ), due as (${markDueStatement(tenantId, sql`(select sku from taken)`, take.at)})`);
}
