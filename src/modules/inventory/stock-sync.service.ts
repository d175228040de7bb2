import type { CteParts } from '../../platform/db/index.ts';
import { mapPooled } from '../../platform/pool.ts';
import type { SQL } from 'drizzle-orm';
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
import { listWarehouses } from '../warehouses/warehouses.service.ts';
import * as inventory from './inventory.repository.ts';
import { assertListingAllowed } from './listing-pauses.service.ts';
import * as repo from './stock-sync.repository.ts';
import type { ClaimedPush, ListingRow, PushRow, RuleRow, SoldListing } from './stock-sync.repository.ts';
import type { StockRuleInput } from './stock-sync.input.ts';

export type { SoldListing };

// =============================================================================================
// The quantity a shop is told it may sell (可售库存)
// =============================================================================================

/** How much of the stock one shop may sell. */
export interface SyncRule {
  /** Share of the available units, 0–100. */
  percent: number;
  /** Units added after the share (negative holds some back). */
  plus: number;
  minQty: number | null;
  maxQty: number | null;
  /** The warehouses whose stock this shop sells; null: every active warehouse. */
  warehouseCodes: string[] | null;
  /** A fixed quota instead of the share (still never above what is available). */
  fixedQuota: number | null;
}

/** With no rule of its own, a shop sells everything available. */
export const defaultRule: SyncRule = { percent: 100, plus: 0, minQty: null, maxQty: null, warehouseCodes: null, fixedQuota: null };

/** One warehouse's figures for the SKU, as the book has them. */
export interface WarehouseStock {
  warehouseCode: string;
  onHand: number;
  reserved: number;
  /** The warehouse's own safety stock; null when the SKU's figure applies. */
  safetyStock: number | null;
}

export interface ChannelQuantity {
  /** What the shop is told it may sell. */
  quantity: number;
  /** Units available over the counted warehouses. */
  available: number;
  /** The safety stock over the counted warehouses. */
  safetyStock: number;
  /** True when available is at or below the safety stock: every shop is told zero. */
  safetyCut: boolean;
}

/**
 * The quantity pushed to one shop for one SKU. A pure function of the book, the SKU's safety stock
 * and the shop's rule:
 *
 * 1. Counted warehouses: the rule's `warehouseCodes`, or every warehouse given when null (the
 *    caller leaves out inactive warehouses). Each counted warehouse has
 *    `available = max(0, onHand − reserved)`; the SKU's available is their sum.
 * 2. Safety stock over the counted warehouses: the SKU's figure (`sku_stock_settings`) covers,
 *    together, the counted warehouses that have no figure of their own; a warehouse with its own
 *    figure (`stock_levels.safety_stock`) adds that figure instead. So with no per-warehouse
 *    figures it is simply the SKU's safety stock, however many warehouses hold the SKU.
 * 3. Safety cut: when available ≤ safety stock, the quantity is 0 — for every shop at once, since
 *    every shop's figure is recomputed from the same book the moment the stock moves.
 * 4. Otherwise, with a fixed quota: min(fixedQuota, available).
 * 5. Otherwise floor(available × percent / 100 + plus), raised to minQty, lowered to maxQty, and
 *    finally never above available and never below zero.
 */
export function channelQuantity(levels: readonly WarehouseStock[], skuSafetyStock: number, rule: SyncRule): ChannelQuantity {
  const counted = rule.warehouseCodes === null ? levels : levels.filter((l) => rule.warehouseCodes!.includes(l.warehouseCode));
  let available = 0;
  let safetyStock = 0;
  let skuFigureApplies = false;
  for (const level of counted) {
    available += Math.max(0, level.onHand - level.reserved);
    if (level.safetyStock === null) skuFigureApplies = true;
    else safetyStock += level.safetyStock;
  }
  if (skuFigureApplies) safetyStock += skuSafetyStock;
  if (available <= safetyStock) return { quantity: 0, available, safetyStock, safetyCut: safetyStock > 0 };
  let quantity: number;
  if (rule.fixedQuota !== null) {
    quantity = rule.fixedQuota;
  } else {
    // Integer arithmetic: (available × percent + 100 × plus) / 100, floored.
    quantity = Math.floor((available * rule.percent + 100 * rule.plus) / 100);
    if (rule.minQty !== null) quantity = Math.max(quantity, rule.minQty);
    if (rule.maxQty !== null) quantity = Math.min(quantity, rule.maxQty);
  }
  quantity = Math.max(0, Math.min(quantity, available));
  return { quantity, available, safetyStock, safetyCut: false };
}

function ruleOf(row: RuleRow | undefined): SyncRule {
  if (!row) return defaultRule;
  return {
    percent: row.percent,
    plus: row.plus,
    minQty: row.minQty,
    maxQty: row.maxQty,
    warehouseCodes: row.warehouseCodes,
    fixedQuota: row.fixedQuota,
  };
}

