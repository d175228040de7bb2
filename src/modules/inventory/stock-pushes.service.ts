import { mapPooled } from '../../platform/pool.ts';
import type { Clock } from '../../platform/clock.ts';
import { systemActor, type RequestContext } from '../../platform/context.ts';
import type { Database } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { loggableError, type Logger } from '../../platform/logger.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import type { ConnectorRegistry } from '../channels/channels.pull.ts';
import { ChannelApiError } from '../channels/connector.ts';
import type { Marketplace } from '../channels/shops.input.ts';
import { credentialsOf, getShop, type ShopCredentials } from '../channels/shops.service.ts';
import { activeWarehouseCodes, stockOf } from './stock-rules.service.ts';
import { encodeCursor, pageOf, pageProbe } from '../../platform/paging.ts';
import { shopSkuAfter } from './stock-sync.cursor.ts';
import * as repo from './stock-sync.repository.ts';
import type { ClaimedPush, PushRow } from './stock-sync.repository.ts';
import { channelQuantity, effectiveRule } from './stock-sync.rules.ts';

// Stock pushes (库存回传): their status, and the sender that pushes each shop's figure.

export function pushView(row: PushRow, now: Date) {
  const inFlight = row.leaseUntil !== null && row.leaseUntil > now;
  return {
    shopId: row.shopId,
    sku: row.sku,
    channel: row.channel,
    /** When the next push goes; null when the channel has the latest figure. */
    dueAt: inFlight ? null : (row.dueAt?.toISOString() ?? null),
    inFlight,
    lastPushedQty: row.lastPushedQty,
    lastPushedAt: row.lastPushedAt?.toISOString() ?? null,
    attempts: row.attempts,
    lastError: row.lastError,
    failingSince: row.failingSince?.toISOString() ?? null,
    channelQty: row.channelQty,
    channelQtyAt: row.channelQtyAt?.toISOString() ?? null,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listPushes(ctx: RequestContext, filter: { shopId?: string; sku?: string; failing?: boolean; cursor?: string; limit: number }) {
  const rows = await repo.listPushes(ctx.db, ctx.tenantId, { ...filter, after: shopSkuAfter(filter.cursor), limit: pageProbe(filter.limit) });
  const page = pageOf(rows, filter.limit, (last) => encodeCursor([last.shopId, last.sku]));
  const now = ctx.clock.now();
  return { items: page.rows.map((r) => pushView(r, now)), nextCursor: page.next };
}

export interface StockSyncDeps {
  db: Database;
  clock: Clock;
  secrets: SecretBox;
  connectors: ConnectorRegistry;
  logger: Logger;
}

export interface StockSyncSettings {
  /** Rows claimed per round. */
  batch: number;
  /** Shops pushed to at once; the SKUs of one shop go one after another. */
  concurrency: number;
  /** How long a claimed row is held; a sender that dies mid-push is replaced after this. */
  leaseMs: number;
  /** Delay before retry n (1-based) of a retryable failure; the last entry repeats. */
  backoffMs: readonly number[];
  /** Cadence for failures that retrying soon cannot fix (and for inactive shops). */
  slowRetryMs: number;
}

export const defaultStockSyncSettings: StockSyncSettings = {
  batch: 50,
  concurrency: 8,
  leaseMs: 5 * 60_000,
  backoffMs: [1_000, 2_000, 5_000, 15_000, 60_000, 300_000],
  slowRetryMs: 300_000,
};

export interface PushReport {
  tenantId: string;
  shopId: string;
  sku: string;
  /** pushed: the channel took it; failed: retried later; skipped: the shop is inactive; lost: the lease ran out meanwhile. */
  outcome: 'pushed' | 'failed' | 'skipped' | 'lost';
  quantity: number | null;
  error: string | null;
  retryAt: Date | null;
}

/** Delay before the next try after `attempts` failed ones. */
export function backoffDelay(settings: StockSyncSettings, attempts: number, retryable: boolean): number {
  if (!retryable) return settings.slowRetryMs;
  const schedule = settings.backoffMs;
  return schedule[Math.min(Math.max(attempts, 1), schedule.length) - 1] ?? settings.slowRetryMs;
}

function classify(err: unknown): { message: string; retryable: boolean } {
  if (err instanceof ChannelApiError) return { message: err.message.slice(0, 500), retryable: err.retryable };
  if (err instanceof AppError) return { message: `${err.code}: ${err.message}`.slice(0, 500), retryable: false };
  return { message: (err instanceof Error ? err.message : String(err)).slice(0, 500), retryable: true };
}

/** What a connector may hand back from pushStock: the figure the platform now shows per SKU. */
function shownQuantity(reported: unknown, sku: string): number | null {
  if (!Array.isArray(reported)) return null;
  const entry = reported.find((r): r is { sku: string; quantity: number } => typeof r === 'object' && r !== null && (r as { sku?: unknown }).sku === sku);
  return entry && Number.isSafeInteger(entry.quantity) ? entry.quantity : null;
}

interface ShopPlan {
  ctx: RequestContext;
  shopId: string;
  claims: ClaimedPush[];
}

/**
 * One sender round: claims the due rows (committed before anything is sent), then per shop
 * computes each SKU's figure from the book as it is at that moment and pushes it through the
 * connector, one SKU per call so each outcome is its own. A change committed after the claim
 * leaves the row due again, so the latest figure always follows; while a row is claimed no other
 * sender takes it, so at most one push per shop × SKU is in flight.
 */
export async function pushDueStock(deps: StockSyncDeps, settings: StockSyncSettings = defaultStockSyncSettings): Promise<PushReport[]> {
  const claims = await repo.claimDue(deps.db, deps.clock.now(), settings.leaseMs, settings.batch);
  if (claims.length === 0) return [];
  const plans = new Map<string, ShopPlan>();
  for (const claim of claims) {
    const key = `${claim.tenantId}\u0000${claim.shopId}`;
    let plan = plans.get(key);
    if (!plan) {
      const ctx: RequestContext = { tenantId: claim.tenantId, actor: systemActor('stock-sync'), clock: deps.clock, db: deps.db };
      plan = { ctx, shopId: claim.shopId, claims: [] };
      plans.set(key, plan);
    }
    plan.claims.push(claim);
  }
  const activeByTenant = new Map<string, Promise<Set<string>>>();
  const activeOf = (ctx: RequestContext) => {
    let found = activeByTenant.get(ctx.tenantId);
    if (!found) activeByTenant.set(ctx.tenantId, (found = activeWarehouseCodes(ctx)));
    return found;
  };
  return (await mapPooled([...plans.values()], settings.concurrency, (plan) => pushShop(deps, settings, plan, activeOf))).flat();
}

async function pushShop(deps: StockSyncDeps, settings: StockSyncSettings, plan: ShopPlan, activeOf: (ctx: RequestContext) => Promise<Set<string>>): Promise<PushReport[]> {
  const { ctx, claims } = plan;
  const reports: PushReport[] = [];
  let shop: ShopCredentials;
  let active: boolean;
  try {
    const view = await getShop(ctx, plan.shopId);
    active = view.active;
    shop = await credentialsOf(ctx, deps.secrets, plan.shopId);
  } catch (err) {
    for (const claim of claims) reports.push(await fail(deps, settings, claim, err));
    return reports;
  }
  if (!active) {
    for (const claim of claims) {
      const at = deps.clock.now();
      const retryAt = new Date(at.getTime() + settings.slowRetryMs);
      const kept = await repo.recordFailure(deps.db, claim, { error: 'shop is inactive: stock not pushed', at, retryAt, countAttempt: false });
      reports.push({ tenantId: claim.tenantId, shopId: claim.shopId, sku: claim.sku, outcome: kept ? 'skipped' : 'lost', quantity: null, error: null, retryAt });
    }
    return reports;
  }
  for (const claim of claims) {
    let quantity: number | null = null;
    try {
      const connector = deps.connectors(shop.channel as Marketplace);
      // Read at send time, after the claim committed: a later change marks the row due again.
      const [book, rules] = await Promise.all([
        stockOf(ctx, [claim.sku], await activeOf(ctx)),
        repo.rulesOf(ctx.db, ctx.tenantId, claim.shopId, [claim.sku]),
      ]);
      const { levels, skuSafety } = book(claim.sku);
      quantity = channelQuantity(levels, skuSafety, effectiveRule(rules, claim.sku)).quantity;
      const reported: unknown = await connector.pushStock(shop, [{ sku: claim.sku, quantity }]);
      const at = deps.clock.now();
      const kept = await repo.recordSuccess(deps.db, claim, { quantity, channelQty: shownQuantity(reported, claim.sku), at });
      if (!kept) deps.logger.warn({ tenantId: claim.tenantId, shopId: claim.shopId, sku: claim.sku }, 'stock push outlived its lease; another sender has the row');
      reports.push({ tenantId: claim.tenantId, shopId: claim.shopId, sku: claim.sku, outcome: kept ? 'pushed' : 'lost', quantity, error: null, retryAt: null });
    } catch (err) {
      reports.push({ ...(await fail(deps, settings, claim, err)), quantity });
    }
  }
  return reports;
}

async function fail(deps: StockSyncDeps, settings: StockSyncSettings, claim: ClaimedPush, err: unknown): Promise<PushReport> {
  const { message, retryable } = classify(err);
  const at = deps.clock.now();
  const retryAt = new Date(at.getTime() + backoffDelay(settings, claim.attempts + 1, retryable));
  deps.logger.warn({ tenantId: claim.tenantId, shopId: claim.shopId, sku: claim.sku, attempts: claim.attempts + 1, retryable, error: err instanceof ChannelApiError ? message : loggableError(err) }, 'stock push failed; will retry');
  const kept = await repo.recordFailure(deps.db, claim, { error: message, at, retryAt, countAttempt: true });
  return { tenantId: claim.tenantId, shopId: claim.shopId, sku: claim.sku, outcome: kept ? 'failed' : 'lost', quantity: null, error: message, retryAt };
}

