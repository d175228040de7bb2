import { CATALOGUE } from '../../sandbox/common/catalogue.ts';
import type { RequestContext } from '../platform/context.ts';
import { changeStock, setSafetyStock } from '../modules/inventory/stock.service.ts';
import { listLevels } from '../modules/inventory/stock.service.ts';
import { demoProducts } from './demo.generator.ts';

/**
 * Stock for the demo tenant, set up once in its four warehouses (demo.warehouses): every SKU the demo and the sandbox
 * marketplaces sell, and a few SKUs kept short so out-of-stock orders and the safety-stock cut
 * show up within minutes of `npm start`.
 */
export async function stockDemo(ctx: RequestContext): Promise<void> {
  if ((await levelsOf(ctx)).length > 0) return;
  const skus = [...new Set([...demoProducts.map((p) => p.sku), ...CATALOGUE.flatMap((p) => p.skus.map((s) => s.outSkuId))])].sort();
  // Every fifth SKU is scarce: it sells out during a demo session.
  const units = (i: number) => (i % 5 === 0 ? 12 : 400);
  await changeStock(ctx, skus.map((sku, i) => ({ sku, warehouseCode: 'HZ01', quantity: units(i) })), { kind: 'receipt', reason: 'demo opening stock', reference: 'DEMO-ASN-1' });
  await changeStock(ctx, skus.map((sku) => ({ sku, warehouseCode: 'GZ01', quantity: 60 })), { kind: 'receipt', reason: 'demo opening stock', reference: 'DEMO-ASN-2' });
  await changeStock(ctx, skus.map((sku) => ({ sku, warehouseCode: 'TJ01', quantity: 80 })), { kind: 'receipt', reason: 'demo opening stock', reference: 'DEMO-ASN-3' });
  await changeStock(ctx, skus.map((sku) => ({ sku, warehouseCode: 'US-LA1', quantity: 30 })), { kind: 'receipt', reason: 'demo opening stock', reference: 'DEMO-ASN-4' });
  for (const [i, sku] of skus.entries()) if (i % 5 === 0) await setSafetyStock(ctx, sku, 5);
}

const levelsOf = async (ctx: RequestContext) => (await listLevels(ctx, { limit: 1 })).items;
