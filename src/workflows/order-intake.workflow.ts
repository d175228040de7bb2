import { MicroBatcher } from '../platform/batcher.ts';
import type { Wake } from '../platform/wake.ts';
import { ConfigCache } from '../platform/config-cache.ts';
import type { Clock } from '../platform/clock.ts';
import { systemActor, type Actor, type RequestContext } from '../platform/context.ts';
import { concurrentTransactions, type Database } from '../platform/db/index.ts';
import { newId } from '../platform/ids.ts';
import { inTransaction } from '../platform/transaction.ts';
import { planReservations, takePlannedCtes, type ReservationPlan } from '../modules/inventory/reservations.service.ts';
import { deliveriesDueNow, deliveryRows, newDeliveriesCtes, type NewDeliveryOrderRow } from '../modules/fulfillment/delivery-orders.service.ts';
import { placeReceiver } from '../modules/orders/orders.address.ts';
import type { OrderInput } from '../modules/orders/orders.input.ts';
import { applyDecision, ingestBatch, intakeHold, newOrdersWrite, type Admission, type IngestResult } from '../modules/orders/orders.ingest.ts';
import type { Tiers } from '../modules/orders/orders.priority.ts';
import { tiersFor } from '../modules/orders/orders.tiers.ts';
import { compiledRules } from '../modules/rules/rules.service.ts';
import type { CompiledRules } from '../modules/rules/rules.compile.ts';
import type { RuleOutcome } from '../modules/rules/rules.evaluate.ts';
import { raiseAlerts } from '../modules/fulfillment/alerts.service.ts';
import { liveDeliveriesOf } from '../modules/fulfillment/delivery-orders.service.ts';
import { queueCalls } from '../modules/webhooks/webhooks.service.ts';
import { afterRouting, beforeRouting, decisionOf, effectsOf, hasEffects, subjectOfInput } from './steps/order-rules.ts';
import { anyRecorded } from '../modules/orders/orders.service.ts';
import { claimsStock } from '../modules/orders/orders.lifecycle.ts';
import { allActiveShopIds } from '../modules/channels/shops.service.ts';
import { ensureListings, ensureListingsCtes, type SoldListing } from '../modules/inventory/stock-listings.service.ts';
import { allocate, allocationContext, giveBack, heldStep, type AllocationCandidate, type AllocationContext } from './steps/stock-allocation.ts';
import { capacityNow, deliveryContext, routedDelivery, routedRequests, type RoutingCandidate } from './steps/warehouse-routing.ts';
import { recordAllocated } from './order-intake.repository.ts';
import { conversionsWrite, inboundConversions, recordConversions } from '../modules/time/time.service.ts';

/**
 * Order intake (订单接入): orders submitted from anywhere (API, channel pushes and pulls) are
 * recorded in micro-batches, and in the same transaction paid and unpaid orders take their stock.
 * What a batch writes commits whole or not at all, so a crash never leaves a half-reserved order.
 * Processes other than intake (people, the backorder job) work on one order at a time with fresh
 * configuration; intake keeps its tenants' configuration for a second.
 */
export type OrderIntake = (ctx: RequestContext, input: OrderInput) => Promise<IngestResult>;

export interface OrderIntakeDeps {
  /** Woken when a batch made delivery orders due, so this process's dispatcher sends them at once. */
  deliveriesDue: Wake;
}

interface Submission {
  input: OrderInput;
  actor: Actor;
  clock: Clock;
}

const MAX_BATCH = 256;

/**
 * What a batch needs to know of its tenant's configuration, kept per database for a second (see
 * ConfigCache): warehouses to try, inventory settings, active shops, its rules compiled, its tiers.
 */
interface TenantConfig {
  alloc: AllocationContext | null;
  activeShops: Set<string>;
  rules: CompiledRules;
  tiers: Tiers;
}

/** A batch's submissions with what the rules decided for each before routing (null: nothing fired). */
type Ruled = (RuleOutcome | null)[];

/**
 * The intake of one process: one pipeline per database, so that submissions of one channel order
 * are never in two batches at once. Records an order (idempotent on channel, shop and channel order
 * id) and reserves its stock; the result's order carries its status after reservation.
 */
