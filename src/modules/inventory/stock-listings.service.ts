import type { CteParts } from '../../platform/db/index.ts';
import type { RequestContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { getShop } from '../channels/shops.service.ts';
import { assertListingAllowed } from './listing-pauses.service.ts';
import { encodeCursor, pageOf, pageProbe } from '../../platform/paging.ts';
import { shopSkuAfter } from './stock-sync.cursor.ts';
import * as repo from './stock-sync.repository.ts';
import type { ListingRow, SoldListing } from './stock-sync.repository.ts';

export type { SoldListing };

// Listings (商品上架): which SKU is sold in which shop.

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
  const rows = await repo.listListings(ctx.db, ctx.tenantId, { ...filter, after: shopSkuAfter(filter.cursor), limit: pageProbe(filter.limit) });
  const page = pageOf(rows, filter.limit, (last) => encodeCursor([last.shopId, last.sku]));
  return { items: page.rows.map(listingView), nextCursor: page.next };
}

/** Stops syncing a SKU to a shop; what the channel shows is left as last pushed. */
export async function deactivateListing(ctx: RequestContext, shopId: string, sku: string) {
  const row = await ctx.db.transaction((tx) => repo.deactivateListing(tx, ctx.tenantId, shopId, sku, ctx.clock.now()));
  if (!row) throw new AppError('LISTING_NOT_FOUND', `${sku} is not listed in shop ${shopId}`);
  return listingView(row);
}
