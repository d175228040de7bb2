import { and, asc, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { executeNamed, insertStatement, rowsOf, type Database, composeCtes, cteParts, type CteParts } from '../../platform/db/index.ts';
import { newId } from '../../platform/ids.ts';
import { instantFromDb, instantFromDbOrNull } from '../../platform/time/instants.ts';
import { deliveryAttempts, deliveryOrders, wmsInbound } from './fulfillment.schema.ts';
import type { Move } from '../../platform/lifecycle.ts';
import { countsTowardCapacity, type DeliveryState, type DeliveryStatus, type NoticeStatus, type StoredNoticeStatus } from './delivery-orders.lifecycle.ts';

export type DeliveryOrderRow = typeof deliveryOrders.$inferSelect;
export type NewDeliveryOrderRow = typeof deliveryOrders.$inferInsert;

/** A paid order's delivery order counts toward its warehouse's work day; an unpaid one's not yet. */
const counts = (r: Pick<NewDeliveryOrderRow, 'status'>) => countsTowardCapacity(r.status);

/** How many delivery orders the rows add to (or, with -1, take from) each warehouse's work day, as JSON rows. */
function loadsOf(rows: Pick<NewDeliveryOrderRow, 'status' | 'warehouseCode' | 'workDay'>[], sign = 1): string {
  const counts = new Map<string, { warehouse_code: string; work_day: string; n: number }>();
  for (const r of rows) {
    const k = `${r.warehouseCode}\u0000${r.workDay}`;
    const c = counts.get(k);
    if (c) c.n += sign;
    else counts.set(k, { warehouse_code: r.warehouseCode, work_day: r.workDay, n: sign });
  }
  return JSON.stringify([...counts.values()].sort((a, b) => (a.warehouse_code < b.warehouse_code ? -1 : a.warehouse_code > b.warehouse_code ? 1 : a.work_day < b.work_day ? -1 : 1)));
}

/**
 * CTEs `new_deliveries` (a row per delivery order written) and `loaded` (the warehouses' work-day
 * counts raised), for a statement that writes them with other rows; `after` holds once the rows
 * they must follow are written.
 */
export function newDeliveryOrdersCtes(tenantId: string, rows: NewDeliveryOrderRow[], after: SQL = sql`true`): CteParts {
  return cteParts(['new_deliveries', 'loaded'], sql`new_deliveries as (${insertStatement(deliveryOrders, rows, { where: after, returning: 'code' })}),
    loaded as (${loadsStatement(tenantId, loadsOf(rows.filter(counts)), after)})`);
}

function loadsStatement(tenantId: string, loads: string, after: SQL = sql`true`): SQL {
  return sql`insert into warehouse_loads (tenant_id, warehouse_code, work_day, delivery_orders)
      select ${tenantId}, l.warehouse_code, l.work_day, l.n
      from json_to_recordset(${loads}::json) as l(warehouse_code text, work_day text, n int)
      where ${after}
      order by l.warehouse_code collate "C", l.work_day collate "C"
      on conflict (tenant_id, warehouse_code, work_day) do update set delivery_orders = warehouse_loads.delivery_orders + excluded.delivery_orders
      returning 1`;
}

/** Delivery orders start or stop counting toward their warehouses' work days (paid, cancelled). */
export async function addLoads(db: Database, tenantId: string, rows: Pick<NewDeliveryOrderRow, 'status' | 'warehouseCode' | 'workDay'>[], sign: 1 | -1): Promise<void> {
  if (rows.length === 0) return;
  await executeNamed(db, loadsStatement(tenantId, loadsOf(rows, sign)));
}

export async function insertDeliveryOrders(db: Database, tenantId: string, rows: NewDeliveryOrderRow[]): Promise<void> {
  if (rows.length === 0) return;
  await executeNamed(db, sql`${composeCtes([newDeliveryOrdersCtes(tenantId, rows)])} select (select count(*) from new_deliveries) + (select count(*) from loaded)`);
}

/** Delivery orders counted per warehouse and work day. */
export async function loadsOn(db: Database, tenantId: string, days: { warehouseCode: string; workDay: string }[]): Promise<Map<string, number>> {
  if (days.length === 0) return new Map();
  const result = await executeNamed(db, sql`
    select l.warehouse_code, l.work_day, l.delivery_orders
    from warehouse_loads l join json_to_recordset(${JSON.stringify(days.map((d) => ({ w: d.warehouseCode, d: d.workDay })))}::json) as k(w text, d text)
      on l.warehouse_code = k.w and l.work_day = k.d
    where l.tenant_id = ${tenantId}`);
  return new Map(rowsOf(result).map((r) => [`${r.warehouse_code}\u0000${r.work_day}`, Number(r.delivery_orders)]));
}

export async function ofOrders(db: Database, tenantId: string, orderIds: string[], lock = false): Promise<DeliveryOrderRow[]> {
  if (orderIds.length === 0) return [];
  const query = db.select().from(deliveryOrders)
    .where(and(eq(deliveryOrders.tenantId, tenantId), inArray(deliveryOrders.orderId, orderIds)))
    .orderBy(asc(deliveryOrders.tenantId), asc(deliveryOrders.code));
  return lock ? query.for('update') : query;
}

export async function findByCode(db: Database, tenantId: string, code: string, lock = false): Promise<DeliveryOrderRow | null> {
  const query = db.select().from(deliveryOrders).where(and(eq(deliveryOrders.tenantId, tenantId), eq(deliveryOrders.code, code)));
  const rows = await (lock ? query.for('update') : query);
  return rows[0] ?? null;
}

/** What a delivery order's status change writes besides its status. */
export interface DeliveryPatch {
  attempts?: number;
  nextAttemptAt?: Date | null;
  leaseUntil?: Date | null;
  lastError?: string | null;
  wmsId?: string | null;
  acceptedAt?: Date | null;
  shippedAt?: Date | null;
  carrier?: string | null;
  trackingNo?: string | null;
  /** Only with a notice move the notice lifecycle allowed (a delivery order that ships). */
  noticeStatus?: StoredNoticeStatus | null;
  noticeNextAt?: Date | null;
  workDay?: string;
  failingSince?: Date | null;
}

/** A status change checked against the delivery order lifecycle (see delivery-orders.service), ready to be saved. */
export type DeliveryMove = Move<DeliveryStatus, DeliveryState & { code: string }, DeliveryPatch>;

/**
 * Saves checked moves, each only while its delivery order is still in the status it was checked
 * from: one update per destination and patch (a warehouse's paid delivery orders, an order's
 * cancelled ones). Returns the rows moved, as they are now, by code.
 */
export async function saveMoves(db: Database, tenantId: string, moves: DeliveryMove[]): Promise<Map<string, DeliveryOrderRow>> {
  const groups = new Map<string, DeliveryMove[]>();
  for (const m of moves) {
    const key = JSON.stringify([m.to, m.patch]);
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  const saved = new Map<string, DeliveryOrderRow>();
  for (const group of groups.values()) {
    const { to, patch, at } = group[0]!;
    const expected = JSON.stringify(group.map((m) => ({ code: m.id, from_status: m.from })));
    const rows = await db.update(deliveryOrders).set({ ...patch, status: to, updatedAt: at })
      .where(and(
        eq(deliveryOrders.tenantId, tenantId),
        inArray(deliveryOrders.code, group.map((m) => m.id)),
        sql`(${deliveryOrders.code}, ${deliveryOrders.status}) in (select code, from_status from json_to_recordset(${expected}::json) as e(code text, from_status text))`,
      ))
      .returning();
    for (const row of rows) saved.set(row.code, row);
  }
  return saved;
}

/** The two queues delivery orders sit in: owed to their WMS, and shipped with the channel still to be told. */
const queues = {
  delivery: { due: sql`status = 'pending' and next_attempt_at`, order: sql`next_attempt_at`, lease: sql.raw('lease_until'), attempts: sql.raw('attempts'), touch: true },
  notice: { due: sql`notice_status = 'due' and notice_next_at`, order: sql`notice_next_at`, lease: sql.raw('notice_lease_until'), attempts: sql.raw('notice_attempts'), touch: false },
} as const;

/**
 * Leases up to `limit` delivery orders due by `now` in a queue, of every tenant, oldest due first,
 * skipping rows another dispatcher holds: each gets a lease until `leaseUntil` and one more
 * attempt. A dispatcher that dies holding some lets them go when the lease runs out.
 */
async function claim(db: Database, queue: keyof typeof queues, now: Date, leaseUntil: Date, limit: number): Promise<DeliveryOrderRow[]> {
  const q = queues[queue];
  const at = now.toISOString();
  const result = await executeNamed(db, sql`
    with due as (
      select tenant_id, code from delivery_orders
      where ${q.due} <= ${at}::timestamptz and (${q.lease} is null or ${q.lease} <= ${at}::timestamptz)
      order by ${q.order}
      limit ${limit}
      for update skip locked
    )
    update delivery_orders d
      set ${q.lease} = ${leaseUntil.toISOString()}::timestamptz, ${q.attempts} = d.${q.attempts} + 1${q.touch ? sql`, updated_at = ${at}::timestamptz` : sql``}
    from due where d.tenant_id = due.tenant_id and d.code = due.code
    returning d.*`);
  return rowsOf(result).map(fromRaw);
}

/** Delivery orders owed to their WMS (see claim). */
export const claimDue = (db: Database, now: Date, leaseUntil: Date, limit: number) => claim(db, 'delivery', now, leaseUntil, limit);

function fromRaw(r: Record<string, unknown>): DeliveryOrderRow {
  const json = <T>(v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));
  return {
    tenantId: String(r.tenant_id), code: String(r.code), orderId: String(r.order_id), warehouseCode: String(r.warehouse_code), status: String(r.status) as DeliveryStatus,
    lines: json(r.lines), decision: json(r.decision), workDay: String(r.work_day), attempts: Number(r.attempts),
    nextAttemptAt: instantFromDbOrNull(r.next_attempt_at), leaseUntil: instantFromDbOrNull(r.lease_until), lastError: (r.last_error as string | null) ?? null,
    wmsId: (r.wms_id as string | null) ?? null, carrier: (r.carrier as string | null) ?? null, trackingNo: (r.tracking_no as string | null) ?? null,
    createdAt: instantFromDb(r.created_at as string | Date), updatedAt: instantFromDb(r.updated_at as string | Date), acceptedAt: instantFromDbOrNull(r.accepted_at), shippedAt: instantFromDbOrNull(r.shipped_at),
    noticeStatus: (r.notice_status as StoredNoticeStatus | null) ?? null, noticeAttempts: Number(r.notice_attempts ?? 0), noticeNextAt: instantFromDbOrNull(r.notice_next_at),
    noticeLeaseUntil: instantFromDbOrNull(r.notice_lease_until), noticeError: (r.notice_error as string | null) ?? null, failingSince: instantFromDbOrNull(r.failing_since),
  };
}

export interface DeliveryFilter {
  status?: DeliveryStatus;
  orderId?: string;
  warehouseCode?: string;
  before?: string;
  limit: number;
}

/** Newest first by code (codes sort by creation), a page at a time. */
export async function list(db: Database, tenantId: string, filter: DeliveryFilter): Promise<DeliveryOrderRow[]> {
  const where = [eq(deliveryOrders.tenantId, tenantId)];
  if (filter.status) where.push(eq(deliveryOrders.status, filter.status));
  if (filter.orderId) where.push(eq(deliveryOrders.orderId, filter.orderId));
  if (filter.warehouseCode) where.push(eq(deliveryOrders.warehouseCode, filter.warehouseCode));
  if (filter.before) where.push(lt(deliveryOrders.code, filter.before));
  return db.select().from(deliveryOrders).where(and(...where)).orderBy(desc(deliveryOrders.code)).limit(filter.limit);
}


/** One send to a WMS or a marketplace, as it went (see deliveryAttempts). */
export interface AttemptRecord {
  outcome: 'accepted' | 'retry' | 'rejected' | 'failed' | 'sent' | 'due';
  error: string | null;
  latencyMs: number;
  at: Date;
}

export type AttemptRow = typeof deliveryAttempts.$inferSelect;

/** The attempts of a round as rows to insert alongside its results. */
function attemptRows(tenantId: string, target: 'wms' | 'notice', results: { code: string; attempt?: AttemptRecord }[]) {
  return results.flatMap((r) => (r.attempt ? [{
    tenantId, deliveryCode: r.code, id: newId(), target, outcome: r.attempt.outcome, error: r.attempt.error, latencyMs: Math.max(0, Math.round(r.attempt.latencyMs)), at: r.attempt.at,
  }] : []));
}

/** The part of a round's statement that logs its attempts; none when nothing was sent. */
function attemptsCte(tenantId: string, target: 'wms' | 'notice', results: { code: string; attempt?: AttemptRecord }[]): SQL {
  const rows = attemptRows(tenantId, target, results);
  return rows.length ? sql`, logged as (${insertStatement(deliveryAttempts, rows)})` : sql``;
}

/** A delivery order's attempts, newest first. */
export async function attemptsOf(db: Database, tenantId: string, code: string, limit: number): Promise<AttemptRow[]> {
  return db.select().from(deliveryAttempts).where(and(eq(deliveryAttempts.tenantId, tenantId), eq(deliveryAttempts.deliveryCode, code)))
    .orderBy(desc(deliveryAttempts.id)).limit(limit);
}

/** What came of sending a leased delivery order. */
export interface DeliveryResult {
  code: string;
  status: 'pending' | 'accepted' | 'rejected' | 'failed' | 'cancelled';
  wmsId?: string | null;
  lastError?: string | null;
  nextAttemptAt?: Date | null;
  /** Attempts given back (a send put off, not made). */
  refund?: number;
  /** The send, when one was made. */
  attempt?: AttemptRecord;
}

/** A dispatch round's result as a checked move: what it writes besides the status. */
export type ResultMove = Move<DeliveryStatus, DeliveryState & { code: string }, Omit<DeliveryResult, 'code' | 'status'>>;

/**
 * Writes the results of a dispatch round in one statement, each only on a delivery order still in
 * the status its move was checked from, and lets the leases go, with every attempt made logged
 * (a result its row no longer takes is still an attempt). A failed send starts (or continues) its
 * run of failures; an acceptance ends it. Returns the rows changed.
 */
export async function recordResults(db: Database, tenantId: string, moves: ResultMove[], attempts: { code: string; attempt?: AttemptRecord }[]): Promise<DeliveryOrderRow[]> {
  if (moves.length === 0 && attempts.length === 0) return [];
  const payload = JSON.stringify(moves.map((m) => ({
    code: m.id, from_status: m.from, status: m.to, wms_id: m.patch.wmsId ?? null, last_error: m.patch.lastError ?? null,
    next_attempt_at: m.patch.nextAttemptAt?.toISOString() ?? null, refund: m.patch.refund ?? 0,
    failing: m.patch.attempt?.outcome === 'retry' || m.patch.attempt?.outcome === 'failed',
  })));
  const now = (moves[0]?.at ?? new Date()).toISOString();
  const result = await executeNamed(db, sql`
    with r as (
      select * from json_to_recordset(${payload}::json) as r(code text, from_status text, status text, wms_id text, last_error text, next_attempt_at timestamptz, refund int, failing boolean)
    )${attemptsCte(tenantId, 'wms', attempts)}
    update delivery_orders d
      set status = r.status, wms_id = coalesce(r.wms_id, d.wms_id), last_error = r.last_error, next_attempt_at = r.next_attempt_at,
          lease_until = null, attempts = d.attempts - r.refund, updated_at = ${now}::timestamptz,
          accepted_at = case when r.status = 'accepted' then ${now}::timestamptz else d.accepted_at end,
          failing_since = case when r.status in ('accepted', 'cancelled') then null when r.failing then coalesce(d.failing_since, ${now}::timestamptz) else d.failing_since end
    from r
    where d.tenant_id = ${tenantId} and d.code = any(array(select code from r)) and d.code = r.code and d.status = r.from_status
    returning d.*`);
  return rowsOf(result).map(fromRaw);
}

/** Sets fields of a delivery order whatever its status (what a WMS says it did stands even for a cancelled one). */
export async function annotate(db: Database, tenantId: string, code: string, patch: Omit<DeliveryPatch, 'noticeStatus' | 'noticeNextAt'>, at: Date, notice?: NoticeMove): Promise<DeliveryOrderRow | null> {
  const noticeFrom = notice ? (notice.from === 'none' ? sql`${deliveryOrders.noticeStatus} is null` : eq(deliveryOrders.noticeStatus, notice.from)) : undefined;
  const rows = await db.update(deliveryOrders).set({ ...patch, ...(notice ? { noticeStatus: stored(notice.to) } : {}), updatedAt: at })
    .where(and(eq(deliveryOrders.tenantId, tenantId), eq(deliveryOrders.code, code), noticeFrom)).returning();
  return rows[0] ?? null;
}

/**
 * A pending delivery order not being sent at this moment falls due now, by hand, with a fresh
 * count of attempts and no run of failures; null when it is not pending or is leased.
 */
export async function dueNowByHand(db: Database, tenantId: string, code: string, at: Date): Promise<DeliveryOrderRow | null> {
  const rows = await db.update(deliveryOrders).set({ nextAttemptAt: at, attempts: 0, failingSince: null, updatedAt: at })
    .where(and(eq(deliveryOrders.tenantId, tenantId), eq(deliveryOrders.code, code), eq(deliveryOrders.status, 'pending'),
      sql`(${deliveryOrders.leaseUntil} is null or ${deliveryOrders.leaseUntil} <= ${at.toISOString()}::timestamptz)`))
    .returning();
  return rows[0] ?? null;
}

/** The orders' pending delivery orders fall due now (an order released from a hold). */
export async function dueNow(db: Database, tenantId: string, orderIds: string[], at: Date): Promise<number> {
  if (orderIds.length === 0) return 0;
  const rows = await db.update(deliveryOrders).set({ nextAttemptAt: at, updatedAt: at })
    .where(and(eq(deliveryOrders.tenantId, tenantId), inArray(deliveryOrders.orderId, orderIds), eq(deliveryOrders.status, 'pending')))
    .returning({ code: deliveryOrders.code });
  return rows.length;
}

/**
 * How long a stock change kept before subjects were (subject '') still names the message a WMS
 * sends again: a WMS sends a report again until it is taken, within hours. After that the same
 * code is a new message of a WMS that numbers from scratch.
 */
const LEGACY_REPEAT_WINDOW_MS = 24 * 60 * 60_000;

/**
 * Remembers a WMS message by its warehouse, business code and subject, with its digest: `new` when
 * it was not kept before, `repeat` when it was with the same digest, `conflict` when the same code
 * and subject came with other content. A stock change under a code kept before subjects were
 * (subject '') within LEGACY_REPEAT_WINDOW_MS counts as a repeat, as it did then: taking it again
 * would count it twice. (A shipment taken again changes nothing, so it needs no such care.)
 */
export async function rememberInbound(db: Database, row: typeof wmsInbound.$inferInsert & { subject: string; digest: string }): Promise<'new' | 'repeat' | 'conflict'> {
  const inserted = await db.insert(wmsInbound).values(row).onConflictDoNothing().returning({ code: wmsInbound.outBizCode });
  if (inserted.length > 0 && row.method !== 'stock_changed') return 'new';
  const kept = await db.select({ subject: wmsInbound.subject, digest: wmsInbound.digest, method: wmsInbound.method, receivedAt: wmsInbound.receivedAt }).from(wmsInbound)
    .where(and(eq(wmsInbound.tenantId, row.tenantId), eq(wmsInbound.warehouseCode, row.warehouseCode), eq(wmsInbound.outBizCode, row.outBizCode), inArray(wmsInbound.subject, [row.subject, ''])));
  const legacy = kept.some((k) => k.subject === '' && k.method === row.method && row.receivedAt.getTime() - k.receivedAt.getTime() < LEGACY_REPEAT_WINDOW_MS);
  if (inserted.length > 0) return legacy ? 'repeat' : 'new';
  return legacy || kept.some((k) => k.subject === row.subject && k.digest === row.digest) ? 'repeat' : 'conflict';
}

/** Shipment notices owed to channels (see claim). */
export const claimNoticesDue = (db: Database, now: Date, leaseUntil: Date, limit: number) => claim(db, 'notice', now, leaseUntil, limit);

export interface NoticeResult {
  code: string;
  status: StoredNoticeStatus;
  error?: string | null;
  nextAt?: Date | null;
  /** The call to the marketplace, when one was made. */
  attempt?: AttemptRecord;
}

/** A shipment notice's status change, checked against the notice lifecycle. */
export type NoticeMove = Move<NoticeStatus, { code: string; noticeStatus: StoredNoticeStatus | null }, { error?: string | null; nextAt?: Date | null }>;

const stored = (s: NoticeStatus): StoredNoticeStatus | null => (s === 'none' ? null : s);

/** Writes what came of a round of notices, each only while the notice is still in the status its move was checked from, and lets the leases go. */
export async function recordNotices(db: Database, tenantId: string, moves: NoticeMove[], attempts: { code: string; attempt?: AttemptRecord }[]): Promise<void> {
  if (moves.length === 0 && attempts.length === 0) return;
  const payload = JSON.stringify(moves.map((m) => ({ code: m.id, from_status: stored(m.from), status: stored(m.to), error: m.patch.error ?? null, next_at: m.patch.nextAt?.toISOString() ?? null })));
  await executeNamed(db, sql`
    with r as (select * from json_to_recordset(${payload}::json) as r(code text, from_status text, status text, error text, next_at timestamptz))${attemptsCte(tenantId, 'notice', attempts)}
    update delivery_orders d
      set notice_status = r.status, notice_error = r.error, notice_next_at = r.next_at, notice_lease_until = null
    from r
    where d.tenant_id = ${tenantId} and d.code = any(array(select code from r)) and d.code = r.code and d.notice_status = r.from_status`);
}