export function orderIntake(deps: OrderIntakeDeps): OrderIntake {
  const pipelines = new WeakMap<Database, MicroBatcher<Submission, IngestResult>>();
  const configs = new WeakMap<Database, ConfigCache<TenantConfig>>();

  function tenantConfig(base: Database, ctx: RequestContext): Promise<TenantConfig> {
    let cache = configs.get(base);
    if (!cache) configs.set(base, (cache = new ConfigCache<TenantConfig>()));
    return cache.get(ctx.tenantId, async () => {
      const [alloc, activeShops, rules, tiers] = await Promise.all([allocationContext(ctx), allActiveShopIds(ctx), compiledRules(ctx), tiersFor(ctx)]);
      return { alloc, activeShops, rules, tiers };
    });
  }

  async function processBatch(db: Database, tenantId: string, items: Submission[]): Promise<IngestResult[]> {
    const ctx: RequestContext = { tenantId, actor: systemActor('pipeline'), clock: items[0]!.clock, db };
    const config = await tenantConfig(db, ctx);
    const ruled = rulesBeforeRouting(config.rules, items);
    const results = (await recordPlanned(ctx, items, config, ruled)) ?? (await recordBatch(ctx, items, config, ruled));
    if (results.some((r) => r.order.status === 'routed')) deps.deliveriesDue.notify();
    return results;
  }

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

  return (ctx, input) => pipelineFor(ctx.db).submit(ctx.tenantId, { input, actor: ctx.actor, clock: ctx.clock });
}

/**
 * The way for a batch of new orders whose stock is there: their stock is planned from the levels
 * as read, without locks, and the orders are recorded straight as allocated together with the
 * units they take, in one statement that is its own transaction (recordAllocated), so the hot
 * levels stay locked for as little as possible. Null, with nothing written, when the batch is not
 * such a batch or the plan went stale meanwhile; shortages are only ever decided under lock.
 */
async function recordPlanned(ctx: RequestContext, items: Submission[], { alloc, activeShops, rules, tiers }: TenantConfig, ruled: Ruled): Promise<IngestResult[] | null> {
  // Alerts and webhook calls are written in the batch's own transaction: that is the locked way's.
  if (!alloc || ruled.some(hasEffects)) return null;
  const plan = await planBatch(ctx, items, alloc, rules, ruled);
  if (!plan) return null;
  const orders = newOrdersWrite(ctx, items.map(({ input, actor }, i) => ({ input, actor, id: plan.ids[i], admit: plan.admissions[i], decision: decisionOf(plan.ruled[i]!) })), tiers);
  const holding = items.filter(({ input }, i) => claimsStock.includes(input.status) && plan.admissions[i]?.to !== 'on_hold');
  const listings = ensureListingsCtes(ctx, soldListings(activeShops, holding.map((i) => i.input)));
  const deliveries = plan.deliveries.length ? (after: Parameters<typeof newDeliveriesCtes>[2]) => newDeliveriesCtes(ctx, plan.deliveries, after) : null;
  const conversions = conversionsWrite(ctx, items.map(({ input }, i) => ({ orderId: plan.ids[i]!, conversions: inboundConversions(input) })));
  const written = await recordAllocated(ctx.db, { orders: orders.ctes, conversions, listings, take: takePlannedCtes(ctx, plan.reservations), deliveries });
  return written ? orders.results : null;
}

/**
 * One batch in one transaction, the general way: orders are recorded first (new ones, updates,
 * replays), then cancelled ones give their stock back and the others take stock under lock,
 * shortages included (allocate).
 */
async function recordBatch(base: RequestContext, items: Submission[], { alloc, activeShops, rules, tiers }: TenantConfig, ruled: Ruled): Promise<IngestResult[]> {
  return inTransaction(base, async (ctx) => {
    const results = await ingestBatch(ctx, items.map(({ input, actor }, i) => ({ input, actor, decision: decisionOf(ruled[i]!) })), tiers);
    await recordConversions(ctx, results.flatMap((r, i) => (r.outcome === 'unchanged' ? [] : [{ orderId: r.order.id, conversions: inboundConversions(items[i]!.input) }])));
    if (!alloc) {
      await ruleEffects(ctx, results, ruled);
      return results;
    }

    const cancelled = results.filter((r) => r.outcome === 'updated' && r.order.status === 'cancelled' && r.previousStatus !== 'cancelled');
    await giveBack(ctx, cancelled.map((r) => r.order.id), 'released', 'order cancelled');

    const candidates: AllocationCandidate[] = [];
    results.forEach((r, i) => {
      if (!r.linesReplaced || r.outcome === 'unchanged' || !claimsStock.includes(r.order.status)) return;
      const lines = items[i]!.input.lines.map((l, n) => ({ lineNo: n + 1, sku: l.sku, quantity: l.quantity }));
      candidates.push({ order: r.order, lines, firstAttempt: r.outcome === 'created' || r.previousStatus === 'created', isNew: r.outcome === 'created' });
    });
    const newlyHolding = results.flatMap((r, i) => (r.outcome === 'created' && claimsStock.includes(r.order.status) ? [items[i]!.input] : []));
    await ensureListings(ctx, soldListings(activeShops, newlyHolding));
    const moved = await allocate(ctx, candidates, alloc);
    let allocated = results.map((r) => ({ ...r, order: moved.get(r.order.id) ?? r.order }));
    const after = await rulesAfterRouting(ctx, rules, tiers, items, allocated, ruled);
    allocated = after.results;
    await ruleEffects(ctx, allocated, after.ruled);
    // What the channel released goes out now.
    const released = allocated.filter((r) => r.previousStatus === 'on_hold' && r.order.status === 'routed').map((r) => r.order.id);
    if (released.length) await deliveriesDueNow(ctx, released);
    return allocated;
  });
}

