import { z } from 'zod';
import { allRoles, ctxFor, type Api } from '../../api/http.ts';
import { str, text } from '../../platform/validation.ts';
import { acknowledgeAlert, openAlerts } from './alerts.service.ts';
import { getDelivery, listDeliveries } from './delivery-orders.service.ts';
import { deliveryStatuses } from './delivery-orders.lifecycle.ts';

export const deliveryCodeParams = z.object({ code: str().min(1).max(80) });

export const manualShipment = z
  .object({ carrier: text(40).describe('carrier code, e.g. SF or ZTO'), trackingNo: text(64) })
  .strict()
  .meta({ examples: [{ carrier: 'SF', trackingNo: 'SF1234567890' }] });

const deliveryQuery = z.object({
  status: z.enum(deliveryStatuses).optional().describe('e.g. failed or rejected: the pushes that need a person'),
  orderId: str().max(64).optional(),
  warehouseCode: str().max(40).optional(),
  before: str().max(80).optional().describe('the nextBefore of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export function fulfillmentRoutes(app: Api): void {
  app.get('/api/v1/delivery-orders', {
    schema: { tags: ['fulfillment'], summary: 'Delivery orders, newest first, with their routing decision and push state', querystring: deliveryQuery },
  }, async (req) => listDeliveries(ctxFor(req, ...allRoles), req.query));

  app.get('/api/v1/delivery-orders/:code', {
    schema: { tags: ['fulfillment'], summary: 'One delivery order: lines, routing decision (warehouses ranked and dropped, with reasons), attempts, WMS answer', params: deliveryCodeParams },
  }, async (req) => getDelivery(ctxFor(req, ...allRoles), req.params.code));

  app.get('/api/v1/alerts', {
    schema: { tags: ['fulfillment'], summary: 'Open alerts (e.g. delivery orders no retry got to their WMS), newest first' },
  }, async (req) => ({ items: await openAlerts(ctxFor(req, ...allRoles)) }));

  app.post('/api/v1/alerts/:id/acknowledge', {
    schema: { tags: ['fulfillment'], summary: 'Acknowledge an alert', params: z.object({ id: str().min(1).max(64) }) },
  }, async (req) => acknowledgeAlert(ctxFor(req, 'admin', 'ops', 'supervisor'), req.params.id));
}
