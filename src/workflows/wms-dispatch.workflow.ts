import type { Clock } from '../platform/clock.ts';
import { systemActor, type RequestContext } from '../platform/context.ts';
import { concurrentTransactions, type Database } from '../platform/db/index.ts';
import type { Job } from '../platform/jobs.ts';
import { mapPooled } from '../platform/pool.ts';
import type { Wake } from '../platform/wake.ts';
import { loggableError, type Logger } from '../platform/logger.ts';
import type { SecretBox } from '../platform/secrets.ts';
import { raiseAlerts, type Alert } from '../modules/fulfillment/alerts.service.ts';
import {
  claimDueDeliveries, claimDueNotices, recordDeliveryResults, recordNotices, type DeliveryOrderRow, type DeliveryResult, type NoticeResult,
} from '../modules/fulfillment/delivery-orders.service.ts';
import type { ConnectorRegistry } from '../modules/channels/channels.pull.ts';
import { ChannelApiError } from '../modules/channels/connector.ts';
import { credentialsOf } from '../modules/channels/shops.service.ts';
import { isAppError } from '../platform/errors.ts';
import type { OrderRow } from '../modules/orders/orders.service.ts';
import { lockOrders, ordersWithLines, transitionPaths } from '../modules/orders/orders.service.ts';
import { beingSent } from '../modules/orders/orders.lifecycle.ts';
import { orderProgress } from '../modules/fulfillment/delivery-orders.lifecycle.ts';
import { wmsLinks, type WmsLink } from '../modules/warehouses/warehouses.service.ts';
import { adapterFor, sourcePlatformCode } from '../modules/wms/wms.adapters.ts';
import type { DeliveryOrderMessage, PushOutcome, PushResult, WmsAdapter } from '../modules/wms/wms.message.ts';
import { recordConversions } from '../modules/time/time.service.ts';
import type { TimeConversion } from '../platform/time/conversions.ts';
import { atLocalTime } from '../platform/time/wall-clock.ts';
import { ConfigCache } from '../platform/config-cache.ts';
import { inTransaction } from '../platform/transaction.ts';
import { backoffDelay, defaultStockSyncSettings } from '../modules/inventory/stock-pushes.service.ts';

/**
 * The dispatcher: sends delivery orders owed to WMSs (the outbox), outside any transaction, with
 * the delivery order code as the idempotency key. A delivery order is leased while it is sent; a
 * dispatcher that dies lets its leases run out and another sends them again, which the WMS
 * answers as it did the first time. Failures are retried on a schedule (at once, backing off over
 * the first minutes, then every 15 minutes) up to a limit, after which the order stops in
 * exception (push_failed) and an alert is raised; one failing for `pushAlertAfterMs` raises an
 * alert (push_failing) then, once per run of failures. A refusal of the order itself stops it at
 * once (wms_rejected) with the WMS's words. Every send is logged as an attempt, with the results.
 */
export interface DispatchOptions {
  /** Delivery orders leased per round. */
  batchSize: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** How long a lease lasts: well above a request's timeout. */
  leaseMs: number;
  /** A request with no answer after this long is a failure to retry. */
  timeoutMs: number;
  /** Waits before the 2nd, 3rd, … attempts; after the list, `everyMs`. */
  backoffMs: number[];
  everyMs: number;
  /** Attempts after which a delivery order fails and its order stops in exception. */
  maxAttempts: number;
  /** An order on hold or in exception is looked at again after this long; its delivery order waits. */
  heldRecheckMs: number;
  /** Pause between rounds when nothing was due. */
  /** A delivery order failing this long raises an alert (push_failing), long before its last attempt. */
  pushAlertAfterMs: number;
  idleMs: number;
}

