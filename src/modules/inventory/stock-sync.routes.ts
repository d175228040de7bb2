import { ctxFor, stockReaders as readers, type Api } from '../../api/http.ts';
import {
  listingCreate, listingParams, listingsQuery, pushesQuery, quantitiesQuery, shopRuleParams, skuRuleParams, stockRuleInput,
} from './stock-sync.input.ts';
import * as listings from './stock-listings.service.ts';
import * as pushes from './stock-pushes.service.ts';
import * as rules from './stock-rules.service.ts';


/** Listings, stock sync rules and push status: how much of the stock each shop is told it may sell. */
export function stockSyncRoutes(app: Api): void {
  app.post('/api/v1/listings', {
    schema: { tags: ['stock sync'], summary: 'Sell a SKU in a shop (上架): its stock is pushed there from now on; refused while the platform’s new listings are paused', body: listingCreate },
  }, async (req, reply) => {
    const { listing, created } = await listings.createListing(ctxFor(req, 'admin', 'ops'), req.body);
    return reply.code(created ? 201 : 200).send(listing);
  });

  app.get('/api/v1/listings', {
    schema: { tags: ['stock sync'], summary: 'Which SKU is sold in which shop', querystring: listingsQuery },
  }, async (req) => listings.listListings(ctxFor(req, ...readers), req.query));

  app.delete('/api/v1/listings/:shopId/:sku', {
    schema: { tags: ['stock sync'], summary: 'Stop syncing a SKU to a shop (the channel keeps the figure last pushed)', params: listingParams },
  }, async (req) => listings.deactivateListing(ctxFor(req, 'admin', 'ops'), req.params.shopId, req.params.sku));

  app.get('/api/v1/shops/:shopId/stock-rules', {
    schema: { tags: ['stock sync'], summary: 'A shop’s stock sync rule and its per-SKU overrides', params: shopRuleParams },
  }, async (req) => rules.rulesOfShop(ctxFor(req, ...readers), req.params.shopId));

  app.put('/api/v1/shops/:shopId/stock-rules', {
    schema: { tags: ['stock sync'], summary: 'Set a shop’s stock sync rule (库存同步规则); its listings are pushed again', params: shopRuleParams, body: stockRuleInput },
  }, async (req) => rules.putRule(ctxFor(req, 'admin', 'ops'), req.params.shopId, null, req.body));

  app.delete('/api/v1/shops/:shopId/stock-rules', {
    schema: { tags: ['stock sync'], summary: 'Remove a shop’s own rule: it sells everything available again', params: shopRuleParams },
  }, async (req, reply) => {
    await rules.deleteRule(ctxFor(req, 'admin', 'ops'), req.params.shopId, null);
    return reply.code(204).send();
  });

  app.put('/api/v1/shops/:shopId/stock-rules/:sku', {
    schema: { tags: ['stock sync'], summary: 'Set one SKU’s rule in a shop, overriding the shop’s rule', params: skuRuleParams, body: stockRuleInput },
  }, async (req) => rules.putRule(ctxFor(req, 'admin', 'ops'), req.params.shopId, req.params.sku, req.body));

  app.delete('/api/v1/shops/:shopId/stock-rules/:sku', {
    schema: { tags: ['stock sync'], summary: 'Remove one SKU’s override: the shop’s rule applies again', params: skuRuleParams },
  }, async (req, reply) => {
    await rules.deleteRule(ctxFor(req, 'admin', 'ops'), req.params.shopId, req.params.sku);
    return reply.code(204).send();
  });

  app.get('/api/v1/inventory/stock-pushes', {
    schema: { tags: ['stock sync'], summary: 'Stock pushes per shop and SKU: what was pushed last and when, what is due, what is failing', querystring: pushesQuery },
  }, async (req) => pushes.listPushes(ctxFor(req, ...readers), req.query));

  app.get('/api/v1/inventory/channel-quantities', {
    schema: { tags: ['stock sync'], summary: 'What each shop listing a SKU would be told it may sell right now, and why', querystring: quantitiesQuery },
  }, async (req) => rules.previewQuantities(ctxFor(req, ...readers), req.query.sku));
}
