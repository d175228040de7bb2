import { MicroBatcher } from '../../platform/batcher.ts';
import { deliveriesDue } from '../../platform/wake.ts';
import { ConfigCache } from '../../platform/config-cache.ts';
import type { Clock } from '../../platform/clock.ts';
import { systemActor, withDb, type Actor, type RequestContext } from '../../platform/context.ts';
import { concurrentTransactions, type Database } from '../../platform/db/index.ts';
import { newId } from '../../platform/ids.ts';
import { settingsFor } from '../inventory/inventory.settings.ts';
import { planReservations, takePlannedCtes, type ReservationPlan } from '../inventory/reservations.service.ts';
import { anySent, deliveriesDueNow, deliveryRows, getDelivery, liveDeliveriesOf, newDeliveriesCtes, retryDelivery, type DeliveryOrderRow, type NewDeliveryOrderRow } from '../fulfillment/delivery-orders.service.ts';
import { ADDRESS_HOLD, placeReceiver } from '../orders/orders.address.ts';
import { linkedWarehouses } from '../warehouses/warehouses.service.ts';
import { acknowledgeAlertsAbout } from '../fulfillment/alerts.service.ts';
import { resumeDelivery } from './pipeline.delivery.ts';
import type { OrderInput, ReceiverCorrection, TransitionInput } from '../orders/orders.input.ts';
import type { OrderStatus } from '../orders/orders.lifecycle.ts';
import { correctReceiver } from '../orders/orders.receiver.ts';
import { addressHold, holdForChannel, ingestBatch, newOrdersWrite, type Admission, type IngestResult } from '../orders/orders.ingest.ts';
import type { OrderRow } from '../orders/orders.service.ts';
import { anyRecorded, linesOfOrders, lockOrders, transition, transitionMany } from '../orders/orders.service.ts';
import { AppError } from '../../platform/errors.ts';
import { allActiveShopIds } from '../channels/shops.service.ts';
import { ensureListings, ensureListingsCtes, type SoldListing } from '../inventory/stock-sync.service.ts';
import { allocate, giveBack, type AllocationCandidate, type AllocationContext } from './pipeline.allocation.ts';
import { capacityNow, deliveryContext, routedDelivery, routedRequests, routingConfig, type RoutingCandidate } from './pipeline.routing.ts';
import { recordAllocated } from './pipeline.repository.ts';
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
  const routing = await routingConfig(ctx);
  // A tenant without warehouses keeps no stock here: its orders are recorded and left as they are.
  if (routing.warehouses.length === 0) return null;
  return { routing, settings: await settingsFor(ctx) };
}

const holdsStock = (status: string) => status === 'created' || status === 'paid';

async function processBatch(db: Database, tenantId: string, items: Submission[]): Promise<IngestResult[]> {
  const ctx: RequestContext = { tenantId, actor: systemActor('pipeline'), clock: items[0]!.clock, db };
  const config = await tenantConfig(db, ctx);
  const results = (await recordPlanned(ctx, items, config)) ?? (await recordBatch(ctx, items, config));
  if (results.some((r) => r.order.status === 'routed')) deliveriesDue.notify();
  return results;
}

/**
 * The way for a batch of new orders whose stock is there: their stock is planned from the levels
 * as read, without locks, and the orders are recorded straight as allocated together with the
 * units they take, in one statement that is its own transaction (recordAllocated), so the hot
 * levels stay locked for as little as possible. Null, with nothing written, when the batch is not
 * such a batch or the plan went stale meanwhile; shortages are only ever decided under lock.
 */
async function recordPlanned(ctx: RequestContext, items: Submission[], { alloc, activeShops }: TenantConfig): Promise<IngestResult[] | null> {
  if (!alloc) return null;
  const plan = await planBatch(ctx, items, alloc);
  if (!plan) return null;
  const orders = newOrdersWrite(ctx, items.map(({ input, actor }, i) => ({ input, actor, id: plan.ids[i], admit: plan.admissions[i] })));
  const holding = items.filter(({ input }, i) => holdsStock(input.status) && plan.admissions[i]?.to !== 'on_hold');
  const listings = ensureListingsCtes(ctx, soldListings(activeShops, holding.map((i) => i.input)));
  const deliveries = plan.deliveries.length ? (after: Parameters<typeof newDeliveriesCtes>[2]) => newDeliveriesCtes(ctx, plan.deliveries, after) : null;
  const written = await recordAllocated(ctx.db, { orders: orders.ctes, listings, take: takePlannedCtes(ctx, plan.reservations), deliveries });
  return written ? orders.results : null;
}

/**
 * One batch in one transaction, the general way: orders are recorded first (new ones, updates,
 * replays), then cancelled ones give their stock back and the others take stock under lock,
 * shortages included (allocate).
 */
