import { pageOf, pageProbe } from '../../platform/paging.ts';
import type { CteParts } from '../../platform/db/index.ts';
import type { SQL } from 'drizzle-orm';
import type { RequestContext } from '../../platform/context.ts';
import * as repo from './inventory.repository.ts';
import type { LevelDelta, NewMovementRow } from './inventory.repository.ts';
import * as reservationsRepo from './reservations.repository.ts';
import type { NewReservationRow, ReservationFilter, ReservationRow } from './reservations.repository.ts';
import { reservationTtlSeconds, settingsFor, type InventorySettings } from './inventory.settings.ts';
import { bookOf, floorsOf, key, markSafetyStockUse, sumPerLevel, takenPerSku, type LevelQuantity, type SafetyStockUse, type SkuFloor } from './reservations.book.ts';
import * as sync from './stock-sync.repository.ts';

export type { SafetyStockUse };

/** What one order needs reserved, and where it may be reserved, preferred warehouse first. */
export interface ReservationRequest {
  orderId: string;
  channel: string;
  shopId: string;
  /** Paid orders hold stock for the paid lifetime; unpaid ones for the (short) unpaid one. */
  paid: boolean;
  lines: { lineNo: number; sku: string; quantity: number }[];
  /** Every warehouse the order may draw on, preferred first. */
  warehouses: string[];
  /**
   * Ranks the warehouses for this order given what is available at each when its turn comes
   * (routing), and hears where it went; without it, `warehouses` is the order tried.
   */
  route?: WarehouseRanking;
  /** May an order no warehouse can fill alone be split across the fewest that can, each SKU whole at one. */
  allowSplit?: boolean;
}

export interface WarehouseRanking {
  rank(available: (sku: string, warehouseCode: string) => number): string[];
  chosen(warehouseCodes: string[]): void;
}

/** A line of an order and the warehouse it is reserved at. */
export interface ReservedLine {
  lineNo: number;
  sku: string;
  quantity: number;
  warehouseCode: string;
}

/** A warehouse ranked before the one(s) an order went to, and what it lacked. */
export interface PassedOver {
  warehouseCode: string;
  short: Record<string, number>;
}

/** Why an order could not be filled: too few units, or a SKU that no warehouse keeps at all. */
export type ShortReason = 'out_of_stock' | 'unknown_sku';

export type ReservationOutcome =
  /**
   * `warehouseCode` is the first of `warehouses`; more than one when the order was split.
   * `safetyStockUsed`: what the order took of safety stock (reservations ignore it), decided under lock.
   */
  | { orderId: string; status: 'reserved'; warehouseCode: string; warehouses: string[]; passedOver: PassedOver[]; lines: ReservedLine[]; safetyStockUsed: SafetyStockUse[] }
  /**
   * Units per SKU that could not be had at the first candidate warehouse. `reason` is unknown_sku
   * when some SKU of the order is in no warehouse's book (`unknownSkus`): no stock was ever
   * offered for it, so it is not a shortage.
   */
  | { orderId: string; status: 'short'; reason: ShortReason; unknownSkus: string[]; short: Record<string, number>; passedOver: PassedOver[] };

const reservedOf = (outcomes: ReservationOutcome[]) => outcomes.flatMap((o) => (o.status === 'reserved' ? [o] : []));

function demandOf(request: ReservationRequest): Map<string, number> {
  const need = new Map<string, number>();
  for (const line of request.lines) need.set(line.sku, (need.get(line.sku) ?? 0) + line.quantity);
  return need;
}

/** Every level a batch could draw on: each SKU it asks for at each of its candidate warehouses. */
function candidateLevels(requests: ReservationRequest[]): LevelQuantity[] {
  return sumPerLevel(requests.flatMap((request) => {
    const need = [...demandOf(request)];
    return request.warehouses.flatMap((warehouseCode) => need.map(([sku, quantity]) => ({ sku, warehouseCode, quantity })));
  }));
}

/** Where each order of a batch takes its units, and the reservations that makes. */
interface Assignment {
  outcomes: ReservationOutcome[];
  held: NewReservationRow[];
}

