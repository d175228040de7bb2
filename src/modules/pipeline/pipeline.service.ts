import { MicroBatcher } from '../../platform/batcher.ts';
import { ConfigCache } from '../../platform/config-cache.ts';
import type { Clock } from '../../platform/clock.ts';
import { systemActor, withDb, type Actor, type RequestContext } from '../../platform/context.ts';
import { concurrentTransactions, type Database } from '../../platform/db/index.ts';
import { newId } from '../../platform/ids.ts';
import { settingsFor } from '../inventory/inventory.settings.ts';
import { planReservations, releaseOrders, takePlanned, type ReservationPlan, type ReservationRequest } from '../inventory/reservations.service.ts';
import type { OrderInput, TransitionInput } from '../orders/orders.input.ts';
import { ingestBatch, type Admission, type IngestResult } from '../orders/orders.ingest.ts';
import type { OrderRow } from '../orders/orders.service.ts';
import { anyRecorded, linesOfOrders, lockOrders, transition } from '../orders/orders.service.ts';
import { candidateWarehouses } from '../warehouses/warehouses.service.ts';
import { allActiveShopIds } from '../channels/shops.service.ts';
import { ensureListings } from '../inventory/stock-sync.service.ts';
import { allocate, type AllocationCandidate, type AllocationContext } from './pipeline.allocation.ts';
import { withRetryOnConflict } from './pipeline.retry.ts';

/**
 * The order pipeline: orders submitted from anywhere (API, channel pushes and pulls) are recorded
 * in micro-batches, and in the same transaction paid and unpaid orders take their stock. What a
 * batch writes commits whole or not at all, so a crash never leaves a half-reserved order.
 * Processes other than the pipeline (people, the backorder job) work on one order at a time with
 * fresh configuration; the pipeline keeps its tenants' configuration for a second.
 */
interface Submission {
  input: OrderInput;
  actor: Actor;
  clock: Clock;
}

const MAX_BATCH = 256;
const pipelines = new WeakMap<Database, MicroBatcher<Submission, IngestResult>>();

function pipelineFor(db: Database): MicroBatcher<Submission, IngestResult> {
  let batcher = pipelines.get(db);
  if (!batcher) {
    batcher = new MicroBatcher<Submission, IngestResult>((tenantId, items) => processBatch(db, tenantId, items), {
      maxBatch: MAX_BATCH,
      // Two batches overlap (one recording its orders while the other takes its stock and commits);
      // more only split the same submitters into smaller batches, which cost more per order.
      maxInFlight: Math.min(2, concurrentTransactions(db)),
      conflictKey: (s) => `${s.input.channel}\u0000${s.input.shopId}\u0000${s.input.channelOrderId}`,
    });
    pipelines.set(db, batcher);
  }
  return batcher;
}

/**
 * Records an order (idempotent on channel, shop and channel order id) and reserves its stock.
 * The result's order carries its status after reservation: allocated, or exception when it could
 * not be filled under the exception policy.
 */
export function submitOrder(ctx: RequestContext, input: OrderInput): Promise<IngestResult> {
  return pipelineFor(ctx.db).submit(ctx.tenantId, { input, actor: ctx.actor, clock: ctx.clock });
}

/**
 * What a batch needs to know of its tenant's configuration, kept per database for a second (see
 * ConfigCache): warehouses to try, inventory settings, active shops.
 */
interface TenantConfig {
  alloc: AllocationContext | null;
  activeShops: Set<string>;
}

const configs = new WeakMap<Database, ConfigCache<TenantConfig>>();

function tenantConfig(base: Database, ctx: RequestContext): Promise<TenantConfig> {
  let cache = configs.get(base);
  if (!cache) configs.set(base, (cache = new ConfigCache<TenantConfig>()));
  return cache.get(ctx.tenantId, async () => ({ alloc: await allocationContext(ctx), activeShops: await allActiveShopIds(ctx) }));
}

async function allocationContext(ctx: RequestContext): Promise<AllocationContext | null> {
  const warehouses = await candidateWarehouses(ctx);
  // A tenant without warehouses keeps no stock here: its orders are recorded and left as they are.
  if (warehouses.length === 0) return null;
  return { warehouses, settings: await settingsFor(ctx) };
}