async function recordBatch(base: RequestContext, items: Submission[], { alloc, activeShops }: TenantConfig): Promise<IngestResult[]> {
  return withRetryOnConflict(() =>
    base.db.transaction(async (tx) => {
      const ctx = withDb(base, tx);
      const results = await ingestBatch(ctx, items.map(({ input, actor }) => ({ input, actor })));
      if (!alloc) return results;

      const cancelled = results.filter((r) => r.outcome === 'updated' && r.order.status === 'cancelled' && r.previousStatus !== 'cancelled');
      await giveBack(ctx, cancelled.map((r) => r.order.id), 'released', 'order cancelled');

      const candidates: AllocationCandidate[] = [];
      results.forEach((r, i) => {
        if (!r.linesReplaced || r.outcome === 'unchanged' || !holdsStock(r.order.status)) return;
        const lines = items[i]!.input.lines.map((l, n) => ({ lineNo: n + 1, sku: l.sku, quantity: l.quantity }));
        candidates.push({ order: r.order, lines, firstAttempt: r.outcome === 'created' || r.previousStatus === 'created', isNew: r.outcome === 'created' });
      });
      const newlyHolding = results.flatMap((r, i) => (r.outcome === 'created' && holdsStock(r.order.status) ? [items[i]!.input] : []));
      await ensureListings(ctx, soldListings(activeShops, newlyHolding));
      const moved = await allocate(ctx, candidates, alloc);
      const allocated = results.map((r) => ({ ...r, order: moved.get(r.order.id) ?? r.order }));
      // What the channel still holds stops once it holds its stock; what it released goes out now.
      const held = await holdForChannel(ctx, allocated.map((r, i) => ({ order: r.order, input: items[i]!.input })));
      const released = allocated.filter((r) => r.previousStatus === 'on_hold' && r.order.status === 'routed').map((r) => r.order.id);
      if (released.length) await deliveriesDueNow(ctx, released);
      return allocated.map((r) => ({ ...r, order: held.get(r.order.id) ?? r.order }));
    }),
  );
}

interface BatchPlan {
  /** The id each item's order gets. */
  ids: string[];
  admissions: (Admission | undefined)[];
  reservations: ReservationPlan;
  deliveries: NewDeliveryOrderRow[];
}

/**
 * Plans a batch of new orders without locking anything: null when some order exists already or
 * some order could not be filled from the levels as read, so that a shortage is only ever
 * decided under lock. Paid orders are admitted as allocated at the warehouse planned for them;
 * orders whose address cannot be placed are admitted as held and take nothing.
 */
async function planBatch(ctx: RequestContext, items: Submission[], alloc: AllocationContext): Promise<BatchPlan | null> {
  const ids = items.map(() => newId());
  const holds = items.map(({ input }) => addressHold(input));
  const orders: RoutingCandidate[] = [];
  items.forEach(({ input }, i) => {
    if (holds[i] || !holdsStock(input.status)) return;
    const place = placeReceiver(input.receiver);
    orders.push({
      orderId: ids[i]!, channel: input.channel, shopId: input.shopId, paid: input.status !== 'created',
      lines: input.lines.map((l, n) => ({ lineNo: n + 1, sku: l.sku, quantity: l.quantity })),
      receiver: { country: input.receiver.country, provinceCode: place.provinceCode, cityCode: place.cityCode, districtCode: place.districtCode },
    });
  });
  // The reads, none waiting for another.
  const [recorded, capacity] = await Promise.all([anyRecorded(ctx, items.map((i) => i.input)), capacityNow(ctx, alloc.routing)]);
  if (recorded) return null;
  const { requests, routes } = routedRequests(orders, alloc.routing, capacity);
  const reservations = await planReservations(ctx, requests, alloc.settings);
  if (!reservations) return null;
  const paid = new Set(orders.filter((o) => o.paid).map((o) => o.orderId));
  const deliveries = deliveryRows(ctx, reservations.outcomes.flatMap((o) => (o.status === 'reserved' ? [routedDelivery(o, routes.get(o.orderId)!, paid.has(o.orderId))] : [])), deliveryContext(alloc.routing, capacity));
  const admissions = items.map(({ input }, i): Admission | undefined => {
    if (holds[i] || input.status !== 'paid') return holds[i];
    const own = deliveries.filter((d) => d.orderId === ids[i]);
    const warehouses = own.map((d) => d.warehouseCode);
    const data = { warehouseCode: warehouses[0], warehouses, deliveryOrders: own.map((d) => d.code) };
    return anySent(own)
      ? { to: 'routed', reason: `routed to ${warehouses.join(' + ')}`, data }
      : { to: 'allocated', reason: `stock reserved at ${warehouses.join(' + ')}`, data };
  });
  return { ids, admissions, reservations, deliveries };
}

