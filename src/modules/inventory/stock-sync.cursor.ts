import { decodeCursor } from '../../platform/paging.ts';

/** The page cursor of listings and pushes: the last row's shop and SKU (made with encodeCursor([shopId, sku])). */
export function shopSkuAfter(cursor: string | undefined): { shopId: string; sku: string } | undefined {
  if (!cursor) return undefined;
  const [shopId, sku] = decodeCursor(cursor, 2);
  return { shopId: shopId!, sku: sku! };
}