const holdsStock = (status: string) => status === 'created' || status === 'paid';

/** The stock a batch planned was taken by someone else meanwhile: the batch runs again, taking its stock under lock. */
class StalePlan extends Error {}

async function processBatch(db: Database, tenantId: string, items: Submission[]): Promise<IngestResult[]> {
  try {
    return await recordBatch(db, tenantId, items, true);
  } catch (err) {
    if (!(err instanceof StalePlan)) throw err;
    return recordBatch(db, tenantId, items, false);
  }
}

/**
 * One batch in one transaction. When every order is new and the stock they need is there, their
 * stock is planned from the levels as read and the orders are recorded straight as allocated; the
 * plan is then carried out as the transaction's last statement, so the hot levels stay locked for
 * one statement and the commit (see planBatch). Otherwise orders are recorded first and stock is
 * taken under lock afterwards (allocate), shortages included.
 */
async function recordBatch(db: Database, tenantId: string, items: Submission[], planAhead: boolean): Promise<IngestResult[]> {
  return withRetryOnConflict(() =>
    db.transaction(async (tx) => {
      const ctx: RequestContext = { tenantId, actor: systemActor('pipeline'), clock: items[0]!.clock, db: tx };
      const { alloc, activeShops } = await tenantConfig(db, ctx);
      const plan = alloc && planAhead ? await planBatch(ctx, items, alloc) : null;
      const results = await ingestBatch(ctx, items.map(({ input, actor }, i) => ({ input, actor, id: plan?.ids[i], admit: plan?.admissions[i] })));
      if (!alloc) return results;
      if (plan) {
        // An order recorded meanwhile by another process makes this batch no longer all new.
        if (results.some((r) => r.outcome !== 'created')) throw new StalePlan();
        await listSoldSkus(ctx, activeShops, results.filter((_, i) => holdsStock(items[i]!.input.status)).map((r) => r.order), items);
        if (!(await takePlanned(ctx, plan.reservations, new Set(plan.ids)))) throw new StalePlan();
        return results;
      }

      const cancelled = results.filter((r) => r.outcome === 'updated' && r.order.status === 'cancelled' && r.previousStatus !== 'cancelled');
      await releaseOrders(ctx, cancelled.map((r) => r.order.id), 'released', 'order cancelled');

      const candidates: AllocationCandidate[] = [];
      results.forEach((r, i) => {
        if (!r.linesReplaced || r.outcome === 'unchanged' || !holdsStock(r.order.status)) return;
        const lines = items[i]!.input.lines.map((l, n) => ({ lineNo: n + 1, sku: l.sku, quantity: l.quantity }));
        candidates.push({ order: r.order, lines, firstAttempt: r.outcome === 'created' || r.previousStatus === 'created', isNew: r.outcome === 'created' });
      });
      await listSoldSkus(ctx, activeShops, candidates.filter((c) => c.isNew).map((c) => c.order), items);
      const moved = await allocate(ctx, candidates, alloc);
      return results.map((r) => ({ ...r, order: moved.get(r.order.id) ?? r.order }));
    }),
  );
}

interface BatchPlan {
  /** The id each item's order gets. */
  ids: string[];
  admissions: (Admission | undefined)[];
  reservations: ReservationPlan;
}

/**
 * Plans a batch of new orders without locking anything: null when some order exists already or
 * some order could not be filled from the levels as read, so that a shortage is only ever
 * decided under lock. Paid orders are admitted as allocated at the warehouse planned for them.
 */