/**
 * A SKU sold in a registered shop is listed there, so its stock figure is pushed to that shop
 * from now on. Orders may name shops never registered (integrators, imports): those are skipped.
 */
function soldListings(shops: Set<string>, inputs: OrderInput[]): SoldListing[] {
  const listed = new Map<string, SoldListing>();
  for (const input of inputs) {
    if (!shops.has(input.shopId)) continue;
    for (const line of input.lines) listed.set(`${input.shopId}\u0000${line.sku}`, { shopId: input.shopId, channel: input.channel, sku: line.sku });
  }
  return [...listed.values()];
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

/** One order takes stock for its lines now, in the caller's transaction (allocate); returns it as it ends up. */
async function takeStock(ctx: RequestContext, order: OrderRow): Promise<OrderRow> {
  const alloc = await allocationContext(ctx);
  if (!alloc) return order;
  const lines = (await linesOfOrders(ctx, [order.id])).map((l) => ({ lineNo: l.lineNo, sku: l.sku, quantity: l.quantity }));
  const moved = await allocate({ ...ctx, actor: systemActor('pipeline') }, [{ order, lines, firstAttempt: false }], alloc);
  return moved.get(order.id) ?? order;
}

/**
 * A status change asked for by a person, with its stock consequences in the same transaction:
 * a cancelled order gives its stock back; an order released to paid takes stock at once.
 */
export async function changeOrderStatus(ctx: RequestContext, orderId: string, request: TransitionInput): Promise<OrderRow> {
  return withRetryOnConflict(() =>
    ctx.db.transaction(async (tx) => {
      const c = withDb(ctx, tx);
      if (request.to === 'paid' || request.to === 'allocated') await refuseRestartAtWarehouse(c, orderId, request.to);
      const order = await transition(c, orderId, request);
      if (order.status === 'cancelled') await giveBack(c, [order.id], 'released', `order cancelled: ${request.reason}`);
      if (order.status === 'routed' || order.status === 'pushed' || order.status === 'allocated') return resumeDelivery(c, order, await linkedWarehouses(c));
      return order.status === 'paid' ? takeStock(c, order) : order;
    }),
  );
}

/**
 * An order whose goods a warehouse has taken cannot start over from payment or allocation: that
 * would reserve and send them a second time. It is released to routed instead.
 */
async function refuseRestartAtWarehouse(ctx: RequestContext, orderId: string, to: string): Promise<void> {
  await lockOrders(ctx, [orderId]);
  const taken = ((await liveDeliveriesOf(ctx, [orderId])).get(orderId) ?? []).filter((d) => d.status === 'accepted' || d.status === 'shipped');
  if (taken.length === 0) return;
  throw new AppError('ORDER_AT_WAREHOUSE', `a warehouse has taken this order (${taken.map((d) => `${d.code} ${d.status}`).join(', ')}); release it to routed, not ${to}`, {
    deliveryOrders: taken.map((d) => ({ code: d.code, status: d.status })),
  });
}

/**
 * A receiver corrected by a person (correctReceiver). An order held because its address could not
 * be placed goes back to where it stopped, released by that person, and takes its stock at once
 * as a new order would (a paid one to allocated, an unpaid one holding for its payment), in the
 * same transaction.
 */
export async function correctOrderReceiver(ctx: RequestContext, orderId: string, receiver: ReceiverCorrection): Promise<OrderRow> {
  return withRetryOnConflict(() =>
    ctx.db.transaction(async (tx) => {
      const c = withDb(ctx, tx);
      const order = await correctReceiver(c, orderId, receiver);
      if (order.status !== 'on_hold' || order.statusReason !== ADDRESS_HOLD || !order.heldFrom) return order;
      const released = await transition(c, order.id, { to: order.heldFrom as OrderStatus, reason: 'address corrected' });
      return holdsStock(released.status) ? takeStock(c, released) : released;
    }),
  );
}

/**
 * A delivery order that failed, was refused, or waits by hand, sent again by a person: it is owed
 * to its WMS again from now, and its order, stopped for it, goes back to routed, in one transaction.
 */
export async function retryDeliveryByHand(ctx: RequestContext, code: string): Promise<DeliveryOrderRow> {
  const linked = await linkedWarehouses(ctx);
  return withRetryOnConflict(() =>
    ctx.db.transaction(async (tx) => {
      const c = withDb(ctx, tx);
      const before = await getDelivery(c, code);
      const [order] = await lockOrders(c, [before.orderId]);
      const retried = await retryDelivery(c, code, linked);
      await acknowledgeAlertsAbout(c, code);
      // Sent again by this person: the platform moves the order back to routed for them.
      if (order && (order.status === 'exception' || order.status === 'allocated')) await transitionMany(c, [{ order, to: 'routed', reason: `delivery order ${code} sent again by hand` }]);
      return retried;
    }),
  ).finally(() => deliveriesDue.notify());
}
