import type { RequestContext } from '../platform/context.ts';
import { AppError } from '../platform/errors.ts';
import type { SecretBox } from '../platform/secrets.ts';
import { recordSnapshot } from '../modules/inventory/reconciliation.service.ts';
import { everyLevel } from '../modules/inventory/stock.service.ts';
import { wmsLinkOf } from '../modules/warehouses/warehouses.service.ts';
import { adapterFor } from '../modules/wms/wms.adapters.ts';

/** Every SKU the book keeps at a warehouse. */
async function skusAt(ctx: RequestContext, warehouseCode: string): Promise<string[]> {
  const skus: string[] = [];
  for await (const level of everyLevel(ctx, warehouseCode)) skus.push(level.sku);
  return skus;
}

/**
 * WMS inventory queries (库存查询): asks a warehouse's WMS what it holds of every SKU the book keeps there (Qimen
 * `inventory.query`, or the JSON inventory call) and records it as a `wms_query` snapshot, which
 * reconciliation compares with the book. Null for a warehouse without a WMS link; a warehouse that
 * does not exist is WAREHOUSE_NOT_FOUND.
 */
export async function snapshotFromWms(ctx: RequestContext, box: SecretBox, warehouseCode: string) {
  const link = await wmsLinkOf(ctx, box, warehouseCode);
  if (!link) return null;
  const takenAt = ctx.clock.now();
  const skus = await skusAt(ctx, warehouseCode);
  const adapter = adapterFor(link, ctx.clock);
  let answer = await adapter.queryInventory(warehouseCode, link.timeZone, skus);
  // A busy WMS is asked twice more, a second apart, before the day goes without a fresh count.
  for (let tries = 1; answer.kind === 'failed' && tries < 3; tries++) {
    await new Promise((r) => setTimeout(r, 1_000));
    answer = await adapter.queryInventory(warehouseCode, link.timeZone, skus);
  }
  if (answer.kind === 'failed') throw new AppError('WMS_UNAVAILABLE', `the WMS of ${warehouseCode} did not say what it holds: ${answer.reason}`);
  return recordSnapshot(ctx, { warehouseCode, source: 'wms_query', takenAt, lines: answer.lines });
}

/** The same, asked for by a person: a warehouse without a WMS link is a 409. */
export async function snapshotFromWmsByHand(ctx: RequestContext, box: SecretBox, warehouseCode: string) {
  const snapshot = await snapshotFromWms(ctx, box, warehouseCode);
  if (!snapshot) throw new AppError('WAREHOUSE_NOT_LINKED', `warehouse ${warehouseCode} has no WMS link to ask`);
  return snapshot;
}
