import { allRoles, ctxFor, stockReaders, type Api } from '../../api/http.ts';
import { adjustmentInput, levelsQuery, movementsQuery, receiptInput, reservationsQuery, safetyStockInput, skuParams } from './inventory.input.ts';
import { settingsFor, settingsPatch, updateSettings } from './inventory.settings.ts';
import { listReservations } from './reservations.service.ts';
import * as stock from './stock.service.ts';

export function inventoryRoutes(app: Api): void {
  app.get('/api/v1/inventory/levels', {
    schema: { tags: ['inventory'], summary: 'Stock per SKU and warehouse: on hand, reserved, available, safety stock', querystring: levelsQuery },
  }, async (req) => {
    const { cursor, ...filter } = req.query;
    return stock.listLevels(ctxFor(req, ...allRoles), { ...filter, after: cursor ? stock.decodeLevelCursor(cursor) : undefined });
  });

  app.get('/api/v1/inventory/movements', {
    schema: { tags: ['inventory'], summary: 'The stock ledger (库存流水), newest first', querystring: movementsQuery },
  }, async (req) => {
    const { before, ...filter } = req.query;
    return stock.listMovements(ctxFor(req, ...stockReaders), { ...filter, beforeId: before });
  });

  app.get('/api/v1/inventory/reservations', {
    schema: { tags: ['inventory'], summary: 'Reservations (占用), newest first', querystring: reservationsQuery },
  }, async (req) => {
    const { before, ...filter } = req.query;
    return listReservations(ctxFor(req, ...stockReaders), { ...filter, beforeId: before });
  });

  app.post('/api/v1/inventory/receipts', {
    schema: { tags: ['inventory'], summary: 'Record goods received (入库) into a warehouse', body: receiptInput },
  }, async (req, reply) => {
    const ctx = ctxFor(req, 'admin', 'ops');
    const { warehouseCode, lines, reason, reference } = req.body;
    const levels = await stock.changeStock(ctx, lines.map((l) => ({ ...l, warehouseCode })), { kind: 'receipt', reason, reference });
    return reply.code(201).send({ items: levels.map((l) => stock.levelView(l)) });
  });

  app.post('/api/v1/inventory/adjustments', {
    schema: { tags: ['inventory'], summary: 'Adjust on-hand stock by hand (damage, loss, found), with a reason', body: adjustmentInput },
  }, async (req, reply) => {
    const ctx = ctxFor(req, 'admin', 'ops');
    const { warehouseCode, sku, delta, reason, reference } = req.body;
    const [level] = await stock.changeStock(ctx, [{ sku, warehouseCode, quantity: delta }], { kind: 'adjustment', reason, reference });
    return reply.code(201).send(stock.levelView(level!));
  });

  app.put('/api/v1/inventory/skus/:sku/safety-stock', {
    schema: { tags: ['inventory'], summary: 'Set a SKU’s safety stock (安全库存), or one warehouse’s override', params: skuParams, body: safetyStockInput },
  }, async (req) => {
    const ctx = ctxFor(req, 'admin', 'ops');
    await stock.setSafetyStock(ctx, req.params.sku, req.body.safetyStock, req.body.warehouseCode);
    return stock.listLevels(ctx, { sku: req.params.sku, limit: 500 });
  });

  app.get('/api/v1/inventory/settings', { schema: { tags: ['inventory'], summary: 'Inventory settings of the tenant' } }, async (req) =>
    settingsFor(ctxFor(req, ...allRoles)),
  );

  app.patch('/api/v1/inventory/settings', {
    schema: { tags: ['inventory'], summary: 'Change inventory settings: shortage policy, reservation lifetimes, SLA, reconciliation, scorecard', body: settingsPatch },
  }, async (req) => updateSettings(ctxFor(req, 'admin'), req.body));
}