/** What an order lacks at a warehouse, per SKU. */
function shortAt(need: Map<string, number>, left: Map<string, number>, warehouseCode: string | undefined): Record<string, number> {
  const short: Record<string, number> = {};
  for (const [sku, q] of need) {
    const missing = q - (warehouseCode === undefined ? 0 : (left.get(key(sku, warehouseCode)) ?? 0));
    if (missing > 0) short[sku] = missing;
  }
  return short;
}

/** Splits consider at most this many of an order's best-ranked warehouses. */
const SPLIT_CANDIDATES = 8;

/** The k-element subsets of `items`, in rank order (the best-ranked warehouses first). */
function* subsets<T>(items: T[], k: number, from = 0): Generator<T[]> {
  if (k === 0) {
    yield [];
    return;
  }
  for (let i = from; i <= items.length - k; i++) for (const rest of subsets(items, k - 1, i + 1)) yield [items[i]!, ...rest];
}

/**
 * The fewest warehouses that together fill the order, each SKU whole at one of them (the
 * best-ranked that has it), best-ranked sets first; null when no set can.
 */
function splitAcross(ranked: string[], need: Map<string, number>, left: Map<string, number>): Map<string, string> | null {
  const pool = ranked.slice(0, SPLIT_CANDIDATES);
  for (let k = 2; k <= Math.min(pool.length, need.size); k++) {
    for (const set of subsets(pool, k)) {
      const bySku = new Map<string, string>();
      for (const [sku, q] of need) {
        const at = set.find((wh) => (left.get(key(sku, wh)) ?? 0) >= q);
        if (at === undefined) break;
        bySku.set(sku, at);
      }
      if (bySku.size === need.size && new Set(bySku.values()).size === k) return bySku;
    }
  }
  return null;
}

/**
 * Gives the units in `left` (per level) to the orders in arrival order, each order whole at the
 * first of its ranked warehouses that can fill it, else (if it may be split) across the fewest
 * that can, else not at all. `left` is drawn down as units are given.
 */
function assign(ctx: RequestContext, requests: ReservationRequest[], left: Map<string, number>, config: InventorySettings, now: Date): Assignment {
  const outcomes: ReservationOutcome[] = [];
  const held: NewReservationRow[] = [];
  for (const request of requests) {
    const need = demandOf(request);
    const ranked = request.route ? request.route.rank((sku, wh) => left.get(key(sku, wh)) ?? 0) : request.warehouses;
    const fits = (wh: string) => [...need].every(([sku, q]) => (left.get(key(sku, wh)) ?? 0) >= q);
    const whole = ranked.find(fits);
    const bySku = whole !== undefined ? new Map([...need.keys()].map((sku) => [sku, whole])) : request.allowSplit ? splitAcross(ranked, need, left) : null;
    const used = bySku ? [...new Set(bySku.values())] : [];
    const passedOver = ranked.slice(0, whole === undefined ? ranked.length : ranked.indexOf(whole)).filter((wh) => !used.includes(wh))
      .map((warehouseCode) => ({ warehouseCode, short: shortAt(need, left, warehouseCode) }));
    if (!bySku) {
      outcomes.push({ orderId: request.orderId, status: 'short', reason: 'out_of_stock', unknownSkus: [], short: shortAt(need, left, ranked[0] ?? request.warehouses[0]), passedOver });
      continue;
    }
    for (const [sku, q] of need) left.set(key(sku, bySku.get(sku)!), left.get(key(sku, bySku.get(sku)!))! - q);
    const ttl = reservationTtlSeconds(config, request.channel, request.paid);
    const expiresAt = ttl === null ? null : new Date(now.getTime() + ttl * 1000);
    for (const line of request.lines) {
      held.push({
        tenantId: ctx.tenantId, orderId: request.orderId, lineNo: line.lineNo, sku: line.sku, warehouseCode: bySku.get(line.sku)!,
        quantity: line.quantity, status: 'active', channel: request.channel, expiresAt, createdAt: now,
      });
    }
    request.route?.chosen(used);
    outcomes.push({
      orderId: request.orderId, status: 'reserved', warehouseCode: used[0]!, warehouses: used, passedOver,
      lines: request.lines.map((l) => ({ lineNo: l.lineNo, sku: l.sku, quantity: l.quantity, warehouseCode: bySku.get(l.sku)! })),
      safetyStockUsed: [],
    });
  }
  return { outcomes, held };
}

