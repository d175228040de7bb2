import type { RequestContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { getShop } from '../channels/shops.service.ts';
import { listWarehouses } from '../warehouses/warehouses.service.ts';
import * as inventory from './inventory.repository.ts';
import * as repo from './stock-sync.repository.ts';
import type { RuleRow } from './stock-sync.repository.ts';
import type { StockRuleInput } from './stock-sync.input.ts';
import { channelQuantity, defaultRule, effectiveRule, ruleOf, type WarehouseStock } from './stock-sync.rules.ts';

// Sync rules (库存同步规则): each shop's rule, and the book its quantities are worked out from.

/**
 * The book for these SKUs at the active warehouses only: stock at an inactive warehouse, or at a
 * code no warehouse has, is offered to no channel. All reads through the inventory repository.
 */
export async function stockOf(ctx: RequestContext, skus: string[], active: ReadonlySet<string>) {
  const [levels, safety] = await Promise.all([
    inventory.listLevels(ctx.db, ctx.tenantId, { skus, limit: 100_000 }),
    inventory.skuSafetyStocks(ctx.db, ctx.tenantId, skus),
  ]);
  const bySku = new Map<string, WarehouseStock[]>();
  for (const l of levels) {
    if (!active.has(l.warehouseCode)) continue;
    bySku.set(l.sku, [...(bySku.get(l.sku) ?? []), { warehouseCode: l.warehouseCode, onHand: l.onHand, reserved: l.reserved, safetyStock: l.safetyStock }]);
  }
  return (sku: string) => ({ levels: bySku.get(sku) ?? [], skuSafety: safety.get(sku) ?? 0 });
}

/** The codes of the active warehouses: those whose stock channels are offered. */
export async function activeWarehouseCodes(ctx: RequestContext): Promise<Set<string>> {
  return new Set((await listWarehouses(ctx)).filter((w) => w.active).map((w) => w.code));
}

/** What each listed shop would be told for a SKU right now (for the API and for checking a rule). */
export async function previewQuantities(ctx: RequestContext, sku: string) {
  const listings = await repo.listListings(ctx.db, ctx.tenantId, { sku, active: true, limit: 1000 });
  const book = (await stockOf(ctx, [sku], await activeWarehouseCodes(ctx)))(sku);
  const items = [];
  for (const listing of listings) {
    const rules = await repo.rulesOf(ctx.db, ctx.tenantId, listing.shopId, [sku]);
    items.push({ shopId: listing.shopId, channel: listing.channel, ...channelQuantity(book.levels, book.skuSafety, effectiveRule(rules, sku)) });
  }
  return { sku, items };
}

export function ruleView(row: RuleRow) {
  return { sku: row.sku === '*' ? null : row.sku, ...ruleOf(row), updatedAt: row.updatedAt.toISOString() };
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