interface BatchPlan {
  /** The id each item's order gets. */
  ids: string[];
  /** What the rules decided for each, before and after routing. */
  ruled: Ruled;
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
async function planBatch(ctx: RequestContext, items: Submission[], alloc: AllocationContext, rules: CompiledRules, before: Ruled): Promise<BatchPlan | null> {
  const ids = items.map(() => newId());
  const holds = items.map(({ input }, i) => intakeHold(input, decisionOf(before[i]!)));
  const places = items.map(({ input }) => placeReceiver(input.receiver));
  const orders: RoutingCandidate[] = [];
  items.forEach(({ input }, i) => {
    if (holds[i] || !claimsStock.includes(input.status)) return;
    const place = places[i]!;
    const steer = decisionOf(before[i]!)?.steer;
    orders.push({
      orderId: ids[i]!, channel: input.channel, shopId: input.shopId, paid: input.status !== 'created',
      lines: input.lines.map((l, n) => ({ lineNo: n + 1, sku: l.sku, quantity: l.quantity })),
      receiver: { country: input.receiver.country, provinceCode: place.provinceCode, cityCode: place.cityCode, districtCode: place.districtCode },
      steer,
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
    return heldStep(deliveries.filter((d) => d.orderId === ids[i]));
  });
  const ruled = rules.routed.length === 0 ? before : items.map(({ input }, i) => {
    const warehouses = [...new Set(deliveries.filter((d) => d.orderId === ids[i]).map((d) => d.warehouseCode))];
    return warehouses.length ? afterRouting(rules, subjectOfInput(input, places[i]!, warehouses), before[i]!) : before[i]!;
  });
  if (ruled.some(hasEffects)) return null;
  return { ids, ruled, admissions, reservations, deliveries };
}

/** The rules before routing, for each submission; all null, cheaply, for a tenant without rules. */
function rulesBeforeRouting(rules: CompiledRules, items: Submission[]): Ruled {
  if (rules.intake.length === 0) return items.map(() => null);
  return items.map(({ input }) => beforeRouting(rules, subjectOfInput(input, placeReceiver(input.receiver))));
}

/**
 * The rules that test the routed warehouse, for the batch's new orders that went to one, applied
 * to them in the caller's transaction (their tier, group and tags). Returns the results and what
 * fired for each, before and after routing.
 */
async function rulesAfterRouting(ctx: RequestContext, rules: CompiledRules, tiers: Tiers, items: Submission[], results: IngestResult[], before: Ruled): Promise<{ results: IngestResult[]; ruled: Ruled }> {
  if (rules.routed.length === 0) return { results, ruled: before };
  const fresh = results.flatMap((r, i) => (r.outcome === 'created' && !before[i]?.stopped ? [i] : []));
  const deliveries = await liveDeliveriesOf(ctx, fresh.map((i) => results[i]!.order.id));
  const ruled = [...before];
  const out = [...results];
  for (const i of fresh) {
    const warehouses = [...new Set((deliveries.get(results[i]!.order.id) ?? []).map((d) => d.warehouseCode))];
    if (warehouses.length === 0) continue;
    const outcome = afterRouting(rules, subjectOfInput(items[i]!.input, placeReceiver(items[i]!.input.receiver), warehouses), before[i]!);
    if (!outcome || outcome.fired.length === (before[i]?.fired.length ?? 0)) continue;
    ruled[i] = outcome;
    out[i] = { ...results[i]!, order: await applyDecision(ctx, results[i]!.order, decisionOf(outcome)!, tiers) };
  }
  return { results: out, ruled };
}

/** The alerts and webhook calls the rules asked for, for the batch's new orders, in the caller's transaction. */
async function ruleEffects(ctx: RequestContext, results: IngestResult[], ruled: Ruled): Promise<void> {
  const effects = results.flatMap((r, i) => (r.outcome === 'created' && hasEffects(ruled[i]!) ? [effectsOf(r.order, ruled[i]!)] : []));
  if (effects.length === 0) return;
  await raiseAlerts(ctx, effects.flatMap((e) => e.alerts));
  await queueCalls(ctx, effects.flatMap((e) => e.calls));
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