/**
 * Under the levels' locks, once the batch has taken its units: why each short order is short
 * (a SKU no warehouse keeps, else too few units), and what each reserved order took of safety
 * stock (the book as read now holds the batch's units, so they are added back for `before`).
 */
async function explainOutcomes(
  ctx: RequestContext,
  requests: ReservationRequest[],
  outcomes: ReservationOutcome[],
  held: NewReservationRow[],
  read: Pick<reservationsRepo.Grants, 'known' | 'guarded'>,
): Promise<void> {
  outcomes.forEach((outcome, i) => {
    if (outcome.status !== 'short') return;
    outcome.unknownSkus = [...demandOf(requests[i]!).keys()].filter((sku) => !read.known.has(sku));
    if (outcome.unknownSkus.length > 0) outcome.reason = 'unknown_sku';
  });
  // Only SKUs with a safety stock need the book again, as it stands under the levels' locks.
  if (read.guarded.size === 0) return;
  const book = await bookOf(ctx, skusOf(requests));
  const taken = takenPerSku(held, book.active);
  const before = new Map([...book.guarded].map(([sku, g]) => [sku, g.available + (taken.get(sku) ?? 0)]));
  markSafetyStockUse(reservedOf(outcomes), book.guarded, before);
}

const skusOf = (requests: ReservationRequest[]) => [...new Set(requests.flatMap((r) => r.lines.map((l) => l.sku)))];

const reservationMovements = (ctx: RequestContext, held: NewReservationRow[], now: Date) =>
  held.map((r) => movement(ctx, r, 'reservation', r.quantity, 'reserved for order', now));

/**
 * Reserves stock for a batch of orders in the caller's transaction: the batch's demand is summed
 * per SKU and warehouse and taken with one conditional UPDATE (rows locked in key order); units
 * then go to orders in arrival order, each order whole at one warehouse, split, or not at all. Units taken
 * but not given are handed back before the transaction ends, so only what orders hold stays
 * reserved, and every unit held has its reservation row and ledger movement.
 */
export async function reserveOrders(ctx: RequestContext, requests: ReservationRequest[], settings?: InventorySettings): Promise<ReservationOutcome[]> {
  const now = ctx.clock.now();
  const { grants, known, guarded } = await reservationsRepo.grant(ctx.db, ctx.tenantId, candidateLevels(requests), skusOf(requests), now);
  const left = new Map(grants.map((g) => [key(g.sku, g.warehouseCode), g.granted]));
  const { outcomes, held } = assign(ctx, requests, left, settings ?? (await settingsFor(ctx)), now);
  const unused: LevelDelta[] = [];
  for (const g of grants) {
    const rest = left.get(key(g.sku, g.warehouseCode)) ?? 0;
    if (rest > 0) unused.push({ sku: g.sku, warehouseCode: g.warehouseCode, onHand: 0, reserved: -rest });
  }
  await repo.applyDeltas(ctx.db, ctx.tenantId, unused, now);
  await reservationsRepo.insertReservationsWithMovements(ctx.db, held, reservationMovements(ctx, held, now));
  if (requests.length > 0) await explainOutcomes(ctx, requests, outcomes, held, { known, guarded });
  return outcomes;
}

/**
 * Where each order of a batch would take its units, worked out from the levels as they were read,
 * and the units each guarded SKU must still have left at the levels it takes from once it has
 * taken them, for no order to reach into safety stock (see planReservations).
 */
export type ReservationPlan = Assignment & { floors: SkuFloor[] };


/**
 * Works out, without locking anything, where each order would take its units if nothing changed
 * meanwhile; null when some order could not be filled or would take safety stock, since both are
 * decided only under the levels' locks (reserveOrders). The plan is carried out by
 * takePlannedCtes, which also checks that the SKUs it takes still stay above their safety stock:
 * what the other warehouses had as read, plus what the taken levels have left under lock.
 */