export const defaultDispatch: DispatchOptions = {
  batchSize: 200,
  concurrency: 64,
  leaseMs: 60_000,
  timeoutMs: 10_000,
  backoffMs: [0, 5_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000],
  everyMs: 15 * 60_000,
  maxAttempts: 24,
  heldRecheckMs: 30_000,
  idleMs: 100,
  pushAlertAfterMs: 15 * 60_000,
};

export interface DispatchDeps {
  db: Database;
  clock: Clock;
  secrets: SecretBox;
  logger: Logger;
  /** The channels' connectors, to tell channels what shipped; without them no notice is sent. */
  connectors?: ConnectorRegistry;
}

export interface DispatcherDeps extends DispatchDeps {
  /** This process's wake for delivery orders made due: the dispatcher sleeps on it between polls. */
  deliveriesDue: Wake;
}

/** The wait after the n-th failed attempt. */
export function retryDelay(options: DispatchOptions, attempts: number): number {
  return options.backoffMs[attempts - 1] ?? options.everyMs;
}

function messageOf(d: DeliveryOrderRow, order: OrderRow, prices: Map<number, number>, link: WmsLink): DeliveryOrderMessage {
  return {
    code: d.code, warehouseCode: d.warehouseCode, timeZone: link.timeZone, sourcePlatformCode: sourcePlatformCode(order.channel),
    sourceOrderCode: order.channelOrderId, createdAt: order.orderedAt, paidAt: order.paidAt,
    // Its work day's cut-off on the warehouse's wall clock (a cut-off in a DST gap moves forward, see docs/time.md).
    shipBy: link.cutOff ? atLocalTime(d.workDay, link.cutOff, link.timeZone) : null,
    receiver: {
      name: order.receiverName, phone: order.receiverPhone, country: order.receiverCountry, province: order.receiverProvince,
      city: order.receiverCity, district: order.receiverDistrict, address: order.receiverAddress, postcode: order.receiverPostcode,
    },
    currency: order.currency,
    lines: d.lines.map((l) => ({ lineNo: l.lineNo, sku: l.sku, quantity: l.quantity, unitPriceFen: prices.get(l.lineNo) ?? 0 })),
  };
}

/** When a failing delivery order's failures have lasted long enough to tell a person. */
const alertDueAt = (d: DeliveryOrderRow, options: DispatchOptions, now: number) => (d.failingSince?.getTime() ?? now) + options.pushAlertAfterMs;

function resultOf(d: DeliveryOrderRow, outcome: PushOutcome, options: DispatchOptions, now: number, latencyMs: number): DeliveryResult {
  const at = new Date(now);
  if (outcome.kind === 'accepted') return { code: d.code, status: 'accepted', wmsId: outcome.wmsId || null, attempt: { outcome: 'accepted', error: null, latencyMs, at } };
  if (outcome.kind === 'rejected') {
    const lastError = `${outcome.code}: ${outcome.message}`;
    return { code: d.code, status: 'rejected', lastError, attempt: { outcome: 'rejected', error: lastError, latencyMs, at } };
  }
  if (d.attempts >= options.maxAttempts) {
    return { code: d.code, status: 'failed', lastError: `${outcome.reason} (after ${d.attempts} attempts)`, attempt: { outcome: 'failed', error: outcome.reason, latencyMs, at } };
  }
  // The attempt that would tell a person comes when it is due, not at the end of a long wait.
  const alertAt = alertDueAt(d, options, now);
  const next = now + retryDelay(options, d.attempts);
  return {
    code: d.code, status: 'pending', lastError: outcome.reason, nextAttemptAt: new Date(now < alertAt ? Math.min(next, alertAt) : next),
    attempt: { outcome: 'retry', error: outcome.reason, latencyMs, at },
  };
}

/** Each tenant's WMS links and their adapters, kept per database for a second (see ConfigCache). */
const endpoints = new WeakMap<Database, ConfigCache<{ links: Map<string, WmsLink>; adapters: Map<string, WmsAdapter> }>>();