/** The SKU's override, else the shop's rule, else the default. */
function effectiveRule(rules: RuleRow[], sku: string): SyncRule {
  return ruleOf(rules.find((r) => r.sku === sku) ?? rules.find((r) => r.sku === '*'));
}

/** The book for these SKUs, leaving out inactive warehouses; all reads through the inventory repository. */
async function stockOf(ctx: RequestContext, skus: string[], inactive: ReadonlySet<string>) {
  const [levels, safety] = await Promise.all([
    inventory.listLevels(ctx.db, ctx.tenantId, { skus, limit: 100_000 }),
    inventory.skuSafetyStocks(ctx.db, ctx.tenantId, skus),
  ]);
  const bySku = new Map<string, WarehouseStock[]>();
  for (const l of levels) {
    if (inactive.has(l.warehouseCode)) continue;
    bySku.set(l.sku, [...(bySku.get(l.sku) ?? []), { warehouseCode: l.warehouseCode, onHand: l.onHand, reserved: l.reserved, safetyStock: l.safetyStock }]);
  }
  return (sku: string) => ({ levels: bySku.get(sku) ?? [], skuSafety: safety.get(sku) ?? 0 });
}

async function inactiveWarehouses(ctx: RequestContext): Promise<Set<string>> {
  return new Set((await listWarehouses(ctx)).filter((w) => !w.active).map((w) => w.code));
}

/** What each listed shop would be told for a SKU right now (for the API and for checking a rule). */
export async function previewQuantities(ctx: RequestContext, sku: string) {
  const listings = await repo.listListings(ctx.db, ctx.tenantId, { sku, active: true, limit: 1000 });
  const book = (await stockOf(ctx, [sku], await inactiveWarehouses(ctx)))(sku);
  const items = [];
  for (const listing of listings) {
    const rules = await repo.rulesOf(ctx.db, ctx.tenantId, listing.shopId, [sku]);
    items.push({ shopId: listing.shopId, channel: listing.channel, ...channelQuantity(book.levels, book.skuSafety, effectiveRule(rules, sku)) });
  }
  return { sku, items };
}

// =============================================================================================
// Listings (商品上架): which SKU is sold in which shop
// =============================================================================================

export function listingView(row: ListingRow) {
  return { shopId: row.shopId, sku: row.sku, channel: row.channel, active: row.active, createdAt: row.createdAt.toISOString() };
}

/**
 * Starts selling a SKU in a shop: refused when the shop is unknown (SHOP_NOT_FOUND) or its
 * platform's new listings are paused (LISTING_PAUSED). Creating it, or turning an inactive one
 * back on, makes the first stock push due. `created` is false when it was already active.
 */
export async function createListing(ctx: RequestContext, input: { shopId: string; sku: string }) {
  const shop = await getShop(ctx, input.shopId);
  await assertListingAllowed(ctx, shop.channel);
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const { listing, started } = await repo.upsertActiveListing(tx, { tenantId: ctx.tenantId, shopId: shop.id, sku: input.sku, channel: shop.channel, at: now });
    if (started) await repo.markShopDue(tx, ctx.tenantId, shop.id, [input.sku], now);
    return { listing: listingView(listing), created: started };
  });
}

/**
 * The SKUs a channel already sells (seen in its orders) become listings if they are not yet:
 * one statement, in the caller's transaction, not subject to the listing pause. A listing turned
 * off by hand stays off. New listings are due for their first push. Returns how many were new.
 */
export async function ensureListings(ctx: RequestContext, items: SoldListing[]): Promise<number> {
  return repo.insertListingsIfAbsent(ctx.db, ctx.tenantId, items, ctx.clock.now());
}

/** ensureListings for a caller that writes it in a statement of its own: its CTEs, or null when there is nothing to list. */
export function ensureListingsCtes(ctx: RequestContext, items: SoldListing[]): CteParts | null {
  return items.length === 0 ? null : repo.listingsIfAbsentCtes(ctx.tenantId, items, ctx.clock.now());
}

export async function listListings(ctx: RequestContext, filter: { shopId?: string; sku?: string; active?: boolean; cursor?: string; limit: number }) {
  const after = filter.cursor ? decodeCursor(filter.cursor) : undefined;
  const rows = await repo.listListings(ctx.db, ctx.tenantId, { ...filter, after, limit: filter.limit + 1 });
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return { items: page.map(listingView), nextCursor: rows.length > filter.limit && last ? encodeCursor(last.shopId, last.sku) : null };
}

/** Stops syncing a SKU to a shop; what the channel shows is left as last pushed. */
export async function deactivateListing(ctx: RequestContext, shopId: string, sku: string) {
  const row = await ctx.db.transaction((tx) => repo.deactivateListing(tx, ctx.tenantId, shopId, sku, ctx.clock.now()));
  if (!row) throw new AppError('LISTING_NOT_FOUND', `${sku} is not listed in shop ${shopId}`);
  return listingView(row);
}