export async function planReservations(ctx: RequestContext, requests: ReservationRequest[], settings: InventorySettings): Promise<ReservationPlan | null> {
  const wanted = candidateLevels(requests);
  const book = await bookOf(ctx, [...new Set(wanted.map((w) => w.sku))]);
  const left = new Map<string, number>();
  for (const w of wanted) {
    const available = book.available.get(key(w.sku, w.warehouseCode));
    if (available !== undefined) left.set(key(w.sku, w.warehouseCode), available);
  }
  const plan = assign(ctx, requests, left, settings, ctx.clock.now());
  if (!plan.outcomes.every((o) => o.status === 'reserved')) return null;
  if (book.guarded.size === 0) return { ...plan, floors: [] };
  markSafetyStockUse(reservedOf(plan.outcomes), book.guarded, new Map([...book.guarded].map(([sku, g]) => [sku, g.available])));
  if (plan.outcomes.some((o) => o.status === 'reserved' && o.safetyStockUsed.length > 0)) return null;
  return { ...plan, floors: floorsOf(book, plan.held) };
}

/**
 * A plan carried out by a caller that writes it in a statement of its own, after other rows:
 * the CTEs that lock the levels once `after` holds and take exactly the planned units, ending
 * with `fits`, whose `ok` tells whether they did (see reservationsRepo.reserveExactlyCtes).
 * Null when the plan takes nothing.
 */
export function takePlannedCtes(ctx: RequestContext, plan: ReservationPlan): ((after: SQL) => CteParts) | null {
  if (plan.held.length === 0) return null;
  const at = ctx.clock.now();
  const take = { wants: sumPerLevel(plan.held), held: plan.held, movements: reservationMovements(ctx, plan.held, at), floors: plan.floors, at };
  return (after) => reservationsRepo.reserveExactlyCtes(ctx.tenantId, take, after);
}

function movement(ctx: RequestContext, r: Pick<ReservationRow, 'sku' | 'warehouseCode' | 'orderId'>, kind: string, reservedDelta: number, reason: string, at: Date, onHandDelta = 0): NewMovementRow {
  return {
    tenantId: ctx.tenantId, sku: r.sku, warehouseCode: r.warehouseCode, kind, onHandDelta, reservedDelta,
    reason, reference: r.orderId, actorKind: ctx.actor.kind, actorId: ctx.actor.id, at,
  };
}

export type ReleaseKind = 'released' | 'expired';

/**
 * Gives back every unit these orders hold (cancelled, expired, lines replaced), with a release
 * movement per reservation. Returns how many reservations ended.
 */
export async function releaseOrders(ctx: RequestContext, orderIds: string[], kind: ReleaseKind, reason: string, onlyDue = false): Promise<number> {
  const now = ctx.clock.now();
  let active = await reservationsRepo.lockActiveReservations(ctx.db, ctx.tenantId, orderIds);
  if (onlyDue) active = active.filter((r) => r.expiresAt !== null && r.expiresAt <= now);
  if (active.length === 0) return 0;
  await repo.applyDeltas(ctx.db, ctx.tenantId, sumDeltas(active, (r) => ({ onHand: 0, reserved: -r.quantity })), now);
  await reservationsRepo.endReservations(ctx.db, ctx.tenantId, active.map((r) => r.id), kind, reason, now);
  await repo.insertMovements(ctx.db, active.map((r) => movement(ctx, r, 'release', -r.quantity, `${kind}: ${reason}`, now)));
  await sync.markDue(ctx.db, ctx.tenantId, active.map((r) => r.sku), now);
  return active.length;
}

/** The goods left the warehouse (one of them, for a split order): reserved units leave the book with the shipment. */
export async function shipOrder(ctx: RequestContext, orderId: string, reference?: string, warehouseCode?: string): Promise<number> {
  const now = ctx.clock.now();
  const active = (await reservationsRepo.lockActiveReservations(ctx.db, ctx.tenantId, [orderId])).filter((r) => !warehouseCode || r.warehouseCode === warehouseCode);
  if (active.length === 0) return 0;
  await repo.applyDeltas(ctx.db, ctx.tenantId, sumDeltas(active, (r) => ({ onHand: -r.quantity, reserved: -r.quantity })), now);
  await reservationsRepo.endReservations(ctx.db, ctx.tenantId, active.map((r) => r.id), 'shipped', reference ?? 'shipped', now);
  await repo.insertMovements(ctx.db, active.map((r) => movement(ctx, r, 'shipment', -r.quantity, 'shipped', now, -r.quantity)));
  await sync.markDue(ctx.db, ctx.tenantId, active.map((r) => r.sku), now);
  return active.length;
}