function endpointsOf(ctx: RequestContext, deps: DispatchDeps, options: DispatchOptions) {
  let cache = endpoints.get(deps.db);
  if (!cache) endpoints.set(deps.db, (cache = new ConfigCache()));
  return cache.get(ctx.tenantId, async () => {
    const links = await wmsLinks(ctx, deps.secrets);
    return { links, adapters: new Map([...links].map(([code, link]) => [code, adapterFor(link, deps.clock, options.timeoutMs)])) };
  });
}

/** Sends one tenant's leased delivery orders and returns what came of each. */
/** A send's result, with the conversions its times went through as the message was written. */
type SentResult = DeliveryResult & { conversions?: readonly TimeConversion[] };

async function sendAll(ctx: RequestContext, deps: DispatchDeps, leased: DeliveryOrderRow[], options: DispatchOptions): Promise<SentResult[]> {
  const [{ links, adapters }, orders] = await Promise.all([endpointsOf(ctx, deps, options), ordersWithLines(ctx, leased.map((d) => d.orderId))]);
  return mapPooled(leased, options.concurrency, async (d): Promise<SentResult> => {
    const now = ctx.clock.now().getTime();
    const found = orders.get(d.orderId);
    if (!found || found.order.status === 'cancelled') return { code: d.code, status: 'cancelled', lastError: 'order cancelled' };
    if (!beingSent.includes(found.order.status) || found.order.channelHold) {
      const waiting = found.order.channelHold ? `its channel holds it (${found.order.channelHold})` : `order is ${found.order.status}`;
      return { code: d.code, status: 'pending', refund: 1, lastError: `waiting: ${waiting}`, nextAttemptAt: new Date(now + options.heldRecheckMs) };
    }
    const link = links.get(d.warehouseCode);
    const adapter = adapters.get(d.warehouseCode);
    const started = performance.now();
    const outcome: PushResult = link && adapter
      ? await adapter.pushDeliveryOrder(messageOf(d, found.order, new Map(found.lines.map((l) => [l.lineNo, l.unitPriceFen])), link))
      : { kind: 'retry', reason: `warehouse ${d.warehouseCode} has no WMS link` };
    return { ...resultOf(d, outcome, options, ctx.clock.now().getTime(), performance.now() - started), conversions: outcome.conversions };
  });
}

/**
 * What people must hear of a round: delivery orders failed for good or refused, ones failing for
 * long enough (once per run of failures), and ones a WMS took for an order cancelled meanwhile.
 */
function alertsOf(changed: DeliveryOrderRow[], results: Map<string, DeliveryResult>, orders: Map<string, OrderRow>, options: DispatchOptions, now: number): Alert[] {
  return changed.flatMap((d): Alert[] => {
    const about = { subject: d.code, warehouseCode: d.warehouseCode, orderId: d.orderId };
    if (d.status === 'failed') return [{ kind: 'push_failed', ...about, message: `delivery order ${d.code} could not be sent to its WMS: ${d.lastError}` }];
    if (d.status === 'rejected') return [{ kind: 'wms_rejected', ...about, message: `the WMS of ${d.warehouseCode} refused delivery order ${d.code}: ${d.lastError}` }];
    if (d.status === 'pending' && d.failingSince && results.get(d.code)?.attempt?.outcome === 'retry' && now >= alertDueAt(d, options, now)) {
      return [{
        kind: 'push_failing', ...about, since: d.failingSince,
        message: `delivery order ${d.code} has not reached the WMS of ${d.warehouseCode} since ${d.failingSince.toISOString()} (${d.attempts} attempts): ${d.lastError}; next attempt ${d.nextAttemptAt?.toISOString() ?? 'none'}`,
      }];
    }
    if (d.status === 'accepted' && orders.get(d.orderId)?.status === 'cancelled') {
      return [{ kind: 'accepted_after_cancel', ...about, message: `the WMS of ${d.warehouseCode} took ${d.code} while its order was being cancelled: have the warehouse stop it` }];
    }
    return [];
  });
}