function encodeCursor(shopId: string, sku: string): string {
  return Buffer.from(JSON.stringify([shopId, sku])).toString('base64url');
}

function decodeCursor(cursor: string): { shopId: string; sku: string } {
  try {
    const [shopId, sku] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof shopId !== 'string' || typeof sku !== 'string') throw new Error('bad cursor');
    return { shopId, sku };
  } catch {
    throw new AppError('VALIDATION_FAILED', 'cursor is not one this API returned', [{ path: 'cursor', message: 'invalid cursor' }]);
  }
}

// =============================================================================================
// Sync rules (库存同步规则)
// =============================================================================================

export function ruleView(row: RuleRow) {
  return {
    sku: row.sku === '*' ? null : row.sku,
    percent: row.percent,
    plus: row.plus,
    minQty: row.minQty,
    maxQty: row.maxQty,
    warehouseCodes: row.warehouseCodes,
    fixedQuota: row.fixedQuota,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Sets the shop's rule (sku null) or one SKU's override, replacing what was there. Refused for an
 * unknown shop or warehouse. The shop's affected listings are due at once.
 */
export async function putRule(ctx: RequestContext, shopId: string, sku: string | null, input: StockRuleInput) {
  await getShop(ctx, shopId);
  if (input.warehouseCodes) {
    const known = new Set((await listWarehouses(ctx)).map((w) => w.code));
    const unknown = input.warehouseCodes.filter((code) => !known.has(code));
    if (unknown.length > 0) {
      throw new AppError('WAREHOUSE_NOT_FOUND', `no warehouse ${unknown.join(', ')}`, unknown.map((code) => ({ path: 'warehouseCodes', message: `no warehouse ${code}` })));
    }
  }
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const row = await repo.upsertRule(tx, {
      tenantId: ctx.tenantId, shopId, sku: sku ?? '*', percent: input.percent, plus: input.plus, minQty: input.minQty,
      maxQty: input.maxQty, warehouseCodes: input.warehouseCodes, fixedQuota: input.fixedQuota, updatedAt: now,
    });
    await repo.markShopDue(tx, ctx.tenantId, shopId, sku === null ? null : [sku], now);
    return ruleView(row);
  });
}

/** The shop's rule (the default when it has none) and its per-SKU overrides. */
export async function rulesOfShop(ctx: RequestContext, shopId: string) {
  await getShop(ctx, shopId);
  const rows = await repo.rulesOf(ctx.db, ctx.tenantId, shopId, null);
  const shopRule = rows.find((r) => r.sku === '*');
  return {
    shopId,
    shopRule: shopRule ? ruleView(shopRule) : { ...defaultRule, sku: null, updatedAt: null, isDefault: true },
    overrides: rows.filter((r) => r.sku !== '*').map(ruleView),
  };
}

/** Removes the shop's rule (sku null: back to the default) or one SKU's override. */
export async function deleteRule(ctx: RequestContext, shopId: string, sku: string | null) {
  await getShop(ctx, shopId);
  const now = ctx.clock.now();
  const removed = await ctx.db.transaction(async (tx) => {
    const gone = await repo.deleteRule(tx, ctx.tenantId, shopId, sku ?? '*');
    if (gone) await repo.markShopDue(tx, ctx.tenantId, shopId, sku === null ? null : [sku], now);
    return gone;
  });
  if (!removed) throw new AppError('NOT_FOUND', sku === null ? `shop ${shopId} has no stock rule of its own` : `shop ${shopId} has no stock rule for ${sku}`);
}

// =============================================================================================
// Push status
// =============================================================================================

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
  const after = filter.cursor ? decodeCursor(filter.cursor) : undefined;
  const rows = await repo.listPushes(ctx.db, ctx.tenantId, { ...filter, after, limit: filter.limit + 1 });
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  const now = ctx.clock.now();
  return { items: page.map((r) => pushView(r, now)), nextCursor: rows.length > filter.limit && last ? encodeCursor(last.shopId, last.sku) : null };
}

// =============================================================================================
// Sending (库存回传)
// =============================================================================================

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
  const inactiveByTenant = new Map<string, Promise<Set<string>>>();
  const inactiveOf = (ctx: RequestContext) => {
    let found = inactiveByTenant.get(ctx.tenantId);
    if (!found) inactiveByTenant.set(ctx.tenantId, (found = inactiveWarehouses(ctx)));
    return found;
  };
  return (await mapPooled([...plans.values()], settings.concurrency, (plan) => pushShop(deps, settings, plan, inactiveOf))).flat();
}

async function pushShop(deps: StockSyncDeps, settings: StockSyncSettings, plan: ShopPlan, inactiveOf: (ctx: RequestContext) => Promise<Set<string>>): Promise<PushReport[]> {
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
        stockOf(ctx, [claim.sku], await inactiveOf(ctx)),
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
