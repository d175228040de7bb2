import { allRoles, ctxFor, type Api } from '../../api/http.ts';
import { warehouseCreate, warehouseParams, warehousePatch } from './warehouses.input.ts';
import * as warehouses from './warehouses.service.ts';

export function warehouseRoutes(app: Api): void {
  app.post('/api/v1/warehouses', {
    schema: { tags: ['warehouses'], summary: 'Add a warehouse', body: warehouseCreate },
  }, async (req, reply) => reply.code(201).send(await warehouses.createWarehouse(ctxFor(req, 'admin'), req.body, app.secrets)));

  app.get('/api/v1/warehouses', { schema: { tags: ['warehouses'], summary: 'List warehouses, preferred first' } }, async (req) => ({
    items: await warehouses.listWarehouses(ctxFor(req, ...allRoles)),
  }));

  app.get('/api/v1/warehouses/:code', { schema: { tags: ['warehouses'], summary: 'One warehouse', params: warehouseParams } }, async (req) =>
    warehouses.getWarehouse(ctxFor(req, ...allRoles), req.params.code),
  );

  app.patch('/api/v1/warehouses/:code', {
    schema: { tags: ['warehouses'], summary: 'Change a warehouse (name, zone, priority, location, coverage, capacity, cut-off, WMS link, active, default)', params: warehouseParams, body: warehousePatch },
  }, async (req) => warehouses.updateWarehouse(ctxFor(req, 'admin'), req.params.code, req.body, app.secrets));
}