/** Writes a tenant's results and moves its orders on, in one transaction, with the alerts people must see. */
async function settle(base: RequestContext, leased: DeliveryOrderRow[], sent: SentResult[], options: DispatchOptions, logger: Logger): Promise<void> {
  const orderOf = new Map(leased.map((d) => [d.code, d.orderId]));
  const results = sent.map(({ conversions: _, ...result }): DeliveryResult => result);
  const alerts = await inTransaction(base, async (ctx) => {
    await recordConversions(ctx, sent.flatMap((r) => (r.conversions?.length ? [{ orderId: orderOf.get(r.code)!, subject: r.code, conversions: r.conversions }] : [])));
    // Orders first, then their delivery orders: the order every writer locks them in.
    const locked = new Map((await lockOrders(ctx, results.map((r) => orderOf.get(r.code)!))).map((o) => [o.id, o]));
    const { changed, live } = await recordDeliveryResults(ctx, results.map((r) => orderOf.get(r.code)!), results);
    // Every order moves as far as its delivery orders took it, one statement per step.
    await transitionPaths(ctx, [...new Set(changed.map((d) => d.orderId))].flatMap((id) => {
      const order = locked.get(id);
      return order ? [{ order, steps: orderProgress(order, live.get(id) ?? []) }] : [];
    }));
    const raised = alertsOf(changed, new Map(results.map((r) => [r.code, r])), locked, options, ctx.clock.now().getTime());
    await raiseAlerts(ctx, raised);
    return raised;
  });
  if (alerts.length) logger.error({ tenantId: base.tenantId, alerts: alerts.map((a) => `${a.kind} ${a.subject}`) }, 'delivery orders need a person');
}

/** One round: leases what is due, sends it, writes what came of it. Returns how many delivery orders it leased. */
export async function dispatchRound(deps: DispatchDeps, options: DispatchOptions = defaultDispatch): Promise<number> {
  const leased = await claimDueDeliveries(deps, options.leaseMs, options.batchSize);
  const byTenant = new Map<string, DeliveryOrderRow[]>();
  for (const d of leased) byTenant.set(d.tenantId, [...(byTenant.get(d.tenantId) ?? []), d]);
  await Promise.all([...byTenant].map(async ([tenantId, rows]) => {
    const ctx: RequestContext = { tenantId, actor: systemActor('dispatcher'), clock: deps.clock, db: deps.db };
    await settle(ctx, rows, await sendAll(ctx, deps, rows, options), options, deps.logger);
  }));
  return leased.length;
}

/** Tells one tenant's channels what shipped (carrier, tracking number) and returns what came of each notice. */
async function noticeAll(ctx: RequestContext, deps: DispatchDeps, leased: DeliveryOrderRow[], options: DispatchOptions): Promise<NoticeResult[]> {
  const orders = await ordersWithLines(ctx, leased.map((d) => d.orderId));
  return mapPooled(leased, options.concurrency, async (d): Promise<NoticeResult> => {
    const order = orders.get(d.orderId)?.order;
    if (!order) return { code: d.code, status: 'skipped', error: 'order not found' };
    const shop = await credentialsOf(ctx, deps.secrets, order.shopId).catch((err: unknown) => (isAppError(err) ? null : Promise.reject(err)));
    if (!shop) return { code: d.code, status: 'skipped', error: `shop ${order.shopId} is not registered here` };
    const started = performance.now();
    const attempt = (outcome: 'sent' | 'due' | 'failed', error: string | null) => ({ outcome, error, latencyMs: performance.now() - started, at: ctx.clock.now() });
    try {
      await deps.connectors!(shop.channel).writeBackShipment(shop, { channelOrderId: order.channelOrderId, carrierCode: d.carrier ?? '', trackingNumber: d.trackingNo ?? '' });
      return { code: d.code, status: 'sent', attempt: attempt('sent', null) };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if ((err instanceof ChannelApiError && !err.retryable) || d.noticeAttempts >= options.maxAttempts) return { code: d.code, status: 'failed', error: reason, attempt: attempt('failed', reason) };
      // Backed off as stock pushes to the channels are.
      return { code: d.code, status: 'due', error: reason, nextAt: new Date(ctx.clock.now().getTime() + backoffDelay(defaultStockSyncSettings, d.noticeAttempts, true)), attempt: attempt('due', reason) };
    }
  });
}

