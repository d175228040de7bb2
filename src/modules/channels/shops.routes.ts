import { ctxFor, type Api } from '../../api/http.ts';
import { shopCreate, shopIdParam, shopPatch } from './shops.input.ts';
import * as shops from './shops.service.ts';

export function shopRoutes(app: Api): void {
  app.post('/api/v1/shops', {
    schema: { tags: ['shops'], summary: 'Register a marketplace shop and its credentials (secrets are encrypted and never returned)', body: shopCreate },
  }, async (req, reply) => {
    const ctx = ctxFor(req, 'admin');
    return reply.code(201).send(await shops.createShop(ctx, app.secrets, req.body));
  });

  app.get('/api/v1/shops', { schema: { tags: ['shops'], summary: 'List the tenant’s shops' } }, async (req) => {
    const ctx = ctxFor(req, 'admin', 'ops');
    return { items: await shops.listShops(ctx) };
  });

  app.get('/api/v1/shops/:id', { schema: { tags: ['shops'], summary: 'One shop', params: shopIdParam } }, async (req) => {
    const ctx = ctxFor(req, 'admin', 'ops');
    return shops.getShop(ctx, req.params.id);
  });

  app.patch('/api/v1/shops/:id', {
    schema: { tags: ['shops'], summary: 'Change a shop: name, credentials, gateway, active', params: shopIdParam, body: shopPatch },
  }, async (req) => {
    const ctx = ctxFor(req, 'admin');
    return shops.updateShop(ctx, app.secrets, req.params.id, req.body);
  });
}