async function planBatch(ctx: RequestContext, items: Submission[], alloc: AllocationContext): Promise<BatchPlan | null> {
  if (await anyRecorded(ctx, items.map((i) => i.input))) return null;
  const ids = items.map(() => newId());
  const requests: ReservationRequest[] = [];
  items.forEach(({ input }, i) => {
    if (!holdsStock(input.status)) return;
    requests.push({
      orderId: ids[i]!, channel: input.channel, shopId: input.shopId, paid: input.status !== 'created',
      lines: input.lines.map((l, n) => ({ lineNo: n + 1, sku: l.sku, quantity: l.quantity })), warehouses: alloc.warehouses,
    });
  });
  const reservations = await planReservations(ctx, requests, alloc.settings);
  if (!reservations) return null;
  const warehouseOf = new Map(reservations.outcomes.flatMap((o) => (o.status === 'reserved' ? [[o.orderId, o.warehouseCode] as const] : [])));
  const admissions = items.map(({ input }, i): Admission | undefined => {
    if (input.status !== 'paid') return undefined;
    const warehouseCode = warehouseOf.get(ids[i]!)!;
    return { to: 'allocated', reason: `stock reserved at ${warehouseCode}`, data: { warehouseCode } };
  });
  return { ids, admissions, reservations };
}

/**
 * A SKU sold in a registered shop is listed there, so its stock figure is pushed to that shop
 * from now on. Orders may name shops never registered (integrators, imports): those are skipped.
 */
async function listSoldSkus(ctx: RequestContext, shops: Set<string>, orders: OrderRow[], items: Submission[]): Promise<void> {
  if (orders.length === 0 || shops.size === 0) return;
  const byOrder = new Map(items.map((i) => [`${i.input.shopId}\u0000${i.input.channelOrderId}`, i.input]));
  const listed = new Map<string, { shopId: string; channel: string; sku: string }>();
  for (const o of orders) {
    if (!shops.has(o.shopId)) continue;
    for (const line of byOrder.get(`${o.shopId}\u0000${o.channelOrderId}`)?.lines ?? []) {
      listed.set(`${o.shopId}\u0000${line.sku}`, { shopId: o.shopId, channel: o.channel, sku: line.sku });
    }
  }
  await ensureListings(ctx, [...listed.values()]);
}

/**
 * Paid orders still without stock (backorders, orders released back to paid), oldest payment
 * first, take stock as it comes. Returns how many moved on.
 */
export async function allocateWaiting(ctx: RequestContext, orders: OrderRow[]): Promise<number> {
  if (orders.length === 0) return 0;
  return withRetryOnConflict(() =>
    ctx.db.transaction(async (tx) => {
      const c = withDb(ctx, tx);
      const alloc = await allocationContext(c);
      if (!alloc) return 0;
      const locked = (await lockOrders(c, orders.map((o) => o.id))).filter((o) => o.status === 'paid');
      const byArrival = locked.sort((a, b) => (a.paidAt?.getTime() ?? 0) - (b.paidAt?.getTime() ?? 0) || (a.id < b.id ? -1 : 1));
      const lines = await linesOfOrders(c, byArrival.map((o) => o.id));
      const candidates = byArrival.map((order) => ({
        order,
        lines: lines.filter((l) => l.orderId === order.id).map((l) => ({ lineNo: l.lineNo, sku: l.sku, quantity: l.quantity })),
        firstAttempt: false,
      }));
      return (await allocate(c, candidates, alloc)).size;
    }),
  );
}

/**
 * A status change asked for by a person, with its stock consequences in the same transaction:
 * a cancelled order gives its stock back; an order released to paid takes stock at once.
 */
export async function changeOrderStatus(ctx: RequestContext, orderId: string, request: TransitionInput): Promise<OrderRow> {
  return withRetryOnConflict(() =>
    ctx.db.transaction(async (tx) => {
      const c = withDb(ctx, tx);
      const order = await transition(c, orderId, request);
      if (order.status === 'cancelled') await releaseOrders(c, [order.id], 'released', `order cancelled: ${request.reason}`);
      if (order.status !== 'paid') return order;
      const alloc = await allocationContext(c);
      if (!alloc) return order;
      const lines = (await linesOfOrders(c, [order.id])).map((l) => ({ lineNo: l.lineNo, sku: l.sku, quantity: l.quantity }));
      const moved = await allocate({ ...c, actor: systemActor('pipeline') }, [{ order, lines, firstAttempt: false }], alloc);
      return moved.get(order.id) ?? order;
    }),
  );
}