/** One alert per order whose channel finally refused to hear what shipped, naming its delivery orders. */
function noticeAlerts(leased: DeliveryOrderRow[], failed: NoticeResult[]) {
  const orderOf = new Map(leased.map((d) => [d.code, d.orderId]));
  const byOrder = new Map<string, NoticeResult[]>();
  for (const r of failed) byOrder.set(orderOf.get(r.code)!, [...(byOrder.get(orderOf.get(r.code)!) ?? []), r]);
  const warehouseOf = new Map(leased.map((d) => [d.code, d.warehouseCode]));
  return [...byOrder].map(([orderId, results]): Alert => ({
    kind: 'shipment_notice_failed',
    subject: orderId,
    orderId,
    warehouseCode: warehouseOf.get(results[0]!.code),
    message: `the channel was not told that ${results.map((r) => r.code).join(', ')} shipped: ${results[0]!.error}`,
  }));
}

/** One round of shipment notices to channels; returns how many it leased. */
export async function noticeRound(deps: DispatchDeps, options: DispatchOptions = defaultDispatch): Promise<number> {
  if (!deps.connectors) return 0;
  const leased = await claimDueNotices(deps, options.leaseMs, options.batchSize);
  const byTenant = new Map<string, DeliveryOrderRow[]>();
  for (const d of leased) byTenant.set(d.tenantId, [...(byTenant.get(d.tenantId) ?? []), d]);
  await Promise.all([...byTenant].map(async ([tenantId, rows]) => {
    const ctx: RequestContext = { tenantId, actor: systemActor('dispatcher'), clock: deps.clock, db: deps.db };
    const results = await noticeAll(ctx, deps, rows, options);
    const failed = results.filter((r) => r.status === 'failed');
    await inTransaction(ctx, async (c) => {
      // Orders first, then their delivery orders: the order every writer locks them in.
      await lockOrders(c, rows.map((d) => d.orderId));
      await recordNotices(c, results);
      await raiseAlerts(c, noticeAlerts(rows, failed));
    });
  }));
  return leased.length;
}

/**
 * Runs rounds (delivery orders, then shipment notices) back to back while there is work, pausing
 * `idleMs` when a round found nothing (or until this process makes delivery orders due). Rounds
 * overlap, up to `parallel` (two on an embedded database, where more would only queue for its one
 * connection), so one WMS's slow answers do not hold the others. `stop()` waits for the rounds in
 * progress.
 */
export function startDispatcher(deps: DispatcherDeps, options: Partial<DispatchOptions> = {}, parallel = Math.min(3, Math.max(2, concurrentTransactions(deps.db)))): Job {
  const opts = { ...defaultDispatch, ...options };
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      let leased = 0;
      try {
        leased = await dispatchRound(deps, opts);
        leased += await noticeRound(deps, opts);
      } catch (err) {
        deps.logger.error({ job: 'dispatcher', error: loggableError(err) }, 'dispatch round failed');
      }
      // Woken at once when this process made delivery orders due; otherwise polls.
      if (leased === 0 && !stopped) await deps.deliveriesDue.sleep(opts.idleMs);
    }
  };
  const loops = Array.from({ length: parallel }, loop);
  return {
    async stop() {
      stopped = true;
      deps.deliveriesDue.notify();
      await Promise.all(loops);
    },
  };
}