/** These orders' goods are with their warehouses: what they hold stays until it ships, whatever its lifetime was. */
export async function holdUntilShipped(ctx: RequestContext, orderIds: string[]): Promise<void> {
  const active = await reservationsRepo.lockActiveReservations(ctx.db, ctx.tenantId, orderIds);
  await reservationsRepo.setExpiry(ctx.db, ctx.tenantId, active.map((r) => r.id), null);
}

/** An order was paid: what it holds now lives as long as a paid order's reservation does. */
export async function holdForPaid(ctx: RequestContext, orderIds: string[], settings?: InventorySettings): Promise<Set<string>> {
  const active = await reservationsRepo.lockActiveReservations(ctx.db, ctx.tenantId, orderIds);
  const config = settings ?? (await settingsFor(ctx));
  const byExpiry = new Map<number | null, number[]>();
  for (const r of active) {
    const ttl = reservationTtlSeconds(config, r.channel, true);
    const at = ttl === null ? null : ctx.clock.now().getTime() + ttl * 1000;
    byExpiry.set(at, [...(byExpiry.get(at) ?? []), r.id]);
  }
  for (const [at, ids] of byExpiry) await reservationsRepo.setExpiry(ctx.db, ctx.tenantId, ids, at === null ? null : new Date(at));
  return new Set(active.map((r) => r.orderId));
}

function sumDeltas(rows: ReservationRow[], delta: (r: ReservationRow) => { onHand: number; reserved: number }): LevelDelta[] {
  const sums = new Map<string, LevelDelta>();
  for (const r of rows) {
    const d = delta(r);
    const k = key(r.sku, r.warehouseCode);
    const sum = sums.get(k);
    if (sum) {
      sum.onHand += d.onHand;
      sum.reserved += d.reserved;
    } else sums.set(k, { sku: r.sku, warehouseCode: r.warehouseCode, ...d });
  }
  return [...sums.values()];
}

/** Orders holding reservations past their expiry, for the sweeper. */
export function dueForExpiry(ctx: Pick<RequestContext, 'db' | 'clock'>, limit: number) {
  return reservationsRepo.dueReservationOrders(ctx.db, ctx.clock.now(), limit);
}

export async function reservationsOfOrder(ctx: RequestContext, orderId: string) {
  return (await reservationsRepo.reservationsOf(ctx.db, ctx.tenantId, orderId)).map(reservationView);
}

export function reservationView(r: ReservationRow) {
  return {
    id: String(r.id),
    orderId: r.orderId,
    lineNo: r.lineNo,
    sku: r.sku,
    warehouseCode: r.warehouseCode,
    quantity: r.quantity,
    status: r.status,
    channel: r.channel,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    endedAt: r.endedAt?.toISOString() ?? null,
    endReason: r.endReason,
  };
}

/** 超卖: orders a channel accepted that could not be filled, counted on the health scorecard. */
export async function recordOversells(ctx: RequestContext, orders: { orderId: string; channel: string; shopId: string; short: Record<string, number> }[]): Promise<void> {
  const at = ctx.clock.now();
  await repo.insertOversells(ctx.db, orders.map((o) => ({ tenantId: ctx.tenantId, channel: o.channel, shopId: o.shopId, orderId: o.orderId, shortUnits: o.short, at })));
}

export async function listReservations(ctx: RequestContext, filter: ReservationFilter) {
  const rows = await reservationsRepo.listReservations(ctx.db, ctx.tenantId, { ...filter, limit: pageProbe(filter.limit) });
  const page = pageOf(rows, filter.limit, (last) => String(last.id));
  return { items: page.rows.map(reservationView), nextBefore: page.next };
}

/** What each of these orders holds now (active reservations), locked for the rest of the transaction. */
export async function activeHoldings(ctx: RequestContext, orderIds: string[]): Promise<Map<string, { lineNo: number; sku: string; quantity: number }[]>> {
  const holdings = new Map<string, { lineNo: number; sku: string; quantity: number }[]>();
  for (const r of await reservationsRepo.lockActiveReservations(ctx.db, ctx.tenantId, orderIds)) {
    holdings.set(r.orderId, [...(holdings.get(r.orderId) ?? []), { lineNo: r.lineNo, sku: r.sku, quantity: r.quantity }]);
  }
  return holdings;
}
